"""Loading a country for a view, with the permission named at the call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from focalpoints.authorise import granted
from focalpoints.countries.models import Country
from focalpoints.countries.queries import country_by_code, country_record_by_code
from focalpoints.reference.snapshot import CountryRecord


def load_country(code: str, *, can: Callable[[Any, Country], bool]) -> Country:
    """The country with ISO alpha-2 ``code`` if the user ``can`` act on it: 404 unknown, 403 not
    allowed."""
    return granted(country_by_code(code), can)


def load_country_record(code: str, *, can: Callable[[Any, CountryRecord], bool]) -> CountryRecord:
    """The country as the cached reference data holds it, for pages that only read its columns
    (no query when the request has read the reference data): 404 unknown, 403 not allowed."""
    return granted(country_record_by_code(code), can)
