"""The reporting pack: what one convention's national report asks of a country, gathered from
data entered once (focal points, the working group, measures, positions, deadlines).

The pack is built once as plain sections of rows; the page, the XLSX workbook and the JSON
document are three renderings of the same sections.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import xlsxwriter
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country
from focalpoints.exports.formats import neutralise
from focalpoints.extensions import db
from focalpoints.focal_points.labels import status_label
from focalpoints.focal_points.models import Appointment, Status
from focalpoints.i18n import join_list, parenthetical
from focalpoints.nbsap.labels import DEGREES_SHORT, REPORT_STATES, TARGET_STATUSES, choice_label
from focalpoints.nbsap.queries import measures_for_convention
from focalpoints.positions.labels import position_status_label
from focalpoints.positions.queries import shared_positions
from focalpoints.reporting.queries import calendar_for_convention
from focalpoints.working_groups.calendar import local_time
from focalpoints.working_groups.labels import CATEGORIES, GROUP_ROLES, label_of
from focalpoints.working_groups.models import GroupMeeting, GroupMember
from focalpoints.working_groups.operations import current_group


@dataclass
class Section:
    """A titled table: ``columns`` are (key, heading) pairs, ``rows`` dictionaries by key."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


@dataclass
class Pack:
    country: Country
    convention: Convention
    made_at: datetime
    sections: list[Section]

    def as_json(self) -> dict[str, Any]:
        """The pack as a JSON document: sections keyed by name, rows keyed by column."""
        return {
            "country": self.country.iso2,
            "convention": self.convention.code,
            "generated_at": self.made_at.isoformat(),
            "sections": {
                s.key: [{k: _plain(row.get(k)) for k, _h in s.columns} for row in s.rows]
                for s in self.sections
            },
        }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def build(country: Country, convention: Convention) -> Pack:
    """Gather the pack of ``country`` for ``convention`` (a fixed number of queries)."""
    return Pack(
        country=country,
        convention=convention,
        made_at=datetime.now(UTC),
        sections=[
            _focal_points(country, convention),
            *_working_group(country, convention),
            _measures(country, convention),
            _positions(country, convention),
            _deadlines(country, convention),
        ],
    )


def _focal_points(country: Country, convention: Convention) -> Section:
    appointments = db.session.scalars(
        select(Appointment)
        .join(Role, Appointment.role_id == Role.id)
        .where(
            Appointment.country_id == country.id,
            Appointment.status != Status.ENDED.value,
            Role.convention_id == convention.id,
        )
        .options(joinedload(Appointment.person), joinedload(Appointment.role))
        .order_by(Role.sort_order, Appointment.id)
    )
    return Section(
        "focal_points",
        _("Focal points"),
        [
            ("role", _("Role")),
            ("name", _("Name")),
            ("organisation", _("Organisation")),
            ("email", _("E-mail address")),
            ("status", _("Designation status")),
            ("since", _("Since")),
            ("last_confirmed", _("Last confirmed")),
        ],
        [
            {
                "role": a.role.name,
                "name": a.person.display_name,
                "organisation": a.person.organisation,
                "email": a.person.email,
                "status": status_label(a.status),
                "since": a.start_date,
                "last_confirmed": a.last_confirmed_on,
            }
            for a in appointments
        ],
    )


def _working_group(country: Country, convention: Convention) -> list[Section]:
    group = current_group(country)
    if group is None:
        return [
            Section(
                "working_group",
                _("National biodiversity working group"),
                [("item", _("Item")), ("value", _("Value"))],
                [],
                _("The country has no working group recorded."),
            )
        ]
    members = db.session.scalars(
        select(GroupMember)
        .where(GroupMember.group_id == group.id, GroupMember.deleted_at.is_(None))
        .options(joinedload(GroupMember.person))
        .order_by(GroupMember.id)
    ).all()
    current = [m for m in members if m.is_current]
    now = datetime.now(UTC)
    meetings = [
        m
        for m in db.session.scalars(
            select(GroupMeeting)
            .where(GroupMeeting.group_id == group.id, GroupMeeting.deleted_at.is_(None))
            .order_by(GroupMeeting.starts_at.desc())
        )
        if (m.starts_at if m.starts_at.tzinfo else m.starts_at.replace(tzinfo=UTC)) < now
    ]
    summary = Section(
        "working_group",
        _("National biodiversity working group"),
        [("item", _("Item")), ("value", _("Value"))],
        [
            {"item": _("Name"), "value": group.name},
            {"item": _("Legal basis"), "value": group.legal_basis},
            {"item": _("Date established"), "value": group.established_on},
            {"item": _("Coordinating institution"), "value": group.coordinating_institution},
            {"item": _("Members"), "value": len(current)},
            {"item": _("Meetings held"), "value": len(meetings)},
            {
                "item": _("Last meeting"),
                "value": local_time(meetings[0].starts_at, meetings[0].timezone).date()
                if meetings
                else None,
            },
        ],
    )
    composition = Section(
        "working_group_members",
        _("Members of the working group"),
        [
            ("name", _("Name")),
            ("organisation", _("Organisation")),
            ("category", _("Category")),
            ("role_in_group", _("Role in the group")),
        ],
        [
            {
                "name": m.person.display_name,
                "organisation": m.person.organisation,
                "category": label_of(CATEGORIES, m.category),
                "role_in_group": label_of(GROUP_ROLES, m.group_role),
            }
            for m in current
        ],
    )
    held = Section(
        "working_group_meetings",
        _("Meetings of the working group"),
        [("date", _("Date")), ("title", _("Title")), ("participants", _("Participants"))],
        [
            {
                "date": local_time(m.starts_at, m.timezone).date(),
                "title": m.title,
                "participants": len(m.attendee_ids) + len(m.guests),
            }
            for m in meetings
        ],
    )
    return [summary, composition, held]


def _measures(country: Country, convention: Convention) -> Section:
    return Section(
        "measures",
        _("NBSAP targets and measures serving this convention"),
        [
            ("code", _("Code")),
            ("title", _("Title")),
            ("lead_institution", _("Lead institution")),
            ("status", _("Status")),
            ("start", _("Start")),
            ("end", _("End")),
            ("global_targets", _("Global targets")),
        ],
        [
            {
                "code": t.code,
                "title": t.title,
                "lead_institution": t.lead_institution,
                "status": choice_label(TARGET_STATUSES, t.status),
                "start": t.start_date,
                "end": t.end_date,
                "global_targets": join_list(
                    f"{a.element.identifier}{parenthetical(choice_label(DEGREES_SHORT, a.degree))}"
                    for a in t.alignments
                ),
            }
            for t in measures_for_convention(country, convention)
        ],
    )


def _positions(country: Country, convention: Convention) -> Section:
    return Section(
        "positions",
        _("Positions shared for this convention's meetings"),
        [
            ("meeting", _("Meeting")),
            ("subject", _("Agenda item or issue")),
            ("title", _("Title")),
            ("status", _("Status")),
            ("agreed_on", _("Date agreed")),
        ],
        [
            {
                "meeting": p.meeting.title,
                "subject": p.agenda_item.label
                if p.agenda_item
                else (p.issue.name if p.issue else ""),
                "title": p.title_in(str(get_locale() or "en"))[1],
                "status": position_status_label(p.status),
                "agreed_on": p.agreed_on,
            }
            for p in shared_positions(country, convention)
        ],
    )


def _deadlines(country: Country, convention: Convention) -> Section:
    return Section(
        "deadlines",
        _("National report deadlines"),
        [
            ("report", _("Report")),
            ("due", _("Due")),
            ("state", _("Status")),
            ("submitted_on", _("Submitted")),
        ],
        [
            {
                "report": line.deadline.title,
                "due": line.deadline.due_date,
                "state": choice_label(REPORT_STATES, line.state),
                "submitted_on": line.status.submitted_on if line.status else None,
            }
            for line in calendar_for_convention(country, convention)
        ],
    )


def xlsx_file(pack: Pack) -> str:
    """The pack as a workbook, one sheet per section; returns the path of a temporary file."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="focalpoints-pack-")
    os.close(handle)
    workbook = xlsxwriter.Workbook(
        path,
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    header = workbook.add_format({"bold": True, "bg_color": "#D1E7DD", "border": 1})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for section in pack.sections:
        sheet = workbook.add_worksheet(section.key[:31])
        for index, (_key, heading) in enumerate(section.columns):
            sheet.set_column(index, index, 24)
            sheet.write_string(0, index, heading, header)
        sheet.freeze_panes(1, 0)
        for number, row in enumerate(section.rows, start=1):
            for index, (key, _heading) in enumerate(section.columns):
                value = row.get(key)
                if isinstance(value, date):
                    sheet.write_datetime(
                        number, index, datetime.combine(value, datetime.min.time()), dates
                    )
                elif isinstance(value, int) and not isinstance(value, bool):
                    sheet.write_number(number, index, value)
                else:
                    sheet.write_string(number, index, neutralise(value))
        if section.rows:
            sheet.autofilter(0, 0, len(section.rows), len(section.columns) - 1)
    workbook.close()
    return path
