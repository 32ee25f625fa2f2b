"""The handover pack: what a new holder of a role needs, gathered from the registry.

What the role is for and its basis; the instrument's coming meetings and report deadlines with
the country's standing; the open positions and consultations the role takes part in; the
working group, its next meeting and the open actions of the role; and the people to talk to.

Two kinds of reader, one rule each (:class:`Audience`):

- a user reads the pack on the site or as a Word file, and sees exactly what the pages show
  them, by the predicates of :mod:`focalpoints.permissions`;
- the role's holder receives it by e-mail. They are not a user, so they get what the country
  already shows beyond itself: people whose records are public or for registered users (not
  restricted ones), the positions the country shared, the working group's meeting dates, and
  its actions only if the country shares its papers; the country's reporting standing (which
  the Secretariat sees); and the names and e-mail addresses of the country's national
  coordinators (active accounts), whom the new holder is to work with.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from docx import Document
from docx.shared import Cm
from flask_babel import force_locale, gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from focalpoints import permissions
from focalpoints.auth.models import User, UserRole
from focalpoints.conventions.models import Role
from focalpoints.countries.labels import requirement_label
from focalpoints.countries.models import Country
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.labels import status_label
from focalpoints.focal_points.models import Appointment, Person, Status, Visibility
from focalpoints.i18n import parenthetical, translated
from focalpoints.letters.operations import (
    Writer,
    format_date,
    predecessor_of,
    set_document_language,
)
from focalpoints.meetings.models import Meeting
from focalpoints.nbsap.labels import REPORT_STATES, choice_label
from focalpoints.positions.labels import answer_label, position_status_label
from focalpoints.positions.models import Consultation, Position, PositionStatus
from focalpoints.reporting.queries import calendar
from focalpoints.self_service.models import LinkPurpose
from focalpoints.self_service.operations import new_link
from focalpoints.urls import external_url
from focalpoints.working_groups.calendar import local_time
from focalpoints.working_groups.models import ActionItem, GroupMeeting, GroupMember
from focalpoints.working_groups.operations import current_group

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEETINGS_SHOWN = 10


@dataclass(frozen=True)
class Audience:
    """Who the pack is for: a user (``user``), or the role's holder by e-mail (``user`` None)."""

    user: Any = None

    @property
    def is_holder(self) -> bool:
        return self.user is None

    def sees_person(self, person: Person) -> bool:
        if person.is_deleted:
            return False
        if self.is_holder:
            return person.visibility in (Visibility.PUBLIC.value, Visibility.REGISTERED.value)
        return permissions.can_view_person(self.user, person)

    def sees_reports(self, country: Country) -> bool:
        return self.is_holder or permissions.can_view_report_statuses(self.user, country)

    def sees_position(self, position: Position) -> bool:
        if self.is_holder:
            return position.shared and not position.is_deleted
        return permissions.can_read_position(self.user, position)

    def sees_group(self, country: Country) -> bool:
        return self.is_holder or permissions.can_view_working_group(self.user, country)

    def sees_papers(self, group: Any) -> bool:
        if self.is_holder:
            return bool(group.papers_shared)
        return permissions.can_read_group_papers(self.user, group)

    def sees_coordinators(self, country: Country) -> bool:
        return self.is_holder or permissions.sees_all_people_of(self.user, country.id)


@dataclass
class Section:
    """A titled table of text cells (dates are kept as dates, written in the reader's style)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = ""
    note: str = ""


@dataclass
class Pack:
    appointment: Appointment
    country: Country
    made_on: date
    role_lines: list[tuple[str, str]]
    sections: list[Section]


def self_confirmation_link(appointment: Appointment) -> str | None:
    """A new link by which the holder confirms or corrects their own record, mailed with the
    pack (added to the session, recorded as sent; the caller commits). None without e-mail."""
    person = appointment.person
    if not person.email:
        return None
    now = utcnow()
    link, token = new_link(person, LinkPurpose.CONFIRM, now)
    link.sent_at = now
    return external_url("self_service.respond", token=token)


def _family(role: Role) -> set[int]:
    """The instrument and the convention it comes under (their meetings and reports)."""
    instrument = role.convention
    return {instrument.id} | ({instrument.parent_id} if instrument.parent_id else set())


def _name(names: dict[str, str], language: str, default: str = "") -> str:
    return translated(names, language) or default


def build(appointment: Appointment, audience: Audience, language: str) -> Pack:
    """Gather the pack for ``audience`` in ``language`` (call it in that locale; a fixed
    number of queries)."""
    country = appointment.country
    role = appointment.role
    instrument = role.convention
    today = date.today()
    previous = predecessor_of(appointment)
    people = {appointment.person_id} | ({previous.person_id} if previous else set())
    role_lines = [
        (gettext("Role"), _name(role.names, language, role.code)),
        (gettext("Instrument concerned"), _name(instrument.names, language, instrument.code)),
        (gettext("Designation"), requirement_label(role.requirement)),
        (gettext("Basis"), _name(role.basis, language, "—")),
        (gettext("Holder"), appointment.person.display_name),
        (gettext("Since"), format_date(appointment.start_date, language)),
        (gettext("Designation status"), status_label(appointment.status)),
    ]
    sections = [
        _meetings(role, today, language),
        *_reports(country, role, audience),
        _positions(country, role, people, audience, today, language),
        *_working_group(country, people, audience),
        *_people(appointment, previous, audience, language),
    ]
    return Pack(appointment, country, today, role_lines, sections)


def _meetings(role: Role, today: date, language: str) -> Section:
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.convention_id.in_(_family(role)), Meeting.end_date >= today)
        .options(joinedload(Meeting.convention))
        .order_by(Meeting.start_date)
        .limit(MEETINGS_SHOWN)
    )
    return Section(
        "meetings",
        gettext("Coming meetings"),
        [gettext("Meeting"), gettext("Start"), gettext("End"), gettext("Place")],
        [
            [
                f"{m.title}: {_name(m.names, language, m.code)}",
                m.start_date,
                m.end_date,
                m.place
                + (parenthetical(gettext("to be confirmed"), language) if m.tentative else ""),
            ]
            for m in meetings
        ],
        gettext("No coming meeting is recorded."),
    )


def _reports(country: Country, role: Role, audience: Audience) -> list[Section]:
    if not audience.sees_reports(country):
        return []
    family = _family(role)
    lines = [line for line in calendar(country) if line.deadline.convention_id in family]
    return [
        Section(
            "reports",
            gettext("National report deadlines"),
            [gettext("Report"), gettext("Due"), gettext("Status"), gettext("Submitted")],
            [
                [
                    line.deadline.title,
                    line.deadline.due_date,
                    choice_label(REPORT_STATES, line.state)
                    + (parenthetical(gettext("overdue")) if line.is_overdue else ""),
                    line.status.submitted_on if line.status else None,
                ]
                for line in lines
            ],
            gettext("No report deadline is recorded."),
        )
    ]


def _positions(
    country: Country,
    role: Role,
    people: set[int],
    audience: Audience,
    today: date,
    language: str,
) -> Section:
    """Positions not yet agreed, or for a coming meeting, of the instrument's meetings or that
    the role's holders lead or were asked about; and their consultations of those holders."""
    consulted = select(Consultation.position_id).where(Consultation.person_id.in_(people))
    positions = db.session.scalars(
        select(Position)
        .join(Meeting, Position.meeting_id == Meeting.id)
        .where(
            Position.country_id == country.id,
            Position.deleted_at.is_(None),
            or_(Position.status != PositionStatus.AGREED.value, Meeting.end_date >= today),
            or_(
                Meeting.convention_id.in_(_family(role)),
                Position.lead_person_id.in_(people),
                Position.id.in_(consulted),
            ),
        )
        .options(
            joinedload(Position.meeting).joinedload(Meeting.convention),
            joinedload(Position.agenda_item),
            joinedload(Position.issue),
            joinedload(Position.country),
            selectinload(Position.consultations),
        )
        .order_by(Meeting.start_date, Position.id)
    ).unique()
    rows = []
    for position in positions:
        if not audience.sees_position(position):
            continue
        asked = [c for c in position.standing_consultations if c.person_id in people]
        consultation = "; ".join(
            answer_label(c.answer)
            if c.answer
            else gettext("awaiting an answer")
            + (parenthetical(format_date(c.deadline, language), language) if c.deadline else "")
            for c in asked
        )
        subject = (
            position.agenda_item.label
            if position.agenda_item
            else (position.issue.name if position.issue else "")
        )
        rows.append(
            [
                position.meeting.title,
                subject,
                position.title_in(language)[1],
                position_status_label(position.status),
                consultation or "—",
            ]
        )
    return Section(
        "positions",
        gettext("Open positions and consultations"),
        [
            gettext("Meeting"),
            gettext("Agenda item or issue"),
            gettext("Title"),
            gettext("Status"),
            gettext("Consultation of the role"),
        ],
        rows,
        gettext("No open position concerns this role."),
    )


def _working_group(country: Country, people: set[int], audience: Audience) -> list[Section]:
    if not audience.sees_group(country):
        return []
    group = current_group(country)
    title = gettext("National biodiversity working group")
    if group is None:
        return [Section("working_group", title, [], [], gettext("No working group is recorded."))]
    now = datetime.now(UTC)
    coming = db.session.scalar(
        select(GroupMeeting)
        .where(
            GroupMeeting.group_id == group.id,
            GroupMeeting.deleted_at.is_(None),
            GroupMeeting.starts_at >= now,
        )
        .order_by(GroupMeeting.starts_at)
        .limit(1)
    )
    members = db.session.scalars(
        select(GroupMember).where(
            GroupMember.group_id == group.id,
            GroupMember.deleted_at.is_(None),
            GroupMember.person_id.in_(people),
        )
    ).all()
    rows: list[list[Any]] = [[gettext("Name"), group.name]]
    if coming is not None:
        start = local_time(coming.starts_at, coming.timezone)
        place = coming.place or (gettext("online") if coming.online_url else "")
        rows.append(
            [
                gettext("Next meeting"),
                f"{coming.title}, {start:%Y-%m-%d %H:%M} ({coming.timezone})"
                + (f", {place}" if place else ""),
            ]
        )
    else:
        rows.append([gettext("Next meeting"), gettext("None planned")])
    rows.append(
        [
            gettext("The role in the group"),
            gettext("member") if any(m.is_current for m in members) else gettext("not a member"),
        ]
    )
    sections = [
        Section("working_group", title, [gettext("Item"), gettext("Value")], rows),
    ]
    if audience.sees_papers(group):
        actions = db.session.scalars(
            select(ActionItem)
            .join(GroupMeeting, ActionItem.meeting_id == GroupMeeting.id)
            .where(
                ActionItem.group_id == group.id,
                ActionItem.owner_id.in_(people),
                ActionItem.status.in_(("open", "in_progress")),
                GroupMeeting.deleted_at.is_(None),
            )
            .options(joinedload(ActionItem.meeting))
            .order_by(ActionItem.due_on, ActionItem.id)
        ).all()
        sections.append(
            Section(
                "actions",
                gettext("Open actions of the role"),
                [gettext("Action"), gettext("Decided at"), gettext("Due")],
                [[a.description, a.meeting.title, a.due_on] for a in actions],
                gettext("No open action is assigned to the role's holders."),
            )
        )
    return sections


def _people(
    appointment: Appointment, previous: Appointment | None, audience: Audience, language: str
) -> list[Section]:
    country = appointment.country
    sections = []
    if audience.sees_coordinators(country):
        coordinators = db.session.scalars(
            select(User)
            .where(
                User.country_id == country.id,
                User.role == UserRole.COORDINATOR.value,
                User.active.is_(True),
            )
            .order_by(User.name, User.email)
        ).all()
        sections.append(
            Section(
                "coordinators",
                gettext("National coordinators"),
                [gettext("Name"), gettext("E-mail address")],
                [[u.name or "—", u.email] for u in coordinators],
                gettext("No national coordinator is registered."),
            )
        )
    instrument = appointment.role.convention
    top = instrument.parent_id or instrument.id
    holders = db.session.scalars(
        select(Appointment)
        .join(Role, Appointment.role_id == Role.id)
        .where(
            Appointment.country_id == country.id,
            Appointment.status != Status.ENDED.value,
            Appointment.id != appointment.id,
        )
        .options(
            joinedload(Appointment.person),
            joinedload(Appointment.role).joinedload(Role.convention),
        )
        .order_by(Role.sort_order, Appointment.id)
    ).all()
    others = [
        a
        for a in holders
        if (a.role.convention.parent_id or a.role.convention_id) != top
        and audience.sees_person(a.person)
    ]
    others.sort(key=lambda a: (a.role.convention.sort_order, a.role.sort_order, a.id))
    sections.append(
        Section(
            "focal_points",
            gettext("Focal points of the other conventions"),
            [gettext("Role"), gettext("Name"), gettext("E-mail address"), gettext("Telephone")],
            [
                [
                    f"{a.role.convention.acronym} · {_name(a.role.names, language, a.role.code)}",
                    a.person.display_name,
                    a.person.email,
                    a.person.phone,
                ]
                for a in others
            ],
            gettext("No focal point of another convention is recorded."),
        )
    )
    rows = []
    if previous is not None and audience.sees_person(previous.person):
        rows.append(
            [
                previous.person.display_name,
                previous.person.email,
                previous.start_date,
                previous.end_date or appointment.start_date,
            ]
        )
    sections.append(
        Section(
            "predecessor",
            gettext("Predecessor"),
            [gettext("Name"), gettext("E-mail address"), gettext("Start"), gettext("End")],
            rows,
            gettext("No predecessor is recorded."),
        )
    )
    return sections


def cell(value: Any, language: str) -> str:
    """A cell as text: dates in the reader's style, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return format_date(value, language)
    return str(value)


def docx_file(pack: Pack, language: str) -> bytes:
    """The pack as a Word file in ``language`` (call it in that locale)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    set_document_language(document, language)
    title = gettext("Handover pack")
    document.core_properties.title = title
    document.core_properties.author = ""
    write = Writer(document, language)
    write.paragraph(title, bold=True, centred=True, space_after=2)
    write.paragraph(pack.country.formal_name_in(language), centred=True, space_after=2)
    write.paragraph(
        gettext("compiled on %(date)s", date=format_date(pack.made_on, language)),
        centred=True,
        space_after=12,
    )
    write.paragraph(gettext("The role"), bold=True, space_after=4)
    write.grid([gettext("Item"), gettext("Value")], [list(line) for line in pack.role_lines])
    for part in pack.sections:
        write.paragraph(space_after=4)
        write.paragraph(part.title, bold=True, space_after=4)
        if part.rows and part.columns:
            write.grid(part.columns, [[cell(v, language) for v in row] for row in part.rows])
        else:
            write.paragraph(part.empty or gettext("Nothing recorded."))
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def filename(pack: Pack, language: str, extension: str = "docx") -> str:
    role = "".join(ch for ch in pack.appointment.role.code.lower() if ch.isalnum() or ch == "-")
    return f"handover-{pack.country.iso2.lower()}-{role}-{language}.{extension}"


def build_in(appointment: Appointment, audience: Audience, language: str) -> Pack:
    """:func:`build` in ``language``'s locale."""
    with force_locale(language):
        return build(appointment, audience, language)
