"""The change history as readers see it: people's names instead of ids, labels instead of field
names, dates in the reader's style and meeting times on the meeting's own clock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from focalpoints.audit import LINK_SUFFIX
from focalpoints.audit.models import AuditEntry
from focalpoints.auth.models import User
from focalpoints.conventions.models import Convention, Role
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Person
from focalpoints.frameworks.models import FrameworkElement
from focalpoints.i18n import format_zoned, join_list
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.nbsap.models import NationalTarget, Nbsap
from focalpoints.permissions import can_view_person
from focalpoints.working_groups.models import GroupMeeting, WorkingGroup

# Fields that say nothing to a reader (bookkeeping, or the record's own key).
HIDDEN = frozenset(
    {
        "version",
        "match_key",
        "updated_at",
        "created_at",
        "id",
        "country_id",
        "letter_file",
        "stored_name",
        "document_file",
    }
)
# Links worth reading when a record is created; other links only repeat where the record is.
SHOWN_ON_CREATE = frozenset(
    {"person_id", "role_id", "owner_id", "lead_person_id", "secretariat_contact_id"}
)
# Times of meetings that have a time zone of their own: (table, field) -> the zone's field.
ZONED = {
    ("working_group_meetings", "starts_at"): "timezone",
    ("working_group_meetings", "ends_at"): "timezone",
}

Loader = Callable[[Collection[Any]], dict[Any, str]]


def _people(ids: Collection[Any]) -> dict[Any, str]:
    people = db.session.scalars(select(Person).where(Person.id.in_(ids)))
    return {
        p.id: p.display_name if can_view_person(current_user, p) else _("(not shared)")
        for p in people
    }


# Changes the application made itself, named for a reader rather than by their log label.
SYSTEM_ACTORS = {
    "system:demo-data": _l("Demo data"),
    "system:import": _l("Contact import"),
    "system:init": _l("Reference data"),
    "system:reference-apply": _l("Reference data"),
    "system:notify": _l("Notices"),
    "system:cli": _l("Command line"),
}


def _actor_label(label: str) -> str:
    if label and label.endswith(LINK_SUFFIX):
        return _("%(address)s (by the confirmation link)", address=label[: -len(LINK_SUFFIX)])
    return str(SYSTEM_ACTORS.get(label, label or ""))


def _users(ids: Collection[Any]) -> dict[Any, str]:
    return {u.id: u.display_name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _users_by_email(emails: Collection[Any]) -> dict[Any, str]:
    users = db.session.scalars(select(User).where(User.email.in_(emails)))
    return {u.email: u.display_name for u in users}


def _roles(ids: Collection[Any]) -> dict[Any, str]:
    roles = db.session.scalars(select(Role).where(Role.id.in_(ids)))
    return {r.id: f"{r.convention.acronym} · {r.name}" for r in roles}


def _conventions(ids: Collection[Any]) -> dict[Any, str]:
    conventions = db.session.scalars(select(Convention).where(Convention.id.in_(ids)))
    return {c.id: c.acronym for c in conventions}


def _meetings(ids: Collection[Any]) -> dict[Any, str]:
    return {m.id: m.title for m in db.session.scalars(select(Meeting).where(Meeting.id.in_(ids)))}


def _agenda_items(ids: Collection[Any]) -> dict[Any, str]:
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.id.in_(ids)))
    return {i.id: i.label for i in items}


def _issues(ids: Collection[Any]) -> dict[Any, str]:
    return {i.id: i.name for i in db.session.scalars(select(Issue).where(Issue.id.in_(ids)))}


def _appointments(ids: Collection[Any]) -> dict[Any, str]:
    """An earlier designation, by its holder's name."""

    appointments = list(db.session.scalars(select(Appointment).where(Appointment.id.in_(ids))))
    holders = _people({a.person_id for a in appointments})
    return {a.id: holders.get(a.person_id, f"#{a.id}") for a in appointments}


def _groups(ids: Collection[Any]) -> dict[Any, str]:
    groups = db.session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_(ids)))
    return {g.id: g.name for g in groups}


def _group_meetings(ids: Collection[Any]) -> dict[Any, str]:
    meetings = db.session.scalars(select(GroupMeeting).where(GroupMeeting.id.in_(ids)))
    return {m.id: m.title for m in meetings}


def _group_meeting_zones(ids: Collection[Any]) -> dict[Any, str]:
    rows = db.session.execute(
        select(GroupMeeting.id, GroupMeeting.timezone).where(GroupMeeting.id.in_(ids))
    )
    return {str(meeting_id): zone for meeting_id, zone in rows}


def _elements(ids: Collection[Any]) -> dict[Any, str]:
    elements = db.session.scalars(select(FrameworkElement).where(FrameworkElement.id.in_(ids)))
    return {e.id: " ".join(part for part in (e.code, e.short_title) if part) for e in elements}


def _targets(ids: Collection[Any]) -> dict[Any, str]:
    targets = db.session.scalars(select(NationalTarget).where(NationalTarget.id.in_(ids)))
    return {t.id: f"{t.code} {t.title}".strip() for t in targets}


def _nbsaps(ids: Collection[Any]) -> dict[Any, str]:
    return {n.id: n.title for n in db.session.scalars(select(Nbsap).where(Nbsap.id.in_(ids)))}


LOADERS: dict[str, Loader] = {
    "person": _people,
    "user": _users,
    "user_email": _users_by_email,
    "role": _roles,
    "convention": _conventions,
    "meeting": _meetings,
    "agenda_item": _agenda_items,
    "issue": _issues,
    "appointment": _appointments,
    "working_group": _groups,
    "group_meeting": _group_meetings,
    "framework_element": _elements,
    "national_target": _targets,
    "nbsap": _nbsaps,
}
# Which records a field names: "field", or "table.field" where the table's field differs.
REFERENCES = {
    "person_id": "person",
    "lead_person_id": "person",
    "owner_id": "person",
    "secretariat_contact_id": "person",
    "merged_into_id": "person",
    "attendee_ids": "person",
    "responsible": "person",
    "invited_by_id": "user",
    "user_id": "user",
    "requested_by": "user_email",
    "role_id": "role",
    "convention_id": "convention",
    "meeting_id": "meeting",
    "working_group_actions.meeting_id": "group_meeting",
    "working_group_documents.meeting_id": "group_meeting",
    "agenda_item_id": "agenda_item",
    "issue_id": "issue",
    "predecessor_id": "appointment",
    "group_id": "working_group",
    "element_id": "framework_element",
    "national_target_id": "national_target",
    "national_targets.parent_id": "national_target",
    "nbsap_id": "nbsap",
}


def reference_kind(name: str, entity: str) -> str | None:
    """The kind of record a recorded field points at, if it points at one."""
    return REFERENCES.get(f"{entity}.{name}") or REFERENCES.get(name)


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    entry: AuditEntry
    who: str
    created: bool
    changes: list[Change] = field(default_factory=list)


def history_rows(
    entries: Sequence[AuditEntry],
    label: Callable[[str, str], str],
    value: Callable[[str, Any, str], str],
) -> list[HistoryEntry]:
    """The entries as a reader sees them, in a fixed number of queries (one per kind of record
    named); entries that show nothing are left out."""
    shown = [(entry, _fields(entry)) for entry in entries]
    names = _load_names(shown)
    zones = _group_meeting_zones(
        {int(e.entity_id) for e, _f in shown if e.entity_type == "working_group_meetings"}
    )
    actors = _users({e.actor_id for e, _f in shown if e.actor_id is not None})
    rows = []
    for entry, fields in shown:
        if not fields:
            continue
        entity = entry.entity_type
        row = HistoryEntry(
            entry=entry,
            who=actors.get(entry.actor_id) or _actor_label(entry.actor_label),
            created=entry.action == "create",
        )
        for name in fields:
            sides = []
            for side in (entry.before, entry.after):
                if side is None or (side is entry.after and entry.action == "delete"):
                    sides.append("")
                    continue
                raw = side.get(name)
                zone_field = ZONED.get((entity, name))
                zone = (
                    (side.get(zone_field) or zones.get(entry.entity_id or "", "UTC"))
                    if zone_field
                    else None
                )
                sides.append(_shown(name, raw, entity, value, names, zone))
            row.changes.append(Change(label(name, entity), sides[0], sides[1]))
        rows.append(row)
    return rows


def _fields(entry: AuditEntry) -> list[str]:
    """The recorded fields of an entry a reader is shown."""
    after = entry.after or {}
    recorded = list(after) if entry.action != "delete" else list(entry.before or {})
    fields = []
    for name in recorded:
        if name in HIDDEN:
            continue
        if entry.action == "create" and (
            after.get(name) in (None, "", [], False)
            or (name.endswith("_id") and name not in SHOWN_ON_CREATE)
        ):
            continue
        fields.append(name)
    return fields


def _load_names(shown: Iterable[tuple[AuditEntry, list[str]]]) -> dict[str, dict[Any, str]]:
    wanted: dict[str, set[Hashable]] = defaultdict(set)
    for entry, fields in shown:
        for name in fields:
            kind = reference_kind(name, entry.entity_type)
            if kind is None:
                continue
            for side in (entry.before or {}, entry.after or {}):
                wanted[kind].update(_keys(kind, side.get(name)))
    return {kind: LOADERS[kind](keys) for kind, keys in wanted.items() if keys}


def _keys(kind: str, raw: Any) -> list[Hashable]:
    values = raw if isinstance(raw, list) else [raw]
    if kind == "user_email":
        return [v for v in values if isinstance(v, str) and v]
    return [int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


def _shown(
    name: str,
    raw: Any,
    entity: str,
    value: Callable[[str, Any, str], str],
    names: dict[str, dict[Any, str]],
    zone: str | None,
) -> str:

    if raw is None or raw == "" or raw == []:
        return "—"
    kind = reference_kind(name, entity)
    if kind is not None:
        found = names.get(kind, {})
        keys = _keys(kind, raw)
        if keys:
            return join_list(found.get(key, f"#{key}") for key in keys)
    if zone is not None and isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            pass
        else:
            return format_zoned(moment if moment.tzinfo else moment.replace(tzinfo=UTC), zone)
    return value(name, raw, entity)
