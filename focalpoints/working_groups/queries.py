"""Loading working groups for pages, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import joinedload

from focalpoints.audit.models import AuditEntry
from focalpoints.audit.queries import trail
from focalpoints.conventions.models import Convention, Requirement, Role
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Person, Status
from focalpoints.i18n import sort_key
from focalpoints.reference.snapshot import (
    ConventionRecord,
    ReferenceSnapshot,
    RoleRecord,
    reference_snapshot,
)
from focalpoints.working_groups.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    Document,
    GroupMeeting,
    GroupMember,
    GroupRole,
    WorkingGroup,
)

HISTORY_LIMIT = 300


def group_of(country: Country, group_id: int) -> WorkingGroup | None:
    """A working group of ``country``, or None."""
    return db.session.scalar(
        select(WorkingGroup)
        .where(WorkingGroup.id == group_id, WorkingGroup.country_id == country.id)
        .options(joinedload(WorkingGroup.secretariat_contact))
    )


def groups_of(country: Country) -> list[WorkingGroup]:
    """Every working group of the country with its secretariat's contact person, the open one
    first, then newest first (one query: a page shows one group and names the others)."""
    return list(
        db.session.scalars(
            select(WorkingGroup)
            .where(WorkingGroup.country_id == country.id)
            .options(joinedload(WorkingGroup.secretariat_contact))
            .order_by(WorkingGroup.closed_on.is_not(None), WorkingGroup.id.desc())
        )
    )


def meeting_of(country: Country, meeting_id: int, removed: bool = False) -> GroupMeeting | None:
    """A meeting of one of the country's groups, or None (a removed one only with ``removed``)."""
    meeting = db.session.scalar(
        select(GroupMeeting)
        .where(GroupMeeting.id == meeting_id, GroupMeeting.country_id == country.id)
        .options(joinedload(GroupMeeting.group))
    )
    if meeting is None or (meeting.deleted_at is not None and not removed):
        return None
    return meeting


def member_of(country: Country, member_id: int) -> GroupMember | None:
    """A member of one of the country's groups, or None."""
    member = db.session.get(GroupMember, member_id)
    return member if member is not None and member.country_id == country.id else None


def action_of(country: Country, action_id: int) -> ActionItem | None:
    """An action of one of the country's groups, or None."""
    action = db.session.get(ActionItem, action_id)
    return action if action is not None and action.country_id == country.id else None


def document_of(country: Country, document_id: int) -> Document | None:
    """A document of one of the country's groups, or None."""
    document = db.session.get(Document, document_id)
    return document if document is not None and document.country_id == country.id else None


@dataclass
class GroupOverview:
    """What the group page shows, loaded at once."""

    group: WorkingGroup
    members: list[GroupMember]
    former_members: list[GroupMember]
    removed_members: list[GroupMember]
    conventions: list[ConventionRecord]
    represented: set[int]
    missing: list[HeldRole]
    roles_by_person: dict[int, list[HeldRole]]
    upcoming: list[GroupMeeting]
    past: list[GroupMeeting]
    removed_meetings: list[GroupMeeting]
    open_actions: list[ActionItem]
    overdue: list[ActionItem]
    documents: list[Document]
    removed_documents: list[Document]
    history: list[AuditEntry] = field(default_factory=list)

    @property
    def chair(self) -> GroupMember | None:
        return next((m for m in self.members if m.group_role == GroupRole.CHAIR.value), None)

    @property
    def last_meeting(self) -> GroupMeeting | None:
        return self.past[0] if self.past else None


ROLE_ORDER = {role.value: n for n, role in enumerate(GroupRole)}


def _member_sort(member: GroupMember) -> tuple[Any, ...]:
    person = member.person
    return (
        ROLE_ORDER.get(member.group_role, 99),
        sort_key(f"{person.family_name} {person.given_names} {person.organisation}"),
    )


@dataclass(frozen=True, slots=True)
class HeldRole:
    """A current appointment as the group page shows it: its role, the role's instrument (the
    cached reference data's records) and the holder."""

    id: int
    country_id: int
    person: Person
    role: RoleRecord | Role
    convention: ConventionRecord | Convention


def _held_roles(group: WorkingGroup, snapshot: ReferenceSnapshot) -> list[HeldRole]:
    """The current appointments in the group's country (its members' among them), oldest
    first (one query; roles come from the cached reference data, so no role or convention row
    is read again for each appointment, and one more query only for roles of an instrument no
    longer active, which the cache leaves out)."""
    roles = {r.id: (r, c) for c in snapshot.conventions for r in c.roles}
    rows = db.session.execute(
        select(Appointment.id, Appointment.country_id, Appointment.role_id, Person)
        .join(Person, Appointment.person_id == Person.id)
        .where(
            # Members are people of the group's country, and a person's appointments are
            # the country's (both checked by the operations): one index-backed condition.
            Appointment.country_id == group.country_id,
            Appointment.status != Status.ENDED.value,
        )
        .order_by(Appointment.id)
    ).all()
    unknown = {row.role_id for row in rows if row.role_id not in roles}
    if unknown:
        for role in db.session.scalars(
            select(Role).where(Role.id.in_(unknown)).options(joinedload(Role.convention))
        ):
            roles[role.id] = (role, role.convention)
    return [HeldRole(row.id, row.country_id, row.Person, *roles[row.role_id]) for row in rows]


def group_overview(group: WorkingGroup, today: date | None = None) -> GroupOverview:
    """Members, representation, missing focal points, meetings and actions (five queries)."""
    today = today or date.today()
    now = datetime.now(UTC)
    all_members = list(
        db.session.scalars(
            select(GroupMember)
            .where(GroupMember.group_id == group.id)
            .options(joinedload(GroupMember.person))
        )
    )
    current = sorted((m for m in all_members if m.is_current), key=_member_sort)
    former = sorted(
        (m for m in all_members if m.deleted_at is None and not m.is_current),
        key=lambda m: m.left_on or today,
        reverse=True,
    )
    removed = [m for m in all_members if m.deleted_at is not None]
    current_ids = {m.person_id for m in current}

    snapshot = reference_snapshot()
    held = _held_roles(group, snapshot)
    roles_by_person: dict[int, list[HeldRole]] = defaultdict(list)
    for role in held:
        if role.person.id in current_ids:
            roles_by_person[role.person.id].append(role)
    represented = {r.convention.id for roles in roles_by_person.values() for r in roles}
    conventions = sorted(snapshot.conventions, key=lambda c: c.sort_order)
    missing: list[HeldRole] = []
    if group.is_open:
        seen: set[int] = set()
        focal_points = [
            r
            for r in held
            if r.country_id == group.country_id
            and r.role.requirement != Requirement.OPTIONAL.value
            and r.role.is_active
            and r.convention.is_active
            and r.person.deleted_at is None
        ]
        focal_points.sort(key=lambda r: (r.convention.sort_order, r.role.sort_order, r.id))
        for role in focal_points:
            if role.person.id not in current_ids and role.person.id not in seen:
                missing.append(role)
                seen.add(role.person.id)

    meetings = list(
        db.session.scalars(select(GroupMeeting).where(GroupMeeting.group_id == group.id))
    )
    live = [m for m in meetings if m.deleted_at is None]
    upcoming = sorted((m for m in live if _aware(m.starts_at) >= now), key=lambda m: m.starts_at)
    past = sorted((m for m in live if _aware(m.starts_at) < now), key=lambda m: m.starts_at)[::-1]
    live_ids = {m.id for m in live}

    actions = [
        a
        for a in db.session.scalars(
            select(ActionItem)
            .where(
                ActionItem.group_id == group.id,
                ActionItem.status.in_(OPEN_ACTION_STATUSES),
            )
            .options(joinedload(ActionItem.owner))
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        )
        if a.meeting_id in live_ids
    ]
    group_documents = list(
        db.session.scalars(
            select(Document)
            .where(Document.group_id == group.id, Document.meeting_id.is_(None))
            .order_by(Document.id)
        )
    )
    return GroupOverview(
        group=group,
        members=current,
        former_members=former,
        removed_members=removed,
        conventions=conventions,
        represented=represented,
        missing=missing,
        roles_by_person=roles_by_person,
        upcoming=upcoming,
        past=past,
        removed_meetings=sorted(
            (m for m in meetings if m.deleted_at is not None), key=lambda m: m.starts_at
        ),
        open_actions=actions,
        overdue=[a for a in actions if a.is_overdue(today)],
        documents=[d for d in group_documents if d.deleted_at is None],
        removed_documents=[d for d in group_documents if d.deleted_at is not None],
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class MeetingDetail:
    meeting: GroupMeeting
    members: list[GroupMember]
    people: dict[int, Person]
    actions: list[ActionItem]
    documents: list[Document]
    removed_documents: list[Document]


def meeting_members(group: WorkingGroup) -> list[GroupMember]:
    """Members who can be marked present: all but those removed by mistake (one query)."""
    members = list(
        db.session.scalars(
            select(GroupMember)
            .where(GroupMember.group_id == group.id, GroupMember.deleted_at.is_(None))
            .options(joinedload(GroupMember.person))
        )
    )
    return sorted(members, key=_member_sort)


def meeting_detail(meeting: GroupMeeting) -> MeetingDetail:
    """A meeting with the group's members, its actions and documents (four queries)."""
    members = meeting_members(meeting.group)
    actions = list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.meeting_id == meeting.id)
            .options(joinedload(ActionItem.owner))
            .order_by(ActionItem.id)
        )
    )
    docs = list(
        db.session.scalars(
            select(Document).where(Document.meeting_id == meeting.id).order_by(Document.id)
        )
    )
    return MeetingDetail(
        meeting=meeting,
        members=members,
        people={m.person_id: m.person for m in members},
        actions=actions,
        documents=[d for d in docs if d.deleted_at is None],
        removed_documents=[d for d in docs if d.deleted_at is not None],
    )


def history(group: WorkingGroup, papers: bool) -> list[AuditEntry]:
    """The change history of a group and everything in it, newest first (one query).

    Without ``papers`` (the Secretariat when the country does not share them), the history of
    minutes, actions and documents is left out, like the records themselves.
    """
    member_ids = (
        select(func.cast(GroupMember.id, AuditEntry.entity_id.type))
        .where(GroupMember.group_id == group.id)
        .scalar_subquery()
    )
    records: dict[str, Any] = {"working_groups": [group.id], "working_group_members": member_ids}
    if papers:
        for model, table in (
            (GroupMeeting, "working_group_meetings"),
            (ActionItem, "working_group_actions"),
            (Document, "working_group_documents"),
        ):
            ids = (
                select(func.cast(model.id, AuditEntry.entity_id.type))
                .where(model.group_id == group.id)
                .scalar_subquery()
            )
            records[table] = ids
    return trail(records, country_id=group.country_id, limit=HISTORY_LIMIT)


def coming_meetings(country: Country) -> list[GroupMeeting]:
    """Meetings of the country's open group from today on, soonest first."""
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        db.session.scalars(
            select(GroupMeeting)
            .join(WorkingGroup, GroupMeeting.group_id == WorkingGroup.id)
            .where(
                GroupMeeting.country_id == country.id,
                GroupMeeting.deleted_at.is_(None),
                GroupMeeting.starts_at >= start,
                WorkingGroup.closed_on.is_(None),
            )
            .order_by(GroupMeeting.starts_at)
        )
    )


@dataclass(frozen=True)
class GroupStatus:
    """Whether a country has an open working group, and when it last met."""

    group_id: int
    last_met: datetime | None


# The coverage page reads it on every request: built once.
_GROUP_STATUS = (
    select(WorkingGroup.country_id, func.max(WorkingGroup.id), func.max(GroupMeeting.starts_at))
    .outerjoin(
        GroupMeeting,
        and_(
            GroupMeeting.group_id == WorkingGroup.id,
            GroupMeeting.deleted_at.is_(None),
            GroupMeeting.starts_at < bindparam("now"),
        ),
    )
    .where(WorkingGroup.closed_on.is_(None))
    .group_by(WorkingGroup.country_id)
)


def group_status_by_country() -> dict[int, GroupStatus]:
    """Each country with an open working group, with the day of its last meeting (one query)."""
    # Through Core, in the session's transaction: plain rows need no ORM result handling.
    rows = db.session.connection().execute(_GROUP_STATUS, {"now": datetime.now(UTC)})
    return {
        country_id: GroupStatus(group_id, _aware(met) if met else None)
        for country_id, group_id, met in rows
    }
