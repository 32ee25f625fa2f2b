"""Coverage over time: who held each role on any past day, from the registry and its audit trail.

An appointment counts from its start date (or from the day it was recorded, if that came first:
today's coverage counts a holder recorded ahead of their start) until it ended: the earlier of
its end date and the day it was marked ended, as the audit trail tells. Between those days it
is confirmed while its latest confirmation (or its start) is no older than ``STALE_AFTER_DAYS``,
and stale after that; the confirmations are every value ``last_confirmed_on`` ever took, which
the audit trail keeps (the row holds only the latest). On today's date this gives the figures
of :func:`~focalpoints.coverage.queries.coverage`.

Everything is read in two queries (the appointments and their audit rows) and turned into
intervals of days once; a month-by-month series is then a pass over those intervals, whatever
the number of months.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from focalpoints.audit.models import AuditEntry
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Status
from focalpoints.reference.snapshot import ConventionRecord, CountryRecord, RoleRecord

FILLED, STALE = "filled", "stale"
Interval = tuple[date, date]  # [start, end): the end day is not included
_NEVER = date.max


@dataclass
class Timeline:
    """One appointment's holding of a role: the days it counted, and its confirmations."""

    appointment_id: int
    country_id: int
    role_id: int
    held_from: date
    held_until: date  # exclusive; date.max while it lasts
    started: date
    confirmations: list[date] = field(default_factory=list)

    def held_on(self, day: date) -> bool:
        return self.held_from <= day < self.held_until

    def last_confirmed(self, day: date) -> date | None:
        """The latest confirmation (or start) known on ``day``; None if none came before it."""
        index = bisect_left(self.confirmations, day + timedelta(days=1))
        return self.confirmations[index - 1] if index else None

    def fresh(self, stale_after: int) -> list[Interval]:
        """The days on which the appointment had a confirmed (not stale) holder."""
        spans: list[Interval] = []
        if self.confirmations:
            # Before its first confirmation a holder recorded ahead of time counts as confirmed.
            spans.append((date.min, self.confirmations[0]))
        else:
            spans.append((date.min, _NEVER))
        for day in self.confirmations:
            spans.append((day, _shift(day, stale_after + 1)))
        return intersect(merge(spans), [(self.held_from, self.held_until)])


def _shift(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return _NEVER


def _day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _parse(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def merge(spans: Iterable[Interval]) -> list[Interval]:
    """The union of intervals, sorted and without overlaps."""
    merged: list[Interval] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersect(first: Sequence[Interval], second: Sequence[Interval]) -> list[Interval]:
    """The intersection of two sorted, merged lists of intervals."""
    result: list[Interval] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return result


def timelines(role_ids: Iterable[int], today: date | None = None) -> list[Timeline]:
    """Every appointment to the roles, as a timeline (two queries)."""
    today = today or date.today()
    role_ids = list(role_ids)
    rows = db.session.execute(
        select(
            Appointment.id,
            Appointment.country_id,
            Appointment.role_id,
            Appointment.status,
            Appointment.start_date,
            Appointment.end_date,
            Appointment.last_confirmed_on,
            Appointment.created_at,
        ).where(Appointment.role_id.in_(role_ids))
    ).all()
    if not rows:
        return []
    recorded: dict[str, date] = {}
    marked_ended: dict[str, date] = {}
    confirmations: dict[str, list[date | None]] = defaultdict(list)
    audit = db.session.execute(
        select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.created_at)
        .add_columns(AuditEntry.before, AuditEntry.after)
        .where(AuditEntry.entity_type == "appointments")
        .order_by(AuditEntry.id)
        .execution_options(yield_per=2000)
    )
    for entity_id, action, created_at, before, after in audit:
        day = _day(created_at)
        if action == "create" and day is not None:
            recorded.setdefault(entity_id, day)
        if before and "last_confirmed_on" in before and not confirmations[entity_id]:
            confirmations[entity_id].append(_parse(before["last_confirmed_on"]))
        if after and "last_confirmed_on" in after:
            confirmations[entity_id].append(_parse(after["last_confirmed_on"]))
        if after and after.get("status") == Status.ENDED.value and day is not None:
            marked_ended[entity_id] = day
    result = []
    for row in rows:
        key = str(row.id)
        start = row.start_date
        held_from = min(start, recorded.get(key) or _day(row.created_at) or start)
        held_until = _NEVER
        if row.status == Status.ENDED.value:
            held_until = min(d for d in (row.end_date, marked_ended.get(key), today) if d)
        confirmed = _corrected([start, *confirmations[key], row.last_confirmed_on])
        result.append(
            Timeline(
                row.id,
                row.country_id,
                row.role_id,
                held_from,
                max(held_until, held_from),
                start,
                confirmed,
            )
        )
    return result


def _corrected(values: Iterable[date | None]) -> list[date]:
    """The confirmations an appointment went through, from the values its ``last_confirmed_on``
    took in order (its start first): a later value can only add a confirmation, and a value
    replaced by an earlier one was a mistake the earlier one corrected."""
    kept: list[date] = []
    for value in values:
        if value is None:
            continue
        while kept and kept[-1] > value:
            kept.pop()
        if not kept or kept[-1] != value:
            kept.append(value)
    return kept


def stale_after_days() -> int:
    return int(current_app.config["STALE_AFTER_DAYS"])


@dataclass(frozen=True)
class Holding:
    """A country's holding of a role on a day: filled or stale, and its latest confirmation."""

    level: str
    last_confirmed: date | None


def holdings_on(day: date, lines: Iterable[Timeline]) -> dict[tuple[int, int], Holding]:
    """(country, role) -> how it was held on ``day`` (a confirmed holder wins over a stale one)."""
    limit = day - timedelta(days=stale_after_days())
    held: dict[tuple[int, int], Holding] = {}
    for line in lines:
        if not line.held_on(day):
            continue
        last = line.last_confirmed(day)
        level = FILLED if last is None or last >= limit else STALE
        key = (line.country_id, line.role_id)
        current = held.get(key)
        better = current is None or (current.level == STALE and level == FILLED)
        later = current is not None and current.level == level and last is not None
        if better or (later and (current.last_confirmed or date.min) < last):
            held[key] = Holding(level, last)
    return held


# Month by month -------------------------------------------------------------------------------


def month_points(first: date, last: date, today: date) -> list[date]:
    """The last day of each month from ``first``'s to ``last``'s (today for the current one)."""
    points = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        end = date(year, month, calendar.monthrange(year, month)[1])
        points.append(min(end, today))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [p for p in points if p <= today]


def party_spans(country: CountryRecord, convention_id: int) -> list[Interval]:
    """The days on which ``country`` was a Party to the instrument."""
    return merge(
        (m.entry_into_force or date.min, m.ended or _NEVER)
        for m in country.memberships
        if m.convention_id == convention_id
    )


@dataclass
class Series:
    """One line of the chart: confirmed holders and Parties counted at each point."""

    key: str
    label: str
    held: list[int]
    parties: list[int]

    def shares(self) -> list[float | None]:
        """The share at each point (None where no Party counted)."""
        return [h / p if p else None for h, p in zip(self.held, self.parties, strict=True)]


def monthly_series(
    points: Sequence[date],
    groups: Sequence[tuple[str, str, ConventionRecord, Sequence[RoleRecord]]],
    countries: Sequence[CountryRecord],
    lines: Iterable[Timeline],
) -> list[Series]:
    """For each group of roles (key, label, instrument, roles), how many of the (Party, role)
    pairs had a confirmed holder at each point, and how many pairs there were."""
    stale_after = stale_after_days()
    fresh: dict[tuple[int, int], list[Interval]] = defaultdict(list)
    for line in lines:
        fresh[(line.country_id, line.role_id)].extend(line.fresh(stale_after))
    size = len(points)

    def add(diff: list[int], spans: Iterable[Interval]) -> None:
        for start, end in spans:
            low, high = bisect_left(points, start), bisect_left(points, end)
            if low < high:
                diff[low] += 1
                diff[high] -= 1

    result = []
    for key, label, instrument, roles in groups:
        held, parties = [0] * (size + 1), [0] * (size + 1)
        for country in countries:
            member = party_spans(country, instrument.id)
            if not member:
                continue
            for role in roles:
                add(parties, member)
                spans = fresh.get((country.id, role.id))
                if spans:
                    add(held, intersect(merge(spans), member))
        result.append(Series(key, label, _running(held)[:size], _running(parties)[:size]))
    return result


def _running(diff: list[int]) -> list[int]:
    total, values = 0, []
    for step in diff:
        total += step
        values.append(total)
    return values


# What the history page, its chart and its CSV show -------------------------------------------


@dataclass
class History:
    """The points of time and the series drawn for the filters."""

    points: list[date]
    series: list[Series]


def series_groups(
    instruments: Sequence[ConventionRecord], convention_code: str, role_code: str
) -> list[tuple[str, str, ConventionRecord, list[RoleRecord]]]:
    """The lines to draw: the chosen role; else each counted role of the chosen instrument and
    those under it; else each convention, all its counted roles together."""
    groups = []
    for instrument in instruments:
        counted = [r for r in instrument.roles if r.is_active and r.counted]
        if role_code:
            counted = [r for r in counted if r.code == role_code]
        if convention_code or role_code:
            groups += [
                (r.code, f"{instrument.acronym} · {r.name}", instrument, [r]) for r in counted
            ]
        elif counted:
            groups.append((instrument.code, instrument.acronym, instrument, counted))
    return groups


def coverage_history(
    instruments: Sequence[ConventionRecord],
    countries: Sequence[CountryRecord],
    convention_code: str,
    role_code: str,
    first: date,
    last: date,
    today: date | None = None,
) -> History:
    """The share of Parties with a confirmed holder at the end of each month (two queries)."""
    today = today or date.today()
    groups = series_groups(instruments, convention_code, role_code)
    role_ids = {r.id for _key, _label, _instrument, roles in groups for r in roles}
    points = month_points(first, last, today)
    lines = timelines(role_ids, today) if role_ids else []
    return History(points, monthly_series(points, groups, countries, lines))
