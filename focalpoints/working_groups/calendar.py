"""Meeting times in their own time zone, and meetings as iCalendar events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from flask import Response
from flask_babel import gettext as _
from icalendar import Calendar, Event
from wtforms import SelectChoice

from focalpoints.countries.models import Country
from focalpoints.urls import external_url
from focalpoints.working_groups.models import GroupMeeting

ICS_TYPE = "text/calendar; charset=utf-8"


@cache
def _zones_by_country() -> dict[str, list[str]]:
    """IANA zones of each country, from the zone.tab of the tzdata package."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    zones: dict[str, list[str]] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            zones.setdefault(parts[0], []).append(parts[2])
    return zones


@cache
def _all_zones() -> tuple[str, ...]:
    """Every zone a country uses (zone.tab's canonical names; no alias such as US/Eastern or
    Asia/Calcutta, which available_timezones() also lists), sorted."""
    return tuple(sorted({z for zones in _zones_by_country().values() for z in zones}))


def zone_label(zone: str, moment: datetime | None = None) -> str:
    """A zone as the form offers it: its name, readable, and its UTC offset now (UTC+03:00)."""
    offset = (moment or datetime.now(UTC)).astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    name = zone.replace("_", " ")
    return f"{name} (UTC{sign}{hours:02d}:{minutes:02d})" if zone != "UTC" else "UTC"


@lru_cache(maxsize=2)
def _labels_at(minute: datetime) -> dict[str, str]:
    """Every zone's label at ``minute``: offsets change on whole minutes, and working out 420
    of them took 60 ms, on every meeting form shown."""
    return {zone: zone_label(zone, minute) for zone in ("UTC", *_all_zones())}


def zone_options(
    country_code: str, keep: str | None = None, moment: datetime | None = None
) -> list[SelectChoice]:
    """The time zones for a meeting form: the country's own first, then UTC and the others, each
    with its offset; ``keep`` (a meeting's zone, which may be an old alias) stays offered."""
    own = _zones_by_country().get(country_code.upper(), [])
    others = ["UTC", *(z for z in _all_zones() if z not in own)]
    if keep and keep not in own and keep not in others:
        others.insert(1, keep)
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    minute = moment - timedelta(seconds=moment.second, microseconds=moment.microsecond)
    labels = _labels_at(minute)
    mine, rest = _("Zones of this country"), _("Other zones")
    return [
        SelectChoice(z, labels.get(z) or zone_label(z, minute), optgroup=group)
        for group, zones in ((mine, own), (rest, others))
        for z in zones
    ]


def default_zone(country_code: str) -> str:
    """The zone a new meeting of the country is most likely in (its first listed)."""
    own = _zones_by_country().get(country_code.upper(), [])
    return own[0] if own else "UTC"


def local_time(moment: datetime | None, zone: str) -> datetime | None:
    """A stored UTC time on the wall clock of ``zone``."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        return aware.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    except (KeyError, ValueError):
        return aware.replace(tzinfo=None)


def meeting_event(
    meeting: GroupMeeting, country: Country, papers: bool, summary: str | None = None
) -> Event:
    """The meeting as an event; its agenda only if ``papers`` (the group's papers may be read)."""
    zone = ZoneInfo(meeting.timezone or "UTC")
    event = Event()
    event.add("uid", f"focalpoints-wg-meeting-{meeting.id}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", summary or meeting.title)
    event.add("dtstart", _aware(meeting.starts_at).astimezone(zone))
    if meeting.ends_at:
        event.add("dtend", _aware(meeting.ends_at).astimezone(zone))
    if meeting.place or meeting.online_url:
        event.add("location", meeting.place or meeting.online_url)
    page = external_url("working_groups.meeting", code=country.iso2, meeting_id=meeting.id)
    event.add("url", page)
    lines = []
    if meeting.online_url:
        lines.append(meeting.online_url)
    if papers and meeting.agenda:
        lines += ["", *(f"{n}. {item}" for n, item in enumerate(meeting.agenda, 1))]
    lines += ["", page]
    event.add("description", "\n".join(lines).strip())
    event.add("sequence", meeting.version)
    return event


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ics(meetings: Iterable[GroupMeeting], country: Country, papers: bool | set[int]) -> bytes:
    """An iCalendar file of ``meetings``; agendas only for groups whose papers may be read."""
    calendar = Calendar()
    calendar.add("prodid", "-//focalpoints//working group meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{country.name}: working group")
    for meeting in meetings:
        readable = papers if isinstance(papers, bool) else meeting.group_id in papers
        calendar.add_component(meeting_event(meeting, country, readable))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_response(body: bytes, filename: str) -> Response:
    """Serve an iCalendar file as a download."""
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
