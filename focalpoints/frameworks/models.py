"""Target frameworks, stored as versioned data, and their goals and targets."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.concurrency import versioned
from focalpoints.conventions.models import Convention
from focalpoints.db_types import in_enum
from focalpoints.extensions import db
from focalpoints.i18n import current_language, translated


class ElementKind(enum.StrEnum):
    GOAL = "goal"
    # A heading that groups targets, as decision 15/4 groups the GBF's targets in three.
    SECTION = "section"
    TARGET = "target"


framework_conventions = Table(
    "framework_conventions",
    db.metadata,
    Column("framework_id", ForeignKey("frameworks.id", ondelete="RESTRICT"), primary_key=True),
    Column("convention_id", ForeignKey("conventions.id", ondelete="RESTRICT"), primary_key=True),
)


class Framework(Audited, db.Model):
    """A version of a strategic framework (the GBF, the Aichi Targets, a CMS Strategic Plan ...)."""

    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    short_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    start_year: Mapped[int | None]
    end_year: Mapped[int | None]
    adopted_year: Mapped[int | None]
    # The framework this one succeeds (the Samarkand plan succeeds the 2015-2023 CMS plan).
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("frameworks.id", ondelete="RESTRICT")
    )
    website: Mapped[str | None] = mapped_column(String(300))
    # The resolution or decision that adopted it, and where its texts were read ({id: {title,
    # url, read_on}}); an element names one of these.
    adopted_by: Mapped[str | None] = mapped_column(String(200))
    sources: Mapped[dict[str, dict[str, str | None]]] = mapped_column(JSON, default=dict)
    sort_order: Mapped[int] = mapped_column(default=100)
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)

    conventions: Mapped[list[Convention]] = relationship(
        secondary=framework_conventions, order_by="Convention.sort_order"
    )
    elements: Mapped[list[FrameworkElement]] = relationship(
        back_populates="framework", order_by="FrameworkElement.sort_order"
    )
    supersedes: Mapped[Framework | None] = relationship(remote_side="Framework.id")

    @property
    def name(self) -> str:
        """The framework's full name in the reader's language."""
        return translated(self.names)

    @property
    def short_name(self) -> str:
        """The framework's short name in the reader's language."""
        return translated(self.short_names) or self.name

    @property
    def period(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year}\u2013{self.end_year}"
        return str(self.start_year or self.adopted_year or "")

    def __repr__(self) -> str:
        return f"<Framework {self.code}>"


class FrameworkElement(Audited, db.Model):
    """A goal or a target of a framework, with its code and short title in each language."""

    __tablename__ = "framework_elements"
    __table_args__ = (CheckConstraint(in_enum("kind", ElementKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("frameworks.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default=ElementKind.TARGET.value)
    code: Mapped[str] = mapped_column(String(20))
    # The identifier the Secretariats use (GBF-TARGET-01), unique across frameworks.
    identifier: Mapped[str] = mapped_column(String(60), unique=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_elements.id", ondelete="RESTRICT")
    )
    # Short titles, only where the Secretariat publishes one in that language.
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The adopted text in each language it was read in.
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Where the text was read (an id of the framework's sources), and whether a second source
    # confirmed the same words.
    source: Mapped[str | None] = mapped_column(String(80))
    confirmed: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=100)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)

    framework: Mapped[Framework] = relationship(back_populates="elements")
    parent: Mapped[FrameworkElement | None] = relationship(remote_side="FrameworkElement.id")

    @property
    def title(self) -> str:
        """The short title in the reader's language; where the Secretariat publishes none in it,
        the adopted text in that language; else the English short title or text."""
        language = current_language()
        return (
            self.titles.get(language)
            or self.texts.get(language)
            or translated(self.titles)
            or translated(self.texts)
        )

    @property
    def short_title(self) -> str:
        """The published short title in the reader's language; none where the Secretariat
        publishes none in it and the adopted text stands instead."""
        language = current_language()
        if self.titles.get(language) or self.texts:
            return self.titles.get(language, "")
        return translated(self.titles)

    @property
    def text(self) -> str:
        """The adopted text in the reader's language, else English."""
        return translated(self.texts)

    @property
    def is_section(self) -> bool:
        return self.kind == ElementKind.SECTION.value

    @property
    def is_goal(self) -> bool:
        return self.kind == ElementKind.GOAL.value

    def __repr__(self) -> str:
        return f"<FrameworkElement {self.identifier}>"
