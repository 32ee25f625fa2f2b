"""The coverage page, its map, and the list of Parties missing a role."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from focalpoints import permissions
from focalpoints.countries.labels import MEA_REGIONS, region_label
from focalpoints.coverage.queries import coverage
from focalpoints.exports.formats import neutralise
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


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(map_codes=map_codes())


def _report():
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
    only = None if permissions.sees_all_countries(current_user) else current_user.country
    report = coverage(region, convention, role, only)
    return report, {"region": region, "convention": convention, "role": role}, errors, conventions


@bp.get("")
@login_required
def index() -> tuple[str, int]:
    """Coverage by convention and role, a table of countries, and a map."""
    report, filters, errors, conventions = _report()
    return render_template(
        "coverage/index.html",
        report=report,
        filters=filters,
        errors=errors,
        all_conventions=conventions,
        level_labels={level: str(label) for level, label in LEVELS.items()},
        regions=MEA_REGIONS,
        national=not permissions.sees_all_countries(current_user),
    ), 400 if errors else 200


@bp.get("/missing.csv")
@login_required
def missing_csv() -> Response:
    """Parties missing each required role (or the chosen one), as CSV for reminder letters."""
    report, _filters, errors, _conventions = _report()

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
