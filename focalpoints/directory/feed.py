"""A country's public contacts as an InforMEA contact feed (OData v3, as the CBD serves it).

Each contact carries InforMEA's fields, its roles under InforMEA's treaty names and role names
(the role's InforMEA name where it has one, else its English name), and four fields of ours
that InforMEA's harvester passes over: ``street``, ``postalCode`` and ``city`` (``address``
joins them) and ``website``. The product's own import reads the feed back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from focalpoints.directory.queries import PublicContact
from focalpoints.focal_points.importing import TREATIES
from focalpoints.reference.snapshot import ConventionRecord, CountryRecord, RoleRecord
from focalpoints.urls import web_address

# Our instrument codes and InforMEA's treaty names (the first where several map to one code).
TREATY_NAMES = {code: name for name, code in reversed(list(TREATIES.items()))}


def treaty_name(instrument: ConventionRecord) -> str:
    """The instrument as InforMEA names it in a feed ("cms", "cartagena"), else its code."""
    return TREATY_NAMES.get(instrument.code, instrument.code.lower())


def role_name(role: RoleRecord) -> str:
    """The role as InforMEA's feeds name it, else its English name."""
    if role.informea_names:
        return role.informea_names[0]
    return role.names.get("en") or role.code


def contact_feed(
    country: CountryRecord,
    contacts: Iterable[PublicContact],
    roles: dict[int, tuple[ConventionRecord, RoleRecord]],
) -> dict[str, Any]:
    """The feed document: ``{"d": {"results": [contact, ...]}}``, one contact per person."""
    people: dict[int, dict[str, Any]] = {}
    for contact in contacts:
        instrument, role = roles[contact.role_id]
        entry = people.get(contact.person_id)
        if entry is None:
            entry = people[contact.person_id] = _contact(country, contact)
        else:
            entry["updated"] = max(entry["updated"], contact.confirmed_on.isoformat())
        treaty = treaty_name(instrument)
        if treaty not in entry["treaties"]:
            entry["treaties"].append(treaty)
        by_treaty = next((r for r in entry["roles"] if r["treaty"] == treaty), None)
        if by_treaty is None:
            by_treaty = {"__metadata": {"type": "PersonRoles"}, "treaty": treaty, "roles": []}
            entry["roles"].append(by_treaty)
        by_treaty["roles"].append(role_name(role))
        if contact.is_primary:
            entry["primary"] = 1
    return {"d": {"results": list(people.values())}}


def _contact(country: CountryRecord, contact: PublicContact) -> dict[str, Any]:
    return {
        "__metadata": {"type": "Contact"},
        "protocolVersion": 1,
        "id": str(contact.person_id),
        "treaties": [],
        "roles": [],
        "country": country.iso2,
        "prefix": contact.honorific,
        "firstName": contact.given_names,
        "lastName": contact.family_name,
        "position": contact.job_title,
        "institution": contact.organisation,
        "department": contact.department,
        "address": contact.address,
        "street": contact.street,
        "postalCode": contact.postal_code,
        "city": contact.city,
        "email": contact.email,
        "phoneNumber": contact.phone,
        "fax": contact.fax,
        "website": web_address(contact.website) or "",
        "primary": 0,
        "updated": contact.confirmed_on.isoformat(),
    }
