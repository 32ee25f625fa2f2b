"""Apply the reference data files (countries, conventions and roles, Party membership,
target frameworks, national report deadlines, cross-cutting issues, meetings and their
agenda items).

A file is applied when its content differs from the one applied last, so that ``init`` is
idempotent and administrators' edits stand until a newer file is shipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from focalpoints.audit import record_event
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country, Membership
from focalpoints.extensions import db
from focalpoints.reference.models import ReferenceDataset

DATA_DIR = Path(__file__).resolve().parent / "data"
DATASETS = (
    "countries",
    "conventions",
    "memberships",
    "frameworks",
    "reporting",
    "issues",
    "meetings",
)


@dataclass
class ApplyReport:
    """What applying one file did."""

    dataset: str
    applied: bool
    created: int = 0
    updated: int = 0
    removed: int = 0
    as_of: date | None = None


def load_file(name: str) -> tuple[dict[str, Any], str]:
    """Return a data file's content and its SHA-256."""
    raw = (DATA_DIR / f"{name}.json").read_bytes()
    return json.loads(raw), hashlib.sha256(raw).hexdigest()


# Applies one data file: its content, and the report to count what it did in.
Applier = Callable[[dict[str, Any], ApplyReport], None]


def apply_datasets(appliers: Mapping[str, Applier], force: bool = False) -> list[ApplyReport]:
    """Apply every reference data file that changed since last applied, each with its applier
    (the features own theirs: :mod:`focalpoints.initialise` names them and commits once)."""
    reports = []
    for name in DATASETS:
        data, digest = load_file(name)
        as_of = date.fromisoformat(data["as_of"]) if data.get("as_of") else None
        dataset = db.session.get(ReferenceDataset, name)
        if dataset is not None and dataset.sha256 == digest and not force:
            reports.append(ApplyReport(name, applied=False, as_of=dataset.as_of))
            continue
        report = ApplyReport(name, applied=True, as_of=as_of)
        appliers[name](data, report)
        if dataset is None:
            dataset = ReferenceDataset(name=name, sha256=digest)
            db.session.add(dataset)
        dataset.sha256, dataset.as_of = digest, as_of
        # Also what tells every process that its cached reference data is out of date.
        record_event(
            db.session,
            "apply",
            "reference_datasets",
            name,
            details={"sha256": digest, "as_of": as_of.isoformat() if as_of else None},
        )
        db.session.flush()
        reports.append(report)
    return reports


def assign(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def apply_countries(data: dict[str, Any], report: ApplyReport) -> None:
    """Apply the countries: their codes, names and regions."""
    existing = {c.iso2: c for c in db.session.scalars(select(Country))}
    for entry in data["countries"]:
        values = {
            "iso3": entry["iso3"],
            "m49": entry.get("m49"),
            "kind": entry["kind"],
            "region": entry.get("region"),
            "subregion": entry.get("subregion"),
            "mea_region": entry["mea_region"],
            "un_names": entry.get("names", {}),
            "un_formal_names": entry.get("formal_names", {}),
            "aliases": entry.get("aliases", []),
        }
        country = existing.get(entry["iso2"])
        if country is None:
            db.session.add(Country(iso2=entry["iso2"], official_names={}, **values))
            report.created += 1
        elif assign(country, values):
            report.updated += 1


def apply_conventions(data: dict[str, Any], report: ApplyReport) -> None:
    """Apply the instruments (conventions first, then those under them) and their roles.

    A role listed under another instrument than before moves there, with its appointments.
    """
    conventions = {c.code: c for c in db.session.scalars(select(Convention))}
    roles = {r.code: r for r in db.session.scalars(select(Role))}
    for entry in sorted(data["conventions"], key=lambda e: e.get("parent") is not None):
        values = {
            "names": entry["names"],
            "acronyms": entry.get("acronym", {}),
            "kind": entry.get("kind", "convention"),
            "parent": conventions[entry["parent"]] if entry.get("parent") else None,
            "website": entry.get("website"),
            "sort_order": entry.get("sort_order", 100),
        }
        convention = conventions.get(entry["code"])
        if convention is None:
            convention = Convention(code=entry["code"], **values)
            db.session.add(convention)
            conventions[entry["code"]] = convention
            report.created += 1
        elif assign(convention, values):
            report.updated += 1
        for role_entry in entry["roles"]:
            role_values = {
                "convention": convention,
                "names": role_entry["names"],
                "multiple_holders": role_entry.get("multiple_holders", False),
                "has_primary": role_entry.get("has_primary", False),
                "requirement": role_entry.get("requirement", "optional"),
                "basis": role_entry.get("basis", {}),
                "holder_kind": role_entry.get("holder_kind", "person"),
                "informea_names": role_entry.get("informea_names", []),
                "sort_order": role_entry.get("sort_order", 100),
            }
            role = roles.get(role_entry["code"])
            if role is None:
                db.session.add(Role(code=role_entry["code"], **role_values))
                report.created += 1
            elif assign(role, role_values):
                report.updated += 1
    db.session.flush()


def _optional_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def apply_memberships(data: dict[str, Any], report: ApplyReport) -> None:
    """Apply each instrument's list of Parties or signatories, with its sources.

    Within a country and instrument that the file speaks for, its periods replace ours.
    """
    countries = {c.iso2: c for c in db.session.scalars(select(Country))}
    conventions = {c.code: c for c in db.session.scalars(select(Convention))}
    sources = data.get("sources", {})
    for code, about in data.get("instruments", {}).items():
        values = {
            "membership_as_of": _optional_date(about.get("as_of")),
            "published_total": about.get("published_total"),
            "membership_sources": [
                {"id": source, **sources[source]} for source in about.get("sources", [])
            ],
        }
        if assign(conventions[code], values):
            report.updated += 1
    existing: dict[tuple[int, int], dict[date | None, Membership]] = {}
    for membership in db.session.scalars(select(Membership)):
        key = (membership.country_id, membership.convention_id)
        existing.setdefault(key, {})[membership.entry_into_force] = membership
    seen: dict[tuple[int, int], set[date | None]] = {}
    for entry in data["memberships"]:
        country = countries[entry["country"]]
        convention = conventions[entry["instrument"]]
        key = (country.id, convention.id)
        start = _optional_date(entry.get("entry_into_force"))
        seen.setdefault(key, set()).add(start)
        values = {
            "kind": entry["kind"],
            "signed": _optional_date(entry.get("signed")),
            "deposited": _optional_date(entry.get("deposited")),
            "ended": _optional_date(entry.get("ended")),
            "source": entry.get("source"),
            "confirmed": bool(entry.get("confirmed", False)),
            "note": entry.get("note"),
        }
        membership = existing.get(key, {}).get(start)
        if membership is None:
            db.session.add(
                Membership(
                    country_id=country.id,
                    convention_id=convention.id,
                    entry_into_force=start,
                    **values,
                )
            )
            report.created += 1
        elif assign(membership, values):
            report.updated += 1
    for key, starts in seen.items():
        for start, membership in existing.get(key, {}).items():
            if start not in starts:
                db.session.delete(membership)
                report.removed += 1
