"""Writing national positions: every save keeps a version; consultations and their answers.

Each function checks what the data must satisfy and raises PositionError (with a translated
message and the form field it belongs to) instead of writing. They flush and never commit: the
request or command that calls them commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from focalpoints.audit import _actor
from focalpoints.concurrency import claim_version
from focalpoints.countries.models import Country
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
from focalpoints.focal_points.operations import ERASED, erase_in_history
from focalpoints.focal_points.signals import erasing_person, people_merged, personal_data_requested
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.positions.models import (
    Answer,
    Consultation,
    Position,
    PositionStatus,
    PositionVersion,
    standing,
)

#: Languages a position can be written in: the six UN languages, and Portuguese.
TEXT_LANGUAGES = {**NATIVE_NAMES, "pt": "Português"}


class PositionError(ValueError):
    """A change refused; ``field`` names the form field the message belongs to, if any."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass
class PositionValues:
    """What a user sets on a position: where it applies, one language version, its standing."""

    meeting: Meeting
    agenda_item: AgendaItem | None
    issue: Issue | None
    language: str
    title: str
    text: str
    status: str
    lead: Person | None
    agreed_on: date | None


def _actor_label() -> str:
    # The audit log's notion of who is acting (user, command or system), for the version's author.

    return _actor()[1]


def _check(country: Country, values: PositionValues, original: str | None = None) -> None:
    """Refuse values that do not hold together; ``original`` is the position's language."""
    if values.agenda_item is not None and values.agenda_item.meeting_id != values.meeting.id:
        raise PositionError(_l("Choose an item of the agenda of this meeting."), "agenda_item")
    if values.agenda_item is None and values.issue is None:
        raise PositionError(_l("Choose an agenda item or a cross-cutting issue."), "agenda_item")
    if values.lead is not None and (values.lead.country_id != country.id or values.lead.is_deleted):
        raise PositionError(_l("Choose a person of this country."), "lead")
    if values.status not in {s.value for s in PositionStatus}:
        raise PositionError(_l("Choose a status."), "status")
    if values.language not in TEXT_LANGUAGES:
        raise PositionError(_l("Choose a language."), "language")
    if not values.title and values.language == (original or values.language):
        raise PositionError(_l("Give the position a title."), "title")
    if values.status == PositionStatus.AGREED:
        if values.agreed_on is None:
            raise PositionError(_l("Enter the date the position was agreed."), "agreed_on")
        if values.agreed_on > date.today():
            raise PositionError(_l("The date agreed cannot be in the future."), "agreed_on")


def _apply(position: Position, values: PositionValues) -> None:
    position.meeting_id = values.meeting.id
    position.agenda_item_id = values.agenda_item.id if values.agenda_item else None
    position.issue_id = values.issue.id if values.issue else None
    position.status = values.status
    position.lead_person_id = values.lead.id if values.lead else None
    position.agreed_on = values.agreed_on if values.status == PositionStatus.AGREED else None
    titles, texts = dict(position.titles or {}), dict(position.texts or {})
    if values.title:
        titles[values.language] = values.title
        if values.text:
            texts[values.language] = values.text
        else:
            texts.pop(values.language, None)
    else:  # an emptied translation is removed; the original language always stays
        titles.pop(values.language, None)
        texts.pop(values.language, None)
    position.titles, position.texts = titles, texts


def _keep_version(position: Position) -> None:
    db.session.flush()
    db.session.add(
        PositionVersion(
            position_id=position.id,
            number=position.version,
            meeting_id=position.meeting_id,
            agenda_item_id=position.agenda_item_id,
            issue_id=position.issue_id,
            titles=dict(position.titles),
            texts=dict(position.texts),
            language=position.language,
            status=position.status,
            lead_person_id=position.lead_person_id,
            agreed_on=position.agreed_on,
            shared=position.shared,
            author_label=_actor_label(),
        )
    )


def create_position(country: Country, values: PositionValues) -> Position:
    """Record a position of ``country``, written in ``values.language``; version 1 is kept."""
    _check(country, values)
    position = Position(
        country_id=country.id, language=values.language, titles={}, texts={}, version=1
    )
    _apply(position, values)
    db.session.add(position)
    _keep_version(position)
    db.session.flush()
    return position


def update_position(position: Position, values: PositionValues, seen_version: int) -> Position:
    """Save an edit (or a translation) made on ``seen_version``; StaleRecord if outdated."""
    _check(position.country, values, position.language)
    claim_version(position, seen_version)
    _apply(position, values)
    _keep_version(position)
    db.session.flush()
    return position


def toggle_shared(position: Position, seen_version: int) -> Position:
    """Share the position with the Secretariat, or stop sharing it (as the user saw it)."""
    claim_version(position, seen_version)
    position.shared = not position.shared
    _keep_version(position)
    db.session.flush()
    return position


def delete_position(position: Position, seen_version: int) -> None:
    """Remove a position (recoverable, with its versions and consultations)."""
    claim_version(position, seen_version)
    position.deleted_at = utcnow()
    db.session.flush()


def restore_position(position: Position) -> None:
    """Bring back a deleted position."""
    position.deleted_at = None
    db.session.flush()


def request_consultation(
    position: Position,
    people: list[Person],
    deadline: date | None,
    message: str,
    language: str,
    seen_version: int,
    share_text: bool = False,
) -> list[Consultation]:
    """Ask focal points of the country for their view; a draft moves into consultation
    (a new version, so ``seen_version`` must be current then).

    People whose standing request on this position is unanswered are not asked twice. Those
    without an account read the message, and the position's text if ``share_text``, through
    the link they are mailed.
    """
    if not people:
        raise PositionError(_l("Choose at least one focal point."), "people")
    if any(p.country_id != position.country_id or p.is_deleted for p in people):
        raise PositionError(_l("Choose people of this country."), "people")
    if deadline is not None and deadline < date.today():
        raise PositionError(_l("The deadline cannot be in the past."), "deadline")
    if language not in TEXT_LANGUAGES:
        raise PositionError(_l("Choose a language."), "language")
    asked = db.session.scalars(
        select(Consultation).where(Consultation.position_id == position.id)
    ).all()
    waiting = {c.person_id for c in standing(asked) if not c.is_answered}
    created = []
    for person in people:
        if person.id in waiting:
            continue
        consultation = Consultation(
            position_id=position.id,
            country_id=position.country_id,
            person_id=person.id,
            requested_on=date.today(),
            deadline=deadline,
            message=message,
            message_language=language,
            requested_by=_actor_label(),
            share_text=share_text,
            version=1,
        )
        db.session.add(consultation)
        created.append(consultation)
    if position.status == PositionStatus.DRAFT and created:
        claim_version(position, seen_version)
        position.status = PositionStatus.CONSULTATION.value
        _keep_version(position)
    db.session.flush()
    return created


def record_answer(
    consultation: Consultation,
    answer: str,
    note: str,
    language: str,
    answered_on: date,
    seen_version: int,
) -> Consultation:
    """Record a consulted focal point's answer (agree, comment, object), entered on their
    behalf by the user."""
    check_answer(consultation, answer, note, language, answered_on)
    claim_version(consultation, seen_version)
    consultation.answer = answer
    consultation.answer_note = note
    consultation.answer_language = language
    consultation.answered_on = answered_on
    consultation.answered_by_self = False
    db.session.flush()
    return consultation


def check_answer(
    consultation: Consultation, answer: str, note: str, language: str, answered_on: date
) -> None:
    """Refuse an answer that does not hold together (PositionError)."""
    if answer not in {a.value for a in Answer}:
        raise PositionError(_l("Choose an answer."), "answer")
    if answer != Answer.AGREE and not note:
        raise PositionError(_l("Write down the comment or the objection."), "note")
    if answered_on > date.today():
        raise PositionError(_l("The date cannot be in the future."), "answered_on")
    if answered_on < consultation.requested_on:
        raise PositionError(_l("The answer cannot come before the request."), "answered_on")
    if language not in TEXT_LANGUAGES:
        raise PositionError(_l("Choose a language."), "language")


# Merged and erased people -----------------------------------------------------------------------


@people_merged.connect
def move_person(keep: Person, other: Person) -> None:
    """When ``other`` is merged into ``keep``, the positions they lead and the requests for their
    view follow; the versions kept already still name whom they named then.

    If both were asked about one position, both requests stay (who was asked when is history):
    the kept person's view is counted once, by their standing request (``models.standing``).
    """
    for position in db.session.scalars(select(Position).where(Position.lead_person_id == other.id)):
        position.lead_person_id = keep.id
    for consultation in db.session.scalars(
        select(Consultation).where(Consultation.person_id == other.id)
    ):
        consultation.person_id = keep.id


@personal_data_requested.connect
def _personal_data_sections(person: Person) -> dict[str, Any]:
    return {"positions_led": led_positions(person), "consultations": consultations_of(person)}


def led_positions(person: Person) -> list[dict[str, Any]]:
    """The positions a person leads, for a data subject's access request (not their text)."""
    positions = db.session.scalars(
        select(Position)
        .where(Position.lead_person_id == person.id)
        .options(joinedload(Position.meeting))
        .order_by(Position.id)
    )
    return [
        {
            "id": position.id,
            "meeting": position.meeting.code,
            "title": position.titles.get(position.language, ""),
            "language": position.language,
            "status": position.status,
            "removed": position.deleted_at is not None,
        }
        for position in positions
    ]


def consultations_of(person: Person) -> list[dict[str, Any]]:
    """The requests for a person's view and their answers, for a data subject's access request."""
    consultations = db.session.scalars(
        select(Consultation).where(Consultation.person_id == person.id).order_by(Consultation.id)
    )
    return [
        {
            "position": consultation.position_id,
            "requested_on": consultation.requested_on.isoformat(),
            "deadline": consultation.deadline.isoformat() if consultation.deadline else None,
            "answer": consultation.answer,
            "answered_on": consultation.answered_on.isoformat()
            if consultation.answered_on
            else None,
            "answer_note": consultation.answer_note,
        }
        for consultation in consultations
    ]


ERASED_TEXTS = ("message", "answer_note")


@erasing_person.connect
def erase_person(person: Person) -> None:
    """Erase what consultations hold of ``person``, in the records and in their audit entries.

    The message asking for their view and the note of their answer are theirs (written to them
    or for them, often naming them): both are erased. Whether they were asked, when, and what
    they answered stay, as appointments do. Where they themselves asked others (as the user
    with their e-mail address), the requester is erased too.
    """
    emails = {e.lower() for e in [person.email, *person.other_emails] if e}
    consultations = db.session.scalars(
        select(Consultation).where(
            or_(
                Consultation.person_id == person.id,
                func.lower(Consultation.requested_by).in_(emails),
            )
        )
    ).all()
    theirs = {c.id for c in consultations if c.person_id == person.id}
    for consultation in consultations:
        if consultation.id in theirs:
            for key in ERASED_TEXTS:
                if getattr(consultation, key):
                    setattr(consultation, key, ERASED)
        if consultation.requested_by.lower() in emails:
            consultation.requested_by = ERASED

    def requester(key: str, value: Any) -> bool:
        return key == "requested_by" and isinstance(value, str) and value.lower() in emails

    erase_in_history(
        "consultations",
        theirs,
        lambda key, value: requester(key, value) or (key in ERASED_TEXTS and bool(value)),
    )
    others = [c.id for c in consultations if c.id not in theirs]
    erase_in_history("consultations", others, requester)
