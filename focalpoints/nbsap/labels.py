"""Translated labels of the NBSAP, framework and reporting codes and fields."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from focalpoints.focal_points.labels import field_label, history_value
from focalpoints.i18n import NATIVE_NAMES

NBSAP_STATUSES = {
    "in_preparation": _l("In preparation"),
    "adopted": _l("Adopted"),
    "under_revision": _l("Under revision"),
    "superseded": _l("Superseded"),
}
TARGET_KINDS = {"target": _l("National target"), "measure": _l("Measure")}
TARGET_STATUSES = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "on_track": _l("On track"),
    "delayed": _l("Delayed"),
    "achieved": _l("Achieved"),
    "discontinued": _l("Discontinued"),
}
DEGREES = {
    "high": _l("High: all elements of the global target"),
    "medium": _l("Medium: most elements"),
    "low": _l("Low: at least one element"),
}
DEGREES_SHORT = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
REPORT_STATES = {
    "not_started": _l("Not started"),
    "in_preparation": _l("In preparation"),
    "submitted": _l("Submitted"),
}
FIELDS = {
    "title": _l("Title"),
    "titles": _l("Title"),
    "descriptions": _l("Description"),
    "language": _l("Language"),
    "start_year": _l("From (year)"),
    "end_year": _l("To (year)"),
    "adopted_on": _l("Adopted on"),
    "document_url": _l("Link to the document"),
    "document_filename": _l("Document"),
    "nbsap_id": _l("NBSAP"),
    "parent_id": _l("Serves the national target"),
    "code": _l("Code"),
    "lead_institution": _l("Lead institution"),
    "indicators": _l("Indicators"),
    "responsible": _l("Responsible people"),
    "conventions": _l("Conventions served"),
    "degree": _l("Degree of alignment"),
    "element_id": _l("Global target"),
    "national_target_id": _l("National target"),
    "noted_on": _l("Date"),
    "text": _l("Progress note"),
    "updated_at": _l("Updated"),
    "submitted_on": _l("Submitted on"),
    "due_date": _l("Due"),
    "deadline_id": _l("Report"),
}
_CODES = {
    "kind": TARGET_KINDS,
    "degree": DEGREES_SHORT,
}


def label(name: str, entity: str = "") -> str:
    """Translated name of a recorded field of an NBSAP record."""
    return str(FIELDS[name]) if name in FIELDS else field_label(name, entity)


def value(name: str, raw: Any, entity: str = "") -> str:
    """A recorded value of an NBSAP record as a reader expects it."""
    if isinstance(raw, dict):
        return " · ".join(f"{NATIVE_NAMES.get(k, k)}: {v}" for k, v in raw.items()) or "—"
    if name in _CODES and isinstance(raw, str):
        return str(_CODES[name].get(raw, raw))
    if name == "status" and isinstance(raw, str):
        for table in (TARGET_STATUSES, NBSAP_STATUSES, REPORT_STATES):
            if raw in table:
                return str(table[raw])
    if name == "language" and isinstance(raw, str):
        return NATIVE_NAMES.get(raw, raw)
    return history_value(name, raw, entity)


def choice_label(table: dict[str, Any], code: str) -> str:
    return str(table.get(code, code))
