"""The coverage page, its map, and the list of Parties missing a role."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, stream_with_context
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from focalpoints import permissions
from focalpoints.countries.labels import MEA_REGIONS, region_label
from focalpoints.countries.models import Country
from focalpoints.coverage.queries import CoverageData, coverage
from focalpoints.exports.formats import neutralise
from focalpoints.fragments import render_fragment
from focalpoints.i18n import translated
from focalpoints.reference.snapshot import reference_snapshot

bp = Blueprint("coverage", __name__, url_prefix="/coverage")

MAP_FILE = Path(__file__).resolve().parent.parent / "static/vendor/svg-maps-world-2.0.0/world.svg"
LEVELS = {
    "full": _l("Every required role has a confirmed holder"),
    "partial": _l("Some required roles filled or stale"),
    "none": _l("No required role filled"),
    "not_party": _l("Not a Party"),
    "other": _l("Not covered here"),
}


@functools.cache
def map_codes() -> list[str]:
    """The territories the vendored world map draws (lower-case ISO alpha-2 ids)."""
    return re.findall(r'id="([a-z-]+)"', MAP_FILE.read_text())


def missing_text(report: Any) -> str:
    """How many rows the list of Parties missing a role holds, in words."""
    rows = sum(len(entry.missing) for entry in report.roles)
    return ngettext(
        "%(count)s row: a Party and a role it has not designated",
        "%(count)s rows: a Party and a role it has not designated",
        rows,
        count=format_number(rows),
    )


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(map_codes=map_codes(), missing_text=missing_text)


def _filters() -> tuple[dict[str, str], list[str]]:
    """The filters asked for, each unknown one dropped with a message saying so."""
    region = request.args.get("region", "")
    convention = request.args.get("convention", "").upper()[:20]
    role = request.args.get("role", "").upper()[:40]
    conventions = reference_snapshot().conventions
    errors = []
    if region and region not in MEA_REGIONS:
        errors.append(_("Unknown region: %(value)s", value=region))
        region = ""
    if convention and convention not in {c.code for c in conventions}:
        errors.append(_("Unknown convention: %(value)s", value=convention))
        convention = ""
    if role and role not in {r.code for c in conventions for r in c.roles}:
        errors.append(_("Unknown role: %(role)s", role=role))
        role = ""
    return {"region": region, "convention": convention, "role": role}, errors


def _only_country() -> Country | None:
    """A national official sees their own country's coverage; the Secretariat every country's."""
    return None if permissions.sees_all_countries(current_user) else current_user.country


@bp.get("")
@login_required
def index() -> tuple[str, int]:
    """Coverage by convention and role, a table of countries, and a map.

    The body is rendered once per distinct figures, filters and kind of reader: the key holds
    the holdings and working groups read for this request, so any change shows at once.
    """
    filters, errors = _filters()
    only = _only_country()
    national = not permissions.sees_all_countries(current_user)
    reference = reference_snapshot()
    data = CoverageData.read()
    key = (
        "coverage",
        reference.version,
        tuple(filters.values()),
        only.id if only else None,
        national,
        tuple(errors),
        data.key,
    )
    body = render_fragment(
        "coverage/report.html",
        key,
        lambda: {
            "report": coverage(
                filters["region"], filters["convention"], filters["role"], only, data
            ),
            "filters": filters,
            "errors": errors,
            "all_conventions": reference.conventions,
            "level_labels": {level: str(label) for level, label in LEVELS.items()},
            "regions": MEA_REGIONS,
            "national": national,
            # The map's tooltips: the names the reference data gives (UN names), by map id.
            "map_names": {c.iso2.lower(): c.name for c in reference.countries.values()},
        },
    )
    return render_template("coverage/index.html", body=body), 400 if errors else 200


@bp.get("/missing/count")
@login_required
def missing_count() -> tuple[Response, int]:
    """How many rows the missing list would hold with these filters, for the page's live count."""
    filters, errors = _filters()
    if errors:
        return jsonify(error=" ".join(errors), text=" ".join(errors)), 400
    report = coverage(filters["region"], filters["convention"], filters["role"], _only_country())
    rows = sum(len(entry.missing) for entry in report.roles)
    return jsonify(rows=rows, text=missing_text(report)), 200


@bp.get("/missing.csv")
@login_required
def missing_csv() -> Response:
    """Parties missing each required role (or the chosen one), as CSV for reminder letters."""
    filters, errors = _filters()
    report = coverage(filters["region"], filters["convention"], filters["role"], _only_country())

    def rows():
        yield "\ufeffcountry,country_name,region,convention,role,role_name\r\n"
        for entry in report.roles:
            for country in entry.missing:
                cells = [
                    country.iso2,
                    country.name,
                    region_label(country.mea_region),
                    entry.convention.code,
                    entry.role.code,
                    translated(entry.role.names),
                ]
                yield ",".join('"' + neutralise(c).replace('"', '""') + '"' for c in cells)
                yield "\r\n"

    response = Response(
        stream_with_context(rows()),
        mimetype="text/csv; charset=utf-8",
        status=400 if errors else 200,
    )
    response.headers["Content-Disposition"] = 'attachment; filename="parties-missing-roles.csv"'
    return response
