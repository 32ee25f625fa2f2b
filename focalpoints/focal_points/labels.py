"""Translated labels of the registry's codes and fields."""

import re
from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from focalpoints.focal_points.models import Status
from focalpoints.i18n import NATIVE_NAMES, format_day, format_timestamp, join_list

STATUSES = {
    Status.PROPOSED: _l("Proposed"),
    Status.ENDORSED: _l("Nationally endorsed"),
    Status.NOTIFIED: _l("Officially notified"),
    Status.ACKNOWLEDGED: _l("Acknowledged by the Secretariat"),
    Status.ENDED: _l("Ended"),
}
VISIBILITIES = {
    "public": _l("Everyone (public directory)"),
    "registered": _l("Registered users of every country"),
    "restricted": _l("Only my country and the Secretariat"),
}
HOLDER_KINDS = {"person": _l("A person"), "institution": _l("An institution")}
GENDERS = {"": _l("Not stated"), "female": _l("Female"), "male": _l("Male"), "other": _l("Other")}

# Field names as the change history shows them.
FIELDS = {
    "kind": _l("Holder"),
    "honorific": _l("Honorific"),
    "given_names": _l("Given name(s)"),
    "family_name": _l("Family name"),
    "job_title": _l("Job title"),
    "organisation": _l("Organisation"),
    "organisation_acronym": _l("Acronym of the organisation"),
    "department": _l("Department"),
    "street": _l("Street address"),
    "city": _l("City"),
    "postal_code": _l("Postal code"),
    "address_country": _l("Country of the address"),
    "email": _l("E-mail address"),
    "other_emails": _l("Other e-mail addresses"),
    "phone": _l("Telephone"),
    "mobile": _l("Mobile"),
    "fax": _l("Fax"),
    "website": _l("Website"),
    "languages": _l("Correspondence languages"),
    "gender": _l("Gender"),
    "notes": _l("Notes"),
    "visibility": _l("Visibility"),
    "version": _l("Version"),
    "deleted_at": _l("Deleted"),
    "merged_into_id": _l("Merged into"),
    "status": _l("Designation status"),
    "is_primary": _l("Primary holder"),
    "start_date": _l("Start"),
    "end_date": _l("End"),
    "end_reason": _l("Reason for ending"),
    "letter_reference": _l("Letter reference"),
    "letter_date": _l("Letter date"),
    "letter_file": _l("Scanned letter"),
    "letter_filename": _l("Scanned letter"),
    "acknowledged_at": _l("Acknowledged"),
    "last_confirmed_on": _l("Last confirmed"),
    "person_id": _l("Holder"),
    "role_id": _l("Role"),
    "predecessor_id": _l("Predecessor"),
    "country_id": _l("Country"),
    "created_at": _l("Created"),
    "id": _l("Number"),
    # Meetings, agenda items, issues, positions and consultations.
    "code": _l("Code"),
    "names": _l("Name"),
    "short_names": _l("Short name"),
    "descriptions": _l("Description"),
    "titles": _l("Title"),
    "texts": _l("Text"),
    "language": _l("Language"),
    "body": _l("Body"),
    "number": _l("Number of the meeting"),
    "place": _l("Place"),
    "host_country": _l("Host country"),
    "tentative": _l("Dates or place to be confirmed"),
    "convention_id": _l("Convention"),
    "meeting_id": _l("Meeting"),
    "agenda_item_id": _l("Agenda item"),
    "issue_id": _l("Cross-cutting issue"),
    "in_resolution": _l("Named in paragraph 18 of Resolution 10.21"),
    "sort_order": _l("Position in lists"),
    "is_active": _l("In use"),
    "lead_person_id": _l("Lead focal point"),
    "agreed_on": _l("Agreed on"),
    "shared": _l("Shared with the Secretariat"),
    "requested_on": _l("Asked on"),
    "deadline": _l("Deadline"),
    "message": _l("Message"),
    "answer": _l("Answer"),
    "answer_note": _l("Comment or objection"),
    "answered_on": _l("Answered on"),
    "position_id": _l("Position"),
    "message_language": _l("Language of the message"),
    "requested_by": _l("Asked by"),
    "answer_language": _l("Language of the answer"),
    "answered_by_self": _l("Answered by the focal point"),
    "multiple_holders": _l("Can have several holders"),
    "share_text": _l("Focal points without an account may read the position's text"),
    # Accounts.
    "role": _l("Role"),
    "language_chosen": _l("Language chosen by the user"),
    "active": _l("Active"),
    "invited_by_id": _l("Invited by"),
    "user_id": _l("User"),
}


# Labels of codes stored in other features' fields, registered by those features.
VALUE_LABELS: dict[str, dict[str, object]] = {}


def register_labels(fields: dict[str, object], values: dict[str, dict[str, object]]) -> None:
    """Let the change history name another feature's fields and coded values.

    Keys are field names, or "table.field" where a table's field means something else than the
    registry's field of that name (the status of an action is not a designation status).
    """
    FIELDS.update(fields)  # type: ignore[arg-type]
    for name, table in values.items():
        VALUE_LABELS.setdefault(name, {}).update(table)


def status_label(code: str) -> str:
    """Translated name of a designation status."""
    label = STATUSES.get(code)  # type: ignore[call-overload]  # a StrEnum key matches its value
    if label is None:
        return code
    # Pages show a status per row: each language's text is looked up once per process.
    key = (get_locale(), code)
    text = _STATUS_TEXTS.get(key)
    if text is None:
        text = _STATUS_TEXTS[key] = str(label)
    return text


_STATUS_TEXTS: dict[tuple[object, str], str] = {}


def field_label(name: str, entity: str = "") -> str:
    """Translated name of a recorded field (of the table ``entity``, when it names it apart)."""
    return str(FIELDS.get(f"{entity}.{name}", FIELDS.get(name, name)))


IMPORT_ACTIONS = {
    "new": _l("New"),
    "update": _l("Update"),
    "unchanged": _l("Unchanged"),
    "error": _l("Error: not imported"),
}


def import_action_label(action: str) -> str:
    """Translated name of what an import does with a row."""
    return str(IMPORT_ACTIONS.get(action, action))


def history_value(name: str, value: object, entity: str = "") -> str:
    """Show a recorded value as a reader expects it: labels, not codes."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        if name == "languages":
            return join_list(NATIVE_NAMES.get(str(v), str(v)) for v in value)
        return join_list(str(v) for v in value)
    if isinstance(value, dict):  # texts per language
        return "; ".join(f"{language}: {text}" for language, text in value.items())
    for key in (f"{entity}.{name}", name):
        if key in VALUE_LABELS and str(value) in VALUE_LABELS[key]:
            return str(VALUE_LABELS[key][str(value)])
    if name == "status" and value in {s.value for s in Status}:
        return status_label(str(value))
    if name == "visibility":
        return str(VISIBILITIES.get(str(value), value))
    if name == "kind":
        return str(HOLDER_KINDS.get(str(value), value))
    if name.endswith("_id"):
        return f"#{value}"
    text = str(value)
    if _TIMESTAMP.match(text):  # a stored moment, in the reader's style for moments
        return format_timestamp(datetime.fromisoformat(text))
    if _DATE.match(text):  # a calendar date, as table cells show dates
        try:
            return format_day(date.fromisoformat(text), "cell")
        except ValueError:
            return text
    if name == "language" or name.endswith("_language"):
        return NATIVE_NAMES.get(text, text)
    return text if len(text) <= HISTORY_TEXT_LIMIT else text[:HISTORY_TEXT_LIMIT] + "…"


_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
# Long texts (minutes, mandates) are cut in the history table; the record shows them whole.
HISTORY_TEXT_LIMIT = 400
