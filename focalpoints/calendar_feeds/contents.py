"""What a calendar link serves: working-group meetings and national report deadlines, as iCalendar.

A national official's link holds their own country's meetings and the deadlines of the
conventions it is Party to, with its status on each. The Secretariat's holds every country's
meeting dates (agendas only where the country shares its papers) and every deadline. Whatever
the number of meetings, it is read in at most four queries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from icalendar.prop import vDuration
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from focalpoints import permissions
from focalpoints.calendar_feeds.operations import Reader
from focalpoints.countries.models import Country, Membership
from focalpoints.extensions import db
from focalpoints.i18n import format_day, is_supported
from focalpoints.nbsap.labels import REPORT_STATES, choice_label
from focalpoints.reporting.models import ReportDeadline, ReportState, ReportStatus
from focalpoints.reporting.queries import deadlines
from focalpoints.urls import external_url
from focalpoints.working_groups.calendar import meeting_event
from focalpoints.working_groups.models import GroupMeeting, WorkingGroup

# Meetings and deadlines this far back stay in the calendar; all coming ones are in it.
PAST_DAYS = 90


def ics(reader: Reader, today: date | None = None) -> bytes:
    """The link's calendar, in its user's language."""
    user = reader.user
    language = user.language if is_supported(user.language) else None
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _calendar(reader, today or datetime.now(UTC).date())


def _calendar(reader: Reader, today: date) -> bytes:
    user, country = reader.user, reader.user.country if reader.feed.country_id else None
    since = today - timedelta(days=PAST_DAYS)
    stamp = datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//focalpoints//calendar link//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = (
        _("%(country)s: working group and national reports", country=country.name)
        if country
        else _("focalpoints: working groups and national reports")
    )
    calendar.add("x-wr-calname", name)
    refresh = timedelta(seconds=current_app.config["CALENDAR_FEED_MAX_AGE"])
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))

    for meeting in _meetings(reader, since):
        group = meeting.group
        if not permissions.can_view_working_group(user, group.country):
            continue  # never another country's meeting, whatever the query returned
        papers = permissions.can_read_group_papers(user, group)
        summary = (
            None
            if country
            else _("%(country)s: %(meeting)s", country=group.country.name, meeting=meeting.title)
        )
        calendar.add_component(meeting_event(meeting, group.country, papers, summary))

    statuses = _statuses(country) if country else {}
    for deadline in _deadlines(country, since):
        calendar.add_component(_deadline_event(deadline, country, statuses.get(deadline.id), stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _meetings(reader: Reader, since: date) -> list[GroupMeeting]:
    """Meetings from ``since`` on, with their group and its country (one query)."""
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    query = (
        select(GroupMeeting)
        .join(WorkingGroup, GroupMeeting.group_id == WorkingGroup.id)
        .where(GroupMeeting.deleted_at.is_(None), GroupMeeting.starts_at >= start)
        .options(contains_eager(GroupMeeting.group).joinedload(WorkingGroup.country))
        .order_by(GroupMeeting.starts_at, GroupMeeting.id)
    )
    country_id = reader.feed.country_id
    if country_id is not None:
        query = query.where(
            GroupMeeting.country_id == country_id, WorkingGroup.country_id == country_id
        )
    return list(db.session.scalars(query))


def _deadlines(country: Country | None, since: date) -> list[ReportDeadline]:
    """Active deadlines from ``since`` on; for a country, of the conventions it is Party to
    (two queries)."""
    found = [d for d in deadlines() if d.due_date >= since]
    if country is None:
        return found
    memberships = db.session.scalars(
        select(Membership).where(Membership.country_id == country.id)
    ).all()
    return [
        d
        for d in found
        if any(m.convention_id == d.convention_id and m.is_current(d.due_date) for m in memberships)
    ]


def _statuses(country: Country) -> dict[int, ReportStatus]:
    """The country's status on each deadline (one query)."""
    rows = db.session.scalars(select(ReportStatus).where(ReportStatus.country_id == country.id))
    return {s.deadline_id: s for s in rows}


def _deadline_event(
    deadline: ReportDeadline, country: Country | None, status: ReportStatus | None, stamp: datetime
) -> Event:
    """A deadline as an all-day event; for a country, with where it stands."""
    event = Event()
    suffix = f"-{country.iso2}" if country else ""
    event.add("uid", f"focalpoints-report-deadline-{deadline.id}{suffix}")
    event.add("dtstamp", stamp)
    event.add(
        "summary",
        _(
            "%(convention)s: %(report)s due",
            convention=deadline.convention.acronym,
            report=deadline.title,
        ),
    )
    event.add("dtstart", deadline.due_date)
    event.add("dtend", deadline.due_date + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    lines = [deadline.convention.name]
    if deadline.notes:
        lines.append(deadline.notes)
    if country:
        state = status.status if status else ReportState.NOT_STARTED.value
        lines.append(
            _(
                "Status of %(country)s: %(status)s",
                country=country.name,
                status=choice_label(REPORT_STATES, state),
            )
        )
        if status and status.submitted_on:
            lines.append(_("Submitted on %(date)s", date=format_day(status.submitted_on, "prose")))
        page = external_url("reporting.calendar", code=country.iso2)
    else:
        page = external_url("reporting.index")
    lines += ["", page]
    event.add("description", "\n".join(lines))
    event.add("url", page)
    # Both versions only grow: a change of the deadline or of the country's status is news.
    event.add("sequence", deadline.version + (status.version if status else 0))
    if status:
        event.add("last-modified", status.updated_at)
    return event
