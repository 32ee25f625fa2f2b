"""Apply the catalogue data files: cross-cutting issues, then meetings with their agenda items.

Records are matched by code; an administrator's edits stand until a newer file is shipped, and
records added in the app are never removed by a file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from focalpoints.conventions.models import Convention
from focalpoints.extensions import db
from focalpoints.meetings.models import AgendaItem, Issue, Meeting


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def apply_issues(data: dict[str, Any], report: Any) -> None:
    """Create or update the cross-cutting issues of the file."""
    conventions = {c.code: c for c in db.session.scalars(select(Convention))}
    existing = {
        i.code: i
        for i in db.session.scalars(select(Issue).options(selectinload(Issue.conventions)))
    }
    for entry in data["issues"]:
        values = {
            "names": entry["names"],
            "descriptions": entry.get("descriptions", {}),
            "in_resolution": entry.get("in_resolution", False),
            "sort_order": entry.get("sort_order", 100),
        }
        concerned = [conventions[code] for code in entry.get("conventions", [])]
        issue = existing.get(entry["code"])
        if issue is None:
            db.session.add(Issue(code=entry["code"], conventions=concerned, **values))
            report.created += 1
            continue
        changed = _assign(issue, values)
        if {c.id for c in issue.conventions} != {c.id for c in concerned}:
            issue.conventions = concerned
            changed = True
        if changed:
            report.updated += 1
    db.session.flush()


def apply_meetings(data: dict[str, Any], report: Any) -> None:
    """Create or update the meetings of the file and their agenda items."""
    conventions = {c.code: c for c in db.session.scalars(select(Convention))}
    issues = {i.code: i for i in db.session.scalars(select(Issue))}
    existing = {
        m.code: m
        for m in db.session.scalars(select(Meeting).options(selectinload(Meeting.agenda_items)))
    }
    for entry in data["meetings"]:
        values = {
            "convention_id": conventions[entry["convention"]].id,
            "body": entry["body"],
            "number": entry.get("number"),
            "names": entry["names"],
            "short_names": entry.get("short_names", {}),
            "place": entry.get("place", ""),
            "host_country": entry.get("host_country"),
            "start_date": date.fromisoformat(entry["start_date"]),
            "end_date": date.fromisoformat(entry["end_date"]),
            "tentative": entry.get("tentative", False),
        }
        meeting = existing.get(entry["code"])
        if meeting is None:
            meeting = Meeting(code=entry["code"], **values)
            db.session.add(meeting)
            report.created += 1
            items: dict[str, AgendaItem] = {}
        else:
            if _assign(meeting, values):
                report.updated += 1
            items = {item.code: item for item in meeting.agenda_items}
        for item_entry in entry.get("agenda_items", []):
            issue = issues.get(item_entry["issue"]) if item_entry.get("issue") else None
            item_values = {
                "titles": item_entry["titles"],
                "issue_id": issue.id if issue else None,
                "sort_order": item_entry.get("sort_order", 100),
            }
            item = items.get(item_entry["code"])
            if item is None:
                meeting.agenda_items.append(AgendaItem(code=item_entry["code"], **item_values))
                report.created += 1
            elif _assign(item, item_values):
                report.updated += 1
    db.session.flush()
