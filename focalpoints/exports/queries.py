"""The contact rows an export writes, in one streamed query whatever their number."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import String, case, cast, distinct, func, or_, select

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


def _country_rank(language: str | None) -> Any:
    """The sort expression for countries by name in ``language`` (ICU collation)."""
    # A CASE of about 200 branches costs PostgreSQL some 70 ms over 70,000 rows. A join to a
    # VALUES list of ranks instead saved it a few tens of milliseconds and cost SQLite seconds
    # (it scanned the list for every row), so the CASE stays.
    countries = {c.id: n for n, c in enumerate(reference_snapshot().sorted_countries(language))}
    if not countries:
        return Country.id
    return case(countries, value=Country.id, else_=len(countries))


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
    country = _country_rank(language).label("country_rank")
    instrument = _instrument_rank().label("instrument_rank")
    role = Role.sort_order.label("role_order")
    family_name, person = Person.family_name, Person.id.label("person_id")
    # The sort keys come first in each row, those of fixed width before the text: PostgreSQL
    # reads a key from the row at each comparison, and keys behind thirty columns of text made
    # it walk along them every time (the sort of every contact took twice as long).
    query = _from_appointments(
        select(
            country,
            instrument,
            role,
            person,
            Appointment.id.label("appointment_id"),
            family_name,
            Role.code.label("role_code"),
            *_CONTACT_COLUMNS,
        )
    )
    if by_person:
        order = (country, family_name, person, instrument, role)
    else:
        order = (country, instrument, role, family_name, person)
    return _filtered(query.order_by(*order, Role.code, Appointment.id), filters, user)


def _from_appointments(query: Any) -> Any:
    """``query`` from the appointments of people not deleted, joined to their people, roles,
    instruments and countries."""
    return (
        query.select_from(Appointment)
        .join(Person, Appointment.person_id == Person.id)
        .join(Role, Appointment.role_id == Role.id)
        .join(Convention, Role.convention_id == Convention.id)
        .join(Country, Appointment.country_id == Country.id)
        .where(Person.deleted_at.is_(None))
    )


# The person's JSON lists, read as their stored text: a driver would parse each row's (psycopg
# does), where most rows hold the same few values (see _json).
_LISTS = ("other_emails", "languages")


def _as_text(name: str) -> Any:
    return cast(getattr(Person, name), String).label(name)


# The contact table's other columns, from an appointment and what it refers to. No role's
# names (a JSON object of about 700 characters, on every row to sort, send and parse): the
# reference data in memory has them.
_CONTACT_COLUMNS = (
    Appointment.status,
    Appointment.is_primary,
    Appointment.start_date,
    Appointment.end_date,
    Appointment.last_confirmed_on,
    Person.kind,
    *(
        _as_text(c) if c in _LISTS else getattr(Person, c)
        for c in PERSON_COLUMNS
        if c != "family_name"
    ),
    Convention.code.label("convention_code"),
    Country.iso2.label("country_code"),
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
    the query carries no JSON for the driver to parse (see _CONTACT_COLUMNS), the person's lists
    are parsed once per distinct text, and names are looked up once per country and role.
    """
    language = language or current_language()
    query = statement(filters, user, language) if query is None else query
    reference = reference_snapshot()
    country_names: dict[str, str] = {}
    role_names = {
        r.code: translated(r.names, language) for c in reference.conventions for r in c.roles
    }
    # Through Core, in the session's transaction: plain rows need no ORM result handling.
    result = db.session.connection().execute(query.execution_options(yield_per=FETCH_ROWS))
    keys = tuple(result.keys())
    for record in result:
        row = dict(zip(keys, record, strict=True))
        code = row["country_code"]
        if code not in country_names:
            country = reference.country_by_code(code)
            country_names[code] = country.name_in(language) if country else ""
        role = row["role_code"]
        if role not in role_names:  # a role of an instrument no longer active
            role_names[role] = translated(
                db.session.scalar(select(Role.names).where(Role.code == role)), language
            )
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
                "other_emails": LIST_SEPARATOR.join(_json(row["other_emails"])),
                "languages": LIST_SEPARATOR.join(_json(row["languages"])),
                "holder_kind": row["kind"],
            }
        )
        for name in _NULLABLE_TEXT:
            if row[name] is None:
                row[name] = ""
        yield row


# Rows fetched from the database at a time: PostgreSQL sends them from a server-side cursor.
FETCH_ROWS = 1000
# The person's text columns that may hold NULL, written as "".
_NULLABLE_TEXT = tuple(
    c for c in PERSON_COLUMNS if c not in _LISTS and Person.__table__.c[c].nullable
)


@functools.lru_cache(maxsize=1024)
def _json(text: str) -> Any:
    """Parsed JSON text, shared between rows that hold the same text: never change it."""
    return json.loads(text)


def count_contacts(filters: ContactFilters, user: Any) -> tuple[int, int]:
    """How many rows (designations) and how many people or institutions the filters give."""
    rows = _filtered(
        _from_appointments(select(Appointment.id, Person.id.label("person_id"))), filters, user
    ).subquery()
    designations, people = db.session.execute(
        select(func.count(), func.count(distinct(rows.c.person_id)))
    ).one()
    return designations, people
