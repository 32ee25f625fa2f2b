"""API tokens: stored as hashes, revocable, with their last use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.auth.models import User
from focalpoints.db_types import UTCDateTime, utcnow
from focalpoints.extensions import db


class ApiToken(Audited, db.Model):
    """A token that reads the API with the rights of the user who created it."""

    __tablename__ = "api_tokens"
    __audit_secret__ = frozenset({"token_hash"})
    __audit_ignore__ = frozenset({"last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
