"""Loading countries for pages, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from focalpoints.conventions.models import Convention, Role
from focalpoints.conventions.queries import instrument_order
from focalpoints.countries.models import Country, Membership
from focalpoints.countries.names import matches, search_fold
from focalpoints.extensions import db
from focalpoints.i18n import current_language, territory_name
from focalpoints.reference.models import ReferenceDataset
from focalpoints.reference.snapshot import CountryRecord, reference_snapshot

# Nearly every page of a country runs it: built once.
_COUNTRY_BY_CODE = select(Country).where(Country.iso2 == bindparam("iso2"))


def country_by_code(code: str) -> Country | None:
    """The country with ISO alpha-2 ``code``, or None (also for a code that cannot be one)."""
    code = _valid_code(code)
    return db.session.scalar(_COUNTRY_BY_CODE, {"iso2": code}) if code else None


def country_record_by_code(code: str) -> CountryRecord | None:
    """The country as the cached reference data holds it, or None (no query when the request
    has read the reference data)."""
    code = _valid_code(code)
    return reference_snapshot().country_by_code(code) if code else None


def _valid_code(code: str) -> str | None:
    if len(code) != 2 or not (code.isascii() and code.isalpha()):
        return None
    return code.upper()


def active_conventions() -> list[Convention]:
    """Active instruments with their roles, each convention followed by the instruments under
    it (three queries)."""
    conventions = db.session.scalars(
        select(Convention)
        .where(Convention.is_active)
        .options(selectinload(Convention.roles), selectinload(Convention.parent))
    ).all()
    return sorted(conventions, key=instrument_order)


def list_countries(search: str = "", region: str = "") -> list[CountryRecord]:
    """Countries whose names match ``search``, sorted by the name shown.

    A country matches by its ISO codes or by any of its names in the reader's language and in
    English (UN short and formal, CLDR's, common aliases), ignoring case, accents and
    apostrophes. From the cached reference data: plain records with the columns and membership
    periods.
    """
    language = current_language()
    countries = [
        c
        for c in reference_snapshot().sorted_countries(language)
        if not region or c.mea_region == region
    ]
    needle = search_fold(search)
    if needle:
        code = search.strip().casefold()
        countries = [
            c
            for c in countries
            if code in (c.iso2.casefold(), c.iso3.casefold()) or matches(c, language, needle)
        ]
    return countries


def country_name(code: str | None) -> str:
    """The name shown for an ISO alpha-2 code: a possible Party's as the reference data names
    it (UN names), any other territory's from CLDR."""
    if not code:
        return ""
    record = reference_snapshot().country_by_code(code.upper())
    return record.name if record is not None else territory_name(code.upper())


def memberships_as_of() -> date | None:
    """The date the membership data file speaks for."""
    dataset = db.session.get(ReferenceDataset, "memberships")
    return dataset.as_of if dataset else None


@dataclass
class PartyStatus:
    """A country's standing in one convention on a given day."""

    convention: Convention
    current: Membership | None
    periods: list[Membership] = field(default_factory=list)

    @property
    def is_party(self) -> bool:
        return self.current is not None


def party_statuses(
    country: Country, conventions: list[Convention], on: date
) -> dict[int, PartyStatus]:
    """Return each convention's PartyStatus for ``country``, keyed by convention id."""
    statuses = {c.id: PartyStatus(convention=c, current=None) for c in conventions}
    for membership in country.memberships:
        status = statuses.get(membership.convention_id)
        if status is None:
            continue
        status.periods.append(membership)
        if membership.is_current(on):
            status.current = membership
    return statuses


@dataclass
class RoleLine:
    """A role on the country page: whether the country must fill it, and who held it."""

    role: Role
    required: bool
    # Required or expected of this country: counted in coverage, shown as vacant when empty.
    counted: bool
    current: list[Any] = field(default_factory=list)
    # The latest former holders, and how many there are in all.
    former: list[Any] = field(default_factory=list)
    former_total: int = 0


def role_lines(
    convention: Convention, status: PartyStatus, appointments: Mapping[int, list[Any]]
) -> list[RoleLine]:
    """The instrument's active roles: where the country is a Party, required ones first, then
    expected ones."""
    lines = []
    for role in convention.roles:
        if not role.is_active:
            continue
        held = appointments.get(role.id, [])
        current = sorted((a for a in held if a.is_current), key=lambda a: not a.is_primary)
        lines.append(
            RoleLine(
                role=role,
                required=role.required and status.is_party,
                counted=role.counted and status.is_party,
                current=current,
                former=[a for a in held if not a.is_current],
                former_total=max((a.former_of_role for a in held), default=0),
            )
        )
    return sorted(
        lines, key=lambda line: (not line.required, not line.counted, line.role.sort_order)
    )
