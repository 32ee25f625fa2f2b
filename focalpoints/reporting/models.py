"""National report deadlines of each convention, and where each country stands on them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.concurrency import versioned
from focalpoints.conventions.models import Convention
from focalpoints.db_types import UTCDateTime, in_enum, utcnow
from focalpoints.extensions import db
from focalpoints.i18n import translated


class ReportState(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PREPARATION = "in_preparation"
    SUBMITTED = "submitted"


class ReportDeadline(Audited, db.Model):
    """A national report a convention asks of its Parties, and when it is due."""

    __tablename__ = "report_deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("conventions.id", ondelete="RESTRICT"), index=True
    )
    code: Mapped[str] = mapped_column(String(40), unique=True)
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    due_date: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)

    convention: Mapped[Convention] = relationship()

    @property
    def title(self) -> str:
        return translated(self.titles) or self.code

    def __repr__(self) -> str:
        return f"<ReportDeadline {self.code} {self.due_date}>"


class ReportStatus(Audited, db.Model):
    """Where a country stands on one national report; no row means not started."""

    __tablename__ = "report_statuses"
    __table_args__ = (
        UniqueConstraint("country_id", "deadline_id"),
        CheckConstraint(in_enum("status", ReportState), name="status"),
    )
    __audit_ignore__ = frozenset({"updated_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    deadline_id: Mapped[int] = mapped_column(
        ForeignKey("report_deadlines.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=ReportState.NOT_STARTED.value)
    submitted_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    deadline: Mapped[ReportDeadline] = relationship()
