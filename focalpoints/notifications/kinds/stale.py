"""Coordinators get a digest of their country's appointments not confirmed for a year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from focalpoints.auth.models import User, UserRole
from focalpoints.coverage.queries import stale_appointments
from focalpoints.focal_points.models import Appointment
from focalpoints.focal_points.operations import is_stale
from focalpoints.i18n import format_day
from focalpoints.notifications.kinds import (
    Due,
    Line,
    NoticeKind,
    Recipients,
    Rendered,
    listed_appointments,
    load_appointments,
    load_countries,
    register,
)
from focalpoints.notifications.models import Notice


@register
class StaleAppointments(NoticeKind):
    code = "stale_appointments"
    label = _l("Appointments to confirm")
    description = _l(
        "Your country's appointments not confirmed for a year, each with a link that confirms it."
    )
    repeat_setting = "NOTIFY_STALE_REPEAT_DAYS"
    min_gap_setting = "NOTIFY_MIN_GAP_DAYS"

    def audience(self, user: User) -> bool:
        return user.user_role is UserRole.COORDINATOR

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        by_country: dict[int, list[int]] = defaultdict(list)
        for appointment_id, country_id in stale_appointments(today):
            by_country[country_id].append(appointment_id)
        for country_id, ids in by_country.items():
            for user in recipients.of_country(country_id, UserRole.COORDINATOR):
                yield Due(user, f"country:{country_id}", ids, country_id)

    def prepare(self, notices: list[Notice]) -> Any:
        return load_appointments(notices), load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        appointments, countries = prepared
        country = countries[notice.country_id]
        shown = listed_appointments(notice, appointments)
        return Rendered(
            title=ngettext(
                "%(num)d appointment of %(country)s to confirm",
                "%(num)d appointments of %(country)s to confirm",
                len(shown),
                country=country.name,
            ),
            action=gettext(
                "Open each appointment's link and confirm it if it is still current; "
                "replace or end it if it is not."
            ),
            link=url_for("countries.detail", code=country.iso2),
            lines=[_line(country, a) for a in shown],
        )


def _line(country: Any, appointment: Appointment) -> Line:
    """A link to confirm the appointment while it waits; once done, what was done."""
    values = {
        "person": appointment.person.display_name,
        "role": appointment.role.name,
        "convention": appointment.role.convention.acronym,
        "date": format_day(appointment.confirmed_or_started(), "prose"),
    }
    if not appointment.is_current:
        return Line(gettext("%(person)s, %(role)s (%(convention)s): ended", **values))
    if not is_stale(appointment):
        return Line(
            gettext("%(person)s, %(role)s (%(convention)s): confirmed on %(date)s", **values)
        )
    return Line(
        gettext("%(person)s, %(role)s (%(convention)s): last confirmed on %(date)s", **values),
        url_for("focal_points.confirm", code=country.iso2, appointment_id=appointment.id),
    )
