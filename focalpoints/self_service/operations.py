"""Links that let focal points answer for themselves, and what their answers do.

A link is 256 random bits mailed to one person; only its digest is stored. It opens one thing
(their own record, or one consultation), expires after PERSON_LINK_MAX_AGE_DAYS and acts once.
A confirmation sets the appointments' "last confirmed"; a correction, or "I no longer hold the
role", becomes a PendingChange that the country's coordinators approve or reject: nothing the
holder proposes is applied without them. A consultation answered through the link is recorded
as the focal point's own.

``send_links`` is the step of ``focalpoints notify`` that mails them: each current holder with
an e-mail address is asked to confirm their record on designation and then once a year; each
consulted focal point without an account of the country is sent their consultation. Links are
recorded in one write transaction, mailed outside any, and each outcome recorded on its own, as
notices are: being the job, it commits them itself. The other functions flush and never commit:
the request that calls them commits.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from focalpoints.audit import LINK_SUFFIX, acting_as
from focalpoints.auth.models import User, UserRole
from focalpoints.conventions.models import Role
from focalpoints.database import writing
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points import operations as registry
from focalpoints.focal_points.models import CONTACT_FIELDS, Appointment, Person, Status
from focalpoints.focal_points.signals import erasing_person, people_merged
from focalpoints.mail import compose_template_mail, deliver
from focalpoints.positions import operations as positions
from focalpoints.positions.models import Consultation, Position, PositionStatus, standing
from focalpoints.secret_digests import digest, new_secret
from focalpoints.self_service.models import (
    ChangeKind,
    ChangeStatus,
    LinkOutcome,
    LinkPurpose,
    PendingChange,
    PersonLink,
)
from focalpoints.urls import base_url, external_url

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "fpl_"  # noqa: S105  # nosec B105  (says what a secret opens, not a secret)
#: The fields of their record a focal point may propose corrections to (not the coordinators'
#: own notes, visibility or the kind of holder).
CORRECTABLE = CONTACT_FIELDS
NATIONAL = (UserRole.COORDINATOR, UserRole.EDITOR)


class SelfServiceError(ValueError):
    """A proposal or a decision refused; ``field`` names the form field it belongs to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# Links ----------------------------------------------------------------------------------------


def correspondence_language(person: Person) -> str:
    """The first of the person's correspondence languages that the interface speaks, else the
    default language."""
    shipped = current_app.config["LANGUAGES"]
    return next(
        (code for code in person.languages or [] if code in shipped),
        current_app.config["BABEL_DEFAULT_LOCALE"],
    )


def new_link(
    person: Person, purpose: LinkPurpose, now: datetime, consultation_id: int | None = None
) -> tuple[PersonLink, str]:
    """Add a link for ``person`` (unsent) and return it with its secret, which is not stored."""
    token = new_secret(TOKEN_PREFIX)
    link = PersonLink(
        purpose=purpose.value,
        person_id=person.id,
        country_id=person.country_id,
        consultation_id=consultation_id,
        token_hash=digest(token),
        email=person.email,
        language=correspondence_language(person),
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["PERSON_LINK_MAX_AGE_DAYS"]),
        email_error="",
    )
    db.session.add(link)
    return link, token


def find_link(token: str) -> PersonLink | None:
    """The link whose secret is ``token`` (used or expired alike), with its person."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return db.session.scalar(
        select(PersonLink)
        .where(PersonLink.token_hash == digest(token))
        .options(joinedload(PersonLink.person))
    )


def usable(link: PersonLink | None, now: datetime) -> bool:
    """Whether ``link`` may still be read and used: sent, unused, unexpired, its person kept."""
    return link is not None and link.is_open(now) and not link.person.is_deleted


def _claim(link: PersonLink, outcome: LinkOutcome, now: datetime) -> None:
    """Mark the link used, atomically: of two requests racing with it, only one gets it."""
    result = db.session.execute(
        update(PersonLink)
        .where(
            PersonLink.id == link.id,
            PersonLink.used_at.is_(None),
            PersonLink.expires_at > now,
        )
        .values(used_at=now, outcome=outcome.value)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise SelfServiceError(_l("This link has been used already or has expired."))
    db.session.refresh(link)


@contextlib.contextmanager
def as_holder(link: PersonLink) -> Iterator[None]:
    """Attribute what a link does, in the audit log, to the focal point who holds it."""
    with acting_as(link.email + LINK_SUFFIX):
        yield


def current_appointments(person: Person) -> list[Appointment]:
    return [a for a in person.appointments if a.is_current]


# Confirming, correcting, "no longer" ----------------------------------------------------------


def confirm_record(link: PersonLink, now: datetime) -> list[Appointment]:
    """The holder confirms their record: each current appointment is confirmed today."""
    _claim(link, LinkOutcome.CONFIRMED, now)
    held = current_appointments(link.person)
    for appointment in held:
        appointment.last_confirmed_on = now.date()
    db.session.flush()
    return held


def record_values(person: Person) -> dict[str, Any]:
    """The correctable fields of a record, as the correction form takes them."""
    return {key: getattr(person, key) for key in CORRECTABLE}


def propose_correction(
    link: PersonLink, values: dict[str, Any], note: str, now: datetime
) -> PendingChange:
    """The holder proposes corrections: the changed fields go to the coordinators."""
    person = link.person
    before = record_values(person)
    changed = {
        key: values[key]
        for key in CORRECTABLE
        if key in values and (values[key] or None) != (before[key] or None)
    }
    if not changed:
        raise SelfServiceError(_l("Change at least one detail, or confirm the record as it is."))
    try:
        registry.check_person({"kind": person.kind, **before, **changed})
    except registry.RegistryError as error:
        raise SelfServiceError(error.message, error.field) from error
    _claim(link, LinkOutcome.CORRECTED, now)
    change = PendingChange(
        country_id=person.country_id,
        person_id=person.id,
        link_id=link.id,
        kind=ChangeKind.CORRECTION.value,
        proposed=changed,
        previous={key: before[key] for key in changed},
        appointment_ids=[],
        note=note,
        status=ChangeStatus.PENDING.value,
        created_at=now,
    )
    db.session.add(change)
    db.session.flush()
    return change


def say_no_longer(
    link: PersonLink, appointment_ids: list[int], note: str, now: datetime
) -> PendingChange:
    """The holder says they no longer hold some of their roles: the coordinators decide."""
    person = link.person
    held = {a.id for a in current_appointments(person)}
    chosen = [i for i in appointment_ids if i in held]
    if not chosen:
        raise SelfServiceError(_l("Choose the roles you no longer hold."), "appointments")
    _claim(link, LinkOutcome.NO_LONGER, now)
    change = PendingChange(
        country_id=person.country_id,
        person_id=person.id,
        link_id=link.id,
        kind=ChangeKind.NO_LONGER.value,
        proposed={},
        previous={},
        appointment_ids=sorted(chosen),
        note=note,
        status=ChangeStatus.PENDING.value,
        created_at=now,
    )
    db.session.add(change)
    db.session.flush()
    return change


def answer_consultation(
    link: PersonLink,
    consultation: Consultation,
    answer: str,
    note: str,
    language: str,
    now: datetime,
) -> Consultation:
    """The consulted focal point answers themselves: the answer is recorded as theirs."""

    try:
        positions.check_answer(consultation, answer, note, language, now.date())
    except positions.PositionError as error:
        raise SelfServiceError(error.message, error.field) from error
    _claim(link, LinkOutcome.ANSWERED, now)
    consultation.answer = answer
    consultation.answer_note = note
    consultation.answer_language = language
    consultation.answered_on = now.date()
    consultation.answered_by_self = True
    consultation.version += 1
    db.session.flush()
    return consultation


# The coordinators' decision -------------------------------------------------------------------


def approve_change(change: PendingChange, user: User) -> PendingChange:
    """Apply a proposed change to the record (audited as the coordinator's), in one step."""
    if not change.is_pending:
        raise SelfServiceError(_l("This change has been decided already."))
    person = change.person
    today = date.today()
    if change.kind == ChangeKind.CORRECTION.value:
        values = {**record_values(person), **change.proposed}
        try:
            registry.check_person({"kind": person.kind, **values})
        except registry.RegistryError as error:
            raise SelfServiceError(error.message, error.field) from error
        registry.apply_person_values(person, change.proposed)
        person.version += 1  # an edit form opened before this is now out of date
        # The holder said, in proposing it, that they hold their roles: that is a confirmation.
        for appointment in current_appointments(person):
            appointment.last_confirmed_on = change.created_at.date()
    else:
        for appointment in current_appointments(person):
            if appointment.id in change.appointment_ids:
                appointment.status = Status.ENDED.value
                appointment.end_date = max(today, appointment.start_date)
                appointment.end_reason = "no longer holds the role (said by the holder)"
                appointment.version += 1
    _decide(change, ChangeStatus.APPROVED, user)
    db.session.flush()
    return change


def reject_change(change: PendingChange, user: User) -> PendingChange:
    """Leave the record as it is."""
    if not change.is_pending:
        raise SelfServiceError(_l("This change has been decided already."))
    _decide(change, ChangeStatus.REJECTED, user)
    db.session.flush()
    return change


def _decide(change: PendingChange, status: ChangeStatus, user: User) -> None:
    change.status = status.value
    change.decided_at = utcnow()
    change.decided_by_id = user.id


# Who is due a link ----------------------------------------------------------------------------


def due_confirmations(today: date) -> list[Person]:
    """Current holders with an e-mail address never asked to confirm their record, asked more
    than CONFIRMATION_INTERVAL_DAYS ago, or designated since they were last asked (two queries
    and the people's)."""
    interval = timedelta(days=current_app.config["CONFIRMATION_INTERVAL_DAYS"])
    newest = db.session.execute(
        select(Appointment.person_id, func.max(Appointment.created_at))
        .join(Person, Appointment.person_id == Person.id)
        .where(
            Appointment.status != Status.ENDED.value,
            Person.deleted_at.is_(None),
            Person.email != "",
        )
        .group_by(Appointment.person_id)
    ).all()
    asked = dict(
        db.session.execute(
            select(PersonLink.person_id, func.max(PersonLink.sent_at))
            .where(PersonLink.purpose == LinkPurpose.CONFIRM.value, PersonLink.sent_at.is_not(None))
            .group_by(PersonLink.person_id)
        ).all()
    )
    due = []
    for person_id, designated in newest:
        last = asked.get(person_id)
        if last is None or last.date() <= today - interval or designated > last:
            due.append(person_id)
    if not due:
        return []
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.id.in_(due))
            .options(
                selectinload(Person.appointments)
                .joinedload(Appointment.role)
                .joinedload(Role.convention),
                joinedload(Person.country),
            )
            .order_by(Person.id)
        )
    )


def _national_users() -> dict[int, set[str]]:
    """Country id -> the addresses of its officials who can receive notices (one query)."""
    rows = db.session.execute(
        select(User.country_id, func.lower(User.email)).where(
            User.active,
            User.password_hash.is_not(None),
            User.role.in_([r.value for r in NATIONAL]),
            User.country_id.is_not(None),
        )
    ).all()
    users: dict[int, set[str]] = defaultdict(set)
    for country_id, address in rows:
        users[country_id].add(address)
    return users


def due_consultations(only: Any = None) -> list[Consultation]:
    """Standing, unanswered requests for a view on a position in consultation, to focal points
    with an e-mail address and no account of the country (they hear of it as a notice), not sent
    a link yet (of the ids ``only``, if given)."""
    query = (
        select(Consultation)
        .join(Position, Consultation.position_id == Position.id)
        .join(Person, Consultation.person_id == Person.id)
        .where(
            Position.deleted_at.is_(None),
            Position.status == PositionStatus.CONSULTATION.value,
            Person.deleted_at.is_(None),
            Person.email != "",
        )
        .options(joinedload(Consultation.person), joinedload(Consultation.position))
        .order_by(Consultation.id)
    )
    consultations = list(db.session.scalars(query))
    by_position: dict[int, list[Consultation]] = defaultdict(list)
    for consultation in consultations:
        by_position[consultation.position_id].append(consultation)
    linked = set(
        db.session.scalars(
            select(PersonLink.consultation_id).where(
                PersonLink.consultation_id.is_not(None), PersonLink.sent_at.is_not(None)
            )
        )
    )
    users = _national_users()
    due = []
    for group in by_position.values():
        for consultation in standing(group):
            if consultation.is_answered or consultation.id in linked:
                continue
            if only is not None and consultation.id not in only:
                continue
            if consultation.person.email.lower() in users.get(consultation.country_id, set()):
                continue
            due.append(consultation)
    return due


# Mailing --------------------------------------------------------------------------------------


@dataclass
class LinkReport:
    confirmations: int = 0
    consultations: int = 0
    failed: int = 0
    dry_run: bool = False
    planned: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.dry_run:
            return [*self.planned, f"Links that would be mailed: {len(self.planned)}."]
        lines = [
            f"Requests to confirm a record sent: {self.confirmations}.",
            f"Consultations sent by link: {self.consultations}.",
        ]
        if self.failed:
            lines.append(
                f"Links not delivered: {self.failed}; new ones are sent on the next run "
                "(see the log)."
            )
        return lines


@dataclass
class _Outgoing:
    link_id: int
    purpose: LinkPurpose
    address: str
    message: Any


@contextlib.contextmanager
def _links_context() -> Iterator[None]:
    """Let url_for build links outside a request (the command line), on BASE_URL."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context(base_url=base_url()):
        yield


def _compose_confirmation(link: PersonLink, token: str, person: Person) -> Any:
    with force_locale(link.language):
        country = person.country.name_in(link.language)
        return compose_template_mail(
            link.email,
            _l("Please confirm your details as a focal point of %(country)s", country=country),
            "confirmation_request",
            link.language,
            person=person,
            country=country,
            roles=[(a.role.convention.acronym, a.role.name) for a in current_appointments(person)],
            link=external_url("self_service.respond", token=token),
            expires=link.expires_at,
        )


def _compose_consultation(link: PersonLink, token: str, consultation: Consultation) -> Any:
    position = consultation.position
    with force_locale(link.language):
        title = position.title_in(link.language)[1]
        return compose_template_mail(
            link.email,
            _l("Your view is asked on the position “%(title)s”", title=title),
            "consultation_request",
            link.language,
            person=consultation.person,
            country=consultation.person.country.name_in(link.language),
            title=title,
            meeting=position.meeting.title,
            consultation=consultation,
            link=external_url("self_service.respond", token=token),
            expires=link.expires_at,
        )


def plan_links(today: date) -> list[str]:
    """What ``send_links`` would mail today, one line each (writes nothing)."""
    lines = [f"confirmation request to {p.email}" for p in due_confirmations(today)]
    lines += [f"consultation {c.id} by link to {c.person.email}" for c in due_consultations()]
    return lines


def mail_links(dry_run: bool = False) -> LinkReport:
    """The step of ``focalpoints notify``: mail the links that are due; with ``dry_run``, only
    say which."""
    if dry_run:
        report = LinkReport(dry_run=True, planned=plan_links(date.today()))
        db.session.rollback()
        return report
    return send_links()


def send_links(
    now: datetime | None = None,
    report: LinkReport | None = None,
    confirmations: bool = True,
    consultation_ids: Any = None,
) -> LinkReport:
    """Record and mail the links that are due: requests to confirm a record (unless
    ``confirmations`` is false) and consultations (those of ``consultation_ids``, if given)."""
    now = now or utcnow()
    report = report or LinkReport()
    outgoing: list[_Outgoing] = []
    with writing(), acting_as("system:notify"), _links_context():
        people = due_confirmations(now.date()) if confirmations else []
        consultations = due_consultations(consultation_ids)
        made = []
        for person in people:
            made.append((new_link(person, LinkPurpose.CONFIRM, now), person))
        for consultation in consultations:
            pair = new_link(consultation.person, LinkPurpose.CONSULT, now, consultation.id)
            made.append((pair, consultation))
        db.session.flush()
        for (link, token), subject in made:
            if isinstance(subject, Person):
                message = _compose_confirmation(link, token, subject)
                purpose = LinkPurpose.CONFIRM
            else:
                message = _compose_consultation(link, token, subject)
                purpose = LinkPurpose.CONSULT
            outgoing.append(_Outgoing(link.id, purpose, link.email, message))
        db.session.commit()
    for item in outgoing:
        try:
            deliver(item.message)
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("Link mail to %s failed: %s", item.address, error)
            report.failed += 1
            _record_outcome(item.link_id, f"{type(error).__name__}: {error}", now)
        else:
            if item.purpose is LinkPurpose.CONFIRM:
                report.confirmations += 1
            else:
                report.consultations += 1
            _record_outcome(item.link_id, None, now)
    return report


def _record_outcome(link_id: int, error: str | None, now: datetime) -> None:
    with writing(), acting_as("system:notify"):
        values: dict[str, Any] = (
            {"sent_at": now, "email_error": ""} if error is None else {"email_error": error[:500]}
        )
        db.session.execute(update(PersonLink).where(PersonLink.id == link_id).values(**values))
        db.session.commit()


# What coordinators read -----------------------------------------------------------------------


def pending_changes(country_id: int) -> list[PendingChange]:
    """The country's changes waiting for a decision, oldest first, with their people."""
    return list(
        db.session.scalars(
            select(PendingChange)
            .where(
                PendingChange.country_id == country_id,
                PendingChange.status == ChangeStatus.PENDING.value,
            )
            .options(
                joinedload(PendingChange.person)
                .selectinload(Person.appointments)
                .joinedload(Appointment.role)
                .joinedload(Role.convention)
            )
            .order_by(PendingChange.created_at, PendingChange.id)
        ).unique()
    )


def decided_changes(country_id: int, limit: int = 20) -> list[PendingChange]:
    """The country's latest decided changes."""
    return list(
        db.session.scalars(
            select(PendingChange)
            .where(
                PendingChange.country_id == country_id,
                PendingChange.status != ChangeStatus.PENDING.value,
            )
            .options(joinedload(PendingChange.person), joinedload(PendingChange.decided_by))
            .order_by(PendingChange.decided_at.desc(), PendingChange.id.desc())
            .limit(limit)
        )
    )


def requests_to_confirm(country_id: int, person_id: int | None = None, limit: int = 50) -> list:
    """Who was asked to confirm their record, when, and what they answered (latest first)."""
    query = (
        select(PersonLink)
        .where(PersonLink.country_id == country_id, PersonLink.purpose == LinkPurpose.CONFIRM.value)
        .options(joinedload(PersonLink.person))
        .order_by(PersonLink.created_at.desc(), PersonLink.id.desc())
        .limit(limit)
    )
    if person_id is not None:
        query = query.where(PersonLink.person_id == person_id)
    return list(db.session.scalars(query))


def count_pending(country_id: int, person_id: int | None = None) -> int:
    """How many changes of the country (of one person, if given) wait for a decision."""
    query = (
        select(func.count())
        .select_from(PendingChange)
        .where(
            PendingChange.country_id == country_id,
            PendingChange.status == ChangeStatus.PENDING.value,
        )
    )
    if person_id is not None:
        query = query.where(PendingChange.person_id == person_id)
    return db.session.scalar(query) or 0


# Merged and erased people ---------------------------------------------------------------------


@people_merged.connect
def move_person(keep: Person, other: Person) -> None:
    """Links and proposals of a record merged into another follow it."""
    for model in (PersonLink, PendingChange):
        db.session.execute(
            update(model).where(model.person_id == other.id).values(person_id=keep.id)
        )


@erasing_person.connect
def erase_person(person: Person) -> None:
    """Erase what the proposals hold of ``person`` (the values they proposed and their notes),
    and close their open links."""
    for change in db.session.scalars(
        select(PendingChange).where(PendingChange.person_id == person.id)
    ):
        change.proposed = dict.fromkeys(change.proposed, registry.ERASED)
        change.previous = dict.fromkeys(change.previous, registry.ERASED)
        change.note = registry.ERASED if change.note else ""
        if change.is_pending:
            change.status = ChangeStatus.REJECTED.value
            change.decided_at = utcnow()
    for link in db.session.scalars(select(PersonLink).where(PersonLink.person_id == person.id)):
        link.email = registry.ERASED
        if link.used_at is None:
            link.expires_at = min(link.expires_at, utcnow())
    registry.erase_in_history(
        "pending_changes",
        [
            c.id
            for c in db.session.scalars(
                select(PendingChange).where(PendingChange.person_id == person.id)
            )
        ],
        lambda key, value: key in ("proposed", "previous", "note") and bool(value),
    )
    registry.erase_in_history(
        "person_links",
        [
            link.id
            for link in db.session.scalars(
                select(PersonLink).where(PersonLink.person_id == person.id)
            )
        ],
        lambda key, value: key == "email",
    )
