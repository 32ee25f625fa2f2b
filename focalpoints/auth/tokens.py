"""Signed, expiring, single-use links for invitations and password resets."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from focalpoints.auth.models import User
from focalpoints.extensions import db

INVITATION = "invitation"
# The name of a token purpose, not a password.
PASSWORD_RESET = "password-reset"  # noqa: S105  # nosec B105
_MAX_AGE_SETTING = {
    INVITATION: "INVITATION_MAX_AGE_SECONDS",
    PASSWORD_RESET: "PASSWORD_RESET_MAX_AGE_SECONDS",
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"focalpoints-{purpose}")


def _fingerprint(user: User) -> str:
    # Changes when the password or the session generation changes, so a used link dies with it.
    material = f"{user.password_hash or ''}|{user.session_token}".encode()
    return hashlib.sha256(material).hexdigest()[:24]


def make_token(user: User, purpose: str) -> str:
    """Return a signed token that lets ``user`` act once for ``purpose``."""
    return _serializer(purpose).dumps([user.id, _fingerprint(user)])


def load_token(token: str, purpose: str) -> User | None:
    """Return the user a valid, unexpired, unused token was made for, else None."""
    max_age = current_app.config[_MAX_AGE_SETTING[purpose]]
    try:
        user_id, fingerprint = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or _fingerprint(user) != fingerprint:
        return None
    return user
