"""Loading registry records for pages, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import Row, bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from focalpoints import permissions
from focalpoints.audit.models import AuditEntry
from focalpoints.audit.queries import trail
from focalpoints.conventions.models import Role
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Person, Status, display_name
from focalpoints.i18n import sort_key


def person_of(country: Country, person_id: int, deleted: bool = False) -> Person | None:
    """A person of ``country`` with their appointments, or None (a deleted one only with
    ``deleted``, and then only a deleted one)."""
    person = db.session.scalar(
        select(Person)
        .where(Person.id == person_id, Person.country_id == country.id)
        .options(
            selectinload(Person.appointments)
            .joinedload(Appointment.role)
            .joinedload(Role.convention)
        )
    )
    return person if person is not None and person.is_deleted == deleted else None


def person_in(country: Country, person_id: int) -> Person | None:
    """A person of ``country``, deleted or not, or None."""
    person = db.session.get(Person, person_id)
    return person if person is not None and person.country_id == country.id else None


def appointment_of(country: Country, appointment_id: int) -> Appointment | None:
    """An appointment of ``country`` with its holder and role, or None."""
    return db.session.scalar(
        select(Appointment)
        .where(Appointment.id == appointment_id, Appointment.country_id == country.id)
        .options(joinedload(Appointment.person), joinedload(Appointment.role))
    )


def active_role(code: str) -> Role | None:
    """An active role by its code, or None."""
    return db.session.scalar(
        select(Role)
        .where(Role.code == code.upper()[:40], Role.is_active)
        .options(joinedload(Role.convention))
    )


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
    # How many former holders the role has in the country, those not read included.
    former_of_role: int = 0

    @property
    def is_current(self) -> bool:
        return self.status != Status.ENDED.value

    def confirmed_or_started(self) -> date:
        """The day the appointment was last known to be current."""
        return self.last_confirmed_on or self.start_date


# The country page lists each role's current holders and its latest former ones: a country's
# history grows with the years, and the page must not (issue 20). Every former holder stays in
# the people list and on their own page.
FORMER_HOLDERS_SHOWN = 5
_HOLDING = [
    getattr(Appointment, f.name)
    for f in fields(Holding)
    if f.name not in ("person", "former_of_role")
]
_HOLDER = [getattr(Person, f.name) for f in fields(Holder)]
_ENDED = Appointment.status == Status.ENDED.value
_RANKED = (
    select(
        Appointment.id,
        func.row_number()
        .over(
            partition_by=(Appointment.role_id, _ENDED),
            order_by=(Appointment.end_date.desc(), Appointment.start_date.desc(), Appointment.id),
        )
        .label("rank"),
        func.sum(case((_ENDED, 1), else_=0))
        .over(partition_by=Appointment.role_id)
        .label("former_of_role"),
    )
    .where(Appointment.country_id == bindparam("country_id"))
    .subquery()
)
_HOLDINGS = (
    select(*_HOLDING, *_HOLDER, _RANKED.c.former_of_role)
    .join(_RANKED, _RANKED.c.id == Appointment.id)
    .join(Person, Person.id == Appointment.person_id)
    # The country again, so that the planner reads its appointments by index here too,
    # instead of scanning every country's to match the ranked ids.
    .where(
        Appointment.country_id == bindparam("country_id"),
        or_(~_ENDED, _RANKED.c.rank <= FORMER_HOLDERS_SHOWN),
    )
    .order_by(Appointment.start_date.desc(), Appointment.id.desc())
)


def holding_rows(country_id: int) -> list[Row]:
    """The country's current appointments and each role's latest former ones, with their
    holders' columns and the role's count of former holders, newest first (one query).

    Plain rows: the country page keys its cached body on them and builds records only to render.
    """
    # Through Core, in the session's transaction: plain rows need no ORM result handling.
    return list(db.session.connection().execute(_HOLDINGS, {"country_id": country_id}))


def appointments_by_role(rows: Iterable[Row]) -> dict[int, list[Holding]]:
    """The rows of :func:`holding_rows` as records, grouped by role.

    Columns, not objects: a country holds dozens of appointments, and the page only reads them.
    """
    split, end = len(_HOLDING), len(_HOLDING) + len(_HOLDER)
    grouped: dict[int, list[Holding]] = defaultdict(list)
    for row in rows:
        holding = Holding(
            *row[:split], person=Holder(*row[split:end]), former_of_role=int(row[end] or 0)
        )
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


def visible(people: list[Person], reader: Any) -> list[Person]:
    """Only those ``reader`` may see."""
    return [p for p in people if permissions.can_view_person(reader, p)]


def history(person: Person | None = None, appointments: list[Appointment] = ()) -> list[AuditEntry]:
    """The audit trail of a person and of their appointments, newest first (one query)."""
    return trail(
        {"people": [person.id] if person else [], "appointments": [a.id for a in appointments]}
    )
