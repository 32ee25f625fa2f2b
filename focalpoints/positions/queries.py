"""Loading positions for pages, in a fixed number of queries.

Positions are private to their country: every function here that lists them filters by what
the reader it is given may read, except ``shared_positions``, which only ever returns what a
country has shared.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from focalpoints import permissions
from focalpoints.audit.models import AuditEntry
from focalpoints.audit.queries import trail
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Person, Status
from focalpoints.focal_points.queries import people_of
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.positions.models import Consultation, Position, PositionVersion


def _with_context(query: Select) -> Select:
    return query.options(
        joinedload(Position.meeting).joinedload(Meeting.convention),
        joinedload(Position.agenda_item).joinedload(AgendaItem.issue),
        joinedload(Position.issue),
        joinedload(Position.lead),
    )


def position_of(country: Country, position_id: int, deleted: bool = False) -> Position | None:
    """A position of ``country`` with its consultations and versions, or None (a deleted one
    only with ``deleted``, and then only a deleted one)."""
    position = db.session.scalar(
        _with_context(
            select(Position).where(Position.id == position_id, Position.country_id == country.id)
        ).options(
            selectinload(Position.consultations)
            .joinedload(Consultation.person)
            .selectinload(Person.appointments)
            .joinedload(Appointment.role)
            .joinedload(Role.convention),
            selectinload(Position.versions),
        )
    )
    return position if position is not None and position.is_deleted == deleted else None


def _readable(query: Select, country: Country, reader: Any) -> Select:
    query = query.where(Position.country_id == country.id, Position.deleted_at.is_(None))
    if not permissions.sees_private_positions(reader, country):
        query = query.where(Position.shared.is_(True))
    return query


def on_issue(query: Select, issue_id: int) -> Select:
    """Positions on an issue: set on the position, or on its agenda item."""
    item = AgendaItem.__table__.alias("issue_item")
    return query.outerjoin(item, Position.agenda_item_id == item.c.id).where(
        or_(Position.issue_id == issue_id, item.c.issue_id == issue_id)
    )


def readable_positions(
    country: Country,
    reader: Any,
    meeting_id: int | None = None,
    issue_id: int | None = None,
    status: str | None = None,
) -> list[Position]:
    """The country's positions ``reader`` may read, newest meeting first (one query)."""
    query = _with_context(_readable(select(Position), country, reader))
    query = _filtered(query, meeting_id, issue_id, status)
    return list(db.session.scalars(query).unique())


def _filtered(
    query: Select, meeting_id: int | None, issue_id: int | None, status: str | None
) -> Select:
    """``query`` of positions narrowed by the list's filters, newest meeting first."""
    if meeting_id is not None:
        query = query.where(Position.meeting_id == meeting_id)
    if issue_id is not None:
        query = on_issue(query, issue_id)
    if status:
        query = query.where(Position.status == status)
    return query.join(Meeting, Position.meeting_id == Meeting.id).order_by(
        Meeting.start_date.desc(), Position.id
    )


#: Positions per page of a country's list.
PER_PAGE = 50


def positions_page(
    country: Country,
    reader: Any,
    page: int,
    meeting_id: int | None = None,
    issue_id: int | None = None,
    status: str | None = None,
) -> Pagination:
    """Page ``page`` (from 1) of the country's positions ``reader`` may read, newest meeting
    first, and how many there are (two queries, whatever the number of positions); a page past
    the last one has no items.

    Each position's meeting is taken from the session, where the list's meeting filter has
    loaded every meeting with its convention (:func:`meetings_and_issues`): joining them here
    would read a convention's columns again for each row.
    """
    query = _readable(select(Position), country, reader).options(
        joinedload(Position.agenda_item).joinedload(AgendaItem.issue),
        joinedload(Position.issue),
        joinedload(Position.lead),
        defer(Position.texts),  # the list shows titles only
    )
    query = _filtered(query, meeting_id, issue_id, status)
    return db.paginate(query, page=page, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)


def meetings_and_issues() -> tuple[list[Meeting], list[Issue]]:
    """Every meeting with its convention, latest first, and the issues in use (three queries:
    a convention is read once, not once per meeting)."""
    meetings = db.session.scalars(
        select(Meeting)
        .options(selectinload(Meeting.convention))
        .order_by(Meeting.start_date.desc(), Meeting.code)
    ).all()
    issues = db.session.scalars(
        select(Issue).where(Issue.is_active).order_by(Issue.sort_order, Issue.code)
    ).all()
    return list(meetings), list(issues)


def deleted_positions(country: Country) -> list[Position]:
    """The country's deleted positions, for those who may restore them."""
    return list(
        db.session.scalars(
            _with_context(
                select(Position).where(
                    Position.country_id == country.id, Position.deleted_at.is_not(None)
                )
            ).order_by(Position.deleted_at.desc())
        )
    )


def unshared_counts(country: Country) -> Counter[str]:
    """How many positions of the country are not shared, by status (what the Secretariat sees)."""
    rows = db.session.execute(
        select(Position.status, func.count())
        .where(
            Position.country_id == country.id,
            Position.deleted_at.is_(None),
            Position.shared.is_(False),
        )
        .group_by(Position.status)
    )
    return Counter({status: count for status, count in rows})  # noqa: C416


def meeting_counts(meeting: Meeting) -> dict[int | None, tuple[int, int]]:
    """Positions of all countries for a meeting, per agenda item: (all, shared). Counts only."""
    rows = db.session.execute(
        select(
            Position.agenda_item_id,
            func.count(),
            func.sum(case((Position.shared.is_(True), 1), else_=0)),
        )
        .where(Position.meeting_id == meeting.id, Position.deleted_at.is_(None))
        .group_by(Position.agenda_item_id)
    )
    return {item_id: (total, int(shared or 0)) for item_id, total, shared in rows}


def shared_at_meeting(meeting: Meeting) -> list[Position]:
    """Every country's positions shared for a meeting, by agenda item (one query)."""
    return list(
        db.session.scalars(
            select(Position)
            .where(
                Position.meeting_id == meeting.id,
                Position.shared.is_(True),
                Position.deleted_at.is_(None),
            )
            .options(joinedload(Position.country), joinedload(Position.issue))
            .order_by(Position.agenda_item_id, Position.country_id)
        )
    )


def consultable_people(country: Country) -> list[Person]:
    """People of the country holding a current role of any convention, with their roles."""

    return [p for p in people_of(country) if any(a.is_current for a in p.appointments)]


def current_holders_by_convention(country: Country) -> dict[int, list[Person]]:
    """The people holding a current role of each convention in ``country`` (one query)."""
    appointments = db.session.scalars(
        select(Appointment)
        .where(Appointment.country_id == country.id, Appointment.status != Status.ENDED.value)
        .options(joinedload(Appointment.person), joinedload(Appointment.role))
    ).all()
    holders: dict[int, list[Person]] = {}
    for appointment in appointments:
        people = holders.setdefault(appointment.role.convention_id, [])
        if appointment.person not in people and not appointment.person.is_deleted:
            people.append(appointment.person)
    return holders


def shared_positions(country: Country, convention: Convention, **filters: Any) -> list[Position]:
    """Positions ``country`` has shared for meetings of ``convention``, oldest meeting first.

    Safe to show to the Secretariat whoever asks: only shared, undeleted positions are returned.
    ``filters`` may narrow by ``meeting_id`` or ``status``. Used by the reporting pack.
    """
    query = _with_context(
        select(Position)
        .join(Meeting, Position.meeting_id == Meeting.id)
        .where(
            Position.country_id == country.id,
            Position.deleted_at.is_(None),
            Position.shared.is_(True),
            Meeting.convention_id == convention.id,
        )
    )
    if filters.get("meeting_id") is not None:
        query = query.where(Position.meeting_id == filters["meeting_id"])
    if filters.get("status"):
        query = query.where(Position.status == filters["status"])
    return list(db.session.scalars(query.order_by(Meeting.start_date, Position.id)).unique())


def visible_versions(position: Position, reader: Any) -> list[PositionVersion]:
    """The versions ``reader`` may read: all for the country, the shared ones for the
    Secretariat (drafts written before sharing stay with the country)."""
    if permissions.sees_private_positions(reader, position.country):
        return list(position.versions)
    return [v for v in position.versions if v.shared]


def history(position: Position) -> list[AuditEntry]:
    """The audit trail of a position and its consultations, newest first (one query)."""
    return trail(
        {"positions": [position.id], "consultations": [c.id for c in position.consultations]}
    )
