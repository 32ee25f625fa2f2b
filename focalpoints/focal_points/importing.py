"""Import of contact lists: our own CSV/XLSX columns, or InforMEA's contact feed (JSON).

First a plan says, row by row, what would happen (new, update, unchanged or error, with the
reasons); nothing is written until the plan is applied. Applying the same file twice changes
nothing the second time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from focalpoints.archives import UnsafeArchive, open_archive
from focalpoints.conventions.models import Role
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points import operations
from focalpoints.focal_points.columns import CONTACT_COLUMNS, LIST_SEPARATOR
from focalpoints.focal_points.contacts import InvalidContact, name_key, parse_email, parse_phone
from focalpoints.focal_points.models import CONTACT_FIELDS, PERSON_FIELDS, Person, Status
from focalpoints.forms import FORMULA_PREFIXES, has_control_characters
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.urls import is_web_address

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# The columns taken as plain text; the others are parsed (addresses, numbers, codes, lists).
TEXT_FIELDS = tuple(
    name
    for name in CONTACT_FIELDS
    if name
    not in ("address_country", "email", "other_emails", "phone", "mobile", "fax", "languages")
)
# How long each may be: as long as the record's column.
LIMITS = {name: Person.__table__.c[name].type.length for name in TEXT_FIELDS}
# InforMEA treaty names of the instruments we keep, and their codes here.
TREATIES = {
    "cms": "CMS",
    "cbd": "CBD",
    "cartagena": "CARTAGENA",
    "nagoya": "NAGOYA",
    "cites": "CITES",
    "ramsar": "RAMSAR",
    "aewa": "AEWA",
    "eurobats": "EUROBATS",
    "ascobans": "ASCOBANS",
    "accobams": "ACCOBAMS",
    "acap": "ACAP",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class SourceRow:
    """One record of the file, in our column names, with what reading it already noticed."""

    number: int
    values: dict[str, str]
    roles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lenient: bool = False  # feeds from other systems: drop a dirty optional field, keep the row


@dataclass
class PlannedRow:
    """What importing one row would do."""

    number: int
    label: str
    action: str = "unchanged"  # new, update, unchanged, error
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    new_roles: list[Role] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    person: Person | None = None
    country: Country | None = None
    status: Status = Status.PROPOSED
    start_date: date | None = None


# Reading --------------------------------------------------------------------------------------


def read_contacts(data: bytes, filename: str) -> list[SourceRow]:
    """Read a CSV (UTF-8 with or without BOM, or Windows-1252), XLSX or InforMEA JSON file."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("The file may be at most 5 MB."))
    suffix = Path(filename or "").suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix == ".xlsx":
        rows = _read_xlsx(data)
    elif data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith((b"{", b"[")) or suffix == ".json":
        return _read_informea(data)
    else:
        rows = _read_csv(data)
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("The file may have at most %(n)d rows.", n=MAX_ROWS))
    result = []
    for number, row in enumerate(rows, start=2):
        values = {k: v for k, v in row.items() if k in CONTACT_COLUMNS}
        if not any(values.values()):
            continue
        roles = [values["role"]] if values.get("role") else []
        result.append(SourceRow(number, values, roles))
    return result


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header(names: list[str]) -> list[str]:
    header = [str(n or "").strip().lower() for n in names]
    if "email" not in header and "family_name" not in header and "organisation" not in header:
        raise ImportFileError(
            _(
                "The first row must name the columns, as in the contact export (country, role, "
                "given_names, family_name, organisation, email, ...)."
            )
        )
    return header


def _read_csv(data: bytes) -> list[dict[str, str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel writes ; where , is a decimal mark
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(_("The file is not a readable CSV file.")) from error
    if not rows:
        raise ImportFileError(_("The file is empty."))
    header = _header(rows[0])
    return [dict(zip(header, [c.strip() for c in row], strict=False)) for row in rows[1:]]


def _read_xlsx(data: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    # openpyxl inflates what it reads: check the archive first (a zip bomb is refused).
    try:
        open_archive(data, current_app.config["IMPORT_XLSX_MAX_BYTES"]).close()
    except UnsafeArchive as error:
        raise ImportFileError(_("The file is not a readable Excel (XLSX) file.")) from error
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise ImportFileError(_("The file is not a readable Excel (XLSX) file.")) from error
    sheet = workbook.worksheets[0]
    rows = [
        [
            "" if c is None else (c.isoformat()[:10] if isinstance(c, datetime | date) else str(c))
            for c in row
        ]
        for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    if not rows:
        raise ImportFileError(_("The file is empty."))
    header = _header(rows[0])
    return [dict(zip(header, [c.strip() for c in row], strict=False)) for row in rows[1:]]


def _read_informea(data: bytes) -> list[SourceRow]:
    try:
        document = json.loads(_decode(data))
    except ValueError as error:
        raise ImportFileError(_("The file is not valid JSON.")) from error
    records = document
    if isinstance(document, dict):
        records = document.get("d", document.get("value", []))
        if isinstance(records, dict):
            records = records.get("results", [])
    if not isinstance(records, list):
        raise ImportFileError(_("This is not an InforMEA contact feed."))
    if len(records) > MAX_ROWS:
        raise ImportFileError(_("The file may have at most %(n)d rows.", n=MAX_ROWS))
    # Roles by the names InforMEA's feeds give them, then (as the public directory's feed names
    # roles that have none) by their English name and their code.
    known: dict[tuple[str, str], str] = {}
    instruments = set()
    for role in db.session.scalars(select(Role).options(selectinload(Role.convention))):
        instruments.add(role.convention.code)
        for name in (*role.informea_names, role.names.get("en", ""), role.code):
            if name:
                known.setdefault((role.convention.code, name.casefold()), role.code)

    def instrument(treaty: str) -> str | None:
        return TREATIES.get(treaty) or (treaty.upper() if treaty.upper() in instruments else None)

    rows = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            continue
        values = {
            "country": _text(record.get("country")),
            "honorific": _text(record.get("prefix")),
            "given_names": _text(record.get("firstName")),
            "family_name": _text(record.get("lastName")),
            "job_title": _text(record.get("position")),
            "organisation": _text(record.get("institution")),
            "department": _text(record.get("department")),
            "street": _text(record.get("address")),
            "email": _text(record.get("email")),
            "phone": _text(record.get("phoneNumber")),
            "fax": _text(record.get("fax")),
            "website": _text(record.get("website")),
        }
        if any(key in record for key in ("street", "postalCode", "city")):
            # The public directory's feed gives the parts of the address it joins.
            values["street"] = _text(record.get("street"))
            values["postal_code"] = _text(record.get("postalCode"))
            values["city"] = _text(record.get("city"))
        roles, warnings = [], []
        for entry in record.get("roles") or []:
            if not isinstance(entry, dict):
                continue
            convention = instrument(_text(entry.get("treaty")).lower())
            for name in entry.get("roles") or []:
                code = known.get((convention, _text(name).casefold()))
                if code:
                    roles.append(code)
                else:
                    warnings.append(_("Role not recognised, left out: %(role)s", role=_text(name)))
        treaties = [
            _text(t.get("value") if isinstance(t, dict) else t).lower()
            for t in record.get("treaties") or []
        ]
        if treaties and not any(instrument(t) for t in treaties):
            warnings.append(
                _(
                    "Listed for %(treaties)s, not for a convention kept here.",
                    treaties=", ".join(treaties),
                )
            )
        rows.append(SourceRow(number, values, roles, warnings, lenient=True))
    return rows


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# Planning -------------------------------------------------------------------------------------


def plan_import(rows: list[SourceRow], country: Country | None) -> list[PlannedRow]:
    """Say what importing ``rows`` would do; with ``country``, every row must belong to it."""
    countries = {c.iso2: c for c in db.session.scalars(select(Country))}
    roles = {
        r.code: r for r in db.session.scalars(select(Role).options(selectinload(Role.convention)))
    }
    wanted = (
        {country.id}
        if country
        else {
            countries[r.values.get("country", "").upper()].id
            for r in rows
            if r.values.get("country", "").upper() in countries
        }
    )
    people = db.session.scalars(
        select(Person)
        .where(Person.country_id.in_(wanted), Person.deleted_at.is_(None))
        .options(selectinload(Person.appointments))
    ).all()
    holders: dict[tuple[int, int], set[int]] = {}
    for person in people:
        for appointment in person.appointments:
            if appointment.is_current:
                holders.setdefault((person.country_id, appointment.role_id), set()).add(person.id)
    planned = []
    seen: dict[tuple[int, str], PlannedRow] = {}
    for row in rows:
        item = _plan_row(row, country, countries, roles, people, holders)
        key = (item.country.id if item.country else 0, item.label)
        if item.action == "new" and key in seen and seen[key].action == "new":
            # The same new person on several rows (one per role): one person, several roles.
            first = seen[key]
            first.new_roles.extend(r for r in item.new_roles if r not in first.new_roles)
            item.action, item.new_roles = "unchanged", []
            item.warnings.append(_("Same person as row %(n)d.", n=first.number))
        elif item.action == "new":
            seen[key] = item
        planned.append(item)
    return planned


def _unneutralise(value: str) -> tuple[str, bool]:
    """Remove the apostrophe our exports put before a cell a spreadsheet would run as a formula.

    Such a cell was marked as plain text on purpose, so it is not refused as a formula.
    """
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:], True
    return value, False


def _plan_row(
    row: SourceRow,
    target: Country | None,
    countries: dict[str, Country],
    roles: dict[str, Role],
    people: list[Person],
    holders: dict[tuple[int, int], set[int]],
) -> PlannedRow:
    """Say what importing one row would do; ``holders`` learns the roles it would fill."""
    marked = {k: _unneutralise(v) for k, v in row.values.items()}
    values = {k: v for k, (v, _quoted) in marked.items()}
    item = PlannedRow(number=row.number, label=_label(values), warnings=list(row.warnings))
    item.country = _row_country(item, values.get("country", "").upper(), target, countries)
    _check_cells(item, marked)
    if item.errors:
        item.action = "error"
        return item
    # What a lenient feed gets wrong in an optional field is a warning, not a refusal.
    problem = item.warnings.append if row.lenient else item.errors.append
    item.values = _holder_values(item, values, countries, problem)
    _designation(item, values)
    item.person = _match(item.country, item.values, people)
    item.new_roles = _new_roles(item, row.roles, values, roles, holders, problem)
    if item.errors:
        item.action = "error"
    else:
        _settle(item, holders)
    return item


def _label(values: dict[str, str]) -> str:
    """The row's holder as the preview names them before matching: the name, or the institution."""
    name = " ".join(p for p in (values.get("given_names", ""), values.get("family_name", "")) if p)
    return name or values.get("organisation", "")


def _row_country(
    item: PlannedRow, code: str, target: Country | None, countries: dict[str, Country]
) -> Country | None:
    """The row's country: the import's own, which the row may not contradict, or the row's."""
    if target is not None:
        if code and code != target.iso2:
            item.errors.append(_("This row is for another country (%(code)s).", code=code))
        return target
    if code in countries:
        return countries[code]
    item.errors.append(_("Unknown or missing country code: %(code)s", code=code or "—"))
    return None


def _check_cells(item: PlannedRow, marked: dict[str, tuple[str, bool]]) -> None:
    """Refuse cells that could harm a reader: control characters, formulas, overlong text."""
    for name, (value, quoted) in marked.items():
        if has_control_characters(value, allow_newlines=name == "street"):
            item.errors.append(_("Column %(column)s holds control characters.", column=name))
        elif name in TEXT_FIELDS and value.startswith(FORMULA_PREFIXES) and not quoted:
            item.errors.append(
                _("Column %(column)s starts like a spreadsheet formula (=, +, -, @).", column=name)
            )
        elif len(value) > LIMITS.get(name, 2000):
            item.errors.append(_("Column %(column)s is too long.", column=name))
        elif name == "website" and value and not is_web_address(value):
            item.errors.append(
                _("Column %(column)s is not a web address starting with https://.", column=name)
            )


def _holder_values(
    item: PlannedRow,
    values: dict[str, str],
    countries: dict[str, Country],
    problem: Callable[[str], None],
) -> dict[str, Any]:
    """The person's or institution's fields as the registry keeps them."""
    clean: dict[str, Any] = {k: values[k] for k in TEXT_FIELDS if values.get(k)}
    clean["kind"] = _holder_kind(item, values)
    clean.update(_emails(values, problem))
    clean.update(_phones(values, item.country.iso2, problem))
    if values.get("address_country"):
        if values["address_country"].upper() in countries:
            clean["address_country"] = values["address_country"].upper()
        else:
            problem(_("Unknown country of the address: %(value)s", value=values["address_country"]))
    languages = [
        c.strip().lower() for c in values.get("languages", "").split(LIST_SEPARATOR) if c.strip()
    ]
    if any(c not in NATIVE_NAMES for c in languages):
        problem(_("Unknown language code in: %(value)s", value=values["languages"]))
    if languages:
        clean["languages"] = [c for c in languages if c in NATIVE_NAMES]
    if values.get("visibility"):
        if values["visibility"] in ("public", "registered", "restricted"):
            clean["visibility"] = values["visibility"]
        else:
            item.errors.append(_("Unknown visibility: %(value)s", value=values["visibility"]))
    return clean


def _holder_kind(item: PlannedRow, values: dict[str, str]) -> str:
    """A person or an institution: as the row says, or guessed from the names it gives."""
    kind = values.get("holder_kind", "").lower()
    if kind not in ("", "person", "institution"):
        item.errors.append(_("Unknown holder kind: %(value)s", value=kind))
    if not kind:
        has_name = values.get("given_names") or values.get("family_name")
        kind = "person" if has_name or not values.get("organisation") else "institution"
    if kind == "person" and not (values.get("given_names") or values.get("family_name")):
        item.errors.append(_("A person needs a given name or a family name."))
    if kind == "institution" and not values.get("organisation"):
        item.errors.append(_("An institution needs its name in the organisation column."))
    return kind


def _emails(values: dict[str, str], problem: Callable[[str], None]) -> dict[str, Any]:
    """The main and other e-mail addresses that are valid."""
    clean: dict[str, Any] = {}
    if values.get("email"):
        try:
            clean["email"] = parse_email(values["email"])
        except InvalidContact:
            problem(_("Not a valid e-mail address: %(value)s", value=values["email"]))
    others = []
    for address in values.get("other_emails", "").split(LIST_SEPARATOR):
        if address.strip():
            try:
                others.append(parse_email(address))
            except InvalidContact:
                problem(_("Not a valid e-mail address: %(value)s", value=address.strip()))
    if others:
        clean["other_emails"] = others
    return clean


def _phones(
    values: dict[str, str], country_code: str, problem: Callable[[str], None]
) -> dict[str, str]:
    """The phone, mobile and fax numbers that are valid, in international form."""
    clean = {}
    for name in ("phone", "mobile", "fax"):
        if values.get(name):
            try:
                clean[name] = parse_phone(values[name], country_code)
            except InvalidContact:
                problem(
                    _(
                        "Not a valid phone number in column %(column)s: %(value)s",
                        column=name,
                        value=values[name],
                    )
                )
    return clean


def _designation(item: PlannedRow, values: dict[str, str]) -> None:
    """The status and start date of the appointments the row would create."""
    if values.get("status"):
        try:
            item.status = Status(values["status"].lower())
        except ValueError:
            item.errors.append(_("Unknown designation status: %(value)s", value=values["status"]))
    if item.status == Status.NOTIFIED:
        item.status = Status.ENDORSED
        item.warnings.append(
            _(
                "Recorded as nationally endorsed: an official notification needs "
                "the letter's reference and date, entered on the appointment."
            )
        )
    elif item.status == Status.ACKNOWLEDGED:
        item.status = Status.ENDORSED
        item.warnings.append(
            _("Recorded as nationally endorsed: only the Secretariat acknowledges a designation.")
        )
    if values.get("start_date"):
        try:
            item.start_date = date.fromisoformat(values["start_date"][:10])
        except ValueError:
            item.errors.append(_("Not a date (YYYY-MM-DD): %(value)s", value=values["start_date"]))


def _new_roles(
    item: PlannedRow,
    codes: list[str],
    values: dict[str, str],
    roles: dict[str, Role],
    holders: dict[tuple[int, int], set[int]],
    problem: Callable[[str], None],
) -> list[Role]:
    """The roles named on the row that the holder would take up now."""
    country, person, kind = item.country, item.person, item.values["kind"]
    new_roles: list[Role] = []
    for code in codes:
        role = roles.get(code.upper())
        if role is None or not role.is_active:
            problem(_("Unknown role: %(role)s", role=code))
            continue
        if values.get("convention") and values["convention"].upper() != role.convention.code:
            item.errors.append(
                _(
                    "Role %(role)s does not belong to %(convention)s.",
                    role=role.code,
                    convention=values["convention"],
                )
            )
            continue
        if item.status == Status.ENDED:
            continue  # a former appointment: history, not something to create
        current = holders.get((country.id, role.id), set())
        if person is not None and person.id in current:
            continue
        if role.holder_kind != "either" and role.holder_kind != kind:
            problem(_("Role %(role)s cannot be held by this kind of holder.", role=role.code))
            continue
        if current and not role.multiple_holders:
            problem(_("Role %(role)s allows one holder and has one already.", role=role.code))
            continue
        new_roles.append(role)
    return new_roles


def _settle(item: PlannedRow, holders: dict[tuple[int, int], set[int]]) -> None:
    """Decide new, update or unchanged, and record the roles taken so later rows see them."""
    country, person = item.country, item.person
    if person is None:
        item.action = "new"
        for role in item.new_roles:  # later rows see this row's holders
            holders.setdefault((country.id, role.id), set()).add(-item.number)
        return
    item.changes = [k for k, v in item.values.items() if getattr(person, k) != v]
    item.label = person.display_name
    for role in item.new_roles:
        holders.setdefault((country.id, role.id), set()).add(person.id)
    item.action = "update" if item.changes or item.new_roles else "unchanged"


def _match(country: Country, values: dict[str, Any], people: list[Person]) -> Person | None:
    emails = {e for e in [values.get("email", ""), *values.get("other_emails", [])] if e}
    key = name_key(
        values.get("given_names", ""),
        values.get("family_name", ""),
        values.get("organisation", "") if values.get("kind") == "institution" else "",
    )
    candidates = [p for p in people if p.country_id == country.id]
    for person in candidates:
        if emails & {e for e in [person.email, *person.other_emails] if e}:
            return person
    for person in candidates:
        if key and person.match_key == key:
            return person
    return None


# Applying -------------------------------------------------------------------------------------


def apply_import(planned: list[PlannedRow]) -> dict[str, int]:
    """Write what the plan says, a row at a time (each committed, or rolled back alone);
    return how many rows did what."""
    counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
    for item in planned:
        if item.action in ("error", "unchanged"):
            counts[item.action] += 1
            continue
        try:
            person = item.person
            if person is None:
                person = operations.create_person(item.country, item.values)
            elif item.changes:
                person = operations.update_person(
                    person,
                    {**{k: getattr(person, k) for k in PERSON_FIELDS}, **item.values},
                    person.version,
                )
            for role in item.new_roles:
                status = (
                    item.status
                    if item.status not in (Status.ACKNOWLEDGED, Status.ENDED)
                    else Status.PROPOSED
                )
                operations.appoint(
                    item.country,
                    person,
                    role,
                    item.start_date or date.today(),
                    status=status if status != Status.NOTIFIED else Status.ENDORSED,
                )
        except (operations.RegistryError, Exception) as error:
            db.session.rollback()
            item.action = "error"
            item.errors.append(str(getattr(error, "message", error)))
            counts["error"] += 1
            continue
        db.session.commit()
        counts[item.action] += 1
    return counts
