"""Loading registry records for a view, with the permission named at the call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from focalpoints.authorise import granted
from focalpoints.countries.models import Country
from focalpoints.focal_points import queries
from focalpoints.focal_points.models import Appointment, Person


def load_person(
    country: Country, person_id: int, *, can: Callable[[Any, Person], bool], deleted: bool = False
) -> Person:
    """A person of ``country`` (a deleted one with ``deleted``) if the user ``can`` act on them:
    404 not there, 403 not allowed."""
    return granted(queries.person_of(country, person_id, deleted=deleted), can)


def load_appointment(
    country: Country, appointment_id: int, *, can: Callable[[Any, Appointment], bool]
) -> Appointment:
    """An appointment of ``country`` if the user ``can`` act on it: 404 not there, 403 not
    allowed."""
    return granted(queries.appointment_of(country, appointment_id), can)
