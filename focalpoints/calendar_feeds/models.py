"""Personal calendar links, stored as hashes like API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.auth.models import User
from focalpoints.db_types import UTCDateTime, utcnow
from focalpoints.extensions import db


class CalendarFeed(Audited, db.Model):
    """A secret address from which a calendar application reads what its user may see.

    The link is bound to what it was made for: one country's working group and reports, or
    (``country_id`` empty) every country for the Secretariat. It stops working if the user no
    longer has that view.
    """

    __tablename__ = "calendar_feeds"
    __audit_secret__ = frozenset({"token_hash"})
    __audit_ignore__ = frozenset({"last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id", ondelete="RESTRICT"))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def audit_country_id(self) -> int | None:
        # A personal link, not a record of the country: it stays out of the country's history.
        return None

    def __repr__(self) -> str:
        return f"<CalendarFeed {self.id} {self.prefix}…>"
