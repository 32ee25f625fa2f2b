"""Registry operations shared by views, commands and imports.

Every function checks what the data must satisfy and raises RegistryError (with a translated
message and, where it belongs to one, the name of the form field) instead of writing. They
flush and never commit: the request, command or job that calls them commits once, so that an
action made of several operations is saved whole or not at all.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from focalpoints.audit import record_event, record_now
from focalpoints.audit.queries import trail
from focalpoints.concurrency import claim_version
from focalpoints.conventions.models import Role
from focalpoints.countries.models import Country
from focalpoints.database import lock, lost_race, writing
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.contacts import name_key
from focalpoints.focal_points.models import PERSON_FIELDS, Appointment, HolderKind, Person, Status
from focalpoints.focal_points.queries import history
from focalpoints.focal_points.signals import erasing_person, people_merged, personal_data_requested
from focalpoints.mail import address_refused
from focalpoints.urls import is_web_address

# The order of the lifecycle; acknowledgement is the Secretariat's step alone.
LIFECYCLE = (Status.PROPOSED, Status.ENDORSED, Status.NOTIFIED, Status.ACKNOWLEDGED)


class RegistryError(ValueError):
    """A change the registry refuses; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@contextlib.contextmanager
def refusing_lost_races(recheck: Callable[[], Any]) -> Iterator[None]:
    """Turn a write that lost a race into the refusal the operation's own checks give.

    The database refuses what two concurrent requests could each find allowed (a unique index,
    or SQLite's write lock). The transaction is rolled back and ``recheck`` runs the checks
    again: they now see the other request's change and raise their own message. Should they
    find nothing, the user is told that someone else saved at the same moment.
    """
    try:
        yield
    except (IntegrityError, OperationalError) as error:
        if not lost_race(error):
            raise
        db.session.rollback()
        # As a writer (SQLite: BEGIN IMMEDIATE), so as to wait for the other request to commit.
        with writing():
            try:
                recheck()
            finally:
                db.session.rollback()
        raise RegistryError(
            _l("Someone else saved a change here at the same moment. Check the page and try again.")
        ) from error


# People ---------------------------------------------------------------------------------------


def find_duplicates(
    country: Country, values: dict[str, Any], except_id: int | None = None
) -> list[Person]:
    """People of ``country`` with one of these e-mail addresses or the same folded name."""
    key = name_key(
        values.get("given_names", ""), values.get("family_name", ""), values.get("organisation", "")
    )
    emails = {e for e in [values.get("email", ""), *values.get("other_emails", [])] if e}
    people = db.session.scalars(
        select(Person).where(Person.country_id == country.id, Person.deleted_at.is_(None))
    ).all()
    matches = []
    for person in people:
        if person.id == except_id:
            continue
        theirs = {e for e in [person.email, *person.other_emails] if e}
        if (key and person.match_key == key) or emails & theirs:
            matches.append(person)
    return matches


def _check_person(values: dict[str, Any]) -> None:
    if values.get("kind") == HolderKind.INSTITUTION.value:
        if not values.get("organisation"):
            raise RegistryError(_l("Give the institution's name."), "organisation")
    elif not (values.get("given_names") or values.get("family_name")):
        raise RegistryError(_l("Give at least a given name or a family name."), "family_name")
    if values.get("website") and not is_web_address(values["website"]):
        raise RegistryError(_l("Enter a web address starting with https://."), "website")


def create_person(country: Country, values: dict[str, Any]) -> Person:
    """Add a person (or institution) to the country's registry."""
    person = _add_person(country, values)
    db.session.flush()
    return person


def _add_person(country: Country, values: dict[str, Any]) -> Person:
    _check_person(values)
    person = Person(country_id=country.id, **{k: values[k] for k in PERSON_FIELDS if k in values})
    person.match_key = name_key(person.given_names, person.family_name, person.organisation)
    db.session.add(person)
    return person


def update_person(person: Person, values: dict[str, Any], seen_version: int) -> Person:
    """Save an edit made on ``seen_version``; StaleRecord if someone saved in between."""
    _check_person(values)
    claim_version(person, seen_version)
    apply_person_values(person, values)
    db.session.flush()
    return person


def apply_person_values(person: Person, values: dict[str, Any]) -> None:
    """Set the record's fields from ``values`` (checked already); a new address is no longer
    known to be refused."""
    if "email" in values and values["email"] != person.email:
        person.email_refused_at = None
        person.email_refused_reason = ""
    for key in PERSON_FIELDS:
        if key in values:
            setattr(person, key, values[key])
    person.match_key = name_key(person.given_names, person.family_name, person.organisation)


def check_person(values: dict[str, Any]) -> None:
    """Refuse values a record cannot hold (RegistryError)."""
    _check_person(values)


@address_refused.connect
def mark_address_refused(address: str, reason: str) -> int:
    """Mark the people whose address the mail server refused, in a transaction of its own (mail
    is sent outside the request's); return how many."""

    now = utcnow()
    with db.engine.begin() as connection:
        people = connection.execute(
            select(Person.id, Person.country_id).where(
                func.lower(Person.email) == address.strip().lower(), Person.deleted_at.is_(None)
            )
        ).all()
        if people:
            connection.execute(
                update(Person)
                .where(Person.id.in_([p.id for p in people]))
                .values(email_refused_at=now, email_refused_reason=reason[:300])
            )
    for person in people:
        record_now(
            "email_refused", "people", person.id, person.country_id, {"reason": reason[:300]}
        )
    return len(people)


def delete_person(person: Person) -> None:
    """Remove a person from the registry (recoverable); their appointments must be ended first."""
    if any(a.is_current for a in person.appointments):
        raise RegistryError(_l("End this person's current appointments before deleting them."))
    person.deleted_at = utcnow()
    db.session.flush()


def restore_person(person: Person) -> None:
    """Bring back a deleted person."""
    person.deleted_at = None
    person.merged_into_id = None
    db.session.flush()


def _check_merge(keep: Person, other: Person) -> None:
    if keep.id == other.id or keep.country_id != other.country_id:
        raise RegistryError(_l("Choose another person of the same country."), "other")
    if keep.is_deleted or other.is_deleted:
        raise RegistryError(
            _l("One of the two records has just been merged or deleted. Reload the page."), "other"
        )


def merge_people(keep: Person, other: Person) -> Person:
    """Merge ``other`` into ``keep``: appointments move, empty fields are filled, history stays."""
    _check_merge(keep, other)
    # The country's appointments change hands, and both records change: another merge or
    # appointment of the same people waits, then sees this one (and the checks refuse).
    lock(Country, keep.country_id)
    lock(Person, keep.id, other.id)
    for person in (keep, other):
        db.session.expire(person, ["appointments"])
    _check_merge(keep, other)
    with refusing_lost_races(lambda: _check_merge(keep, other)):
        _merge(keep, other)
        db.session.flush()
    return keep


def _merge(keep: Person, other: Person) -> None:
    held = {a.role_id for a in keep.appointments if a.is_current}
    for appointment in list(other.appointments):
        if appointment.is_current and appointment.role_id in held:
            appointment.status = Status.ENDED.value
            appointment.end_date = date.today()
            appointment.end_reason = "merged"
        appointment.person = keep
    for key in PERSON_FIELDS:
        if not getattr(keep, key) and getattr(other, key):
            setattr(keep, key, getattr(other, key))
    merged_emails = [e for e in [other.email, *other.other_emails] if e and e != keep.email]
    keep.other_emails = sorted(set(keep.other_emails) | set(merged_emails))
    people_merged.send(keep, other=other)
    other.merged_into_id = keep.id
    other.deleted_at = utcnow()


# Appointments ---------------------------------------------------------------------------------


def current_holders(country: Country, role: Role) -> list[Appointment]:
    """The current appointments of ``role`` in ``country``."""
    return list(
        db.session.scalars(
            select(Appointment).where(
                Appointment.country_id == country.id,
                Appointment.role_id == role.id,
                Appointment.status != Status.ENDED.value,
            )
        )
    )


def appoint(
    country: Country,
    person: Person,
    role: Role,
    start_date: date,
    status: Status = Status.PROPOSED,
    is_primary: bool = False,
    letter_reference: str = "",
    letter_date: date | None = None,
    predecessor: Appointment | None = None,
) -> Appointment:
    """Appoint ``person`` to ``role``, refusing what the role or the lifecycle does not allow.

    The country's row is locked first, so that two appointments in one country are decided one
    after the other; the partial unique indexes on appointments hold the rules in any case.
    """
    lock(Country, country.id)

    def check() -> list[Appointment]:
        return _check_appointment(
            country, person, role, status, letter_reference, letter_date, predecessor
        )

    holders = check()
    with refusing_lost_races(check):
        appointment = Appointment(
            country_id=country.id,
            person=person,
            role=role,
            start_date=start_date,
            status=status.value,
            letter_reference=letter_reference,
            letter_date=letter_date,
            predecessor_id=predecessor.id if predecessor else None,
            last_confirmed_on=date.today(),
        )
        db.session.add(appointment)
        if role.has_primary and (is_primary or not holders):
            for other in holders:
                other.is_primary = False
            appointment.is_primary = True
        db.session.flush()
    return appointment


def _check_appointment(
    country: Country,
    person: Person,
    role: Role,
    status: Status,
    letter_reference: str,
    letter_date: date | None,
    predecessor: Appointment | None,
) -> list[Appointment]:
    """Refuse an appointment the role or the lifecycle does not allow; return the current
    holders it joins."""
    if person.country_id != country.id or person.is_deleted:
        raise RegistryError(_l("Choose a person of this country."), "person")
    if not role.is_active:
        raise RegistryError(_l("This role is no longer in use."), "role")
    kind_needed = role.holder_kind
    if kind_needed != "either" and kind_needed != person.kind:
        message = (
            _l("This role is held by an institution.")
            if kind_needed == "institution"
            else _l("This role is held by a person, not an institution.")
        )
        raise RegistryError(message, "person")
    holders = [
        a for a in current_holders(country, role) if a.id != getattr(predecessor, "id", None)
    ]
    if any(a.person_id == person.id for a in holders):
        raise RegistryError(_l("This person already holds this role."), "person")
    if holders and not role.multiple_holders:
        raise RegistryError(
            _l("This role allows one holder and has one: replace the holder instead."), "person"
        )
    if status == Status.ACKNOWLEDGED:
        raise RegistryError(_l("Only the Secretariat acknowledges a designation."), "status")
    if status == Status.NOTIFIED and not (letter_reference and letter_date):
        raise RegistryError(
            _l("An official notification needs the letter's reference and date."),
            "letter_reference",
        )
    return holders


def advance(
    appointment: Appointment,
    status: Status,
    seen_version: int,
    letter_reference: str = "",
    letter_date: date | None = None,
) -> Appointment:
    """Move an appointment forward in its lifecycle (never back, never to acknowledged)."""
    current = Status(appointment.status)
    if current == Status.ENDED:
        raise RegistryError(_l("This appointment has ended."), "status")
    if status == Status.ACKNOWLEDGED:
        raise RegistryError(_l("Only the Secretariat acknowledges a designation."), "status")
    if LIFECYCLE.index(status) <= LIFECYCLE.index(current):
        raise RegistryError(_l("Choose a later step than the current one."), "status")
    if status == Status.NOTIFIED and not (letter_reference and letter_date):
        raise RegistryError(
            _l("An official notification needs the letter's reference and date."),
            "letter_reference",
        )
    if letter_date and letter_date > date.today():
        raise RegistryError(_l("The letter cannot be dated in the future."), "letter_date")
    claim_version(appointment, seen_version)
    appointment.status = status.value
    if letter_reference:
        appointment.letter_reference = letter_reference
        appointment.letter_date = letter_date
    db.session.flush()
    return appointment


def acknowledge(appointment: Appointment, seen_version: int) -> Appointment:
    """Record the Secretariat's acknowledgement of an officially notified designation."""
    if appointment.status != Status.NOTIFIED.value:
        raise RegistryError(_l("Only an officially notified designation can be acknowledged."))
    claim_version(appointment, seen_version)
    appointment.status = Status.ACKNOWLEDGED.value
    appointment.acknowledged_at = utcnow()
    db.session.flush()
    return appointment


def end_appointment(
    appointment: Appointment, end_date: date, reason: str, seen_version: int
) -> Appointment:
    """End an appointment on ``end_date``; it stays in the record with its dates."""
    if not appointment.is_current:
        raise RegistryError(_l("This appointment has ended already."))
    if end_date < appointment.start_date:
        raise RegistryError(_l("The end cannot come before the start."), "end_date")
    claim_version(appointment, seen_version)
    appointment.status = Status.ENDED.value
    appointment.end_date = end_date
    appointment.end_reason = reason
    db.session.flush()
    return appointment


def replace_holder(
    old: Appointment,
    successor: Person,
    start_date: date,
    seen_version: int,
    **designation: Any,
) -> Appointment:
    """``successor`` replaces the holder of ``old`` from ``start_date``, in one step.

    ``designation`` (status, letter_reference, letter_date) goes to the new appointment.
    """
    if not old.is_current:
        raise RegistryError(_l("This appointment has ended already."))
    if successor.id == old.person_id:
        raise RegistryError(_l("Choose someone other than the current holder."), "person")
    if start_date <= old.start_date:
        raise RegistryError(
            _l("The replacement must start after the current holder started."), "start_date"
        )
    lock(Country, old.country_id)
    claim_version(old, seen_version)
    old.status = Status.ENDED.value
    old.end_date = start_date
    old.end_reason = f"replaced by {successor.display_name}"
    db.session.flush()
    try:
        return appoint(
            old.country,
            successor,
            old.role,
            start_date,
            is_primary=old.is_primary,
            predecessor=old,
            **designation,
        )
    except RegistryError:
        db.session.rollback()
        raise


def replace_in_one_step(
    old: Appointment,
    successor: Person | dict[str, Any],
    start_date: date,
    seen_version: int,
    status: Status = Status.PROPOSED,
    letter_reference: str = "",
    letter_date: date | None = None,
    letter: tuple[bytes, str] | None = None,
) -> Appointment:
    """Replace the holder of ``old`` by a recorded person or, given their values, a new one,
    with the new designation's status and letter: all of it is saved, or none of it.

    A refused step (or a failure) rolls back the whole: it leaves neither a new person without a
    role, nor an ended appointment without a successor, nor a stored letter without a record.
    """
    if letter is not None:
        check_letter(letter[0])
    if letter_date and letter_date > date.today():
        raise RegistryError(_l("The letter cannot be dated in the future."), "letter_date")
    stored: Path | None = None
    try:
        if isinstance(successor, dict):
            successor = _add_person(old.country, successor)
            db.session.flush()
        new = replace_holder(
            old,
            successor,
            start_date,
            seen_version,
            status=status,
            letter_reference=letter_reference,
            letter_date=letter_date,
        )
        if letter is not None:
            stored = _keep_letter(new, *letter)
        db.session.flush()
    except BaseException:
        db.session.rollback()
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return new


def make_primary(appointment: Appointment, seen_version: int) -> Appointment:
    """Make this holder the primary one of the role (the one authorised to communicate)."""
    if not appointment.role.has_primary:
        raise RegistryError(_l("This role has no primary holder."))
    if not appointment.is_current:
        raise RegistryError(_l("This appointment has ended already."))
    claim_version(appointment, seen_version)
    for other in current_holders(appointment.country, appointment.role):
        other.is_primary = other.id == appointment.id
    db.session.flush()
    return appointment


def confirm(appointment: Appointment) -> Appointment:
    """Record that the appointment is still current today."""
    if not appointment.is_current:
        raise RegistryError(_l("This appointment has ended already."))
    appointment.last_confirmed_on = date.today()
    db.session.flush()
    return appointment


def is_stale(appointment: Appointment, today: date | None = None) -> bool:
    """Whether a current appointment has gone unconfirmed for longer than STALE_AFTER_DAYS."""
    if not appointment.is_current:
        return False
    age = ((today or date.today()) - appointment.confirmed_or_started()).days
    return age > current_app.config["STALE_AFTER_DAYS"]


# Designation letters --------------------------------------------------------------------------

PDF_MAGIC = b"%PDF-"
MAX_LETTER_BYTES = 10 * 1024 * 1024


def letters_folder() -> Path:
    folder = Path(current_app.instance_path) / "letters"
    folder.mkdir(exist_ok=True)
    return folder


def check_letter(data: bytes) -> None:
    """Refuse a scanned letter that is not a PDF (by content, not name) or larger than 10 MB."""
    if len(data) > MAX_LETTER_BYTES:
        raise RegistryError(_l("The letter may be at most 10 MB."), "letter_file")
    if not data.startswith(PDF_MAGIC):
        raise RegistryError(_l("The letter must be a PDF file."), "letter_file")


def store_letter(appointment: Appointment, data: bytes, filename: str) -> None:
    """Keep a scanned letter (a PDF up to 10 MB, checked by content) under a random name."""
    check_letter(data)
    _keep_letter(appointment, data, filename)
    db.session.flush()


def _keep_letter(appointment: Appointment, data: bytes, filename: str) -> Path:
    """Write the letter's file and name it on the appointment (uncommitted); return its path."""
    name = secrets.token_hex(16) + ".pdf"
    path = letters_folder() / name
    path.write_bytes(data)
    appointment.letter_file = name
    appointment.letter_filename = Path(filename or "letter.pdf").name[:255]
    return path


def letter_path(appointment: Appointment) -> Path | None:
    """Where the appointment's scanned letter is stored, if it has one."""
    if not appointment.letter_file:
        return None
    return letters_folder() / appointment.letter_file


# Personal data ----------------------------------------------------------------------------------

ERASED = "[erased]"


def personal_data(person: Person) -> dict[str, Any]:
    """Everything held about a person: the record, their appointments and their history."""

    def plain(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else value

    record = {
        key: plain(getattr(person, key))
        for key in ("id", *PERSON_FIELDS, "created_at", "updated_at", "deleted_at")
    }
    appointments = [
        {
            key: plain(getattr(a, key))
            for key in (
                "id",
                "status",
                "is_primary",
                "start_date",
                "end_date",
                "end_reason",
                "letter_reference",
                "letter_date",
                "last_confirmed_on",
            )
        }
        | {"role": a.role.code}
        for a in person.appointments
    ]
    entries = [
        {
            "when": e.created_at.isoformat(),
            "who": e.actor_label,
            "action": e.action,
            "record": e.entity_type,
            "number": e.entity_id,
            "before": e.before,
            "after": e.after,
        }
        for e in history(person, person.appointments)
    ]
    data = {"person": record, "appointments": appointments, "history": entries}
    for _receiver, sections in personal_data_requested.send(person):
        data.update(sections)
    return data


def erase_in_history(
    entity_type: str, entity_ids: Iterable[Any], erased: Callable[[str, Any], bool]
) -> None:
    """Replace by ERASED the values that ``erased(key, value)`` picks in the audit entries of
    these records (both sides of each change, the erasure's own included once flushed)."""
    for entry in trail({entity_type: entity_ids}):
        for side in ("before", "after"):
            values = getattr(entry, side)
            if values:
                setattr(
                    entry,
                    side,
                    {k: (ERASED if erased(k, v) else v) for k, v in values.items()},
                )


def erase_person(person: Person) -> None:
    """Anonymise a person's details everywhere, keeping the records and the audit trail whole.

    Appointments keep their dates and roles (who held a role is a public act of the country),
    but name, contacts and notes are replaced, in the record and in its audit entries. Other
    features erase what they hold on the ``erasing_person`` signal.
    """

    erasing_person.send(person)
    for appointment in person.appointments:
        if appointment.is_current:
            appointment.status = Status.ENDED.value
            appointment.end_date = max(date.today(), appointment.start_date)
            appointment.end_reason = "erased"
    for key in PERSON_FIELDS:
        if key in ("kind", "visibility"):
            continue
        current = getattr(person, key)
        setattr(person, key, [] if isinstance(current, list) else (None if current is None else ""))
    person.family_name = f"{ERASED} #{person.id}"
    person.match_key = ""
    person.visibility = "restricted"
    person.deleted_at = person.deleted_at or utcnow()
    erase_in_history("people", [person.id], lambda key, _value: key in PERSON_FIELDS)
    record_event(db.session, "erase", "people", person.id, country_id=person.country_id)
    db.session.flush()
