"""Coverage figures for every Party, convention and role, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from focalpoints.countries.models import Country
from focalpoints.countries.queries import party_statuses
from focalpoints.coverage.history import holdings_on, timelines
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Status
from focalpoints.reference.snapshot import (
    ConventionRecord,
    CountryRecord,
    RoleRecord,
    reference_snapshot,
)
from focalpoints.working_groups.queries import GroupStatus, group_status_by_country

FILLED, STALE, VACANT, NOT_PARTY = "filled", "stale", "vacant", "not_party"


@dataclass
class RoleCoverage:
    """How many Parties hold a required or expected role currently, only stale, or not at all."""

    convention: ConventionRecord
    role: RoleRecord
    parties: int = 0
    filled: int = 0
    stale: int = 0
    missing: list[CountryRecord] = field(default_factory=list)

    @property
    def vacant(self) -> int:
        return len(self.missing)

    def share(self, count: int) -> float:
        return count / self.parties if self.parties else 0.0


@dataclass
class Cell:
    """A country's counted roles (required and expected) of one instrument: how many there are
    (``required``), filled (confirmed) and stale."""

    is_party: bool
    required: int = 0
    filled: int = 0
    stale: int = 0

    @property
    def level(self) -> str:
        if not self.is_party or not self.required:
            return NOT_PARTY
        if self.filled == self.required:
            return "full"
        return "partial" if self.filled or self.stale else "none"


@dataclass
class CoverageReport:
    conventions: list[ConventionRecord]
    countries: list[CountryRecord]
    roles: list[RoleCoverage]
    cells: dict[tuple[int, int], Cell]
    map_levels: dict[str, str]
    working_groups: dict[int, GroupStatus] = field(default_factory=dict)

    def totals(self, requirement: str) -> tuple[int, int, int]:
        """(roles to fill, filled, stale) over every Party, for required or expected roles."""
        entries = [e for e in self.roles if e.role.requirement == requirement]
        return (
            sum(e.parties for e in entries),
            sum(e.filled for e in entries),
            sum(e.stale for e in entries),
        )

    @property
    def with_working_group(self) -> int:
        """How many of the countries shown have an open working group."""
        return sum(1 for c in self.countries if c.id in self.working_groups)


def stale_limit(today: date) -> date:
    """Current appointments last confirmed (or started) before this day are stale."""
    return today - timedelta(days=current_app.config["STALE_AFTER_DAYS"])


def stale_appointments(today: date) -> list[tuple[int, int]]:
    """(appointment id, country id) of every current appointment gone stale, in one query."""
    confirmed = func.coalesce(Appointment.last_confirmed_on, Appointment.start_date)
    rows = db.session.execute(
        select(Appointment.id, Appointment.country_id)
        .where(Appointment.status != Status.ENDED.value, confirmed < stale_limit(today))
        .order_by(Appointment.country_id, Appointment.id)
    )
    return [(appointment_id, country_id) for appointment_id, country_id in rows]


def vacancies() -> dict[int, list[RoleRecord]]:
    """Country id -> the required and expected roles it holds no appointment to, where it is a
    Party to the role's instrument."""
    vacant: dict[int, list[RoleRecord]] = {}
    for entry in coverage(all_instruments=True).roles:
        for country in entry.missing:
            vacant.setdefault(country.id, []).append(entry.role)
    return vacant


def counted_role_ids() -> list[int]:
    """The roles coverage counts: active, and required or expected."""
    return [
        role.id
        for convention in reference_snapshot().conventions
        for role in convention.roles
        if role.is_active and role.counted
    ]


def _holdings(today: date, role_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    """(country, role) -> filled or stale, from the latest confirmation of current holders of
    the roles counted (the required and expected ones).

    The comparison with the stale limit is made by the database, and the rows are read
    through Core: thousands of rows need no dates parsed nor ORM result handling.
    """
    limit = stale_limit(today)
    latest = func.max(func.coalesce(Appointment.last_confirmed_on, Appointment.start_date))
    rows = db.session.connection().execute(
        select(Appointment.country_id, Appointment.role_id, latest >= limit)
        .where(Appointment.status != Status.ENDED.value, Appointment.role_id.in_(role_ids))
        .group_by(Appointment.country_id, Appointment.role_id)
    )
    return {(c, r): (FILLED if confirmed else STALE) for c, r, confirmed in rows}


@dataclass(frozen=True)
class CoverageData:
    """What coverage is computed from besides the reference data, read in two queries."""

    today: date
    holdings: dict[tuple[int, int], str]
    working_groups: dict[int, GroupStatus]

    @classmethod
    def read(
        cls, today: date | None = None, groups: dict[int, GroupStatus] | None = None
    ) -> CoverageData:
        """The current holdings of every counted role, and every open working group (unless
        read already: ``groups``)."""
        today = today or date.today()
        groups = group_status_by_country() if groups is None else groups
        return cls(today, _holdings(today, counted_role_ids()), groups)

    @classmethod
    def as_of(cls, day: date, groups: dict[int, GroupStatus] | None = None) -> CoverageData:
        """The holdings as they were at the end of ``day`` (from the audit trail for a past
        day; see :mod:`focalpoints.coverage.history`), and today's working groups."""

        today = date.today()
        if day >= today:
            return cls.read(today, groups)
        groups = group_status_by_country() if groups is None else groups
        held = holdings_on(day, timelines(counted_role_ids(), today))
        return cls(day, {key: h.level for key, h in held.items()}, groups)


def coverage(
    region: str = "",
    convention_code: str = "",
    role_code: str = "",
    only_country: Country | None = None,
    data: CoverageData | None = None,
    all_instruments: bool = False,
) -> CoverageReport:
    """Compute coverage for the filters (two queries, whatever the number of Parties, unless
    ``data`` was read already).

    Conventions, roles, countries and their membership come from the cached reference data.
    """
    data = data or CoverageData.read()
    today = data.today
    reference = reference_snapshot()
    # A convention with the instruments under it; with no choice, the conventions alone.
    if convention_code:
        conventions = list(reference.family(convention_code))
    elif all_instruments:
        conventions = list(reference.conventions)
    else:
        conventions = list(reference.top_level())
    if only_country is not None:
        countries = [reference.countries[only_country.id]]
    else:
        countries = [
            c for c in reference.sorted_countries() if not region or c.mea_region == region
        ]
    roles: list[RoleCoverage] = []
    cells: dict[tuple[int, int], Cell] = {}
    by_role: dict[int, RoleCoverage] = {}
    for convention in conventions:
        for role in convention.roles:
            if role.is_active and role.counted and (not role_code or role.code == role_code):
                by_role[role.id] = RoleCoverage(convention, role)
                roles.append(by_role[role.id])
    holdings = data.holdings
    for country in countries:
        statuses = party_statuses(country, conventions, today)
        for convention in conventions:
            cell = Cell(is_party=statuses[convention.id].is_party)
            cells[(country.id, convention.id)] = cell
            if not cell.is_party:
                continue
            for role in convention.roles:
                if role.id not in by_role:
                    continue
                state = holdings.get((country.id, role.id), VACANT)
                cell.required += 1
                entry = by_role[role.id]
                entry.parties += 1
                if state == FILLED:
                    cell.filled += 1
                    entry.filled += 1
                elif state == STALE:
                    cell.stale += 1
                    entry.stale += 1
                else:
                    entry.missing.append(country)
    map_levels = {}
    for country in countries:
        parts = [cells[(country.id, c.id)] for c in conventions]
        total = Cell(
            is_party=any(p.is_party for p in parts),
            required=sum(p.required for p in parts),
            filled=sum(p.filled for p in parts),
            stale=sum(p.stale for p in parts),
        )
        map_levels[country.iso2.lower()] = total.level
    return CoverageReport(conventions, countries, roles, cells, map_levels, data.working_groups)
