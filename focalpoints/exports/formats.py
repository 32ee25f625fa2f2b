"""Writing contact rows as CSV, XLSX, vCard and a mailing list, streamed in bounded memory."""

from __future__ import annotations

import csv
import io
import operator
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import xlsxwriter

from focalpoints.focal_points.columns import CONTACT_COLUMNS
from focalpoints.forms import FORMULA_PREFIXES
from focalpoints.i18n import parenthetical
from focalpoints.urls import is_web_address

# Widths (in characters) of the XLSX columns; the rest get 16.
WIDTHS = {
    "country": 8,
    "country_name": 28,
    "country_formal_name": 36,
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


# A streamed export is sent in pieces of about this many characters: one piece per row made
# the server write (and the client read) tens of thousands of small pieces.
CHUNK_CHARACTERS = 64 * 1024
_FORMULA_FIRST = frozenset(prefix[0] for prefix in FORMULA_PREFIXES)


def neutralise(value: Any) -> str:
    """Text a spreadsheet will never run as a formula: a leading =, +, -, @, tab or CR is
    preceded by an apostrophe (the import removes it again)."""
    text = "" if value is None else value if value.__class__ is str else str(value)
    if text[:1] in _FORMULA_FIRST and text.startswith(FORMULA_PREFIXES):  # first the cheap test
        return "'" + text
    return text


# A cell that starts a formula, in a row's cells each preceded by the ASCII unit separator
# (a pattern that starts with a literal character: the regular expression engine skips to
# each separator instead of trying every position).
_UNIT = "\x1f"
_FORMULA_CELL = re.compile(f"{_UNIT}[{re.escape(''.join(sorted(_FORMULA_FIRST)))}]")


def neutralised(cells: Sequence[Any]) -> Sequence[str]:
    """A row's cells as :func:`neutralise` gives them. Hardly any row holds a cell to change,
    so the whole row is tested at once first: one call per cell was a fifth of an export's
    time."""
    try:
        if _FORMULA_CELL.search(_UNIT + _UNIT.join(cells)) is None:
            return cells  # all text (join takes nothing else), none starting a formula
    except TypeError:  # a cell that is not text
        pass
    return [neutralise(cell) for cell in cells]


def _cells(columns: Sequence[str]) -> Any:
    """A function that gives a row's cells for ``columns``, in order."""
    if len(columns) == 1:
        return lambda row: (row[columns[0]],)
    return operator.itemgetter(*columns)


def chunked(pieces: Iterable[str], size: int = CHUNK_CHARACTERS) -> Iterator[str]:
    """Join small pieces of text into chunks of about ``size`` characters, in order."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


def csv_chunks(
    rows: Iterable[dict[str, Any]], columns: Sequence[str] = CONTACT_COLUMNS
) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark, so that Excel shows every script; yields chunks of
    about CHUNK_CHARACTERS."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(columns)
    cells = _cells(columns)
    for row in rows:
        writer.writerow(neutralised(cells(row)))
        if buffer.tell() >= CHUNK_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(
    rows: Iterable[dict[str, Any]], sheet_name: str, columns: Sequence[str] = CONTACT_COLUMNS
) -> str:
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
    for index, column in enumerate(columns):
        sheet.set_column(index, index, WIDTHS.get(column, 16))
        sheet.write_string(0, index, column, header)
    sheet.freeze_panes(1, 0)
    last, cells = 0, _cells(columns)
    for last, row in enumerate(rows, start=1):
        for index, cell in enumerate(neutralised(cells(row))):
            sheet.write_string(last, index, cell)
    sheet.autofilter(0, 0, max(last, 1), len(columns) - 1)
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
    """One vCard 3.0 per person (rows come grouped by person), their roles in the note, in
    chunks of about CHUNK_CHARACTERS."""
    return chunked(_vcards(rows))


def _vcards(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    person: dict[str, Any] | None = None
    roles: list[str] = []
    for row in rows:
        if person is not None and row["person_id"] != person["person_id"]:
            yield _vcard(person, roles)
            roles = []
        person = row
        roles.append(f"{row['convention']}: {row['role_name']}{parenthetical(row['country'])}")
    if person is not None:
        yield _vcard(person, roles)


def _vcard(row: dict[str, Any], roles: list[str]) -> str:
    """One vCard 3.0 (RFC 2426), written as text: building vobject's objects for each of
    thousands of cards was most of an export's time. Properties come in vobject's order
    (VERSION, then by name), so the cards read the same as before."""
    institution = row["holder_kind"] == "institution"
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    if row["street"] or row["city"]:
        address = (
            "",
            "",
            row["street"],
            row["city"],
            "",
            row["postal_code"],
            row["address_country"],
        )
        lines.append("ADR;TYPE=WORK:" + _structured(address))
    for address in [row["email"], *filter(None, row["other_emails"].split(";"))]:
        if address:
            lines.append("EMAIL;TYPE=INTERNET:" + _text(address))
    full = " ".join(p for p in (row["given_names"], row["family_name"]) if p)
    lines.append(
        "FN:" + _text((row["organisation"] if institution else full) or row["email"] or "-")
    )
    name = (
        "" if institution else row["family_name"],
        "" if institution else row["given_names"],
        "",
        row["honorific"],
        "",
    )
    lines.append("N:" + _structured(name))
    lines.append("NOTE:" + _text("; ".join(roles)))
    if row["organisation"]:
        lines.append("ORG:" + _structured(p for p in (row["organisation"], row["department"]) if p))
    for column, kind in (("phone", "WORK"), ("mobile", "CELL"), ("fax", "FAX")):
        if row[column]:
            lines.append(f"TEL;TYPE={kind}:" + _text(row[column]))
    if row["job_title"]:
        lines.append("TITLE:" + _text(row["job_title"]))
    if is_web_address(row["website"]):  # never a javascript: link stored before it was refused
        lines.append("URL:" + _text(row["website"]))
    lines.append("END:VCARD")
    return "".join(_folded(line) for line in lines)


def _text(value: str | None) -> str:
    """A text value escaped as RFC 2426 (5.8.4) asks: backslash, comma, semicolon, newline."""
    if not value:
        return ""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _structured(parts: Iterable[str | None]) -> str:
    """A structured value (N, ADR, ORG): escaped components separated by semicolons."""
    return ";".join(_text(part) for part in parts)


FOLD_OCTETS = 75


def _folded(line: str) -> str:
    """A content line with its CRLF, folded so that no line exceeds 75 octets of UTF-8 and no
    character is split (RFC 6350 3.2; a continuation line starts with a space)."""
    if len(line) <= FOLD_OCTETS // 4 or len(line.encode()) <= FOLD_OCTETS:  # most lines
        return line + "\r\n"
    if line.isascii():
        pieces = [line[:FOLD_OCTETS]]
        pieces += [
            line[i : i + FOLD_OCTETS - 1] for i in range(FOLD_OCTETS, len(line), FOLD_OCTETS - 1)
        ]
        return "\r\n ".join(pieces) + "\r\n"
    pieces, current, size = [], [], 0
    for char in line:
        octets = len(char.encode())
        if size + octets > FOLD_OCTETS:
            pieces.append("".join(current))
            current, size = [], 1  # the continuation's leading space
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces) + "\r\n"


def mailing_list(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """'Name <address>' once per address, separated by '; ', ready for a BCC field; in chunks
    of about CHUNK_CHARACTERS."""
    return chunked(_addresses(rows))


def _addresses(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
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
