"""The reporting calendar: deadlines from the reference data and edits, and countries' progress."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from focalpoints.concurrency import StaleRecord, claim_version
from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.reference.operations import ApplyReport, assign
from focalpoints.reporting.models import ReportDeadline, ReportState, ReportStatus


class ReportingError(ValueError):
    """A change refused; ``field`` names the form field the message belongs to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def apply_deadlines(data: dict[str, Any], report: ApplyReport) -> None:
    """Create or update the national report deadlines of the data file."""
    conventions = {c.code: c for c in db.session.scalars(select(Convention))}
    existing = {d.code: d for d in db.session.scalars(select(ReportDeadline))}
    for entry in data["deadlines"]:
        values = {
            "convention_id": conventions[entry["convention"]].id,
            "titles": entry["titles"],
            "due_date": date.fromisoformat(entry["due_date"]),
            "notes": entry.get("notes", ""),
        }
        deadline = existing.get(entry["code"])
        if deadline is None:
            db.session.add(ReportDeadline(code=entry["code"], **values))
            report.created += 1
        elif assign(deadline, values):
            report.updated += 1


def _code_taken(code: str, except_id: int | None) -> bool:
    query = select(ReportDeadline.id).where(ReportDeadline.code == code)
    if except_id is not None:
        query = query.where(ReportDeadline.id != except_id)
    return db.session.scalar(query) is not None


def save_deadline(
    deadline: ReportDeadline | None, seen_version: int, **values: Any
) -> ReportDeadline:
    """Create a deadline or change one (``values``: convention_id, code, titles, due_date, ...)."""
    if _code_taken(values["code"], deadline.id if deadline else None):
        raise ReportingError(_l("This code is in use already."), "code")
    if db.session.get(Convention, values["convention_id"]) is None:
        raise ReportingError(_l("Choose a convention."), "convention")
    if deadline is None:
        deadline = ReportDeadline()
        db.session.add(deadline)
    else:
        claim_version(deadline, seen_version)
    for key, value in values.items():
        setattr(deadline, key, value)
    db.session.flush()
    return deadline


def set_status(
    country: Country,
    deadline: ReportDeadline,
    state: ReportState,
    submitted_on: date | None,
    seen_version: int,
) -> ReportStatus:
    """Record where ``country`` stands on a report; a submission needs its date."""
    if state == ReportState.SUBMITTED:
        if submitted_on is None:
            raise ReportingError(_l("Give the date the report was submitted."), "submitted_on")
        if submitted_on > date.today():
            raise ReportingError(
                _l("The submission cannot be dated in the future."), "submitted_on"
            )
    else:
        submitted_on = None
    status = db.session.scalar(
        select(ReportStatus).where(
            ReportStatus.country_id == country.id, ReportStatus.deadline_id == deadline.id
        )
    )
    if status is None:
        if seen_version != 0:
            raise StaleRecord(None)
        status = ReportStatus(country_id=country.id, deadline_id=deadline.id)
        db.session.add(status)
    else:
        claim_version(status, seen_version)
    status.status = state.value
    status.submitted_on = submitted_on
    try:
        db.session.flush()
    except IntegrityError as error:  # another user recorded the first status at the same time
        db.session.rollback()
        raise StaleRecord(None) from error
    return status
