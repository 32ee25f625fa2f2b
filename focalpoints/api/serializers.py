"""JSON shapes of the API; contacts follow InforMEA's contact feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.urls import web_address


def country(record: Country, on: date, convention_codes: dict[int, str]) -> dict[str, Any]:
    """A country with its Party status in each convention."""
    return {
        "iso2": record.iso2,
        "iso3": record.iso3,
        "m49": record.m49,
        "name": record.name,
        "kind": record.kind,
        "region": record.region,
        "subregion": record.subregion,
        "mea_region": record.mea_region,
        "memberships": [
            {
                "convention": convention_codes.get(m.convention_id, ""),
                "instrument": m.instrument,
                "deposited": m.deposited.isoformat() if m.deposited else None,
                "entry_into_force": m.entry_into_force.isoformat(),
                "ended": m.ended.isoformat() if m.ended else None,
                "is_party": m.is_current(on),
            }
            for m in record.memberships
        ],
    }


def convention(record: Convention) -> dict[str, Any]:
    """A convention with its roles, names in every language."""
    return {
        "code": record.code,
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
                "holder_kind": r.holder_kind,
                "instrument": r.instrument,
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
