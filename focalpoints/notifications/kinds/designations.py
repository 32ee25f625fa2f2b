"""The designation lifecycle: the Secretariat hears of official notifications, the country
of their acknowledgement. Both are found from the appointments' recorded status, so a change
made by any means (form, import, API, database) is noticed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from focalpoints.auth.models import User, UserRole
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Status
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


def _by_country(query: Any) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for appointment_id, country_id in db.session.execute(query):
        grouped[country_id].append(appointment_id)
    return grouped


def _line(country: Any, appointment: Appointment, text: str) -> Line:
    return Line(
        text,
        url_for("focal_points.appointment", code=country.iso2, appointment_id=appointment.id),
    )


@register
class DesignationsNotified(NoticeKind):
    code = "designations_notified"
    label = _l("Designations to acknowledge")
    description = _l(
        "Designations that a country has marked as officially notified, to acknowledge."
    )

    def audience(self, user: User) -> bool:
        return user.user_role is UserRole.SECRETARIAT

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        waiting = _by_country(
            select(Appointment.id, Appointment.country_id)
            .where(Appointment.status == Status.NOTIFIED.value)
            .order_by(Appointment.country_id, Appointment.id)
        )
        secretariat = recipients.of_role(UserRole.SECRETARIAT)
        for country_id, ids in waiting.items():
            for user in secretariat:
                yield Due(user, f"country:{country_id}", ids, country_id)

    def prepare(self, notices: list[Notice]) -> Any:
        return load_appointments(notices), load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        appointments, countries = prepared
        country = countries[notice.country_id]
        shown = listed_appointments(notice, appointments)
        return Rendered(
            title=ngettext(
                "%(country)s has officially notified %(num)d designation",
                "%(country)s has officially notified %(num)d designations",
                len(shown),
                country=country.name,
            ),
            action=gettext("Check each designation's letter and acknowledge it on its page."),
            link=url_for("countries.detail", code=country.iso2),
            lines=[
                _line(
                    country,
                    a,
                    gettext(
                        "%(person)s, %(role)s (%(convention)s): letter %(reference)s of %(date)s",
                        person=a.person.display_name,
                        role=a.role.name,
                        convention=a.role.convention.acronym,
                        reference=a.letter_reference,
                        date=format_day(a.letter_date, "prose") if a.letter_date else "",
                    ),
                )
                for a in shown
            ],
        )


@register
class DesignationsAcknowledged(NoticeKind):
    code = "designations_acknowledged"
    label = _l("Designations acknowledged")
    description = _l("Your country's designations that the Secretariat has acknowledged.")

    def audience(self, user: User) -> bool:
        return user.user_role.is_national

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        # Acknowledgements older than the window were made before anyone could be told.
        since = utcnow() - timedelta(days=current_app.config["NOTIFY_ACKNOWLEDGED_WITHIN_DAYS"])
        recent = _by_country(
            select(Appointment.id, Appointment.country_id)
            .where(
                Appointment.status == Status.ACKNOWLEDGED.value,
                Appointment.acknowledged_at >= since,
            )
            .order_by(Appointment.country_id, Appointment.id)
        )
        for country_id, ids in recent.items():
            for user in recipients.of_country(country_id, UserRole.COORDINATOR, UserRole.EDITOR):
                yield Due(user, f"country:{country_id}", ids, country_id)

    def prepare(self, notices: list[Notice]) -> Any:
        return load_appointments(notices), load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        appointments, countries = prepared
        country = countries[notice.country_id]
        new = set(notice.params.get("new", notice.items))
        shown = [a for a in listed_appointments(notice, appointments) if a.id in new]
        return Rendered(
            title=ngettext(
                "The Secretariat has acknowledged %(num)d designation of %(country)s",
                "The Secretariat has acknowledged %(num)d designations of %(country)s",
                len(shown),
                country=country.name,
            ),
            action=gettext("Nothing more is needed: these designations are complete."),
            link=url_for("countries.detail", code=country.iso2),
            lines=[
                _line(
                    country,
                    a,
                    gettext(
                        "%(person)s, %(role)s (%(convention)s)",
                        person=a.person.display_name,
                        role=a.role.name,
                        convention=a.role.convention.acronym,
                    ),
                )
                for a in shown
            ],
        )
