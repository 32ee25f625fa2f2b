"""Security headers on every response, and no caching of what a signed-in user sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])

# No inline script or style anywhere: every asset is a local file.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def without_session(view: F) -> F:
    """Mark a view read by programs that keep no session (calendar feeds): its responses, error
    pages included, never set, renew or clear the session cookie."""
    view.without_session = True  # type: ignore[attr-defined]
    return view


def public_page(view: F) -> F:
    """Mark a view that everyone may read and caches may keep (the public directory): it sets
    no cookie, reads no session or user, and takes its language from ``?lang=`` or the
    browser's Accept-Language alone, so that its response is the same for every reader."""
    view.public_page = True  # type: ignore[attr-defined]
    return without_session(view)


def is_public_page() -> bool:
    """Whether the current request is for a view marked with :func:`public_page`."""
    if not has_request_context() or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "public_page", False))


class SecureCookieOverHttps(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "without_session", False):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Refuse NUL bytes anywhere in a request; add the headers, and HSTS over HTTPS."""
    app.session_interface = SecureCookieOverHttps()

    @app.before_request
    def refuse_nul_bytes() -> None:
        # No text field or code of ours can hold a NUL, and PostgreSQL refuses it outright.
        values = [request.path, *request.args.values()]
        if request.form:
            values.extend(request.form.values())
        if any("\x00" in value for value in values):
            abort(400)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # What a signed-in user sees stays out of browser and proxy caches, unless the view
        # chose its own caching. The user as Flask-Login loaded it (if the request needed it):
        # loading it here would cost every static file a query.
        user = g.get("_login_user")
        if user is not None and user.is_authenticated:
            headers.setdefault("Cache-Control", "no-store")

        return response
