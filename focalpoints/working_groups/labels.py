"""Translated labels of the working group's codes and fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from focalpoints.focal_points.labels import register_labels
from focalpoints.working_groups.models import ActionStatus, GroupRole, MemberCategory

CATEGORIES = {
    MemberCategory.FOCAL_POINT.value: _l("Convention focal point"),
    MemberCategory.MINISTRY.value: _l("Ministry or agency"),
    MemberCategory.NGO.value: _l("Non-governmental organisation"),
    MemberCategory.IPLC.value: _l("Indigenous peoples and local communities"),
    MemberCategory.ACADEMIA.value: _l("Academia and research"),
    MemberCategory.PRIVATE_SECTOR.value: _l("Private sector"),
    MemberCategory.OTHER.value: _l("Other"),
}
GROUP_ROLES = {
    GroupRole.CHAIR.value: _l("Chair"),
    GroupRole.VICE_CHAIR.value: _l("Vice-chair"),
    GroupRole.SECRETARY.value: _l("Secretary"),
    GroupRole.MEMBER.value: _l("Member"),
    GroupRole.OBSERVER.value: _l("Observer"),
}
ACTION_STATUSES = {
    ActionStatus.OPEN.value: _l("Open"),
    ActionStatus.IN_PROGRESS.value: _l("In progress"),
    ActionStatus.DONE.value: _l("Done"),
    ActionStatus.CANCELLED.value: _l("Cancelled"),
}
# Field names as the change history shows them (those the registry does not name already).
FIELDS = {
    "name": _l("Name"),
    "mandate": _l("Mandate or terms of reference"),
    "mandate_language": _l("Language of the mandate"),
    "legal_basis": _l("Legal basis"),
    "established_on": _l("Date established"),
    "coordinating_institution": _l("Coordinating institution"),
    "secretariat_contact_id": _l("Contact person of the group's secretariat"),
    "papers_shared": _l("Papers shared with the Secretariat"),
    "closed_on": _l("Date closed"),
    "closing_note": _l("Reason or note"),
    "group_id": _l("Working group"),
    "category": _l("Category"),
    "group_role": _l("Role in the group"),
    "joined_on": _l("Date joined"),
    "left_on": _l("Date left"),
    "title": _l("Title"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "timezone": _l("Time zone"),
    "place": _l("Place"),
    "online_url": _l("Online meeting link"),
    "agenda": _l("Agenda"),
    "guests": _l("Guests"),
    "attendee_ids": _l("Members present"),
    "minutes": _l("Minutes"),
    "decisions": _l("Decisions"),
    "text_language": _l("Language of the text"),
    "meeting_id": _l("Meeting"),
    "description": _l("Action"),
    "owner_id": _l("Owner"),
    "due_on": _l("Due date"),
    "completed_on": _l("Completed"),
    "filename": _l("File"),
    "content_type": _l("Type"),
    "size": _l("Size"),
    "uploaded_at": _l("Uploaded"),
    "working_group_actions.status": _l("Status"),
    "working_group_actions.description": _l("Action"),
    "working_group_documents.title": _l("Title"),
}
# The change history names these wherever it is shown (imported by the app factory).
register_labels(
    FIELDS,
    {
        "category": CATEGORIES,
        "group_role": GROUP_ROLES,
        "working_group_actions.status": ACTION_STATUSES,
    },
)


def label_of(table: dict[str, object], code: str | None) -> str:
    """The translated label of a code, or the code itself if unknown."""
    return str(table.get(code or "", code or ""))
