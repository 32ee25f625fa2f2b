"""Uploaded documents: recognised by their content, stored under instance/ with random names."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from focalpoints.archives import UnsafeArchive, open_archive, read_member

PDF = "application/pdf"
WORD = "application/msword"
EXCEL = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODF_PREFIX = "application/vnd.oasis.opendocument."
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = {PDF: ".pdf", WORD: ".doc", EXCEL: ".xls", DOCX: ".docx", XLSX: ".xlsx"}
ODF_EXTENSIONS = {"text": ".odt", "spreadsheet": ".ods", "presentation": ".odp"}
# The longest OpenDocument media type is 60-odd characters.
_MIMETYPE_MAX_BYTES = 200


class UnsupportedDocument(ValueError):
    """The file is none of the accepted kinds, or too large."""


@dataclass(frozen=True)
class StoredDocument:
    stored_name: str
    content_type: str
    size: int


def content_type(data: bytes) -> str | None:
    """The type of a PDF, Word, Excel or OpenDocument file, judged by content; None otherwise."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(OLE_MAGIC):
        # Old Word and Excel files share the container; the name decides only the label.
        return WORD if b"W\x00o\x00r\x00d\x00D\x00o\x00c" in data[:65536] else EXCEL
    if data.startswith(b"PK\x03\x04"):
        # Checked before any member is read: entries, inflated size, ratio (a zip bomb).
        try:
            with open_archive(data) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    raw = read_member(archive, "mimetype", _MIMETYPE_MAX_BYTES)
                    kind = raw.decode("ascii", "replace").strip()
                    odf = kind.startswith(ODF_PREFIX)
                    return kind if odf and kind.removeprefix(ODF_PREFIX) in ODF_EXTENSIONS else None
                if "[Content_Types].xml" in names:
                    if "word/document.xml" in names:
                        return DOCX
                    if "xl/workbook.xml" in names:
                        return XLSX
        except UnsafeArchive:
            return None
    return None


def extension(kind: str) -> str:
    """The file name extension of an accepted content type."""
    if kind.startswith(ODF_PREFIX):
        return ODF_EXTENSIONS[kind.removeprefix(ODF_PREFIX)]
    return EXTENSIONS[kind]


def folder(name: str) -> Path:
    """A folder of stored documents under instance/."""
    path = Path(current_app.instance_path) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(data: bytes, where: str) -> StoredDocument:
    """Check and keep a document in instance/<where>/ under a random name."""
    if len(data) > current_app.config["DOCUMENT_MAX_BYTES"]:
        raise UnsupportedDocument("too large")
    kind = content_type(data)
    if kind is None:
        raise UnsupportedDocument("unsupported")
    name = secrets.token_hex(16) + extension(kind)
    (folder(where) / name).write_bytes(data)
    return StoredDocument(name, kind, len(data))


def path_of(stored_name: str, where: str) -> Path:
    """Where a stored document is (the name is ours, never the user's)."""
    return folder(where) / Path(stored_name).name
