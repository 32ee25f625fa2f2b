"""The export filters, read from the query string and checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from focalpoints import permissions
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.labels import MEA_REGIONS
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.models import Status
from focalpoints.i18n import NATIVE_NAMES

STATUS_CHOICES = ("current", "stale", "all", *(s.value for s in Status))


class FilterError(ValueError):
    """A filter value that names nothing we know; the message is translated."""


@dataclass(frozen=True)
class ContactFilters:
    convention: str = ""
    role: str = ""
    region: str = ""
    country: str = ""
    status: str = "current"
    language: str = ""
    # Not a filter: "yes" adds the country's UN short and formal names to CSV and XLSX.
    country_names: str = ""

    def as_args(self) -> dict[str, str]:
        """The non-empty filters, for building links."""
        return {k: v for k, v in self.__dict__.items() if v}


def parse_filters(args: Any, user: Any, own_country_only: bool = True) -> ContactFilters:
    """Read the filters; for exports, national users always get their own country."""
    values = {k: (args.get(k) or "").strip()[:40] for k in ContactFilters.__dataclass_fields__}
    values["convention"] = values["convention"].upper()
    values["role"] = values["role"].upper()
    values["country"] = values["country"].upper()
    values["status"] = values["status"].lower() or "current"
    values["language"] = values["language"].lower()
    values["country_names"] = "yes" if values["country_names"].lower() == "yes" else ""
    if values["convention"] and not db.session.scalar(
        select(Convention.id).where(Convention.code == values["convention"])
    ):
        raise FilterError(_("Unknown convention: %(value)s", value=values["convention"]))
    if values["role"] and not db.session.scalar(select(Role.id).where(Role.code == values["role"])):
        raise FilterError(_("Unknown role: %(role)s", role=values["role"]))
    if values["region"] and values["region"] not in MEA_REGIONS:
        raise FilterError(_("Unknown region: %(value)s", value=values["region"]))
    if values["status"] not in STATUS_CHOICES:
        raise FilterError(_("Unknown designation status: %(value)s", value=values["status"]))
    if values["language"] and values["language"] not in NATIVE_NAMES:
        raise FilterError(_("Unknown language: %(value)s", value=values["language"]))
    if own_country_only and not permissions.sees_all_countries(user):
        values["country"] = user.country.iso2
    elif values["country"] and not db.session.scalar(
        select(Country.id).where(Country.iso2 == values["country"])
    ):
        raise FilterError(_("Unknown or missing country code: %(code)s", code=values["country"]))
    return ContactFilters(**values)
