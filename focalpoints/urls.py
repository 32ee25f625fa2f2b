"""Where to send users (their home page, and only ever inside the site), and absolute links."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter, Map

# Links built without BASE_URL, outside production only: the development server's address.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000/"


# The largest id a column can hold: INTEGER is 32 bits on PostgreSQL (SQLite's are 64).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: no larger than a database integer, so a huge id is a 404
    rather than an overflow in the database driver (a server error)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 or c.isspace() for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def home_url(user: Any) -> str:
    """National users land on their country; the Secretariat and admins on the country list."""
    if user.country is not None:
        return url_for("countries.detail", code=user.country.iso2)
    return url_for("countries.index")


def is_web_address(value: str | None) -> bool:
    """Whether ``value`` is an http or https address: the only links a record may hold.

    Anything else (javascript:, data:, file:, a scheme-relative //host) could run script or
    reach the reader's own machine when the link is followed from a page, an export or a vCard.
    """
    if not value or not isinstance(value, str) or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # an invalid IPv6 host, for one
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def web_address(value: str | None) -> str | None:
    """``value`` if it is an http or https address, else None (for stored values, shown)."""
    return value if is_web_address(value) else None


def base_url() -> str:
    """The start of every absolute link (mailed, printed or shown to copy), ending in "/".

    It is BASE_URL, never the request's Host header, which the client chooses: a forged host
    would otherwise put an attacker's site in a password-reset e-mail. Without BASE_URL (only
    outside production, see :func:`configure_base_url`): SERVER_NAME, else the development server.
    """
    config = current_app.config
    if config.get("BASE_URL"):
        return config["BASE_URL"].rstrip("/") + "/"
    if config.get("SERVER_NAME"):
        return f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}/"
    return DEVELOPMENT_BASE_URL


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` (a full endpoint name) on :func:`base_url`."""
    anchor = values.pop("_anchor", None)
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    current_app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    if anchor is not None:
        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
    return url


def absolute_url(path: str) -> str:
    """``path``, as url_for gives it, as an absolute address on :func:`base_url`."""
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    return base_url().rstrip("/") + path


def configure_base_url(app: Flask) -> None:
    """Check BASE_URL, refuse a production start without it, and trust only its host by default.

    Production is the app made for a WSGI server: neither DEBUG nor TESTING, and not Flask's
    command line (whose ``run`` is the development server of the quick start).
    """
    base = app.config.get("BASE_URL")
    if not base:
        from_cli = os.environ.get("FLASK_RUN_FROM_CLI") == "true"
        if not (app.debug or app.testing or from_cli):
            raise RuntimeError(
                "Set BASE_URL (FOCALPOINTS_BASE_URL), e.g. https://focalpoints.example.org: "
                "every link in e-mails starts with it."
            )
        return
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            f"BASE_URL must be an http or https address such as "
            f"https://focalpoints.example.org, not {base!r}."
        )
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = [parts.hostname]
