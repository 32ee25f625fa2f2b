"""The contact rows an export writes, in one streamed query whatever their number."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import String, case, cast, distinct, func, or_, select, type_coerce

from focalpoints import permissions
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country
from focalpoints.exports.filters import STATUSES, ContactFilters
from focalpoints.extensions import db
from focalpoints.focal_points.columns import LIST_SEPARATOR
from focalpoints.focal_points.models import CONTACT_FIELDS, Appointment, Person
from focalpoints.i18n import current_language, translated
from focalpoints.reference.snapshot import reference_snapshot

# The person's columns of the contact table (kind, gender and notes are not exported).
PERSON_COLUMNS = (*CONTACT_FIELDS, "visibility")
# Those of the API's contact feed.
FEED_PERSON_COLUMNS = (
    "honorific",
    "given_names",
    "family_name",
    "job_title",
    "organisation",
    "department",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "fax",
)


def visible_to(user: Any) -> Any:
    """The SQL condition for the contacts ``user`` may read (None: everyone's records)."""
    if permissions.sees_all_countries(user):
        return None
    if user is None or not user.is_authenticated:
        return Person.visibility == "public"
    return or_(
        Person.visibility.in_(("public", "registered")), Person.country_id == user.country_id
    )


def _ranks(language: str | None) -> tuple[Any, Any]:
    """Sort expressions for countries by name in ``language`` (ICU collation) and for
    instruments in display order (each convention, then the instruments under it)."""
    reference = reference_snapshot()
    countries = {c.id: n for n, c in enumerate(reference.sorted_countries(language))}
    country = case(countries, value=Country.id, else_=len(countries)) if countries else Country.id
    return country, _instrument_rank()


def _instrument_rank() -> Any:
    """The sort expression for instruments in display order."""
    instruments = {c.id: n for n, c in enumerate(reference_snapshot().conventions)}
    if not instruments:
        return Convention.id
    return case(instruments, value=Convention.id, else_=len(instruments))


def statement(
    filters: ContactFilters, user: Any, language: str | None = None, by_person: bool = False
) -> Any:
    """The filtered contact rows query, ordered by country name in the reader's language, then
    instrument, role and person; ``by_person`` keeps each person's rows together instead."""
    country_rank, instrument_rank = _ranks(language)
    if by_person:
        order = (country_rank, Person.family_name, Person.id, instrument_rank, Role.sort_order)
    else:
        order = (country_rank, instrument_rank, Role.sort_order, Person.family_name, Person.id)
    return _filtered(_CONTACT_ROWS.order_by(*order, Role.code, Appointment.id), filters, user)


# The contact table's columns, from an appointment and what it refers to: built once.
_CONTACT_ROWS = (
    select(
        Appointment.id.label("appointment_id"),
        Appointment.status,
        Appointment.is_primary,
        Appointment.start_date,
        Appointment.end_date,
        Appointment.last_confirmed_on,
        Person.id.label("person_id"),
        Person.kind,
        *(getattr(Person, c) for c in PERSON_COLUMNS),
        Role.code.label("role_code"),
        Role.names.label("role_names"),
        Convention.code.label("convention_code"),
        Country.iso2.label("country_code"),
    )
    .join(Person, Appointment.person_id == Person.id)
    .join(Role, Appointment.role_id == Role.id)
    .join(Convention, Role.convention_id == Convention.id)
    .join(Country, Appointment.country_id == Country.id)
    .where(Person.deleted_at.is_(None))
)


def _filtered(query: Any, filters: ContactFilters, user: Any) -> Any:
    """``query`` (over appointments, people, roles, conventions and countries) narrowed to the
    rows the filters give and ``user`` may read."""
    if filters.convention:
        query = query.where(Convention.code == filters.convention)
    if filters.role:
        query = query.where(Role.code == filters.role)
    if filters.region:
        query = query.where(Country.mea_region == filters.region)
    if filters.country:
        query = query.where(Country.iso2 == filters.country)
    if set(filters.status) != set(STATUSES):
        query = query.where(Appointment.status.in_(filters.status))
    if filters.language:
        # JSON list stored as text on both databases: match the quoted code.
        query = query.where(cast(Person.languages, String).like(f'%"{filters.language}"%'))
    condition = visible_to(user)
    if condition is not None:
        query = query.where(condition)
    if filters.stale:
        limit = date.today() - timedelta(days=current_app.config["STALE_AFTER_DAYS"])
        query = query.where(
            func.coalesce(Appointment.last_confirmed_on, Appointment.start_date) < limit
        )
    return query


def contact_people(filters: ContactFilters, user: Any) -> Any:
    """The ids of the people (or institutions) with at least one row the filters give, in id
    order: a walk along the people's primary key that stops at the page's end (keyset
    pagination), whatever the number of contacts."""
    match = _filtered(
        select(Appointment.id)
        .join(Role, Appointment.role_id == Role.id)
        .join(Convention, Role.convention_id == Convention.id)
        .join(Country, Appointment.country_id == Country.id)
        .where(Appointment.person_id == Person.id),
        filters,
        user,
    )
    return (
        select(Person.id)
        .where(Person.deleted_at.is_(None), match.exists())
        .order_by(Person.id)
        .correlate(None)
    )


# What a contact of the API's feed shows (api/serializers.py), from an appointment: built once.
_FEED_ROWS = (
    select(
        Person.id.label("person_id"),
        Country.iso2.label("country"),
        *(getattr(Person, c) for c in FEED_PERSON_COLUMNS),
        func.coalesce(Appointment.last_confirmed_on, Appointment.start_date).label("confirmed"),
        Appointment.is_primary,
        Convention.code.label("convention"),
        Role.names.label("role_names"),
    )
    .join(Person, Appointment.person_id == Person.id)
    .join(Role, Appointment.role_id == Role.id)
    .join(Convention, Role.convention_id == Convention.id)
    .join(Country, Appointment.country_id == Country.id)
    .where(Person.deleted_at.is_(None))
)


def feed_rows(
    filters: ContactFilters, user: Any, people: Any, language: str
) -> Iterator[dict[str, Any]]:
    """The filtered rows of the people ``people`` (ids, or a query of ids) selects, with the
    columns of the API's contact feed only, each person's rows together in id order, then by
    instrument and role (one query)."""
    query = _filtered(
        _FEED_ROWS.where(Person.id.in_(people)).order_by(
            Person.id, _instrument_rank(), Role.sort_order, Role.code, Appointment.id
        ),
        filters,
        user,
    )
    for row in db.session.execute(query):
        values = row._asdict()
        confirmed = values.pop("confirmed")
        values["last_confirmed"] = confirmed.isoformat() if confirmed else ""
        values["primary"] = "yes" if values.pop("is_primary") else "no"
        values["role_name"] = translated(values.pop("role_names"), language)
        yield values


def contact_rows(
    filters: ContactFilters, user: Any, language: str | None = None, query: Any = None
) -> Iterator[dict[str, Any]]:
    """Yield one row per appointment, with the contact columns, streaming from the database.

    Exports of every contact run through here row by row, so the work per row is kept small:
    the JSON columns come as their stored text and are parsed once per distinct value (a
    role's names once per role, most people's lists are empty), names are looked up once.
    """
    language = language or current_language()
    query = statement(filters, user, language) if query is None else query
    query = query.with_only_columns(
        *(_AS_TEXT.get(c.name, c) for c in query.selected_columns), maintain_column_froms=True
    )
    reference = reference_snapshot()
    country_names: dict[str, str] = {}
    role_names: dict[str, str] = {}
    result = db.session.execute(query.execution_options(yield_per=500))
    keys = tuple(result.keys())
    for values in result:
        row = dict(zip(keys, values, strict=True))
        code = row["country_code"]
        if code not in country_names:
            country = reference.country_by_code(code)
            country_names[code] = country.name_in(language) if country else ""
        role = row["role_code"]
        if role not in role_names:
            role_names[role] = translated(_parsed(row["role_names"]), language)
        start, end = row["start_date"], row["end_date"]
        row.update(
            {
                "country": code,
                "country_name": country_names[code],
                "convention": row["convention_code"],
                "role": role,
                "role_name": role_names[role],
                "primary": "yes" if row["is_primary"] else "no",
                "start_date": start.isoformat() if start else "",
                "end_date": end.isoformat() if end else "",
                "last_confirmed": (row["last_confirmed_on"] or start).isoformat(),
                "other_emails": LIST_SEPARATOR.join(_parsed(row["other_emails"]) or ()),
                "languages": LIST_SEPARATOR.join(_parsed(row["languages"]) or ()),
                "holder_kind": row["kind"],
            }
        )
        for column in _TEXT_COLUMNS:
            if row[column] is None:
                row[column] = ""
        yield row


# The JSON columns of the contact rows, read as their stored text (see _parsed).
_AS_TEXT = {
    "role_names": type_coerce(Role.names, String).label("role_names"),
    "other_emails": type_coerce(Person.other_emails, String).label("other_emails"),
    "languages": type_coerce(Person.languages, String).label("languages"),
}
_TEXT_COLUMNS = tuple(c for c in PERSON_COLUMNS if c not in ("other_emails", "languages"))


def _parsed(value: Any) -> Any:
    """A JSON column's value: the driver may have parsed it already (psycopg does)."""
    return _json(value) if isinstance(value, str) else value


@functools.lru_cache(maxsize=1024)
def _json(text: str) -> Any:
    """Parsed JSON text, shared between rows that hold the same text: never change it."""
    return json.loads(text)


def count_contacts(filters: ContactFilters, user: Any) -> tuple[int, int]:
    """How many rows (designations) and how many people or institutions the filters give."""
    rows = statement(filters, user).order_by(None).subquery()
    designations, people = db.session.execute(
        select(func.count(), func.count(distinct(rows.c.person_id)))
    ).one()
    return designations, people
