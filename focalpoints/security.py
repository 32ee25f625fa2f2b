"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, abort, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

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


class SecureCookieOverHttps(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )


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

        return response
