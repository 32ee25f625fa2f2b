"""Compare a Party list (CSV) with the recorded membership, and apply it after review.

The file has a header row and the columns ``instrument, country, kind, signed, deposited,
entry_into_force, ended`` (``iso2`` is read as ``country``; ``source``, ``confirmed`` and ``note``
are optional). It speaks for every instrument it names: for those, its periods replace the
recorded ones; other instruments are left alone. Dates are YYYY-MM-DD.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from focalpoints.audit import record_event
from focalpoints.conventions.models import Convention
from focalpoints.countries.labels import MEMBERSHIP_KINDS
from focalpoints.countries.models import Country, Membership
from focalpoints.extensions import db

FIELDS = ("kind", "signed", "deposited", "ended", "source", "confirmed", "note")


class PartyListError(ValueError):
    """The file cannot be read as a Party list; the message says where and why."""


@dataclass(frozen=True)
class Period:
    """One period of membership as the file gives it."""

    instrument: str
    country: str
    entry_into_force: date | None
    values: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, date | None]:
        return (self.instrument, self.country, self.entry_into_force)


@dataclass
class PartyListDiff:
    """What applying the file would change."""

    instruments: list[str]
    added: list[Period] = field(default_factory=list)
    changed: list[tuple[Membership, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    removed: list[Membership] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        """The changes, one per line, for a person to review."""
        out = [
            f"+ {p.instrument} {p.country} {_show(p.entry_into_force)} {p.values}"
            for p in self.added
        ]
        for membership, changes in self.changed:
            detail = ", ".join(f"{k}: {_show(a)} -> {_show(b)}" for k, (a, b) in changes.items())
            out.append(f"~ {_describe(membership)}: {detail}")
        out.extend(f"- {_describe(m)}" for m in self.removed)
        return out


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _describe(membership: Membership) -> str:
    return (
        f"{membership.convention.code} {membership.country.iso2} "
        f"{_show(membership.entry_into_force)}"
    )


def _date(value: str, where: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise PartyListError(f"{where}: not a date (YYYY-MM-DD): {value!r}") from error


def read_party_list(path: Path) -> list[Period]:
    """Read and check every row of the file; raise PartyListError on the first bad one."""
    instruments = {c.code for c in db.session.scalars(select(Convention))}
    countries = set(db.session.scalars(select(Country.iso2)))
    periods: list[Period] = []
    seen: set[tuple[str, str, date | None]] = set()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            where = f"line {number}"
            instrument = (row.get("instrument") or "").strip().upper().replace("_", "-")
            country = (row.get("country") or row.get("iso2") or "").strip().upper()
            if instrument not in instruments:
                raise PartyListError(f"{where}: unknown instrument {instrument!r}")
            if country not in countries:
                raise PartyListError(f"{where}: unknown country code {country!r}")
            kind = (row.get("kind") or "").strip() or "unknown"
            if kind not in MEMBERSHIP_KINDS:
                raise PartyListError(f"{where}: unknown kind of membership {kind!r}")
            start = _date(row.get("entry_into_force", ""), where)
            values: dict[str, Any] = {
                "kind": kind,
                "signed": _date(row.get("signed", ""), where),
                "deposited": _date(row.get("deposited", ""), where),
                "ended": _date(row.get("ended", ""), where),
                "source": (row.get("source") or "").strip() or None,
                "confirmed": (row.get("confirmed") or "true").strip().lower()
                in ("true", "yes", "1"),
                "note": (row.get("note") or "").strip() or None,
            }
            if start and values["ended"] and values["ended"] <= start:
                raise PartyListError(f"{where}: the end comes before the entry into force")
            period = Period(instrument, country, start, values)
            if period.key in seen:
                raise PartyListError(f"{where}: the same period is listed twice")
            seen.add(period.key)
            periods.append(period)
    if not periods:
        raise PartyListError("The file lists no membership.")
    return periods


def diff_party_list(periods: list[Period]) -> PartyListDiff:
    """Compare the periods with the recorded membership of the instruments they name."""
    codes = sorted({p.instrument for p in periods})
    recorded = {
        (m.convention.code, m.country.iso2, m.entry_into_force): m
        for m in db.session.scalars(
            select(Membership).join(Membership.convention).where(Convention.code.in_(codes))
        )
    }
    result = PartyListDiff(codes)
    wanted = {p.key for p in periods}
    for period in periods:
        membership = recorded.get(period.key)
        if membership is None:
            result.added.append(period)
            continue
        changes = {
            name: (getattr(membership, name), value)
            for name, value in period.values.items()
            if getattr(membership, name) != value
        }
        if changes:
            result.changed.append((membership, changes))
    result.removed = [m for key, m in sorted(recorded.items(), key=str) if key not in wanted]
    return result


def apply_party_list(result: PartyListDiff, file_name: str) -> None:
    """Apply a reviewed diff (audited, row by row); the caller commits.

    Every change is an audited write of the reference tables, so every process's cached
    reference data is out of date at its next request.
    """
    instruments = {c.code: c for c in db.session.scalars(select(Convention))}
    countries = {c.iso2: c for c in db.session.scalars(select(Country))}
    for period in result.added:
        db.session.add(
            Membership(
                convention_id=instruments[period.instrument].id,
                country_id=countries[period.country].id,
                entry_into_force=period.entry_into_force,
                **period.values,
            )
        )
    for membership, changes in result.changed:
        for name, (_, value) in changes.items():
            setattr(membership, name, value)
    for membership in result.removed:
        db.session.delete(membership)
    record_event(
        db.session,
        "apply",
        "reference_datasets",
        "party-list",
        details={
            "file": file_name,
            "instruments": result.instruments,
            "added": len(result.added),
            "changed": len(result.changed),
            "removed": len(result.removed),
        },
    )
    db.session.flush()
