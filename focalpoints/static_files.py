"""Static files named with a digest of their content, which browsers may keep for a year.

Every page links the same stylesheets, scripts and icon. With Flask's default (no lifetime) a
browser asks for each of them again on every page, a conditional request each: six round trips
a page before it is ready, slow on a distant government network. Here ``url_for('static', ...)``
adds ``?v=`` and the first 12 hex digits of the file's SHA-256, and a request that names the
current digest is answered with a year's lifetime: a changed file gets a new address, so no
browser keeps an old copy. A request without the digest, or with an old one, gets Flask's
default, as before.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, has_request_context, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    digests: dict[tuple[str, int, int], str] = {}

    def digest(filename: str) -> str | None:
        """The file's digest, read again whenever its size or modification time changes."""
        if not app.static_folder or not filename:
            return None
        path = safe_join(app.static_folder, filename)  # never a file outside the folder
        if path is None or not os.path.isfile(path):
            return None
        stat = os.stat(path)
        key = (filename, stat.st_mtime_ns, stat.st_size)
        if key not in digests:
            with open(path, "rb") as file:
                digests[key] = hashlib.sha256(file.read()).hexdigest()[:12]
        return digests[key]

    @app.url_defaults
    def add_digest(endpoint: str | None, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values:
            version = digest(values.get("filename") or "")
            if version:
                values["v"] = version

    default_max_age = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        wanted = request.args.get("v") if has_request_context() else None
        if filename and wanted and wanted == digest(filename):
            return YEAR
        return default_max_age(filename)

    app.get_send_file_max_age = max_age  # type: ignore[method-assign]
