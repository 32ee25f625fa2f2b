"""A country's overview (Party status and the roles it fills) as plain records, rendered once.

Every official opens country pages and most of them see the same thing, so the page body is a
cached fragment (:mod:`focalpoints.fragments`). Its key holds everything the body shows: the
reference data's version, the country's appointments and holders as read for this request, the
day (for staleness), and what the viewer may see and do, as flags computed here. The template
reads only these, never ``current_user``, so the key cannot miss a permission.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from focalpoints import permissions
from focalpoints.countries.queries import party_statuses, role_lines
from focalpoints.focal_points.operations import is_stale
from focalpoints.focal_points.queries import appointments_by_role, holding_rows
from focalpoints.fragments import render_fragment
from focalpoints.reference.snapshot import CountryRecord, reference_snapshot

TEMPLATE = "countries/overview.html"


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the reader may do from the page: each link or button it shows depends on one."""

    edit: bool
    import_contacts: bool
    read_positions: bool
    view_working_group: bool
    view_report_statuses: bool
    edit_reference_data: bool

    @classmethod
    def of(cls, user: Any, country: CountryRecord) -> Viewer:
        return cls(
            edit=permissions.can_edit_country(user, country),
            import_contacts=permissions.can_import(user, country),
            read_positions=permissions.can_read_positions(user, country),
            view_working_group=permissions.can_view_working_group(user, country),
            view_report_statuses=permissions.can_view_report_statuses(user, country),
            edit_reference_data=permissions.can_edit_reference_data(user),
        )


def prepare_overview(
    country: CountryRecord, user: Any, today: date | None = None
) -> tuple[Hashable, Callable[[], dict[str, Any]]]:
    """The key of the page body as ``user`` may see it (two queries), and how to build its
    context when it must be rendered."""
    today = today or date.today()
    reference = reference_snapshot()
    rows = holding_rows(country.id)
    viewer = Viewer.of(user, country)
    hidden: frozenset[int] = frozenset()
    if not permissions.sees_all_people_of(user, country.id):
        # A row carries its holder's country and visibility, all that can_view_person reads.
        hidden = frozenset(row.id for row in rows if not permissions.can_view_person(user, row))
    key = ("country", reference.version, country.id, today, viewer, hidden, tuple(map(tuple, rows)))

    def context() -> dict[str, Any]:
        record = reference.countries[country.id]
        appointments = appointments_by_role(rows)
        statuses = party_statuses(record, reference.conventions, today)
        lines = {c.id: role_lines(c, statuses[c.id], appointments) for c in reference.conventions}
        # The conventions always; an instrument under one where the country is or was a member,
        # or has recorded a focal point (a range State of a memorandum, say).
        conventions = [
            c
            for c in reference.conventions
            if c.parent_id is None
            or statuses[c.id].periods
            or any(line.current or line.former for line in lines[c.id])
        ]
        return {
            "country": record,
            "conventions": conventions,
            "statuses": statuses,
            "role_lines": lines,
            "as_of": reference.memberships_as_of,
            "viewer": viewer,
            "hidden": hidden,
            "stale": frozenset(
                h.id for held in appointments.values() for h in held if is_stale(h, today)
            ),
        }

    return key, context


def render_overview(country: CountryRecord, user: Any, today: date | None = None) -> Markup:
    """The body of the country page as ``user`` may see it (two queries when cached)."""
    return render_fragment(TEMPLATE, *prepare_overview(country, user, today))
