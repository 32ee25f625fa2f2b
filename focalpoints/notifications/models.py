"""Notices sent to users, and each user's choice of how to receive them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.auth.models import User
from focalpoints.db_types import UTCDateTime, in_enum, utcnow
from focalpoints.extensions import db


class Delivery(enum.StrEnum):
    """How a user receives one kind of notice."""

    IMMEDIATE = "immediate"
    WEEKLY = "weekly"
    APP = "app"
    OFF = "off"


class EmailState(enum.StrEnum):
    """Where a notice's e-mail stands."""

    PENDING = "pending"  # to be sent (now, or in the next weekly digest)
    SENT = "sent"
    NOT_SENT = "not_sent"  # the recipient reads it in the app only, or may no longer see it
    FAILED = "failed"  # NOTIFY_MAX_ATTEMPTS deliveries failed; it stays in the app


class Notice(db.Model):
    """One notice to one user: listed in the app and, as the user chose, mailed.

    ``subject`` names what it is about (a country, a country's role ...); ``items`` what it
    lists. Each run compares what is due with the latest notice of the same subject, so a
    second run sends nothing twice; ``key`` (subject and day) makes that hold between two runs
    racing each other too.
    """

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "key"),
        Index("ix_notices_user_kind_subject", "user_id", "kind", "subject"),
        Index("ix_notices_email_state", "email_state"),
        CheckConstraint(in_enum("email_state", EmailState), name="email_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(120))
    country_id: Mapped[int | None] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_state: Mapped[str] = mapped_column(String(12), default=EmailState.PENDING.value)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_attempts: Mapped[int] = mapped_column(default=0)
    email_error: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Notice {self.id} {self.kind} {self.subject} user={self.user_id}>"


class NotificationPreference(Audited, db.Model):
    """A user's choice for one kind of notice; without a row, the kind's default applies."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        CheckConstraint(in_enum("delivery", Delivery), name="delivery"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    delivery: Mapped[str] = mapped_column(String(12))

    def __repr__(self) -> str:
        return f"<NotificationPreference user={self.user_id} {self.kind}={self.delivery}>"
