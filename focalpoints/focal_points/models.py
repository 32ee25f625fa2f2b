"""People (or institutions) of a country and their appointments to the conventions' roles."""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.concurrency import versioned
from focalpoints.conventions.models import Role
from focalpoints.countries.models import Country
from focalpoints.db_types import UTCDateTime, in_enum, utcnow
from focalpoints.extensions import db


class Visibility(enum.StrEnum):
    """Who may read a person's record beyond their own country and the Secretariat."""

    PUBLIC = "public"
    REGISTERED = "registered"
    RESTRICTED = "restricted"


class HolderKind(enum.StrEnum):
    PERSON = "person"
    INSTITUTION = "institution"


class Status(enum.StrEnum):
    """The designation lifecycle of an appointment."""

    PROPOSED = "proposed"
    ENDORSED = "endorsed"
    NOTIFIED = "notified"
    ACKNOWLEDGED = "acknowledged"
    ENDED = "ended"


# Names written in Chinese, Japanese or Korean script (the first character is enough).
_EAST_ASIAN = re.compile("[\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def display_name(
    kind: str, honorific: str, given_names: str, family_name: str, organisation: str
) -> str:
    """A holder's name as pages show it: honorific and names, or the institution's name."""
    if kind == HolderKind.INSTITUTION.value:
        return organisation
    if _EAST_ASIAN.match(family_name or "") and _EAST_ASIAN.match(given_names or family_name):
        # 张军, not "军 张": the family name first and no space; a title in Chinese follows.
        names = family_name + (given_names or "")
        if _EAST_ASIAN.match(honorific or ""):
            return names + honorific
    else:
        names = " ".join(part for part in (given_names, family_name) if part)
    return " ".join(part for part in (honorific, names) if part) or organisation


# The details of a person's record that users set, in the order forms and tables show them: the
# operations, the form, the import, the exports and self-service all take them from here.
PERSON_FIELDS = (
    "kind",
    "honorific",
    "given_names",
    "family_name",
    "job_title",
    "organisation",
    "organisation_acronym",
    "department",
    "street",
    "city",
    "postal_code",
    "address_country",  # ISO alpha-2
    "email",
    "other_emails",
    "phone",  # E.164
    "mobile",
    "fax",
    "website",
    "languages",  # ISO 639-1 codes
    "gender",
    "notes",
    "visibility",
)
# Those that say how to reach the holder: the contact table's columns, and what a focal point
# may correct of their own record. The holder's kind and the record's visibility go apart.
CONTACT_FIELDS = tuple(
    name for name in PERSON_FIELDS if name not in ("kind", "gender", "notes", "visibility")
)


class Person(Audited, db.Model):
    """A person, or an institution, who holds or may hold national roles for one country."""

    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_country_match", "country_id", "match_key"),
        CheckConstraint(in_enum("kind", HolderKind), name="kind"),
        CheckConstraint(in_enum("visibility", Visibility), name="visibility"),
    )
    __audit_ignore__ = frozenset(
        {"updated_at", "match_key", "email_refused_at", "email_refused_reason"}
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default=HolderKind.PERSON.value)
    honorific: Mapped[str] = mapped_column(String(40), default="")
    given_names: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(300), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    organisation_acronym: Mapped[str] = mapped_column(String(40), default="")
    department: Mapped[str] = mapped_column(String(300), default="")
    street: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(40), default="")
    address_country: Mapped[str | None] = mapped_column(String(2))
    email: Mapped[str] = mapped_column(String(254), default="")
    other_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str] = mapped_column(String(32), default="")
    mobile: Mapped[str] = mapped_column(String(32), default="")
    fax: Mapped[str] = mapped_column(String(32), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    gender: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default=Visibility.REGISTERED.value)
    # Name folded for duplicate detection (no case, accents or spacing).
    match_key: Mapped[str] = mapped_column(String(400), default="")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    # When the mail server last refused ``email`` outright, and what it said (cleared when the
    # address changes): coordinators see it on the person's page.
    email_refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_refused_reason: Mapped[str] = mapped_column(String(300), default="")

    country: Mapped[Country] = relationship()
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="person", order_by="Appointment.start_date"
    )

    @property
    def is_institution(self) -> bool:
        return self.kind == HolderKind.INSTITUTION.value

    @property
    def display_name(self) -> str:
        """Honorific and names, or the institution's name."""
        return display_name(
            self.kind, self.honorific, self.given_names, self.family_name, self.organisation
        )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.display_name!r}>"


# An appointment is current until it ends; the partial indexes below hold only current ones.
CURRENT = text("status <> 'ended'")
CURRENT_SINGLE = text("status <> 'ended' AND NOT multiple_holders")


def _role_allows_many(context: Any) -> bool | None:
    """The role's ``multiple_holders``, copied into a new appointment that does not give it."""
    role_id = context.get_current_parameters()["role_id"]
    return context.connection.scalar(select(Role.multiple_holders).where(Role.id == role_id))


class Appointment(Audited, db.Model):
    """A person's holding of one national role, through its designation lifecycle.

    The database keeps the registry's rules even when two people save at the same moment: a
    person holds a role at most once at a time, and a role that allows one holder has at most
    one current holder per country. The second rule needs to know the role's
    ``multiple_holders``, which a partial index cannot look up in ``roles``: each appointment
    carries a copy, tied to the role by a foreign key on (role_id, multiple_holders) that
    cascades a change of the role to its appointments (and refuses it where it would break the
    rule).
    """

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_country_role", "country_id", "role_id"),
        ForeignKeyConstraint(
            ["role_id", "multiple_holders"],
            ["roles.id", "roles.multiple_holders"],
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        Index(
            "uq_appointments_current_person_role",
            "person_id",
            "role_id",
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        ),
        Index(
            "uq_appointments_current_single_holder",
            "country_id",
            "role_id",
            unique=True,
            sqlite_where=CURRENT_SINGLE,
            postgresql_where=CURRENT_SINGLE,
        ),
        # Coverage reads the latest confirmation of current holdings from this index alone,
        # however long the registry's history of ended appointments grows.
        Index(
            "ix_appointments_current_holdings",
            "role_id",
            "country_id",
            "last_confirmed_on",
            "start_date",
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        ),
        CheckConstraint(in_enum("status", Status), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    role_id: Mapped[int] = mapped_column(index=True)
    # A copy of the role's multiple_holders (see the class's docstring).
    multiple_holders: Mapped[bool] = mapped_column(default=_role_allows_many)
    status: Mapped[str] = mapped_column(String(20), default=Status.PROPOSED.value)
    is_primary: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(String(500), default="")
    letter_reference: Mapped[str] = mapped_column(String(200), default="")
    letter_date: Mapped[date | None]
    letter_file: Mapped[str | None] = mapped_column(String(80))
    letter_filename: Mapped[str | None] = mapped_column(String(255))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_confirmed_on: Mapped[date | None]
    predecessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="RESTRICT")
    )
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="appointments")
    role: Mapped[Role] = relationship(
        primaryjoin="Appointment.role_id == Role.id", foreign_keys="Appointment.role_id"
    )
    country: Mapped[Country] = relationship()

    @property
    def is_current(self) -> bool:
        return self.status != Status.ENDED.value

    def confirmed_or_started(self) -> date:
        """The day the appointment was last known to be current."""
        return self.last_confirmed_on or self.start_date

    def __repr__(self) -> str:
        return f"<Appointment {self.id} role={self.role_id} person={self.person_id} {self.status}>"
