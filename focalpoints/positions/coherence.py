"""The coherence view: one country's positions on one issue across every convention's meetings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.countries.queries import active_conventions, party_statuses
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.positions.models import Consultation, Position, PositionStatus
from focalpoints.positions.queries import _with_context, current_holders_by_convention, on_issue


@dataclass
class Cell:
    """A meeting of one convention, with the country's positions on the issue there."""

    meeting: Meeting
    positions: list[Position]
    coming: bool
    flagged: bool = False


@dataclass
class Column:
    """One convention concerned by the issue."""

    convention: Convention
    is_party: bool
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Flag:
    """Something that breaks coherence.

    ``kind`` is ``no_position`` or ``draft_only`` (a coming meeting while another convention has
    an agreed position), or ``not_consulted`` (no focal point of a convention was asked).
    """

    kind: str
    convention: Convention
    meeting: Meeting | None = None
    agreed_in: list[Convention] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


@dataclass
class Coherence:
    issue: Issue
    columns: list[Column]
    flags: list[Flag]
    positions: int


def coherence(country: Country, issue: Issue, today: date) -> Coherence:
    """Lay out the country's positions on ``issue`` by convention and flag what does not hold
    together. For readers who see the country's private positions only (six queries)."""
    positions = list(
        db.session.scalars(
            on_issue(
                _with_context(
                    select(Position).where(
                        Position.country_id == country.id, Position.deleted_at.is_(None)
                    )
                ),
                issue.id,
            ).options(selectinload(Position.consultations).joinedload(Consultation.person))
        ).unique()
    )
    conventions = list(issue.conventions) or active_conventions()
    for position in positions:  # a position at a meeting of a convention the issue omits
        if position.meeting.convention not in conventions:
            conventions.append(position.meeting.convention)
    statuses = party_statuses(country, conventions, today)
    on_agenda = select(AgendaItem.meeting_id).where(
        AgendaItem.issue_id == issue.id, AgendaItem.is_active
    )
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.convention_id.in_([c.id for c in conventions]),
            or_(Meeting.id.in_(on_agenda), Meeting.id.in_({p.meeting_id for p in positions})),
        )
        .options(joinedload(Meeting.convention))
        .order_by(Meeting.start_date)
    ).all()
    by_meeting: dict[int, list[Position]] = {}
    for position in positions:
        by_meeting.setdefault(position.meeting_id, []).append(position)
    columns = {c.id: Column(convention=c, is_party=statuses[c.id].is_party) for c in conventions}
    for meeting in meetings:
        columns[meeting.convention_id].cells.append(
            Cell(meeting, by_meeting.get(meeting.id, []), meeting.is_coming(today))
        )
    agreed_in = {
        p.meeting.convention_id: p.meeting.convention
        for p in positions
        if p.status == PositionStatus.AGREED.value
    }
    flags: list[Flag] = []
    for column in columns.values():
        if not column.is_party:
            continue
        elsewhere = [c for c_id, c in agreed_in.items() if c_id != column.convention.id]
        if not elsewhere:
            continue
        for cell in column.cells:
            if not cell.coming:
                continue
            if not cell.positions:
                kind = "no_position"
            elif all(p.status == PositionStatus.DRAFT.value for p in cell.positions):
                kind = "draft_only"
            else:
                continue
            cell.flagged = True
            flags.append(Flag(kind, column.convention, cell.meeting, agreed_in=elsewhere))
    if positions:
        consulted = {c.person_id for p in positions for c in p.consultations}
        holders = current_holders_by_convention(country)
        for column in columns.values():
            people = holders.get(column.convention.id, [])
            if column.is_party and people and not consulted & {p.id for p in people}:
                flags.append(Flag("not_consulted", column.convention, people=people))
    return Coherence(issue, list(columns.values()), flags, len(positions))
