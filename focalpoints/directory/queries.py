"""What the public directory reads: contacts marked public, and only their public fields.

Every page is built from the cached reference data (conventions, roles, countries, Party
status) and at most two queries of its own: the directory's version (for HTTP caching) and the
contacts it lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from focalpoints.audit.models import AuditEntry
from focalpoints.audit.versions import REGISTRY, data_versions
from focalpoints.countries.queries import list_countries
from focalpoints.extensions import db
from focalpoints.focal_points.contacts import name_key
from focalpoints.focal_points.models import (
    Appointment,
    HolderKind,
    Person,
    Status,
    Visibility,
    display_name,
)
from focalpoints.i18n import fold
from focalpoints.reference.snapshot import (
    ConventionRecord,
    CountryRecord,
    MembershipRecord,
    ReferenceSnapshot,
    RoleRecord,
)

# A proposal is not yet the country's designation; an ended one is history.
PUBLIC_STATUSES = (Status.ENDORSED.value, Status.NOTIFIED.value, Status.ACKNOWLEDGED.value)

# The fields of a public record that anyone may read: name, post and office contact details.
# Never its mobile number, other e-mail addresses, languages, gender, notes or visibility.
PUBLIC_FIELDS = (
    "kind",
    "honorific",
    "given_names",
    "family_name",
    "job_title",
    "organisation",
    "organisation_acronym",
    "department",
    "street",
    "postal_code",
    "city",
    "address_country",
    "email",
    "phone",
    "fax",
    "website",
)
# Search results are a sample to refine, not an export.
MAX_SEARCH_RESULTS = 100


@dataclass(frozen=True, slots=True)
class PublicContact:
    """One public holder of one role, with the public fields of their record."""

    appointment_id: int
    person_id: int
    country_id: int
    role_id: int
    is_primary: bool
    confirmed_on: date
    kind: str
    honorific: str
    given_names: str
    family_name: str
    job_title: str
    organisation: str
    organisation_acronym: str
    department: str
    street: str
    postal_code: str
    city: str
    address_country: str | None
    email: str
    phone: str
    fax: str
    website: str

    @property
    def display_name(self) -> str:
        """Honorific and names, or the institution's name."""
        return display_name(
            self.kind, self.honorific, self.given_names, self.family_name, self.organisation
        )

    @property
    def is_institution(self) -> bool:
        return self.kind == HolderKind.INSTITUTION.value

    @property
    def address(self) -> str:
        """The office address on one line: street, postal code and city."""
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.street, town) if p)


def _public() -> Any:
    return and_(
        Person.visibility == Visibility.PUBLIC.value,
        Person.deleted_at.is_(None),
        Person.merged_into_id.is_(None),
        Appointment.status.in_(PUBLIC_STATUSES),
    )


_CONTACTS = (
    select(
        Appointment.id,
        Appointment.person_id,
        Appointment.country_id,
        Appointment.role_id,
        Appointment.is_primary,
        func.coalesce(Appointment.last_confirmed_on, Appointment.start_date),
        *(getattr(Person, name) for name in PUBLIC_FIELDS),
    )
    .join(Person, Appointment.person_id == Person.id)
    .where(_public())
    .order_by(
        Appointment.is_primary.desc(), Person.family_name, Person.organisation, Appointment.id
    )
)


def directory_version(country_id: int | None = None) -> tuple[int, int, int]:
    """What the listed contacts depend on, in one small query, with the highest ids (rows
    added without audit): for every country, the registry's data version (raised in the same
    transaction as every write to people and appointments, read once per request with the
    reference data's); for one country, the audited writes to its people and appointments, so
    that a change elsewhere leaves its page as it was.

    Counting every country's audited writes read the whole audit log's share of people and
    appointments on each request: 560 ms at ten times the data (issue 20).
    """
    highest = (
        select(func.max(Person.id)).scalar_subquery(),
        select(func.max(Appointment.id)).scalar_subquery(),
    )
    if country_id is None:
        people, appointments = db.session.execute(select(*highest)).one()
        return (data_versions()[REGISTRY], people or 0, appointments or 0)
    writes = (
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.entity_type.in_(("people", "appointments")),
            AuditEntry.country_id == country_id,
        )
    )
    row = db.session.execute(select(writes.scalar_subquery(), *highest)).one()
    return (row[0] or 0, row[1] or 0, row[2] or 0)


def active_roles(reference: ReferenceSnapshot) -> dict[int, tuple[ConventionRecord, RoleRecord]]:
    """Every active role of an active instrument, by id, with its instrument."""
    return {
        role.id: (instrument, role)
        for instrument in reference.conventions
        for role in instrument.roles
        if role.is_active
    }


def public_contacts(
    reference: ReferenceSnapshot,
    country_ids: Iterable[int] | None = None,
    role_ids: Iterable[int] | None = None,
    search: str = "",
    limit: int | None = None,
) -> list[PublicContact]:
    """The public holders of active roles, in one query: of some countries, of some roles,
    or matching ``search`` by name or institution."""
    query = _CONTACTS
    if country_ids is not None:
        query = query.where(Appointment.country_id.in_(list(country_ids)))
    if role_ids is not None:
        query = query.where(Appointment.role_id.in_(list(role_ids)))
    if search.strip():
        query = query.where(_matching(search.strip()))
    if limit is not None:
        query = query.limit(limit)
    roles = active_roles(reference)
    return [PublicContact(*row) for row in db.session.execute(query) if row.role_id in roles]


def _matching(search: str) -> Any:
    """Contacts whose name holds every word of ``search``, or whose institution holds it."""
    words = name_key(search, "").split() or fold(search).split()
    by_name = and_(*(Person.match_key.contains(word, autoescape=True) for word in words))
    return or_(
        by_name,
        Person.organisation.icontains(search, autoescape=True),
        Person.organisation_acronym.icontains(search, autoescape=True),
        Person.department.icontains(search, autoescape=True),
    )


def countries_with_public_contacts(reference: ReferenceSnapshot) -> dict[int, int]:
    """How many public contacts each country lists, by country id (one query)."""
    roles = list(active_roles(reference))
    rows = db.session.execute(
        select(Appointment.country_id, func.count(func.distinct(Appointment.person_id)))
        .join(Person, Appointment.person_id == Person.id)
        .where(_public(), Appointment.role_id.in_(roles))
        .group_by(Appointment.country_id)
    )
    return {row[0]: row[1] for row in rows}


def current_memberships(country: CountryRecord, on: date) -> dict[int, MembershipRecord]:
    """The country's current membership of each instrument, by instrument id."""
    return {m.convention_id: m for m in country.memberships if m.is_current(on)}


@dataclass
class InstrumentSection:
    """An instrument on a country's page: the country's standing, and its public holders."""

    instrument: ConventionRecord
    membership: MembershipRecord | None
    roles: list[tuple[RoleRecord, list[PublicContact]]] = field(default_factory=list)


@dataclass
class ConventionSection:
    """A convention on a country's page, followed by the instruments under it."""

    convention: InstrumentSection
    instruments: list[InstrumentSection] = field(default_factory=list)

    @property
    def all(self) -> list[InstrumentSection]:
        return [self.convention, *self.instruments]


def country_sections(
    reference: ReferenceSnapshot, country: CountryRecord, contacts: Sequence[PublicContact]
) -> list[ConventionSection]:
    """Each convention with the country's standing and public holders by role; an instrument
    under it appears where the country is a member or lists someone for it."""
    members = current_memberships(country, date.today())
    by_role: dict[int, list[PublicContact]] = {}
    for contact in contacts:
        by_role.setdefault(contact.role_id, []).append(contact)

    def section(instrument: ConventionRecord) -> InstrumentSection:
        return InstrumentSection(
            instrument,
            members.get(instrument.id),
            [(role, by_role[role.id]) for role in instrument.roles if role.id in by_role],
        )

    result = []
    for convention in reference.top_level():
        under = [section(i) for i in reference.instruments_under(convention.id)]
        result.append(
            ConventionSection(
                section(convention), [s for s in under if s.membership is not None or s.roles]
            )
        )
    return result


@dataclass(frozen=True)
class Listing:
    """An instrument's (or one role's) public holders across countries."""

    instruments: tuple[ConventionRecord, ...]
    role: RoleRecord | None
    region: str
    countries: list[tuple[CountryRecord, list[tuple[RoleRecord, PublicContact]]]]


def instrument_listing(
    reference: ReferenceSnapshot,
    instruments: tuple[ConventionRecord, ...],
    role: RoleRecord | None,
    region: str,
    search: str = "",
) -> Listing:
    """The public holders of an instrument's roles (or of one role), country by country in the
    order of the reader's language, in one query."""
    roles = {r.id: r for i in instruments for r in i.roles if r.is_active}
    if role is not None:
        roles = {role.id: role}
    countries = list_countries("", region)
    contacts = public_contacts(
        reference,
        country_ids=[c.id for c in countries] if region else None,
        role_ids=roles,
        search=search,
    )
    by_country: dict[int, list[tuple[RoleRecord, PublicContact]]] = {}
    order = {r.id: n for n, r in enumerate(roles.values())}
    for contact in sorted(contacts, key=lambda c: order[c.role_id]):
        by_country.setdefault(contact.country_id, []).append((roles[contact.role_id], contact))
    return Listing(
        instruments,
        role,
        region,
        [(c, by_country[c.id]) for c in countries if c.id in by_country],
    )
