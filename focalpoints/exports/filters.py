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

#: Every designation status, in the order of the lifecycle.
STATUSES = tuple(s.value for s in Status)
#: The designations a Secretariat counts as a Party's current focal points: officially notified
#: to it, or acknowledged by it. Proposed and nationally endorsed designations are still a
#: national matter; they are exported only when asked for, and every file says each row's status.
CURRENT_STATUSES = (Status.NOTIFIED.value, Status.ACKNOWLEDGED.value)
#: Words older links used for a set of statuses ("stale" also asks for stale holders only).
STATUS_ALIASES = {
    "current": CURRENT_STATUSES,
    "stale": CURRENT_STATUSES,
    "all": STATUSES,
}
#: What the status parameter accepts: a status, or one of the words above.
STATUS_CHOICES = (*STATUSES, *STATUS_ALIASES)


class FilterError(ValueError):
    """A filter value that names nothing we know; the message is translated."""


@dataclass(frozen=True)
class ContactFilters:
    convention: str = ""
    role: str = ""
    region: str = ""
    country: str = ""
    # The designation statuses included, in lifecycle order.
    status: tuple[str, ...] = CURRENT_STATUSES
    # "yes": only holders not confirmed for a year (STALE_AFTER_DAYS).
    stale: str = ""
    language: str = ""
    # Not a filter: "yes" adds the country's UN formal name to CSV and XLSX.
    country_names: str = ""

    def as_args(self) -> dict[str, Any]:
        """The non-empty filters, for building links; the statuses only when not the default."""
        args: dict[str, Any] = {k: v for k, v in self.__dict__.items() if v and k != "status"}
        if self.status != CURRENT_STATUSES:
            args["status"] = list(self.status)
        return args


def _statuses(args: Any) -> tuple[tuple[str, ...], bool]:
    """The statuses asked for, and whether "stale" was among them.

    No status parameter at all means the default; a form sends an empty one beside its
    checkboxes, so that unticking every box is a choice of nothing rather than of the default.
    """
    values = args.getlist("status") if hasattr(args, "getlist") else [args.get("status")]
    values = [(v or "").strip().lower()[:20] for v in values if v is not None]
    if not values:
        return CURRENT_STATUSES, False
    chosen: set[str] = set()
    for value in filter(None, values):
        if value in STATUS_ALIASES:
            chosen.update(STATUS_ALIASES[value])
        elif value in STATUSES:
            chosen.add(value)
        else:
            raise FilterError(_("Unknown designation status: %(value)s", value=value))
    if not chosen:
        raise FilterError(_("Choose at least one designation status."))
    return tuple(s for s in STATUSES if s in chosen), "stale" in values


def parse_filters(args: Any, user: Any, own_country_only: bool = True) -> ContactFilters:
    """Read the filters; for exports, national users always get their own country."""
    texts = ("convention", "role", "region", "country", "stale", "language", "country_names")
    values: dict[str, Any] = {k: (args.get(k) or "").strip()[:40] for k in texts}
    values["convention"] = values["convention"].upper()
    values["role"] = values["role"].upper()
    values["country"] = values["country"].upper()
    values["language"] = values["language"].lower()
    values["country_names"] = "yes" if values["country_names"].lower() == "yes" else ""
    values["status"], stale = _statuses(args)
    values["stale"] = "yes" if stale or values["stale"].lower() == "yes" else ""
    if values["convention"] and not db.session.scalar(
        select(Convention.id).where(Convention.code == values["convention"])
    ):
        raise FilterError(_("Unknown convention: %(value)s", value=values["convention"]))
    if values["role"] and not db.session.scalar(select(Role.id).where(Role.code == values["role"])):
        raise FilterError(_("Unknown role: %(role)s", role=values["role"]))
    if values["region"] and values["region"] not in MEA_REGIONS:
        raise FilterError(_("Unknown region: %(value)s", value=values["region"]))
    if values["language"] and values["language"] not in NATIVE_NAMES:
        raise FilterError(_("Unknown language: %(value)s", value=values["language"]))
    if own_country_only and not permissions.sees_all_countries(user):
        values["country"] = user.country.iso2
    elif values["country"] and not db.session.scalar(
        select(Country.id).where(Country.iso2 == values["country"])
    ):
        raise FilterError(_("Unknown or missing country code: %(code)s", code=values["country"]))
    return ContactFilters(**values)
