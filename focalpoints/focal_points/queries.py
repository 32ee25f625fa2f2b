"""Loading registry records for pages, authorised and in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from focalpoints import permissions
from focalpoints.audit.models import AuditEntry
from focalpoints.audit.queries import trail
from focalpoints.conventions.models import Role
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Person, Status, display_name
from focalpoints.i18n import sort_key


def get_person_or_404(
    country: Country, person_id: int, for_edit: bool = False, deleted: bool = False
) -> Person:
    """A person of ``country``: 404 if not there (or deleted), 403 if the user may not see it."""
    person = db.session.scalar(
        select(Person)
        .where(Person.id == person_id, Person.country_id == country.id)
        .options(
            selectinload(Person.appointments)
            .joinedload(Appointment.role)
            .joinedload(Role.convention)
        )
    )
    if person is None or person.is_deleted != deleted:
        abort(404)
    if for_edit and not permissions.can_edit_country(current_user, country):
        abort(403)
    if not permissions.can_view_person(current_user, person):
        abort(403)
    return person


def get_appointment_or_404(
    country: Country, appointment_id: int, for_edit: bool = False
) -> Appointment:
    """An appointment of ``country`` whose holder the user may see (edit, with ``for_edit``)."""
    appointment = db.session.scalar(
        select(Appointment)
        .where(Appointment.id == appointment_id, Appointment.country_id == country.id)
        .options(joinedload(Appointment.person), joinedload(Appointment.role))
    )
    if appointment is None:
        abort(404)
    if for_edit and not permissions.can_edit_country(current_user, country):
        abort(403)
    if not permissions.can_view_person(current_user, appointment.person):
        abort(403)
    return appointment


def get_role_or_404(code: str) -> Role:
    """An active role by its code."""
    role = db.session.scalar(
        select(Role)
        .where(Role.code == code.upper()[:40], Role.is_active)
        .options(joinedload(Role.convention))
    )
    if role is None:
        abort(404)
    return role


@dataclass(frozen=True, slots=True)
class Holder:
    """What the country page shows of an appointment's holder (columns of :class:`Person`)."""

    id: int
    country_id: int
    visibility: str
    kind: str
    honorific: str
    given_names: str
    family_name: str
    organisation: str
    email: str

    @property
    def display_name(self) -> str:
        return display_name(
            self.kind, self.honorific, self.given_names, self.family_name, self.organisation
        )


@dataclass(frozen=True, slots=True)
class Holding:
    """What the country page shows of an appointment (columns of :class:`Appointment`)."""

    id: int
    role_id: int
    status: str
    is_primary: bool
    start_date: date
    end_date: date | None
    last_confirmed_on: date | None
    person: Holder

    @property
    def is_current(self) -> bool:
        return self.status != Status.ENDED.value

    def confirmed_or_started(self) -> date:
        """The day the appointment was last known to be current."""
        return self.last_confirmed_on or self.start_date


_HOLDING = [getattr(Appointment, f.name) for f in fields(Holding) if f.name != "person"]
_HOLDER = [getattr(Person, f.name) for f in fields(Holder)]
_HOLDINGS = (
    select(*_HOLDING, *_HOLDER)
    .join(Person, Person.id == Appointment.person_id)
    .where(Appointment.country_id == bindparam("country_id"))
    .order_by(Appointment.start_date.desc())
)


def holding_rows(country_id: int) -> list[Row]:
    """Every appointment of the country with its holder's columns, newest first (one query).

    Plain rows: the country page keys its cached body on them and builds records only to render.
    """
    # Through Core, in the session's transaction: plain rows need no ORM result handling.
    return list(db.session.connection().execute(_HOLDINGS, {"country_id": country_id}))


def appointments_by_role(rows: Iterable[Row]) -> dict[int, list[Holding]]:
    """The rows of :func:`holding_rows` as records, grouped by role.

    Columns, not objects: a country holds dozens of appointments, and the page only reads them.
    """
    split = len(_HOLDING)
    grouped: dict[int, list[Holding]] = defaultdict(list)
    for row in rows:
        holding = Holding(*row[:split], person=Holder(*row[split:]))
        grouped[holding.role_id].append(holding)
    return grouped


def people_of(country: Country, deleted: bool = False) -> list[Person]:
    """The country's people with their appointments and roles, sorted by name (three queries)."""
    condition = Person.deleted_at.is_not(None) if deleted else Person.deleted_at.is_(None)
    people = db.session.scalars(
        select(Person)
        .where(Person.country_id == country.id, condition)
        .options(
            selectinload(Person.appointments)
            .joinedload(Appointment.role)
            .joinedload(Role.convention)
        )
    ).all()
    return sorted(
        people, key=lambda p: sort_key(f"{p.family_name} {p.given_names} {p.organisation}")
    )


def visible(people: list[Person]) -> list[Person]:
    """Only those the current user may see."""
    return [p for p in people if permissions.can_view_person(current_user, p)]


def history(person: Person | None = None, appointments: list[Appointment] = ()) -> list[AuditEntry]:
    """The audit trail of a person and of their appointments, newest first (one query)."""
    return trail(
        {"people": [person.id] if person else [], "appointments": [a.id for a in appointments]}
    )
