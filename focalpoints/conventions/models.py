"""Conventions, the instruments under them, and the national roles a Party designates.

An instrument is anything with Parties (or signatories) of its own and national roles: one of the
conventions, or a protocol, agreement or memorandum of understanding concluded under one. Each is
a row of ``conventions``; an instrument under a convention names it as its ``parent``. Membership
and roles belong to the instrument itself, so that a country is counted, and shown as vacant, only
for the instruments it has joined.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.db_types import in_enum
from focalpoints.extensions import db
from focalpoints.i18n import translated

HOLDER_KINDS = ("person", "institution", "either")


class InstrumentKind(StrEnum):
    """What kind of instrument a row of ``conventions`` is."""

    CONVENTION = "convention"
    PROTOCOL = "protocol"
    AGREEMENT = "agreement"
    MOU = "mou"


class Requirement(StrEnum):
    """How strongly a Party is asked to designate a role.

    Required: a treaty article or decision requires the designation. Expected: decisions invite or
    request it. Optional: the Party may designate one.
    """

    REQUIRED = "required"
    EXPECTED = "expected"
    OPTIONAL = "optional"


class Convention(Audited, db.Model):
    """An instrument: a convention (CMS, CBD, CITES, Ramsar), or a protocol, agreement or
    memorandum of understanding under one (``parent``)."""

    __tablename__ = "conventions"
    __table_args__ = (CheckConstraint(in_enum("kind", InstrumentKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("conventions.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default=InstrumentKind.CONVENTION.value)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    acronyms: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    website: Mapped[str | None] = mapped_column(String(300))
    sort_order: Mapped[int] = mapped_column(default=100)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Where the list of Parties or signatories comes from, and the day it speaks for.
    membership_sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    membership_as_of: Mapped[date | None]
    # The Secretariat's published number of Parties or signatories, to check the list against.
    published_total: Mapped[int | None]

    parent: Mapped[Convention | None] = relationship(remote_side=[id])
    roles: Mapped[list[Role]] = relationship(
        back_populates="convention", order_by="Role.sort_order, Role.code"
    )

    @property
    def has_signatories(self) -> bool:
        """Whether members sign (a memorandum of understanding) rather than become Parties."""
        return self.kind == InstrumentKind.MOU.value

    @property
    def name(self) -> str:
        """The convention's full name in the reader's language."""
        return translated(self.names)

    @property
    def acronym(self) -> str:
        """The convention's acronym in the reader's language."""
        return translated(self.acronyms) or self.code

    def __repr__(self) -> str:
        return f"<Convention {self.code}>"


class Role(Audited, db.Model):
    """A national role of a convention, such as the CMS National Focal Point."""

    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint(in_enum("requirement", Requirement), name="requirement"),
        CheckConstraint(in_enum("holder_kind", HOLDER_KINDS), name="holder_kind"),
        # Appointments refer to (id, multiple_holders), so that the database itself knows which
        # of them hold a single-holder role (see Appointment).
        UniqueConstraint("id", "multiple_holders"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("conventions.id", ondelete="RESTRICT"), index=True
    )
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    multiple_holders: Mapped[bool] = mapped_column(default=False)
    has_primary: Mapped[bool] = mapped_column(default=False)
    requirement: Mapped[str] = mapped_column(String(10), default=Requirement.OPTIONAL.value)
    # The article or decision that requires or invites the designation, per language.
    basis: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    holder_kind: Mapped[str] = mapped_column(String(20), default="person")
    informea_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    sort_order: Mapped[int] = mapped_column(default=100)
    is_active: Mapped[bool] = mapped_column(default=True)

    convention: Mapped[Convention] = relationship(back_populates="roles")

    @property
    def name(self) -> str:
        """The role's name in the reader's language."""
        return translated(self.names)

    @property
    def label(self) -> str:
        """The role named with its instrument ("CMS · National Focal Point"): several
        instruments have a role of the same name."""
        return f"{self.convention.acronym} · {self.name}"

    @property
    def required(self) -> bool:
        """Whether a treaty article or decision requires a Party to designate the role."""
        return self.requirement == Requirement.REQUIRED.value

    @property
    def counted(self) -> bool:
        """Whether coverage counts the role (required or expected of a Party)."""
        return self.requirement != Requirement.OPTIONAL.value

    def __repr__(self) -> str:
        return f"<Role {self.code}>"
