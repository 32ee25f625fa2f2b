"""JSON shapes of the API; contacts follow InforMEA's contact feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.urls import web_address


def country(record: Country, on: date, convention_codes: dict[int, str]) -> dict[str, Any]:
    """A country with its membership of each instrument (convention, protocol, agreement, MOU);
    its names are the UN's (short, and formal without article) in every UN language, ``name`` in
    the request's language.

    ``convention`` is the instrument's code; ``instrument`` keeps its first meaning, how the
    country joined (the same as ``kind``), for clients written against it.
    """
    return {
        "iso2": record.iso2,
        "iso3": record.iso3,
        "m49": record.m49,
        "name": record.name,
        "names": {lang: record.name_in(lang) for lang in NATIVE_NAMES},
        "formal_names": {lang: record.formal_name_in(lang) for lang in NATIVE_NAMES},
        "kind": record.kind,
        "region": record.region,
        "subregion": record.subregion,
        "mea_region": record.mea_region,
        "memberships": [
            {
                "convention": convention_codes.get(m.convention_id, ""),
                "kind": m.kind,
                "instrument": m.kind,
                "signed": _iso(m.signed),
                "deposited": _iso(m.deposited),
                "entry_into_force": _iso(m.entry_into_force),
                "ended": _iso(m.ended),
                "is_party": m.is_current(on),
                "confirmed": m.confirmed,
                "source": m.source,
            }
            for m in record.memberships
        ],
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def convention(record: Convention) -> dict[str, Any]:
    """An instrument with its roles, names in every language."""
    return {
        "code": record.code,
        "kind": record.kind,
        "parent": record.parent.code if record.parent else None,
        "membership_as_of": _iso(record.membership_as_of),
        "published_total": record.published_total,
        "names": record.names,
        "acronyms": record.acronyms,
        "website": web_address(record.website),
        "roles": [
            {
                "code": r.code,
                "names": r.names,
                "multiple_holders": r.multiple_holders,
                "has_primary": r.has_primary,
                "required": r.required,
                "requirement": r.requirement,
                "basis": r.basis,
                "holder_kind": r.holder_kind,
                "instrument": record.code,
            }
            for r in record.roles
            if r.is_active
        ],
    }


def contacts(rows: Iterable[dict[str, Any]], treaty_of: dict[str, str]) -> list[dict[str, Any]]:
    """Group export rows by person into InforMEA-shaped contacts with their roles by treaty."""
    result: dict[int, dict[str, Any]] = {}
    for row in rows:
        contact = result.get(row["person_id"])
        if contact is None:
            contact = result[row["person_id"]] = {
                "id": str(row["person_id"]),
                "country": row["country"],
                "prefix": row["honorific"],
                "firstName": row["given_names"],
                "lastName": row["family_name"],
                "position": row["job_title"],
                "institution": row["organisation"],
                "department": row["department"],
                "address": ", ".join(
                    p for p in (row["street"], row["postal_code"], row["city"]) if p
                ),
                "email": row["email"],
                "phoneNumber": row["phone"],
                "fax": row["fax"],
                "primary": 0,
                "updated": row["last_confirmed"],
                "treaties": [],
                "roles": [],
            }
        treaty = treaty_of.get(row["convention"], row["convention"].lower())
        if treaty not in contact["treaties"]:
            contact["treaties"].append(treaty)
        entry = next((r for r in contact["roles"] if r["treaty"] == treaty), None)
        if entry is None:
            entry = {"treaty": treaty, "roles": []}
            contact["roles"].append(entry)
        entry["roles"].append(row["role_name"])
        if row["primary"] == "yes":
            contact["primary"] = 1
    return list(result.values())
