"""Consultations on a national position: the focal point asked for a view is told, and the
position's lead is told once everyone has answered or a deadline has passed.

Focal points are people of the registry; they are told when they are also users of the country
(matched by e-mail address). The lead, or failing that the official who asked, hears of the
outcome; if neither is a user, the country's coordinators do. Positions are private to the
country: only its own national users ever receive these notices.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import get_locale, gettext
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
from focalpoints.positions.labels import answer_label
from focalpoints.positions.models import Consultation, Position, PositionStatus, standing

NATIONAL = (UserRole.COORDINATOR, UserRole.EDITOR)
ANSWERED, DEADLINE = "answered", "deadline"


# What counting a person's standing request takes (see positions.models.standing).
COUNTED = (
    Consultation.id,
    Consultation.position_id,
    Consultation.person_id,
    Consultation.requested_on,
    Consultation.answer,
    Consultation.answered_on,
)


def _by_position(rows: list[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.position_id].append(row)
    return grouped


def _positions(ids: set[int]) -> dict[int, Position]:
    rows = db.session.scalars(
        select(Position).where(Position.id.in_(ids)).options(joinedload(Position.meeting))
    )
    return {p.id: p for p in rows}


def _title(position: Position) -> str:
    return position.title_in(str(get_locale() or "en"))[1]


@register
class ConsultationRequested(NoticeKind):
    code = "consultation_requested"
    label = _l("Requests for your view on a position")
    description = _l(
        "When your country asks you, as a focal point, for your view on a national position."
    )

    def audience(self, user: User) -> bool:
        return user.user_role in NATIONAL

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        rows = db.session.execute(
            select(*COUNTED, Consultation.country_id, func.lower(Person.email).label("email"))
            .join(Position, Consultation.position_id == Position.id)
            .join(Person, Consultation.person_id == Person.id)
            .where(
                Position.deleted_at.is_(None),
                Position.status == PositionStatus.CONSULTATION.value,
                Person.email != "",
            )
            .order_by(Consultation.id)
        ).all()
        asked: dict[tuple[int, int, str], list[int]] = defaultdict(list)
        for consultations in _by_position(rows).values():
            for row in standing(consultations):
                if row.answer is None:
                    asked[(row.country_id, row.position_id, row.email)].append(row.id)
        for (country_id, position_id, email), ids in asked.items():
            for user in recipients.of_country(country_id, *NATIONAL):
                if user.email.lower() == email:
                    yield Due(user, f"position:{position_id}", ids, country_id)

    def prepare(self, notices: list[Notice]) -> Any:
        consultations = {
            c.id: c
            for c in db.session.scalars(
                select(Consultation).where(
                    Consultation.id.in_({i for n in notices for i in n.items})
                )
            )
        }
        positions = _positions({c.position_id for c in consultations.values()})
        return consultations, positions, load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        consultations, positions, countries = prepared
        country = countries[notice.country_id]
        found = [consultations[i] for i in notice.items if i in consultations]
        found = [c for c in found if c.country_id == notice.country_id]
        if not found or found[0].position_id not in positions:
            return Rendered(title=gettext("Your view is asked on a national position"))
        position = positions[found[0].position_id]
        deadline = min((c.deadline for c in found if c.deadline), default=None)
        return Rendered(
            title=gettext("Your view is asked on the position “%(title)s”", title=_title(position)),
            action=gettext(
                "Read the position and tell its lead whether you agree, comment or object."
            )
            if deadline is None
            else gettext(
                "Read the position and give your view by %(date)s.",
                date=format_day(deadline, "prose"),
            ),
            link=url_for("positions.detail", code=country.iso2, position_id=position.id),
            lines=[Line(position.meeting.title)],
        )


@register
class ConsultationOutcome(NoticeKind):
    code = "consultation_outcome"
    label = _l("Outcome of consultations on positions")
    description = _l(
        "When every focal point consulted on a position you lead (or asked about) has "
        "answered, or a deadline has passed."
    )

    def audience(self, user: User) -> bool:
        return user.user_role in NATIONAL

    def due(self, today: date, recipients: Recipients) -> Iterator[Due]:
        rows = db.session.execute(
            select(
                *COUNTED,
                Consultation.country_id,
                Consultation.deadline,
                Consultation.requested_by,
                func.lower(Person.email).label("lead"),
            )
            .join(Position, Consultation.position_id == Position.id)
            .outerjoin(Person, Position.lead_person_id == Person.id)
            .where(
                Position.deleted_at.is_(None),
                Position.status == PositionStatus.CONSULTATION.value,
            )
        ).all()
        for position_id, consultations in _by_position(rows).items():
            counted = standing(consultations)
            if all(c.answer is not None for c in counted):
                outcome = ANSWERED
            elif any(
                c.answer is None and c.deadline is not None and c.deadline < today for c in counted
            ):
                outcome = DEADLINE
            else:
                continue
            country_id = consultations[0].country_id
            told = {c.lead for c in consultations if c.lead}
            told |= {c.requested_by.lower() for c in consultations if c.requested_by}
            users = recipients.of_country(country_id, *NATIONAL)
            chosen = [u for u in users if u.email.lower() in told] or [
                u for u in users if u.user_role is UserRole.COORDINATOR
            ]
            for user in chosen:
                yield Due(user, f"position:{position_id}", [position_id, outcome], country_id)

    def prepare(self, notices: list[Notice]) -> Any:
        ids = {n.items[0] for n in notices if n.items and isinstance(n.items[0], int)}
        rows = db.session.execute(select(*COUNTED).where(Consultation.position_id.in_(ids))).all()
        counts = {
            position_id: Counter(c.answer for c in standing(consultations))
            for position_id, consultations in _by_position(rows).items()
        }
        return _positions(ids), counts, load_countries(notices)

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        positions, counts, countries = prepared
        country = countries[notice.country_id]
        position = positions.get(notice.items[0]) if notice.items else None
        if position is None or position.country_id != notice.country_id:
            return Rendered(title=gettext("A consultation on a position has ended"))
        answers = counts.get(position.id, {})
        title = (
            gettext("Every focal point has answered on “%(title)s”", title=_title(position))
            if notice.items[1] == ANSWERED
            else gettext("A deadline has passed on “%(title)s”", title=_title(position))
        )
        lines = [
            Line(f"{answer_label(code)}: {answers.get(code, 0)}")
            for code in ("agree", "comment", "object")
        ]
        lines.append(Line(f"{gettext('Awaited')}: {answers.get(None, 0)}"))
        return Rendered(
            title=title,
            action=gettext("Read the answers and take the position forward."),
            link=url_for("positions.detail", code=country.iso2, position_id=position.id),
            lines=lines,
        )
