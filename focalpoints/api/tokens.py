"""Creating, checking and revoking API tokens (the view that calls them commits)."""

from __future__ import annotations

from sqlalchemy import select, update

from focalpoints.api.models import ApiToken
from focalpoints.auth.models import User
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.secret_digests import digest, new_secret

PREFIX = "fp_"


def create_token(user: User, name: str) -> str:
    """Create a token for ``user``; the clear value is returned once and never stored."""
    token = new_secret(PREFIX)
    db.session.add(ApiToken(name=name, prefix=token[:10], token_hash=digest(token), user=user))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user behind an active token, recording its use; None otherwise."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if record is None or not record.is_active or not record.user.active:
        return None
    # In its own short transaction, as a session's last use is: the API's GETs hold no write
    # lock (see database.py), and the use is recorded whatever the request does next.
    with db.engine.begin() as connection:
        connection.execute(
            update(ApiToken).where(ApiToken.id == record.id).values(last_used_at=utcnow())
        )
    return record.user


def revoke(token: ApiToken) -> None:
    """Stop a token from working."""
    token.revoked_at = utcnow()
    db.session.flush()
