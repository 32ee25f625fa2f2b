"""A country's NBSAP, its national targets and measures, their alignments and progress notes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.concurrency import versioned
from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.db_types import UTCDateTime, in_enum, utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
from focalpoints.frameworks.models import FrameworkElement
from focalpoints.i18n import current_language


class NbsapStatus(enum.StrEnum):
    IN_PREPARATION = "in_preparation"
    ADOPTED = "adopted"
    UNDER_REVISION = "under_revision"
    SUPERSEDED = "superseded"


class TargetKind(enum.StrEnum):
    TARGET = "target"
    MEASURE = "measure"


class TargetStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    ACHIEVED = "achieved"
    DISCONTINUED = "discontinued"


class Degree(enum.StrEnum):
    """How much of a global target a national target covers (CBD Online Reporting Tool)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


DEGREE_RANK = {Degree.HIGH.value: 3, Degree.MEDIUM.value: 2, Degree.LOW.value: 1}


def pick_text(texts: dict[str, str], original: str, language: str | None = None) -> tuple[str, str]:
    """The (language, text) to show: the reader's version if there is one, else the original."""
    language = language or current_language()
    for candidate in (language, original, "en", *texts):
        if texts.get(candidate):
            return candidate, texts[candidate]
    return original, ""


class Nbsap(Audited, db.Model):
    """A country's National Biodiversity Strategy and Action Plan (one per period)."""

    __tablename__ = "nbsaps"
    __table_args__ = (CheckConstraint(in_enum("status", NbsapStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(10), default="en")
    start_year: Mapped[int | None]
    end_year: Mapped[int | None]
    adopted_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=NbsapStatus.IN_PREPARATION.value)
    document_url: Mapped[str] = mapped_column(String(500), default="")
    document_file: Mapped[str | None] = mapped_column(String(80))
    document_filename: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country] = relationship()
    targets: Mapped[list[NationalTarget]] = relationship(
        back_populates="nbsap", order_by="NationalTarget.code"
    )

    @property
    def period(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year}\u2013{self.end_year}"
        return str(self.start_year or "")

    def __repr__(self) -> str:
        return f"<Nbsap {self.id} {self.title!r}>"


national_target_people = Table(
    "national_target_people",
    db.metadata,
    Column(
        "national_target_id",
        ForeignKey("national_targets.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    Column("person_id", ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True, index=True),
)
national_target_conventions = Table(
    "national_target_conventions",
    db.metadata,
    Column(
        "national_target_id",
        ForeignKey("national_targets.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    Column(
        "convention_id",
        ForeignKey("conventions.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class NationalTarget(Audited, db.Model):
    """A national target of an NBSAP, or a measure (an action) that serves one."""

    __tablename__ = "national_targets"
    __table_args__ = (
        Index("ix_national_targets_country_nbsap", "country_id", "nbsap_id"),
        CheckConstraint(in_enum("kind", TargetKind), name="kind"),
        CheckConstraint(in_enum("status", TargetStatus), name="status"),
    )
    __audit_ignore__ = frozenset({"updated_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    nbsap_id: Mapped[int] = mapped_column(ForeignKey("nbsaps.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=TargetKind.TARGET.value)
    # A measure may serve a national target of the same NBSAP.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("national_targets.id", ondelete="RESTRICT")
    )
    code: Mapped[str] = mapped_column(String(40))
    # Texts per language ({"fr": "...", "en": "..."}); ``language`` is the one written first.
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(10), default="en")
    lead_institution: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=TargetStatus.PLANNED.value)
    indicators: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    nbsap: Mapped[Nbsap] = relationship(back_populates="targets")
    parent: Mapped[NationalTarget | None] = relationship(remote_side="NationalTarget.id")
    responsible: Mapped[list[Person]] = relationship(secondary=national_target_people)
    conventions: Mapped[list[Convention]] = relationship(
        secondary=national_target_conventions, order_by="Convention.sort_order"
    )
    alignments: Mapped[list[Alignment]] = relationship(back_populates="national_target")
    notes: Mapped[list[ProgressNote]] = relationship(
        back_populates="national_target",
        order_by=lambda: (ProgressNote.noted_on.desc(), ProgressNote.id.desc()),
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_measure(self) -> bool:
        return self.kind == TargetKind.MEASURE.value

    def shown_title(self) -> tuple[str, str]:
        """(language, title) in the reader's language if written in it, else the original."""
        return pick_text(self.titles, self.language)

    def shown_description(self) -> tuple[str, str]:
        return pick_text(self.descriptions, self.language)

    @property
    def title(self) -> str:
        return self.shown_title()[1]

    def __repr__(self) -> str:
        return f"<NationalTarget {self.id} {self.code}>"


class Alignment(Audited, db.Model):
    """A national target's link to a global target, with the degree of alignment."""

    __tablename__ = "alignments"
    __table_args__ = (
        UniqueConstraint("national_target_id", "element_id"),
        CheckConstraint(in_enum("degree", Degree), name="degree"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    national_target_id: Mapped[int] = mapped_column(
        ForeignKey("national_targets.id", ondelete="RESTRICT"), index=True
    )
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_elements.id", ondelete="RESTRICT"), index=True
    )
    degree: Mapped[str] = mapped_column(String(10), default=Degree.MEDIUM.value)

    national_target: Mapped[NationalTarget] = relationship(back_populates="alignments")
    element: Mapped[FrameworkElement] = relationship()


class ProgressNote(Audited, db.Model):
    """A dated note on the progress of a national target or measure."""

    __tablename__ = "progress_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    national_target_id: Mapped[int] = mapped_column(
        ForeignKey("national_targets.id", ondelete="RESTRICT"), index=True
    )
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    national_target: Mapped[NationalTarget] = relationship(back_populates="notes")
