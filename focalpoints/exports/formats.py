"""Writing contact rows as CSV, XLSX, vCard and a mailing list, streamed in bounded memory."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

import vobject
import xlsxwriter

from focalpoints.focal_points.columns import CONTACT_COLUMNS
from focalpoints.forms import FORMULA_PREFIXES

# Widths (in characters) of the XLSX columns; the rest get 16.
WIDTHS = {
    "country": 8,
    "convention": 11,
    "role": 16,
    "role_name": 36,
    "status": 13,
    "primary": 8,
    "given_names": 18,
    "family_name": 20,
    "job_title": 28,
    "organisation": 36,
    "email": 32,
    "street": 30,
    "other_emails": 30,
}


def neutralise(value: Any) -> str:
    """Text a spreadsheet will never run as a formula: a leading =, +, -, @, tab or CR is
    preceded by an apostrophe (the import removes it again)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark, so that Excel shows every script; yields chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CONTACT_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(row[c]) for c in CONTACT_COLUMNS])
        yield buffer.getvalue()


def xlsx_file(rows: Iterable[dict[str, Any]], sheet_name: str) -> str:
    """Write an XLSX file (header styled, first row frozen, auto-filter) and return its path.

    constant_memory writes each row to disk as it comes, so memory stays flat.
    """
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="focalpoints-export-")
    os.close(handle)
    workbook = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#D1E7DD", "border": 1})
    for index, column in enumerate(CONTACT_COLUMNS):
        sheet.set_column(index, index, WIDTHS.get(column, 16))
        sheet.write_string(0, index, column, header)
    sheet.freeze_panes(1, 0)
    last = 0
    for last, row in enumerate(rows, start=1):
        for index, column in enumerate(CONTACT_COLUMNS):
            sheet.write_string(last, index, neutralise(row[column]))
    sheet.autofilter(0, 0, max(last, 1), len(CONTACT_COLUMNS) - 1)
    workbook.close()
    return path


def file_chunks(path: str, size: int = 64 * 1024) -> Iterator[bytes]:
    """Stream a temporary file, then delete it."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(size):
                yield chunk
    finally:
        os.unlink(path)


def vcards(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One vCard 3.0 per person (rows come grouped by person), their roles in the note."""
    person: dict[str, Any] | None = None
    roles: list[str] = []
    for row in rows:
        if person is not None and row["person_id"] != person["person_id"]:
            yield _vcard(person, roles)
            roles = []
        person = row
        roles.append(f"{row['convention']}: {row['role_name']} ({row['country']})")
    if person is not None:
        yield _vcard(person, roles)


def _vcard(row: dict[str, Any], roles: list[str]) -> str:
    card = vobject.vCard()
    institution = row["holder_kind"] == "institution"
    card.add("n").value = vobject.vcard.Name(
        family="" if institution else row["family_name"],
        given="" if institution else row["given_names"],
        prefix=row["honorific"],
    )
    full = " ".join(p for p in (row["given_names"], row["family_name"]) if p)
    card.add("fn").value = (row["organisation"] if institution else full) or row["email"] or "-"
    if row["organisation"]:
        card.add("org").value = [p for p in (row["organisation"], row["department"]) if p]
    if row["job_title"]:
        card.add("title").value = row["job_title"]
    for address in [row["email"], *filter(None, row["other_emails"].split(";"))]:
        if address:
            email = card.add("email")
            email.value = address
            email.type_param = "INTERNET"
    for column, kind in (("phone", "WORK"), ("mobile", "CELL"), ("fax", "FAX")):
        if row[column]:
            tel = card.add("tel")
            tel.value = row[column]
            tel.type_param = kind
    if row["street"] or row["city"]:
        adr = card.add("adr")
        adr.value = vobject.vcard.Address(
            street=row["street"],
            city=row["city"],
            code=row["postal_code"],
            country=row["address_country"],
        )
        adr.type_param = "WORK"
    if row["website"]:
        card.add("url").value = row["website"]
    card.add("note").value = "; ".join(roles)
    return card.serialize()


def mailing_list(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """'Name <address>' once per address, separated by '; ', ready for a BCC field."""
    seen: set[str] = set()
    first = True
    for row in rows:
        address = row["email"]
        if not address or address in seen:
            continue
        seen.add(address)
        name = " ".join(p for p in (row["given_names"], row["family_name"]) if p)
        name = (name or row["organisation"]).replace('"', "'").replace("<", "").replace(">", "")
        entry = f'"{name}" <{address}>' if name else address
        yield entry if first else f"; {entry}"
        first = False
