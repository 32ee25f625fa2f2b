"""Meetings of convention bodies, their agenda items, and the issues that cut across conventions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.concurrency import versioned
from focalpoints.conventions.models import Convention
from focalpoints.db_types import UTCDateTime, utcnow
from focalpoints.extensions import db
from focalpoints.i18n import translated

# Which conventions an issue concerns; changes are recorded by the issue's operation.
issue_conventions = Table(
    "issue_conventions",
    db.metadata,
    Column("issue_id", ForeignKey("issues.id", ondelete="RESTRICT"), primary_key=True),
    Column("convention_id", ForeignKey("conventions.id", ondelete="RESTRICT"), primary_key=True),
)


class Issue(Audited, db.Model):
    """A cross-cutting issue (climate change, wild meat, invasive alien species, ...)."""

    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Named in paragraph 18 of CMS Resolution 10.21 (climate change, bushmeat, invasive species).
    in_resolution: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=100)
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)

    conventions: Mapped[list[Convention]] = relationship(
        secondary=issue_conventions, order_by="Convention.sort_order"
    )

    @property
    def name(self) -> str:
        """The issue's name in the reader's language."""
        return translated(self.names) or self.code

    @property
    def description(self) -> str:
        return translated(self.descriptions)

    def __repr__(self) -> str:
        return f"<Issue {self.code}>"


class Meeting(Audited, db.Model):
    """A meeting of a convention body: a COP, SBSTTA, a Standing Committee, ..."""

    __tablename__ = "meetings"
    __audit_ignore__ = frozenset({"updated_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("conventions.id", ondelete="RESTRICT"), index=True
    )
    body: Mapped[str] = mapped_column(String(40))
    number: Mapped[int | None]
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    short_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    place: Mapped[str] = mapped_column(String(200), default="")
    host_country: Mapped[str | None] = mapped_column(String(2))
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date]
    # Planned meetings whose dates (or place) are not yet confirmed.
    tentative: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    convention: Mapped[Convention] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.sort_order, AgendaItem.id"
    )

    @property
    def name(self) -> str:
        """The meeting's full name in the reader's language."""
        return translated(self.names) or self.code

    @property
    def short_name(self) -> str:
        """The meeting's short name (CoP20, SBSTTA-27) in the reader's language."""
        return translated(self.short_names) or self.code

    @property
    def title(self) -> str:
        """Convention and short name, as meetings are named in lists: CITES CoP20."""
        return f"{self.convention.acronym} {self.short_name}"

    def is_coming(self, today: date) -> bool:
        """Whether the meeting has not ended by ``today``."""
        return self.end_date >= today

    def __repr__(self) -> str:
        return f"<Meeting {self.code}>"


class AgendaItem(Audited, db.Model):
    """An item on a meeting's agenda, optionally tied to a cross-cutting issue."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    issue_id: Mapped[int | None] = mapped_column(
        ForeignKey("issues.id", ondelete="RESTRICT"), index=True
    )
    sort_order: Mapped[int] = mapped_column(default=100)
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    issue: Mapped[Issue | None] = relationship()

    @property
    def title(self) -> str:
        """The item's title in the reader's language."""
        return translated(self.titles)

    @property
    def label(self) -> str:
        """Code and title: "25. Wildlife crime"."""
        return f"{self.code}. {self.title}"

    def __repr__(self) -> str:
        return f"<AgendaItem {self.meeting_id}/{self.code}>"
