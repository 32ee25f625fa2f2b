"""Personal links mailed to focal points, and the changes they propose to their records."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.auth.models import User
from focalpoints.db_types import UTCDateTime, utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person


class LinkPurpose(enum.StrEnum):
    """What a personal link opens."""

    CONFIRM = "confirm"  # the holder's own record, to confirm or correct
    CONSULT = "consult"  # a consultation on a position, to answer


class LinkOutcome(enum.StrEnum):
    """What the holder did with a link."""

    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    NO_LONGER = "no_longer"
    ANSWERED = "answered"


class ChangeKind(enum.StrEnum):
    CORRECTION = "correction"
    NO_LONGER = "no_longer"


class ChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PersonLink(Audited, db.Model):
    """A link mailed to one person: 256 random bits, of which only the digest is kept.

    It opens one thing (their record, or one consultation), until ``expires_at``, and acts once
    (``used_at``). ``sent_at`` is set once the mail has left: a link whose mail failed was never
    seen by anyone, and the next run makes a new one.
    """

    __tablename__ = "person_links"
    __table_args__ = (Index("ix_person_links_person_purpose", "person_id", "purpose"),)
    __audit_secret__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str] = mapped_column(String(500), default="")
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))

    person: Mapped[Person] = relationship()

    def is_open(self, now: datetime) -> bool:
        """Sent, not used and not expired."""
        return self.sent_at is not None and self.used_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<PersonLink {self.id} {self.purpose} person={self.person_id}>"


class PendingChange(Audited, db.Model):
    """A change a focal point proposed to their own record, for a coordinator to approve.

    ``proposed`` holds the new values of the fields they changed, ``previous`` what the record
    held when they proposed it; "no longer" names the appointments they say they no longer hold.
    """

    __tablename__ = "pending_changes"
    __table_args__ = (Index("ix_pending_changes_country_status", "country_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("person_links.id"))
    kind: Mapped[str] = mapped_column(String(20))
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    appointment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ChangeStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[Person] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING.value

    def __repr__(self) -> str:
        return f"<PendingChange {self.id} {self.kind} {self.status} person={self.person_id}>"
