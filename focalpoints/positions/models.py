"""National positions for meetings of the conventions, their versions and their consultation."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.concurrency import versioned
from focalpoints.countries.models import Country
from focalpoints.db_types import UTCDateTime, in_enum, utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
from focalpoints.meetings.models import AgendaItem, Issue, Meeting


class PositionStatus(enum.StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    AGREED = "agreed"


class Answer(enum.StrEnum):
    """A consulted focal point's view of a position."""

    AGREE = "agree"
    COMMENT = "comment"
    OBJECT = "object"


def in_language(versions: dict[str, str], original: str, reader: str) -> tuple[str, str]:
    """Return (language, text): the reader's version when there is one, else the original."""
    for language in (reader, original):
        if versions.get(language):
            return language, versions[language]
    for language, text in versions.items():
        if text:
            return language, text
    return original, ""


def standing(consultations: Iterable[Any]) -> list[Any]:
    """Each consulted person's standing request, the one their view is counted by, by id.

    Someone asked again after answering is awaited again: their latest request stands. Two
    records merged into one person may each hold a request of the same day: an answered one
    stands. Works on Consultation rows and on result rows with the same named columns.
    """
    held: dict[int, Any] = {}
    for consultation in consultations:
        current = held.get(consultation.person_id)
        if current is None or _rank(consultation) > _rank(current):
            held[consultation.person_id] = consultation
    return sorted(held.values(), key=lambda c: c.id)


def _rank(consultation: Any) -> tuple[date, bool, date, int]:
    answered = consultation.answer is not None
    return (
        consultation.requested_on,
        answered,
        consultation.answered_on or date.min,
        consultation.id,
    )


class Position(Audited, db.Model):
    """A country's position for a meeting on an agenda item or a cross-cutting issue.

    Negotiating positions are private to the country; the Secretariat reads one only once the
    country has marked it shared.
    """

    __tablename__ = "positions"
    __table_args__ = (
        Index("ix_positions_country_meeting", "country_id", "meeting_id"),
        CheckConstraint("agenda_item_id IS NOT NULL OR issue_id IS NOT NULL", name="item_or_issue"),
        CheckConstraint(in_enum("status", PositionStatus), name="status"),
    )
    __audit_ignore__ = frozenset({"updated_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="RESTRICT"), index=True
    )
    issue_id: Mapped[int | None] = mapped_column(
        ForeignKey("issues.id", ondelete="RESTRICT"), index=True
    )
    # Title and text per language; ``language`` is the one the author wrote in.
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default=PositionStatus.DRAFT.value)
    lead_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    agreed_on: Mapped[date | None]
    shared: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country] = relationship()
    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    issue: Mapped[Issue | None] = relationship()
    lead: Mapped[Person | None] = relationship()
    consultations: Mapped[list[Consultation]] = relationship(
        back_populates="position", order_by="Consultation.id"
    )
    versions: Mapped[list[PositionVersion]] = relationship(
        back_populates="position", order_by="PositionVersion.number.desc()"
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def effective_issue(self) -> Issue | None:
        """The issue the position is on: its own, else its agenda item's."""
        if self.issue is not None:
            return self.issue
        return self.agenda_item.issue if self.agenda_item is not None else None

    def title_in(self, reader: str) -> tuple[str, str]:
        """(language, title) for a reader of ``reader``."""
        return in_language(self.titles, self.language, reader)

    def text_in(self, reader: str) -> tuple[str, str]:
        """(language, text) for a reader of ``reader``."""
        return in_language(self.texts, self.language, reader)

    @property
    def standing_consultations(self) -> list[Consultation]:
        """One request per person consulted: the one their view is counted by."""
        return standing(self.consultations)

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.status}>"


class PositionVersion(db.Model):
    """One saved state of a position, kept for users to read (rows are only ever inserted)."""

    __tablename__ = "position_versions"
    __table_args__ = (
        UniqueConstraint("position_id", "number"),
        CheckConstraint(in_enum("status", PositionStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[int]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="RESTRICT")
    )
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="RESTRICT"))
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20))
    lead_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    agreed_on: Mapped[date | None]
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_label: Mapped[str] = mapped_column(String(254), default="")

    position: Mapped[Position] = relationship(back_populates="versions")
    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    issue: Mapped[Issue | None] = relationship()
    lead: Mapped[Person | None] = relationship()

    def title_in(self, reader: str) -> tuple[str, str]:
        return in_language(self.titles, self.language, reader)

    def text_in(self, reader: str) -> tuple[str, str]:
        return in_language(self.texts, self.language, reader)


class Consultation(Audited, db.Model):
    """A focal point asked for their view of a position, and their answer once recorded."""

    __tablename__ = "consultations"
    __table_args__ = (CheckConstraint(in_enum("answer", Answer), name="answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="RESTRICT"), index=True
    )
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    requested_on: Mapped[date]
    deadline: Mapped[date | None]
    message: Mapped[str] = mapped_column(Text, default="")
    message_language: Mapped[str] = mapped_column(String(8), default="en")
    requested_by: Mapped[str] = mapped_column(String(254), default="")
    answer: Mapped[str | None] = mapped_column(String(20))
    answer_note: Mapped[str] = mapped_column(Text, default="")
    answer_language: Mapped[str | None] = mapped_column(String(8))
    answered_on: Mapped[date | None]
    # Whether the focal point answered themselves (through their link), rather than a user
    # recording the answer on their behalf.
    answered_by_self: Mapped[bool] = mapped_column(default=False)
    # Whether a focal point without an account may read the position's text through their link
    # (the message is always theirs to read).
    share_text: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    position: Mapped[Position] = relationship(back_populates="consultations")
    person: Mapped[Person] = relationship()

    @property
    def is_answered(self) -> bool:
        return self.answer is not None

    def is_overdue(self, today: date) -> bool:
        """Unanswered after its deadline."""
        return not self.is_answered and self.deadline is not None and self.deadline < today
