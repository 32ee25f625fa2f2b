"""Creating, checking and revoking API tokens."""

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
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active user behind an active token, recording its use; None otherwise."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if record is None or not record.is_active or not record.user.active:
        return None
    user_id, token_id = record.user_id, record.id
    db.session.commit()  # end the read before writing: a GET takes no write lock at its start
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
    )
    db.session.commit()
    return db.session.get(User, user_id)


def revoke(token: ApiToken) -> None:
    """Stop a token from working."""
    token.revoked_at = utcnow()
    db.session.commit()
