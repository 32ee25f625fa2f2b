"""Working-group reminders: a coming meeting, and actions past their due date.

The group's members are people of the registry; those who are users of the country (matched by
e-mail address) get reminders about themselves, and the coordinators always do, so that a
member without an account is not forgotten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from focalpoints.auth.models import User, UserRole
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
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
from focalpoints.working_groups.calendar import local_time
from focalpoints.working_groups.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    GroupMeeting,
    GroupMember,
    WorkingGroup,
)

NATIONAL = (UserRole.COORDINATOR, UserRole.EDITOR)


def _member_emails(group_ids: set[int]) -> dict[int, set[str]]:
    """The e-mail addresses of each group's current members (one query)."""
    emails: dict[int, set[str]] = defaultdict(set)
    if not group_ids:
        return emails
    today = date.today()
    rows = db.session.execute(
        select(GroupMember.group_id, func.lower(Person.email))
        .join(Person, GroupMember.person_id == Person.id)
        .where(
            GroupMember.group_id.in_(group_ids),
            GroupMember.deleted_at.is_(None),
            (GroupMember.left_on.is_(None)) | (GroupMember.left_on > today),
            Person.email != "",
        )
    )
    for group_id, email in rows:
        emails[group_id].add(email)
    return emails


def _concerned(user: User, emails: set[str]) -> bool:
    """Coordinators always; editors when they are among the people concerned."""
    return user.user_role is UserRole.COORDINATOR or user.email.lower() in emails


@register
class ComingMeeting(NoticeKind):
    code = "working_group_meeting"
    label = _l("Coming working-group meetings")
    description = _l("A reminder a few days before each meeting of your country's working group.")
    # No minimum gap: a meeting moved to another time is news at once.

    def audience(self, user: User) -> bool:
        return user.user_role in NATIONAL

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        start = datetime.combine(today, time(), UTC)
        end = start + timedelta(days=current_app.config["NOTIFY_MEETING_DAYS_BEFORE"] + 1)
        meetings = db.session.scalars(
            select(GroupMeeting)
            .join(WorkingGroup, GroupMeeting.group_id == WorkingGroup.id)
            .where(
                GroupMeeting.deleted_at.is_(None),
                GroupMeeting.starts_at >= start,
                GroupMeeting.starts_at < end,
                WorkingGroup.closed_on.is_(None),
            )
        ).all()
        emails = _member_emails({m.group_id for m in meetings})
        for meeting in meetings:
            # A moved meeting is announced again: its time is one of the listed items.
            items = [meeting.id, meeting.starts_at.isoformat()]
            for user in recipients.of_country(meeting.country_id, *NATIONAL):
                if _concerned(user, emails[meeting.group_id]):
                    yield Due(user, f"meeting:{meeting.id}", items, meeting.country_id)

    def prepare(self, notices: list[Notice]) -> Any:
        ids = {n.items[0] for n in notices if n.items and isinstance(n.items[0], int)}
        meetings = db.session.scalars(
            select(GroupMeeting)
            .where(GroupMeeting.id.in_(ids))
            .options(joinedload(GroupMeeting.group))
        )
        return {m.id: m for m in meetings}, load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        meetings, countries = prepared
        country = countries[notice.country_id]
        meeting = meetings.get(notice.items[0]) if notice.items else None
        if meeting is None or meeting.country_id != notice.country_id:
            return Rendered(title=gettext("A working-group meeting"))
        when = local_time(meeting.starts_at, meeting.timezone)
        return Rendered(
            title=gettext(
                "Working-group meeting on %(date)s: %(title)s",
                date=format_day(when, "prose"),
                title=meeting.title,
            ),
            action=gettext("Check the agenda and add the meeting to your calendar."),
            link=url_for("working_groups.meeting", code=country.iso2, meeting_id=meeting.id),
            lines=[Line(meeting.place or meeting.online_url or meeting.group.name)],
        )


@register
class OverdueActions(NoticeKind):
    code = "working_group_overdue_actions"
    label = _l("Overdue working-group actions")
    description = _l(
        "Actions decided by your country's working group that are past their due date: yours, "
        "or all of them for coordinators."
    )
    repeat_setting = "NOTIFY_STALE_REPEAT_DAYS"
    min_gap_setting = "NOTIFY_MIN_GAP_DAYS"

    def audience(self, user: User) -> bool:
        return user.user_role in NATIONAL

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        rows = db.session.execute(
            select(ActionItem.id, ActionItem.country_id, func.lower(Person.email))
            .join(WorkingGroup, ActionItem.group_id == WorkingGroup.id)
            .join(GroupMeeting, ActionItem.meeting_id == GroupMeeting.id)
            .outerjoin(Person, ActionItem.owner_id == Person.id)
            .where(
                ActionItem.status.in_(OPEN_ACTION_STATUSES),
                ActionItem.due_on < today,
                WorkingGroup.closed_on.is_(None),
                GroupMeeting.deleted_at.is_(None),
            )
            .order_by(ActionItem.due_on, ActionItem.id)
        ).all()
        by_country: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for action_id, country_id, owner_email in rows:
            by_country[country_id].append((action_id, owner_email or ""))
        for country_id, actions in by_country.items():
            for user in recipients.of_country(country_id, *NATIONAL):
                mine = [
                    action_id
                    for action_id, owner in actions
                    if user.user_role is UserRole.COORDINATOR or owner == user.email.lower()
                ]
                if mine:
                    yield Due(user, f"country:{country_id}", mine, country_id)

    def prepare(self, notices: list[Notice]) -> Any:
        ids = {item for n in notices for item in n.items if isinstance(item, int)}
        actions = db.session.scalars(
            select(ActionItem).where(ActionItem.id.in_(ids)).options(joinedload(ActionItem.owner))
        )
        return {a.id: a for a in actions}, load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        actions, countries = prepared
        country = countries[notice.country_id]
        shown = [
            actions[i]
            for i in notice.items
            if i in actions and actions[i].country_id == notice.country_id
        ]
        return Rendered(
            title=ngettext(
                "%(num)d working-group action is overdue",
                "%(num)d working-group actions are overdue",
                len(shown),
            ),
            action=gettext("Do them, or record their new status and due date."),
            link=url_for("working_groups.index", code=country.iso2),
            lines=[
                Line(
                    gettext(
                        "%(action)s (due %(date)s)",
                        action=action.description,
                        date=format_day(action.due_on, "cell"),
                    ),
                    url_for("working_groups.edit_action", code=country.iso2, action_id=action.id),
                )
                for action in shown
            ],
        )
