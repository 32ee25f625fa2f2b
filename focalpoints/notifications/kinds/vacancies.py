"""Coordinators are told of the required roles that nobody holds in their country."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from focalpoints.auth.models import User, UserRole
from focalpoints.conventions.models import Role
from focalpoints.coverage.queries import vacancies
from focalpoints.extensions import db
from focalpoints.i18n import parenthetical
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


@register
class Vacancies(NoticeKind):
    code = "vacancies"
    label = _l("Roles without a holder")
    description = _l(
        "Required roles of the conventions your country is a Party to that nobody holds."
    )
    repeat_setting = "NOTIFY_VACANCY_REPEAT_DAYS"
    min_gap_setting = "NOTIFY_MIN_GAP_DAYS"

    def audience(self, user: User) -> bool:
        return user.user_role is UserRole.COORDINATOR

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        for country_id, roles in vacancies().items():
            codes = sorted(role.code for role in roles)
            for user in recipients.of_country(country_id, UserRole.COORDINATOR):
                yield Due(user, f"country:{country_id}", codes, country_id)

    def prepare(self, notices: list[Notice]) -> Any:
        codes = {code for notice in notices for code in notice.items}
        roles = db.session.scalars(
            select(Role).where(Role.code.in_(codes)).options(joinedload(Role.convention))
        )
        return {role.code: role for role in roles}, load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        roles, countries = prepared
        country = countries[notice.country_id]
        shown = [roles[code] for code in notice.items if code in roles]
        return Rendered(
            title=ngettext(
                "%(num)d required role of %(country)s has no holder",
                "%(num)d required roles of %(country)s have no holder",
                len(shown),
                country=country.name,
            ),
            action=gettext(
                "Appoint a holder to each role, or tell the Secretariat why none is designated."
            ),
            link=url_for("countries.detail", code=country.iso2),
            lines=[
                Line(
                    f"{role.name}{parenthetical(role.convention.acronym)}",
                    url_for("focal_points.appoint", code=country.iso2, role_code=role.code),
                )
                for role in shown
            ],
        )
