"""Translated error pages."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from focalpoints.audit import record_event
from focalpoints.extensions import db

logger = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not give access to this page.")),
    404: (_l("Page not found"), _l("There is no page at this address.")),
    405: (_l("Not allowed"), _l("This address does not accept this kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than allowed.")),
    429: (
        _l("Too many requests"),
        _l("Too many attempts in a short time. Wait a few minutes and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. It has been logged; please try again later."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The service cannot save or read data right now. Please try again in a few minutes."),
    ),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    """Render the translated page for an HTTP error code."""
    title, message = MESSAGES.get(code) or MESSAGES[400 if code < 500 else 500]
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
        # No URL can be built for an untrusted host, so no page with links: plain text.
        return str(MESSAGES[400][1]), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            str(
                _l(
                    "The form had expired or was sent from elsewhere. "
                    "Reload the page and try again."
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        if error.code == 403:  # a refused access is a security event
            db.session.rollback()
            record_event(
                db.session,
                "refused",
                "requests",
                details={"path": request.path[:200], "method": request.method},
            )
            db.session.commit()
        return render_error(error.code)

    @app.errorhandler(DataError)
    def data_error(error: DataError) -> tuple[str, int]:
        # A value the database cannot store (out of range, malformed): the request was bad.
        logger.warning("Refused by the database: %s", error.orig)
        db.session.rollback()
        return render_error(400)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError) -> tuple[str, int]:
        logger.exception("Database unavailable")
        db.session.rollback()
        return render_error(503)

    @app.errorhandler(500)
    def internal_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        return render_error(500)
