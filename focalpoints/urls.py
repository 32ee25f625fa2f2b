"""Where to send users: their home page, and only ever inside the site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import url_for


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
