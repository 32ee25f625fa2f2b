"""Changes to the meeting and issue catalogues made by the Secretariat and administrators."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from focalpoints.audit import record_event
from focalpoints.concurrency import claim_version
from focalpoints.conventions.models import Convention
from focalpoints.extensions import db
from focalpoints.meetings.models import AgendaItem, Issue, Meeting


class CatalogueError(ValueError):
    """A change was refused; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def _code_taken(model: Any, code: str, except_id: int | None, *conditions: Any) -> bool:
    query = (
        select(func.count())
        .select_from(model)
        .where(func.upper(model.code) == code.upper(), *conditions)
    )
    if except_id is not None:
        query = query.where(model.id != except_id)
    return bool(db.session.scalar(query))


def save_meeting(meeting: Meeting | None, seen_version: int, values: dict[str, Any]) -> Meeting:
    """Add a meeting, or change one at the version the editor saw (StaleRecord otherwise)."""
    if _code_taken(Meeting, values["code"], meeting.id if meeting else None):
        raise CatalogueError("code", _l("This code is in use already."))
    if db.session.get(Convention, values["convention_id"]) is None:
        raise CatalogueError("convention", _l("Choose a convention."))
    if values["end_date"] < values["start_date"]:
        raise CatalogueError("end_date", _l("The end cannot come before the start."))
    if meeting is None:
        meeting = Meeting(version=1)
        db.session.add(meeting)
    else:
        claim_version(meeting, seen_version)
    for key, value in values.items():
        setattr(meeting, key, value)
    db.session.flush()
    return meeting


def save_agenda_item(
    meeting: Meeting, item: AgendaItem | None, seen_version: int, values: dict[str, Any]
) -> AgendaItem:
    """Add an item to a meeting's agenda, or change one."""
    if _code_taken(
        AgendaItem, values["code"], item.id if item else None, AgendaItem.meeting_id == meeting.id
    ):
        raise CatalogueError("code", _l("This meeting has an item with this code already."))
    if values.get("issue_id") is not None and db.session.get(Issue, values["issue_id"]) is None:
        raise CatalogueError("issue", _l("Choose an issue."))
    if item is None:
        item = AgendaItem(meeting_id=meeting.id, version=1)
        db.session.add(item)
    else:
        claim_version(item, seen_version)
    for key, value in values.items():
        setattr(item, key, value)
    db.session.flush()
    return item


def save_issue(
    issue: Issue | None, seen_version: int, values: dict[str, Any], convention_ids: list[int]
) -> Issue:
    """Add a cross-cutting issue, or change one, with the conventions it concerns."""
    if _code_taken(Issue, values["code"], issue.id if issue else None):
        raise CatalogueError("code", _l("This code is in use already."))
    conventions = list(
        db.session.scalars(select(Convention).where(Convention.id.in_(convention_ids)))
    )
    if len(conventions) != len(set(convention_ids)):
        raise CatalogueError("conventions", _l("Choose conventions from the list."))
    if issue is None:
        issue = Issue(version=1, conventions=[])
        db.session.add(issue)
    else:
        claim_version(issue, seen_version)
    for key, value in values.items():
        setattr(issue, key, value)
    before = sorted(c.code for c in issue.conventions)
    after = sorted(c.code for c in conventions)
    issue.conventions = conventions
    db.session.flush()
    if before != after:  # the link table is not audited row by row: record the change here
        record_event(
            db.session,
            "update",
            "issues",
            issue.id,
            details={"conventions": {"before": before, "after": after}},
        )
    db.session.flush()
    return issue
