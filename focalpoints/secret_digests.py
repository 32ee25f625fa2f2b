"""How secrets handed to users are stored: as their SHA-256 digest, never as themselves.

Session ids, API tokens and calendar links are 256 random bits each, so a fast hash is enough:
no dictionary can guess them, and a leaked table gives no access.
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """A fresh secret of 256 random bits, URL-safe, after ``prefix`` (which says what it opens)."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored of ``secret``, and looked up when it is presented."""
    return hashlib.sha256(secret.encode()).hexdigest()
