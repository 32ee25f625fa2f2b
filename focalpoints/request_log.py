"""Structured request logs: one JSON line per request, with a request id."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, request
from werkzeug.wrappers import Response

logger = logging.getLogger("focalpoints.request")
_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Paths whose last part is a secret: a calendar link's token, an invitation or reset link, a
# focal point's personal link.
_SECRET_PATH = re.compile(r"^(/calendar/|/invitation/|/password/reset/|/respond/)[^/]+")


def init_app(app: Flask) -> None:
    """Give each request an id (the proxy's X-Request-ID if sane) and log it when done."""

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = getattr(g, "request_id", None)
        if request_id:
            response.headers["X-Request-ID"] = request_id
            logger.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "method": request.method,
                        "path": logged_path(request.path),
                        "status": response.status_code,
                        "ms": round(1000 * (time.perf_counter() - g.request_started), 1),
                        "remote_addr": request.remote_addr,
                    }
                )
            )
        return response

    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # One proxy in front: trust its X-Forwarded-For/-Proto/-Host, nothing more.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]


def logged_path(path: str) -> str:
    """The path as logged: the secret of a link replaced, so that logs hand out no access."""
    return _SECRET_PATH.sub(r"\1[redacted]", path)
