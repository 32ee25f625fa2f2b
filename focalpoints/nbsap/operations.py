"""NBSAP operations shared by views, demo data and imports.

Every function checks what the data must satisfy and raises NbsapError (with a translated
message and, where it belongs to one, the form field) instead of writing. They flush and never
commit: the request or command that calls them commits once, so that an action made of several
operations (an NBSAP and its document) is saved whole or not at all.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from focalpoints.audit import record_event
from focalpoints.concurrency import StaleRecord, claim_version
from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
from focalpoints.focal_points.signals import people_merged, personal_data_requested
from focalpoints.frameworks.models import FrameworkElement
from focalpoints.nbsap.models import (
    Alignment,
    Degree,
    NationalTarget,
    Nbsap,
    ProgressNote,
    TargetKind,
    national_target_people,
    pick_text,
)
from focalpoints.nbsap.queries import alignable
from focalpoints.urls import is_web_address

NBSAP_FIELDS = (
    "title",
    "language",
    "start_year",
    "end_year",
    "adopted_on",
    "status",
    "document_url",
)
TARGET_FIELDS = (
    "kind",
    "code",
    "lead_institution",
    "start_date",
    "end_date",
    "status",
    "indicators",
)


class NbsapError(ValueError):
    """A change refused; ``field`` names the form field the message belongs to, if any."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# NBSAPs -----------------------------------------------------------------------------------------


def _check_nbsap(values: dict[str, Any]) -> None:
    start, end = values.get("start_year"), values.get("end_year")
    if start and end and end < start:
        raise NbsapError(_l("The end year cannot come before the start year."), "end_year")
    adopted = values.get("adopted_on")
    if adopted and adopted > date.today():
        raise NbsapError(_l("The adoption cannot be dated in the future."), "adopted_on")
    if values.get("document_url") and not is_web_address(values["document_url"]):
        raise NbsapError(_l("Enter a web address starting with https://."), "document_url")


def save_nbsap(
    country: Country, nbsap: Nbsap | None, values: dict[str, Any], seen_version: int = 0
) -> Nbsap:
    """Record a country's NBSAP or change one (StaleRecord if someone saved in between)."""
    _check_nbsap(values)
    if nbsap is None:
        nbsap = Nbsap(country_id=country.id)
        db.session.add(nbsap)
    else:
        claim_version(nbsap, seen_version)
    for key in NBSAP_FIELDS:
        if key in values:
            setattr(nbsap, key, values[key])
    db.session.flush()
    return nbsap


# The document: a PDF or Word file, checked by content.
DOCUMENT_TYPES = {
    b"%PDF-": (".pdf", "application/pdf"),
    b"PK\x03\x04": (
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": (".doc", "application/msword"),
}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def document_type(data: bytes) -> tuple[str, str]:
    """The (suffix, media type) of an NBSAP document, or NbsapError if it is not one."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise NbsapError(_l("The document may be at most 20 MB."), "document_file")
    for magic, kind in DOCUMENT_TYPES.items():
        if data.startswith(magic):
            return kind
    raise NbsapError(_l("The document must be a PDF or Word file."), "document_file")


def documents_folder() -> Path:
    folder = Path(current_app.instance_path) / "nbsap"
    folder.mkdir(exist_ok=True)
    return folder


def store_document(nbsap: Nbsap, data: bytes, filename: str) -> None:
    """Keep the NBSAP document under a random name; the old file stays (history refers to it)."""
    suffix, _media = document_type(data)
    name = secrets.token_hex(16) + suffix
    (documents_folder() / name).write_bytes(data)
    nbsap.document_file = name
    nbsap.document_filename = Path(filename or f"nbsap{suffix}").name[:255]
    db.session.flush()


def document_path(nbsap: Nbsap) -> Path | None:
    """Where the NBSAP's document is stored, if it has one."""
    if not nbsap.document_file:
        return None
    return documents_folder() / nbsap.document_file


# National targets and measures ------------------------------------------------------------------


def _people(country: Country, ids: list[int]) -> list[Person]:
    if not ids:
        return []
    people = db.session.scalars(
        select(Person).where(
            Person.id.in_(ids), Person.country_id == country.id, Person.deleted_at.is_(None)
        )
    ).all()
    if len(people) != len(set(ids)):
        raise NbsapError(_l("Choose people of this country."), "responsible")
    return list(people)


def _conventions(ids: list[int]) -> list[Convention]:
    if not ids:
        return []
    conventions = db.session.scalars(select(Convention).where(Convention.id.in_(ids))).all()
    if len(conventions) != len(set(ids)):
        raise NbsapError(_l("Choose among the conventions listed."), "conventions")
    return list(conventions)


def _check_target(
    country: Country, nbsap: Nbsap, target: NationalTarget | None, values: dict[str, Any]
) -> NationalTarget | None:
    if nbsap.country_id != country.id or nbsap.deleted_at is not None:
        raise NbsapError(_l("Choose an NBSAP of this country."), "nbsap")
    if not values.get("code"):
        raise NbsapError(_l("Give the target's code."), "code")
    if not values.get("title"):
        raise NbsapError(_l("Give a title."), "title")
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        raise NbsapError(_l("The end cannot come before the start."), "end_date")
    parent = None
    parent_id = values.get("parent_id")
    if parent_id:
        parent = db.session.get(NationalTarget, parent_id)
        if (
            parent is None
            or parent.nbsap_id != nbsap.id
            or parent.is_deleted
            or parent.kind != TargetKind.TARGET.value
            or (target is not None and parent.id == target.id)
        ):
            raise NbsapError(_l("Choose a national target of the same NBSAP."), "parent")
    taken = db.session.scalar(
        select(NationalTarget.id).where(
            NationalTarget.nbsap_id == nbsap.id,
            NationalTarget.code == values["code"],
            NationalTarget.deleted_at.is_(None),
            NationalTarget.id != (target.id if target else -1),
        )
    )
    if taken:
        raise NbsapError(_l("Another target of this NBSAP has this code."), "code")
    return parent


def _set_text(texts: dict[str, str], language: str, text: str) -> dict[str, str]:
    updated = dict(texts)
    if text:
        updated[language] = text
    else:
        updated.pop(language, None)
    return updated


def _links(target: NationalTarget) -> dict[str, list[Any]]:
    return {
        "responsible": sorted(p.id for p in target.responsible),
        "conventions": sorted(c.code for c in target.conventions),
    }


def _record_links(target: NationalTarget, before: dict[str, list[Any]]) -> None:
    """Links to people and conventions live in their own tables: log their changes here."""
    after = _links(target)
    changed = [key for key in after if after[key] != before.get(key)]
    if changed:
        record_event(
            db.session,
            "update",
            "national_targets",
            target.id,
            country_id=target.country_id,
            before={key: before.get(key) for key in changed},
            details={key: after[key] for key in changed},
        )


def save_target(
    country: Country,
    nbsap: Nbsap,
    target: NationalTarget | None,
    values: dict[str, Any],
    seen_version: int = 0,
) -> NationalTarget:
    """Create or change a national target or measure of ``nbsap``.

    ``values`` carries the fields, ``language`` with the ``title`` and ``description`` written
    in it (other languages' versions are kept), ``parent_id``, ``responsible`` (person ids) and
    ``conventions`` (convention ids).
    """
    parent = _check_target(country, nbsap, target, values)
    people = _people(country, values.get("responsible", []))
    conventions = _conventions(values.get("conventions", []))
    language = values.get("language") or "en"
    if target is None:
        target = NationalTarget(
            country_id=country.id, nbsap_id=nbsap.id, language=language, titles={}, descriptions={}
        )
        db.session.add(target)
        before = {"responsible": [], "conventions": []}
    else:
        claim_version(target, seen_version)
        before = _links(target)
        target.nbsap_id = nbsap.id
    for key in TARGET_FIELDS:
        if key in values:
            setattr(target, key, values[key])
    target.parent_id = parent.id if parent else None
    target.titles = _set_text(target.titles, language, values["title"])
    target.descriptions = _set_text(target.descriptions, language, values.get("description", ""))
    target.responsible = people
    target.conventions = conventions
    db.session.flush()
    _record_links(target, before)
    return target


def delete_target(target: NationalTarget) -> None:
    """Remove a national target or measure (recoverable)."""
    target.deleted_at = utcnow()
    db.session.flush()


def restore_target(target: NationalTarget) -> None:
    """Bring back a deleted national target or measure, unless its code is taken meanwhile."""
    taken = db.session.scalar(
        select(NationalTarget.id).where(
            NationalTarget.nbsap_id == target.nbsap_id,
            NationalTarget.code == target.code,
            NationalTarget.deleted_at.is_(None),
        )
    )
    if taken:
        raise NbsapError(_l("Another target of this NBSAP has this code."))
    target.deleted_at = None
    db.session.flush()


def align(target: NationalTarget, element: FrameworkElement, degree: Degree) -> Alignment:
    """Link a national target to a global target with a degree, or change the degree."""
    return align_many(target, [element], degree)[0]


def align_many(
    target: NationalTarget, elements: list[FrameworkElement], degree: Degree
) -> list[Alignment]:
    """Link a national target to several global targets with one degree (or change the degree
    of links it has): all of them are saved, or none."""
    if target.is_deleted:
        raise NbsapError(_l("This target has been deleted."))

    for element in elements:
        if element not in alignable(element.framework):
            raise NbsapError(_l("Choose a target, not a goal."), "element")
    alignments = []
    for element in elements:
        alignment = db.session.scalar(
            select(Alignment).where(
                Alignment.national_target_id == target.id, Alignment.element_id == element.id
            )
        )
        if alignment is None:
            alignment = Alignment(
                country_id=target.country_id, national_target_id=target.id, element_id=element.id
            )
            db.session.add(alignment)
        alignment.degree = degree.value
        alignments.append(alignment)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same link, made at the same moment by someone else
        db.session.rollback()
        raise StaleRecord(None) from error
    return alignments


def unalign(alignment: Alignment) -> None:
    """Remove a link to a global target (the audit log keeps it)."""
    db.session.delete(alignment)
    db.session.flush()


def add_note(target: NationalTarget, noted_on: date, text: str, language: str) -> ProgressNote:
    """Add a dated progress note to a national target or measure."""
    if not text:
        raise NbsapError(_l("Write the note."), "text")
    if noted_on > date.today():
        raise NbsapError(_l("A progress note cannot be dated in the future."), "noted_on")
    note = ProgressNote(
        country_id=target.country_id,
        national_target_id=target.id,
        noted_on=noted_on,
        text=text,
        language=language,
    )
    db.session.add(note)
    db.session.flush()
    return note


# Merged people ----------------------------------------------------------------------------------


def _responsible_for(person: Person) -> list[NationalTarget]:
    return list(
        db.session.scalars(
            select(NationalTarget)
            .join(
                national_target_people,
                national_target_people.c.national_target_id == NationalTarget.id,
            )
            .where(national_target_people.c.person_id == person.id)
            .options(
                selectinload(NationalTarget.responsible),
                selectinload(NationalTarget.conventions),
                joinedload(NationalTarget.nbsap),
            )
            .order_by(NationalTarget.nbsap_id, NationalTarget.code, NationalTarget.id)
        )
    )


@people_merged.connect
def move_person(keep: Person, other: Person) -> None:
    """When ``other`` is merged into ``keep``, the targets and measures they are responsible for
    name ``keep`` instead (once, if both were named), logged as any change of these links is."""
    for target in _responsible_for(other):
        before = _links(target)
        people = [p for p in target.responsible if p.id != other.id]
        target.responsible = people if keep in people else [*people, keep]
        db.session.flush()
        _record_links(target, before)


@personal_data_requested.connect
def _personal_data_sections(person: Person) -> dict[str, Any]:
    return {"national_targets": personal_data(person)}


def personal_data(person: Person) -> list[dict[str, Any]]:
    """The targets and measures a person is responsible for, for a data subject's access request."""
    return [
        {
            "nbsap": target.nbsap.title,
            "kind": target.kind,
            "code": target.code,
            "title": pick_text(target.titles, target.language, target.language)[1],
            "removed": target.is_deleted,
        }
        for target in _responsible_for(person)
    ]
