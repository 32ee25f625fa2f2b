"""Loading the reporting calendar for pages, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.reporting.models import ReportDeadline, ReportState, ReportStatus


def deadlines(active_only: bool = True) -> list[ReportDeadline]:
    """Deadlines with their conventions, by convention and date (one query)."""
    query = (
        select(ReportDeadline)
        .join(Convention, ReportDeadline.convention_id == Convention.id)
        .options(joinedload(ReportDeadline.convention))
        .order_by(Convention.sort_order, ReportDeadline.due_date)
    )
    if active_only:
        query = query.where(ReportDeadline.is_active)
    return list(db.session.scalars(query))


@dataclass
class CalendarLine:
    """A deadline and where the country stands on it."""

    deadline: ReportDeadline
    status: ReportStatus | None
    today: date

    @property
    def state(self) -> str:
        return self.status.status if self.status else ReportState.NOT_STARTED.value

    @property
    def is_overdue(self) -> bool:
        return self.state != ReportState.SUBMITTED.value and self.deadline.due_date < self.today


def calendar(country: Country, today: date | None = None) -> list[CalendarLine]:
    """Every active deadline, soonest first, with the country's status (two queries)."""
    statuses = {
        s.deadline_id: s
        for s in db.session.scalars(
            select(ReportStatus).where(ReportStatus.country_id == country.id)
        )
    }
    today = today or date.today()
    lines = [CalendarLine(d, statuses.get(d.id), today) for d in deadlines()]
    return sorted(lines, key=lambda line: line.deadline.due_date)


def calendar_for_convention(country: Country, convention: Convention) -> list[CalendarLine]:
    """The country's calendar for one convention (for the per-convention reporting pack)."""
    return [line for line in calendar(country) if line.deadline.convention_id == convention.id]
