"""Reference data held in memory between requests: conventions, roles, countries, membership.

It changes only when an administrator edits it or ``focalpoints init`` applies a newer file, and
both raise the reference data's version (:mod:`focalpoints.audit.versions`), a counter raised in
the same transaction as the write. Each request reads it (one query by primary key), so every
worker process sees an edit at its next request, whichever process made it; the counter only
grows, in the order the edits commit, and pruning the audit log leaves it alone. A request that
may write loads the data afresh and keeps it out of the cache: it may see its own uncommitted
edits.

Snapshots are plain frozen records, never ORM objects, so that nothing in them is bound to one
request's session or can be changed by one request for the others. They hold reference data
only, which every logged-in user may read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import select

from focalpoints.audit.versions import REFERENCE, data_versions
from focalpoints.conventions.models import Convention, InstrumentKind, Requirement, Role
from focalpoints.conventions.queries import instrument_order
from focalpoints.countries import names
from focalpoints.countries.models import Country, Membership
from focalpoints.database import wants_write_lock
from focalpoints.extensions import db
from focalpoints.i18n import current_language, sort_key, translated
from focalpoints.reference.models import ReferenceDataset

EXTENSION_KEY = "focalpoints.reference_snapshot"


@dataclass(frozen=True, slots=True)
class RoleRecord:
    """A role as pages read it (the columns of :class:`Role`)."""

    id: int
    convention_id: int
    code: str
    names: dict[str, str]
    multiple_holders: bool
    has_primary: bool
    requirement: str
    basis: dict[str, str]
    holder_kind: str
    sort_order: int
    is_active: bool
    # The names InforMEA's contact feeds give the role (the public directory's feed uses them).
    informea_names: list[str]

    @property
    def name(self) -> str:
        """The role's name in the reader's language."""
        return translated(self.names)

    @property
    def required(self) -> bool:
        """Whether a treaty article or decision requires a Party to designate the role."""
        return self.requirement == Requirement.REQUIRED.value

    @property
    def counted(self) -> bool:
        """Whether coverage counts the role (required or expected of a Party)."""
        return self.requirement != Requirement.OPTIONAL.value


@dataclass(frozen=True, slots=True)
class ConventionRecord:
    """An active instrument (a convention, or a protocol, agreement or memorandum under one)
    and all its roles, in display order."""

    id: int
    code: str
    parent_id: int | None
    kind: str
    names: dict[str, str]
    acronyms: dict[str, str]
    website: str | None
    sort_order: int
    is_active: bool
    membership_as_of: date | None
    published_total: int | None
    roles: tuple[RoleRecord, ...]

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


@dataclass(frozen=True, slots=True)
class MembershipRecord:
    """One period of Party membership (the columns of :class:`Membership`)."""

    id: int
    country_id: int
    convention_id: int
    kind: str
    signed: date | None
    deposited: date | None
    entry_into_force: date | None
    ended: date | None
    source: str | None
    confirmed: bool
    note: str | None

    def is_current(self, on: date) -> bool:
        """Whether this period makes the country a Party on ``on``."""
        started = self.entry_into_force is None or self.entry_into_force <= on
        return started and (self.ended is None or self.ended > on)


@dataclass(frozen=True, slots=True)
class CountryRecord:
    """A country and its periods of membership, in order of entry into force."""

    id: int
    iso2: str
    iso3: str
    m49: str | None
    kind: str
    region: str | None
    subregion: str | None
    mea_region: str
    official_names: dict[str, str]
    un_names: dict[str, str]
    un_formal_names: dict[str, str]
    aliases: list[str]
    memberships: tuple[MembershipRecord, ...]

    @property
    def name(self) -> str:
        """The country's name in the reader's language, as :attr:`Country.name` gives it."""
        return self.name_in(current_language())

    def name_in(self, language: str) -> str:
        """The name for a reader of ``language``: official override, UN short name, CLDR."""
        return names.name_in(self, language)

    @property
    def formal_name(self) -> str:
        """The UN formal name in the reader's language, as :attr:`Country.formal_name`."""
        return names.formal_name_in(self, current_language())

    def formal_name_in(self, language: str, article: bool = False) -> str:
        """The UN formal name for a reader of ``language``; ``article`` keeps its article."""
        return names.formal_name_in(self, language, article)


@dataclass(frozen=True)
class ReferenceSnapshot:
    """The reference data at one version."""

    version: int
    conventions: tuple[ConventionRecord, ...]
    countries: dict[int, CountryRecord]
    memberships_as_of: date | None
    # Countries sorted by name, per language; filled on first use.
    _sorted: dict[str, list[CountryRecord]] = field(default_factory=dict, repr=False)
    _by_code: dict[str, CountryRecord] = field(default_factory=dict, repr=False)

    def top_level(self) -> tuple[ConventionRecord, ...]:
        """The conventions themselves, without the instruments under them."""
        return tuple(c for c in self.conventions if c.parent_id is None)

    def instruments_under(self, convention_id: int) -> tuple[ConventionRecord, ...]:
        """The protocols, agreements and memoranda under a convention, in display order."""
        return tuple(c for c in self.conventions if c.parent_id == convention_id)

    def family(self, convention_code: str) -> tuple[ConventionRecord, ...]:
        """A convention and the instruments under it (or one instrument alone, by its code)."""
        found = [c for c in self.conventions if c.code == convention_code]
        if not found:
            return ()
        return (found[0], *self.instruments_under(found[0].id))

    def country_by_code(self, iso2: str) -> CountryRecord | None:
        """The country of ISO alpha-2 code ``iso2`` (upper case), if there is one."""
        by_code = self._by_code
        if not by_code:
            by_code.update((c.iso2, c) for c in self.countries.values())
        return by_code.get(iso2)

    def sorted_countries(self, language: str | None = None) -> list[CountryRecord]:
        """Every country, sorted by its name as a reader of ``language`` expects."""
        language = language or current_language()
        found = self._sorted.get(language)
        if found is None:
            found = sorted(
                self.countries.values(), key=lambda c: sort_key(c.name_in(language), language)
            )
            self._sorted[language] = found
        return list(found)


def reference_version() -> int:
    """The reference data's version: no query if this request has read the data already."""
    if has_request_context() and "reference_snapshot" in g:
        return g.reference_snapshot.version
    return data_versions()[REFERENCE]


def reference_snapshot() -> ReferenceSnapshot:
    """The current reference data: cached per process and app, reloaded when it changed."""
    in_request = has_request_context()
    if in_request and "reference_snapshot" in g:  # its version was read earlier in this request
        return g.reference_snapshot
    version = data_versions()[REFERENCE]  # with the registry's: one query for both
    if wants_write_lock():
        return _load(version)
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is None or cached.version != version:
        cached = _load(version)
        current_app.extensions[EXTENSION_KEY] = cached
    if in_request:
        g.reference_snapshot = cached
    return cached


def _columns(model: Any, record: type, but: tuple[str, ...] = ()) -> list[Any]:
    """The model's columns that fill ``record``, in the record's order."""
    return [getattr(model, f.name) for f in fields(record) if f.name not in but]


def _load(version: int) -> ReferenceSnapshot:
    """Read the reference data in five queries, as plain columns."""
    roles: dict[int, list[RoleRecord]] = {}
    for row in db.session.execute(
        select(*_columns(Role, RoleRecord)).order_by(Role.sort_order, Role.code)
    ):
        roles.setdefault(row.convention_id, []).append(RoleRecord(*row))
    found = [
        ConventionRecord(*row, roles=tuple(roles.get(row.id, ())))
        for row in db.session.execute(
            select(*_columns(Convention, ConventionRecord, but=("roles",))).where(
                Convention.is_active
            )
        )
    ]
    by_id = {c.id: c for c in found}
    conventions = tuple(sorted(found, key=lambda c: instrument_order(c, by_id)))
    memberships: dict[int, list[MembershipRecord]] = {}
    for row in db.session.execute(
        select(*_columns(Membership, MembershipRecord)).order_by(
            Membership.entry_into_force.is_(None), Membership.entry_into_force
        )
    ):
        memberships.setdefault(row.country_id, []).append(MembershipRecord(*row))
    countries = {
        row.id: CountryRecord(*row, memberships=tuple(memberships.get(row.id, ())))
        for row in db.session.execute(
            select(*_columns(Country, CountryRecord, but=("memberships",)))
        )
    }
    as_of = db.session.scalar(
        select(ReferenceDataset.as_of).where(ReferenceDataset.name == "memberships")
    )
    return ReferenceSnapshot(version, conventions, countries, as_of)
