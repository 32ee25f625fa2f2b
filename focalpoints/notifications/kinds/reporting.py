"""Coordinators are reminded of a convention's national report deadline: two months before,
two weeks before, and once when it has passed without the report being submitted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from focalpoints.auth.models import User, UserRole
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.i18n import format_day
from focalpoints.notifications.kinds import (
    Due,
    Line,
    NoticeKind,
    Recipients,
    Rendered,
    load_countries,
    register,
)
from focalpoints.notifications.models import Notice
from focalpoints.reporting.models import ReportDeadline, ReportState, ReportStatus
from focalpoints.reporting.queries import deadlines

COMING, SOON, OVERDUE = "coming", "soon", "overdue"
SOON_DAYS = 14
# A deadline passed longer ago than this is no longer worth a reminder.
OVERDUE_FOR_DAYS = 90


def stage(due: date, today: date) -> str | None:
    """How close a deadline is: each stage is told once."""
    days = (due - today).days
    if days < -OVERDUE_FOR_DAYS:
        return None
    if days < 0:
        return OVERDUE
    if days <= SOON_DAYS:
        return SOON
    if days <= current_app.config["NOTIFY_REPORT_DAYS_BEFORE"]:
        return COMING
    return None


@register
class ReportDeadlines(NoticeKind):
    code = "report_deadline"
    label = _l("National report deadlines")
    description = _l(
        "Two months and two weeks before a convention's national report is due, and once if "
        "it is overdue, unless your country has marked it submitted."
    )

    def audience(self, user: User) -> bool:
        return user.user_role is UserRole.COORDINATOR

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        staged = [(d, stage(d.due_date, today)) for d in deadlines()]
        staged = [(d, s) for d, s in staged if s is not None]
        if not staged:
            return
        submitted = set(
            db.session.execute(
                select(ReportStatus.country_id, ReportStatus.deadline_id).where(
                    ReportStatus.status == ReportState.SUBMITTED.value
                )
            ).all()
        )
        countries = db.session.scalars(
            select(Country).options(selectinload(Country.memberships))
        ).all()
        for country in countries:
            users = recipients.of_country(country.id, UserRole.COORDINATOR)
            if not users:
                continue
            for deadline, when in staged:
                if (country.id, deadline.id) in submitted:
                    continue
                if not any(
                    m.convention_id == deadline.convention_id and m.is_current(today)
                    for m in country.memberships
                ):
                    continue
                for user in users:
                    yield Due(user, f"deadline:{deadline.id}", [deadline.id, when], country.id)

    def prepare(self, notices: list[Notice]) -> Any:
        ids = {n.items[0] for n in notices if n.items and isinstance(n.items[0], int)}
        rows = db.session.scalars(
            select(ReportDeadline)
            .where(ReportDeadline.id.in_(ids))
            .options(joinedload(ReportDeadline.convention))
        )
        return {d.id: d for d in rows}, load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        deadlines_by_id, countries = prepared
        country = countries[notice.country_id]
        deadline = deadlines_by_id.get(notice.items[0]) if notice.items else None
        if deadline is None:
            return Rendered(title=gettext("A national report deadline"))
        due = format_day(deadline.due_date, "prose")
        overdue = len(notice.items) > 1 and notice.items[1] == OVERDUE
        title = (
            gettext("Overdue since %(date)s: %(report)s", date=due, report=deadline.title)
            if overdue
            else gettext("Due on %(date)s: %(report)s", date=due, report=deadline.title)
        )
        return Rendered(
            title=title,
            action=gettext(
                "Gather what the report asks for from the reporting pack, and record its status "
                "when it is submitted."
            ),
            link=url_for("reporting.calendar", code=country.iso2),
            lines=[Line(f"{deadline.convention.acronym}: {deadline.title}")],
        )
