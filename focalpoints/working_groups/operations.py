"""Working-group operations shared by views, commands and demo data.

Each function checks what the data must satisfy and raises RegistryError (with a translated
message and, where it belongs to one, the name of the form field) instead of writing. They
flush and never commit: the request, command or job that calls them commits once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from focalpoints import documents
from focalpoints.concurrency import claim_version
from focalpoints.conventions.models import Convention, Requirement, Role
from focalpoints.countries.models import Country
from focalpoints.database import lock
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points import operations as registry
from focalpoints.focal_points.contacts import InvalidContact, parse_email
from focalpoints.focal_points.models import Appointment, Person, Status
from focalpoints.focal_points.operations import RegistryError, refusing_lost_races
from focalpoints.focal_points.signals import people_merged, personal_data_requested
from focalpoints.urls import is_web_address
from focalpoints.working_groups.models import (
    ActionItem,
    ActionStatus,
    Document,
    GroupMeeting,
    GroupMember,
    GroupRole,
    MemberCategory,
    WorkingGroup,
)

GROUP_FIELDS = (
    "name",
    "mandate",
    "mandate_language",
    "legal_basis",
    "established_on",
    "coordinating_institution",
    "secretariat_contact_id",
    "papers_shared",
)
MEMBER_FIELDS = ("category", "group_role", "joined_on", "left_on")
MEETING_FIELDS = (
    "title",
    "timezone",
    "place",
    "online_url",
    "agenda",
    "guests",
    "attendee_ids",
    "minutes",
    "decisions",
    "text_language",
)
ACTION_FIELDS = ("description", "owner_id", "due_on", "status")
DOCUMENTS_FOLDER = "working-group-documents"


def _apply(record: Any, values: dict[str, Any], fields: tuple[str, ...], seen_version: int) -> None:
    """Save ``fields`` of ``values`` on a record still at ``seen_version`` (else StaleRecord)."""
    claim_version(record, seen_version)
    for key in fields:
        if key in values:
            setattr(record, key, values[key])


def _set_removed(record: Any, group: WorkingGroup, removed: bool) -> None:
    """Remove a record of an open group (recoverable), or bring it back."""
    check_writable(group)
    record.deleted_at = utcnow() if removed else None
    db.session.flush()


# The group ------------------------------------------------------------------------------------


def current_group(country: Country) -> WorkingGroup | None:
    """The country's open working group, if it has one."""
    return db.session.scalar(
        select(WorkingGroup)
        .where(WorkingGroup.country_id == country.id, WorkingGroup.closed_on.is_(None))
        .order_by(WorkingGroup.id.desc())
        .limit(1)
    )


def _check_group(country: Country, values: dict[str, Any]) -> None:
    if not values.get("name"):
        raise RegistryError(_l("Give the group's name."), "name")
    established = values.get("established_on")
    if established and established > date.today():
        raise RegistryError(_l("The date established cannot be in the future."), "established_on")
    _check_person_of(country, values.get("secretariat_contact_id"), "secretariat_contact_id")


def _check_person_of(country: Country, person_id: int | None, field: str) -> None:
    if person_id is None:
        return
    person = db.session.get(Person, person_id)
    if person is None or person.country_id != country.id or person.is_deleted:
        raise RegistryError(_l("Choose a person of this country."), field)


def create_group(country: Country, values: dict[str, Any]) -> WorkingGroup:
    """Set up a working group; a country has at most one open group at a time."""

    def check() -> None:
        if current_group(country) is not None:
            raise RegistryError(_l("Close the current working group before setting up a new one."))

    lock(Country, country.id)
    check()
    _check_group(country, values)
    with refusing_lost_races(check):
        group = WorkingGroup(
            country_id=country.id, **{k: values[k] for k in GROUP_FIELDS if k in values}
        )
        db.session.add(group)
        db.session.flush()
    return group


def update_group(group: WorkingGroup, values: dict[str, Any], seen_version: int) -> WorkingGroup:
    """Save an edit made on ``seen_version``; StaleRecord if someone saved in between."""
    _check_group(group.country, values)
    _apply(group, values, GROUP_FIELDS, seen_version)
    db.session.flush()
    return group


def close_group(group: WorkingGroup, closed_on: date, note: str, seen_version: int) -> None:
    """Close a group; it stays readable, and a new one can be set up."""
    if not group.is_open:
        raise RegistryError(_l("This working group is closed already."))
    if closed_on > date.today():
        raise RegistryError(_l("The closing date cannot be in the future."), "closed_on")
    if group.established_on and closed_on < group.established_on:
        raise RegistryError(
            _l("The closing date cannot be before the group was established."), "closed_on"
        )
    claim_version(group, seen_version)
    group.closed_on = closed_on
    group.closing_note = note
    db.session.flush()


def reopen_group(group: WorkingGroup) -> None:
    """Undo a closing, as long as no newer group has been set up."""
    if group.is_open:
        return

    def check() -> None:
        if current_group(group.country) is not None:
            raise RegistryError(_l("The country has another open working group."))

    lock(Country, group.country_id)
    check()
    with refusing_lost_races(check):
        group.closed_on = None
        group.closing_note = ""
        db.session.flush()


def check_writable(group: WorkingGroup) -> None:
    """Refuse changes to a closed group."""
    if not group.is_open:
        raise RegistryError(_l("This working group is closed; its records can only be read."))


# Members --------------------------------------------------------------------------------------


def national_focal_points(country: Country) -> list[Appointment]:
    """Current holders of the required and expected roles of every active instrument (one query)."""
    return list(
        db.session.scalars(
            select(Appointment)
            .join(Role, Appointment.role_id == Role.id)
            .join(Convention, Role.convention_id == Convention.id)
            .join(Person, Appointment.person_id == Person.id)
            .where(
                Appointment.country_id == country.id,
                Appointment.status != Status.ENDED.value,
                Role.requirement != Requirement.OPTIONAL.value,
                Role.is_active,
                Convention.is_active,
                Person.deleted_at.is_(None),
            )
            .options(
                contains_eager(Appointment.person),
                contains_eager(Appointment.role).contains_eager(Role.convention),
            )
            .order_by(Convention.sort_order, Role.sort_order, Appointment.id)
        )
    )


def _current_member(group: WorkingGroup, person_id: int) -> GroupMember | None:
    return next(
        (m for m in group.members if m.person_id == person_id and m.is_current),
        None,
    )


def add_member(
    group: WorkingGroup,
    person: Person,
    category: str = MemberCategory.OTHER.value,
    group_role: str = GroupRole.MEMBER.value,
    joined_on: date | None = None,
    locked: bool = False,
) -> GroupMember:
    """Add a person of the group's country; refuse one who is a member already.

    The group's row is locked first (unless the caller did, ``locked=True``, and flushes): two
    requests adding the same person are decided one after the other, and the second is refused."""

    def check() -> None:
        check_writable(group)
        if person.country_id != group.country_id or person.is_deleted:
            raise RegistryError(_l("Choose a person of this country."), "person")
        if _current_member(group, person.id) is not None:
            raise RegistryError(
                _l("%(name)s is a member of the group already.", name=person.display_name),
                "person",
            )

    if not locked:
        _lock_group(group)
    check()
    _check_member_values(group, {"joined_on": joined_on})
    member = GroupMember(
        group=group,
        country_id=group.country_id,
        person_id=person.id,
        category=MemberCategory(category).value,
        group_role=GroupRole(group_role).value,
        joined_on=joined_on or date.today(),
    )
    db.session.add(member)
    if not locked:
        with refusing_lost_races(lambda: (db.session.expire(group, ["members"]), check())):
            db.session.flush()
    return member


def _lock_group(group: WorkingGroup) -> None:
    """Lock and reload the group and its members (see focalpoints.database.lock)."""
    lock(WorkingGroup, group.id)
    db.session.expire(group, ["members"])


def add_focal_points(group: WorkingGroup) -> int:
    """Add every current national focal point who is not a member yet; return how many."""
    _lock_group(group)
    check_writable(group)
    added: set[int] = set()
    for appointment in national_focal_points(group.country):
        person_id = appointment.person_id
        if person_id in added or _current_member(group, person_id) is not None:
            continue
        add_member(
            group,
            appointment.person,
            category=MemberCategory.FOCAL_POINT.value,
            locked=True,
        )
        added.add(person_id)
    with refusing_lost_races(lambda: None):
        db.session.flush()
    return len(added)


STAKEHOLDER_FIELDS = (
    "kind",
    "honorific",
    "given_names",
    "family_name",
    "job_title",
    "organisation",
    "email",
    "visibility",
)


def add_stakeholder(
    group: WorkingGroup,
    values: dict[str, Any],
    category: str,
    group_role: str,
    joined_on: date | None = None,
) -> GroupMember:
    """Create a stakeholder in the country's registry and add them to the group at once."""
    check_writable(group)
    _check_member_values(group, {"joined_on": joined_on})
    person_values = {k: values[k] for k in STAKEHOLDER_FIELDS if k in values}
    if person_values.get("email"):
        try:
            person_values["email"] = parse_email(person_values["email"])
        except InvalidContact:
            raise RegistryError(_l("Enter a valid e-mail address."), "email") from None
    person = registry.create_person(group.country, person_values)
    return add_member(group, person, category, group_role, joined_on)


def _check_member_values(group: WorkingGroup, values: dict[str, Any]) -> None:
    joined, left = values.get("joined_on"), values.get("left_on")
    if joined and joined > date.today():
        raise RegistryError(_l("The date joined cannot be in the future."), "joined_on")
    if joined and left and left < joined:
        raise RegistryError(_l("The date left cannot be before the date joined."), "left_on")


def update_member(member: GroupMember, values: dict[str, Any], seen_version: int) -> GroupMember:
    """Change a member's category, role in the group or dates."""
    check_writable(member.group)
    _check_member_values(member.group, values)
    _apply(member, values, MEMBER_FIELDS, seen_version)
    with refusing_lost_races(lambda: _check_open_twice(member, values)):
        db.session.flush()
    return member


def _check_open_twice(member: GroupMember, values: dict[str, Any]) -> None:
    """Refuse taking away the date left of a place when the person has another open place."""
    if values.get("left_on") is None and any(
        m.id != member.id and m.deleted_at is None and m.left_on is None
        for m in member.group.members
        if m.person_id == member.person_id
    ):
        raise RegistryError(
            _l("%(name)s is a member of the group already.", name=member.person.display_name),
            "left_on",
        )


def remove_member(member: GroupMember) -> None:
    """Take out a member entered by mistake (recoverable); those who leave get a date left."""
    _set_removed(member, member.group, True)


def restore_member(member: GroupMember) -> None:
    """Bring back a member taken out by mistake."""
    check_writable(member.group)

    def check() -> None:
        if _current_member(member.group, member.person_id) is not None:
            raise RegistryError(_l("This person is a member of the group again already."))

    _lock_group(member.group)
    check()
    with refusing_lost_races(check):
        _set_removed(member, member.group, False)


# Meetings -------------------------------------------------------------------------------------


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; RegistryError if there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RegistryError(_l("Choose a time zone from the list."), "timezone") from None


def to_utc(local: datetime | None, timezone: str) -> datetime | None:
    """A wall-clock time in ``timezone`` as an aware UTC datetime."""
    if local is None:
        return None
    return local.replace(tzinfo=zone(timezone)).astimezone(UTC)


def _check_meeting(group: WorkingGroup, values: dict[str, Any]) -> None:
    if not values.get("title"):
        raise RegistryError(_l("Give the meeting a title."), "title")
    if values.get("starts_at") is None:
        raise RegistryError(_l("Give the date and time the meeting starts."), "starts_at")
    ends = values.get("ends_at")
    if ends is not None and ends <= values["starts_at"]:
        raise RegistryError(_l("The meeting must end after it starts."), "ends_at")
    url = values.get("online_url") or ""
    if url and not is_web_address(url):
        raise RegistryError(_l("Give a web address starting with https://."), "online_url")
    members = {m.person_id for m in group.members if m.deleted_at is None}
    if set(values.get("attendee_ids") or []) - members:
        raise RegistryError(_l("Only members of the group can be marked present."), "attendees")


def _meeting_values(values: dict[str, Any]) -> dict[str, Any]:
    """Convert the local times given in the meeting's time zone to UTC."""
    timezone = values.get("timezone") or "UTC"
    zone(timezone)
    return {
        **values,
        "timezone": timezone,
        "starts_at": to_utc(values.get("starts_at"), timezone),
        "ends_at": to_utc(values.get("ends_at"), timezone),
    }


def create_meeting(group: WorkingGroup, values: dict[str, Any]) -> GroupMeeting:
    """Record a meeting of the group (coming or past)."""
    check_writable(group)
    values = _meeting_values(values)
    _check_meeting(group, values)
    meeting = GroupMeeting(
        group=group,
        country_id=group.country_id,
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        **{k: values[k] for k in MEETING_FIELDS if k in values},
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(
    meeting: GroupMeeting, values: dict[str, Any], seen_version: int
) -> GroupMeeting:
    """Save an edit of a meeting (details, attendance, minutes, decisions)."""
    check_writable(meeting.group)
    values = _meeting_values(values)
    _check_meeting(meeting.group, values)
    _apply(meeting, values, ("starts_at", "ends_at", *MEETING_FIELDS), seen_version)
    db.session.flush()
    return meeting


def delete_meeting(meeting: GroupMeeting) -> None:
    """Remove a meeting (recoverable)."""
    _set_removed(meeting, meeting.group, True)


def restore_meeting(meeting: GroupMeeting) -> None:
    """Bring back a removed meeting."""
    _set_removed(meeting, meeting.group, False)


# Action items ---------------------------------------------------------------------------------


def _check_action(meeting: GroupMeeting, values: dict[str, Any]) -> None:
    if not values.get("description"):
        raise RegistryError(_l("Describe the action."), "description")
    _check_person_of(meeting.group.country, values.get("owner_id"), "owner_id")
    ActionStatus(values.get("status") or ActionStatus.OPEN.value)


def add_action(meeting: GroupMeeting, values: dict[str, Any]) -> ActionItem:
    """Record a follow-up action decided at ``meeting``."""
    check_writable(meeting.group)
    _check_action(meeting, values)
    action = ActionItem(
        meeting=meeting,
        group_id=meeting.group_id,
        country_id=meeting.country_id,
        **{k: values[k] for k in ACTION_FIELDS if k in values},
    )
    if action.status == ActionStatus.DONE.value:
        action.completed_on = date.today()
    db.session.add(action)
    db.session.flush()
    return action


def update_action(action: ActionItem, values: dict[str, Any], seen_version: int) -> ActionItem:
    """Change an action: its owner, due date or status (done records the day)."""
    check_writable(action.meeting.group)
    _check_action(action.meeting, values)
    was_done = action.status == ActionStatus.DONE.value
    _apply(action, values, ACTION_FIELDS, seen_version)
    done = action.status == ActionStatus.DONE.value
    if done and not was_done:
        action.completed_on = date.today()
    elif not done:
        action.completed_on = None
    db.session.flush()
    return action


# Documents ------------------------------------------------------------------------------------


def attach_document(
    group: WorkingGroup, meeting: GroupMeeting | None, data: bytes, filename: str, title: str = ""
) -> Document:
    """Keep a PDF, Word, Excel or OpenDocument file for the group or one of its meetings."""
    check_writable(group)
    try:
        stored = documents.store(data, DOCUMENTS_FOLDER)
    except documents.UnsupportedDocument as error:
        if str(error) == "too large":
            raise RegistryError(_l("The file is too large."), "file") from None
        raise RegistryError(_l("Attach a PDF, Word, Excel or OpenDocument file."), "file") from None
    document = Document(
        group_id=group.id,
        meeting_id=meeting.id if meeting else None,
        country_id=group.country_id,
        title=title,
        filename=Path(filename or "document").name[:255] or "document",
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
    )
    db.session.add(document)
    db.session.flush()
    return document


def document_path(document: Document) -> Path:
    """Where a document's file is stored."""
    return documents.path_of(document.stored_name, DOCUMENTS_FOLDER)


def delete_document(document: Document) -> None:
    """Remove a document (recoverable: the file stays)."""
    _set_removed(document, db.session.get(WorkingGroup, document.group_id), True)


def restore_document(document: Document) -> None:
    """Bring back a removed document."""
    _set_removed(document, db.session.get(WorkingGroup, document.group_id), False)


# Merged people ------------------------------------------------------------------------------


@people_merged.connect
def move_person(keep: Person, other: Person) -> None:
    """When ``other`` is merged into ``keep``, their places in working groups follow."""
    for member in db.session.scalars(select(GroupMember).where(GroupMember.person_id == other.id)):
        twin = db.session.scalar(
            select(GroupMember).where(
                GroupMember.group_id == member.group_id,
                GroupMember.person_id == keep.id,
                GroupMember.deleted_at.is_(None),
            )
        )
        if twin is not None and member.is_current:
            member.deleted_at = utcnow()  # the kept person is a member already
        else:
            member.person_id = keep.id
    for action in db.session.scalars(select(ActionItem).where(ActionItem.owner_id == other.id)):
        action.owner_id = keep.id
    for group in db.session.scalars(
        select(WorkingGroup).where(WorkingGroup.secretariat_contact_id == other.id)
    ):
        group.secretariat_contact_id = keep.id
    for meeting in db.session.scalars(
        select(GroupMeeting).where(GroupMeeting.country_id == keep.country_id)
    ):
        if other.id in meeting.attendee_ids:
            meeting.attendee_ids = sorted(
                {keep.id if i == other.id else i for i in meeting.attendee_ids}
            )


def personal_data(person: Person) -> list[dict[str, Any]]:
    """The person's places in working groups, for a data subject's access request."""
    members = db.session.scalars(select(GroupMember).where(GroupMember.person_id == person.id))
    return [
        {
            "group": member.group.name,
            "category": member.category,
            "role_in_group": member.group_role,
            "joined_on": member.joined_on.isoformat() if member.joined_on else None,
            "left_on": member.left_on.isoformat() if member.left_on else None,
            "removed": member.deleted_at is not None,
        }
        for member in members
    ]


@personal_data_requested.connect
def _personal_data_sections(person: Person) -> dict[str, Any]:
    return {"working_groups": personal_data(person)}
