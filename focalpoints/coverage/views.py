"""The coverage page, its map, and the list of Parties missing a role."""

from __future__ import annotations

import functools
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    jsonify,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from focalpoints import permissions
from focalpoints.audit.versions import REGISTRY, data_versions
from focalpoints.countries.labels import MEA_REGIONS, region_label
from focalpoints.countries.models import Country
from focalpoints.coverage import chart, history
from focalpoints.coverage import report as report_module
from focalpoints.coverage.queries import CoverageData, coverage
from focalpoints.documents import XLSX
from focalpoints.errors import render_error
from focalpoints.exports.formats import file_chunks, neutralise
from focalpoints.fragments import render_fragment
from focalpoints.i18n import current_language, text_direction, translated
from focalpoints.letters.secretariats import secretariat_of
from focalpoints.reference.snapshot import reference_snapshot
from focalpoints.working_groups.queries import group_status_by_country

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
    the versions of the reference data and of the registry (raised by every write to them, read
    in one query), the day and the open working groups (a short list, read for the key: a
    meeting's start makes it the last without any write), so any change shows at once; the
    holdings are read only to render.
    """
    filters, errors = _filters()
    only = _only_country()
    national = not permissions.sees_all_countries(current_user)
    reference = reference_snapshot()
    today = date.today()
    on = _day("on", today, errors)
    groups = group_status_by_country()
    key = (
        "coverage",
        reference.version,
        data_versions()[REGISTRY],
        today,
        on,
        tuple(filters.values()),
        only.id if only else None,
        national,
        tuple(errors),
        frozenset(groups.items()),
    )

    def data() -> CoverageData:
        # A past day's coverage is the registry's state that day, from the audit trail.
        return CoverageData.read(today, groups) if on == today else CoverageData.as_of(on, groups)

    body = render_fragment(
        "coverage/report.html",
        key,
        lambda: {
            "report": coverage(
                filters["region"], filters["convention"], filters["role"], only, data()
            ),
            "filters": filters,
            "errors": errors,
            "on": None if on == today else on,
            "today": today,
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


# Coverage over time ---------------------------------------------------------------------------

MAX_MONTHS = 240
EARLIEST = date(1990, 1, 1)


def _month(name: str, default: date, errors: list[str]) -> date:
    """The first day of the month ``?name=YYYY-MM``; ``default`` when absent or unreadable."""
    value = request.args.get(name, "")
    if not value:
        return default
    try:
        year, month = (int(part) for part in value.split("-", 1))
        chosen = date(year, month, 1)
    except ValueError:
        errors.append(_("Unknown month: %(value)s", value=value[:20]))
        return default
    if not EARLIEST <= chosen <= date.today():
        errors.append(_("Unknown month: %(value)s", value=value[:20]))
        return default
    return chosen


def _history_request() -> tuple[dict[str, str], list[str], history.History]:
    """The filters, months and figures of a history request (the page, its chart, its CSV)."""
    filters, errors = _filters()
    today = date.today()
    default_first = date(today.year - 3, today.month, 1)
    first = _month("from", default_first, errors)
    last = _month("to", today.replace(day=1), errors)
    if first > last or (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        errors.append(_("Choose a first month before the last, at most 20 years apart."))
        first, last = default_first, today.replace(day=1)
    filters.update({"from": first.strftime("%Y-%m"), "to": last.strftime("%Y-%m")})
    reference = reference_snapshot()
    if filters["convention"]:
        instruments = list(reference.family(filters["convention"]))
    elif filters["role"]:
        instruments = list(reference.conventions)
    else:
        instruments = list(reference.top_level())
    only = _only_country()
    if only is not None:
        countries = [reference.countries[only.id]]
    else:
        countries = [
            c
            for c in reference.countries.values()
            if not filters["region"] or c.mea_region == filters["region"]
        ]
    figures = history.coverage_history(
        instruments, countries, filters["convention"], filters["role"], first, last, today
    )
    return filters, errors, figures


def _chart_title(filters: dict[str, str]) -> str:
    region = region_label(filters["region"]) if filters["region"] else _("All regions")
    return _("Share of Parties with a confirmed holder, month by month (%(region)s)", region=region)


@bp.get("/history")
@login_required
def history_page() -> tuple[str, int]:
    """Coverage month by month: a chart, its figures as a table, and a CSV of them."""
    filters, errors, figures = _history_request()
    reference = reference_snapshot()
    chart_args = {k: v for k, v in filters.items() if v}
    return render_template(
        "coverage/history.html",
        filters=filters,
        errors=errors,
        history=figures,
        title=_chart_title(filters),
        chart_url=url_for("coverage.history_svg", **chart_args),
        csv_url=url_for("coverage.history_csv", **chart_args),
        all_conventions=reference.conventions,
        regions=MEA_REGIONS,
        national=not permissions.sees_all_countries(current_user),
    ), 400 if errors else 200


@bp.get("/history.svg")
@login_required
def history_svg() -> Response:
    """The history chart, an SVG drawn on the server (no script)."""
    filters, errors, figures = _history_request()
    language = current_language()
    svg = chart.render(figures, _chart_title(filters), language, text_direction(language) == "rtl")
    response = Response(svg, mimetype="image/svg+xml", status=400 if errors else 200)
    response.headers["Content-Security-Policy"] = chart.SVG_POLICY
    return response


@bp.get("/history.csv")
@login_required
def history_csv() -> Response:
    """The history's series as CSV: one row per month and line."""
    _filters_used, errors, figures = _history_request()

    def rows():
        yield "\ufeffmonth,series,series_name,parties,confirmed,share\r\n"
        for line in figures.series:
            for point, held, parties in zip(figures.points, line.held, line.parties, strict=True):
                share = f"{held / parties:.4f}" if parties else ""
                cells = [point.strftime("%Y-%m"), line.key, line.label, str(parties), str(held)]
                yield ",".join('"' + neutralise(c).replace('"', '""') + '"' for c in cells)
                yield f",{share}\r\n"

    response = Response(
        stream_with_context(rows()),
        mimetype="text/csv; charset=utf-8",
        status=400 if errors else 200,
    )
    response.headers["Content-Disposition"] = 'attachment; filename="coverage-history.csv"'
    return response


# The Secretariat's report ---------------------------------------------------------------------


def _report_request() -> tuple[dict[str, str], list[str], report_module.SecretariatReport | None]:
    """The report asked for by ``?instrument=&on=&since=&language=``, or the errors."""
    reference = reference_snapshot()
    errors: list[str] = []
    today = date.today()
    code = request.args.get("instrument", "").upper()[:20]
    instrument = next((c for c in reference.conventions if c.code == code), None)
    if code and instrument is None:
        errors.append(_("Unknown convention: %(value)s", value=code))
    on = _day("on", today, errors)
    since = _day("since", date(on.year - 3, on.month, 1), errors)
    if since >= on:
        errors.append(_("The earlier date must come before the date of the report."))
    language = request.args.get("language", "")
    secretariat = secretariat_of(instrument) if instrument else None
    if secretariat is not None and not language:
        language = current_language() if current_language() in secretariat.languages else "en"
    if secretariat is not None and language not in secretariat.languages:
        errors.append(_("The Secretariat does not work in this language."))
    values = {
        "instrument": code,
        "on": on.isoformat(),
        "since": since.isoformat(),
        "language": language,
    }
    if errors or instrument is None:
        return values, errors, None
    return values, errors, report_module.build(instrument, on, since, language)


def _day(name: str, default: date, errors: list[str]) -> date:
    value = request.args.get(name, "")
    if not value:
        return default
    try:
        chosen = date.fromisoformat(value[:10])
    except ValueError:
        errors.append(_("Unknown date: %(value)s", value=value[:20]))
        return default
    if not EARLIEST <= chosen <= date.today():
        errors.append(_("Unknown date: %(value)s", value=value[:20]))
        return default
    return chosen


@bp.get("/report")
@permissions.require(permissions.sees_all_countries)
def report_page() -> tuple[str, int]:
    """Choose the instrument, dates and language of the Secretariat's report."""
    values, errors, _built = _report_request() if request.args else ({}, [], None)
    reference = reference_snapshot()
    return render_template(
        "coverage/report_form.html",
        values=values,
        errors=errors,
        instruments=[c for c in reference.conventions if any(r.counted for r in c.roles)],
        secretariat_of=secretariat_of,
        today=date.today(),
    ), 400 if errors else 200


def _report_or_error() -> report_module.SecretariatReport | tuple[str, int]:
    _values, errors, built = _report_request()
    if built is None:
        return render_error(400, " ".join(errors) or _("Choose an instrument."))
    return built


@bp.get("/report.docx")
@permissions.require(permissions.sees_all_countries)
def report_docx() -> Response | tuple[str, int]:
    """The Secretariat's report on national focal points, as a Word file."""
    built = _report_or_error()
    if isinstance(built, tuple):
        return built
    response = send_file(
        io.BytesIO(report_module.docx_file(built)),
        mimetype=report_module.DOCX_MIMETYPE,
        as_attachment=True,
        download_name=report_module.filename(built, "docx"),
    )
    return response


@bp.get("/report.xlsx")
@permissions.require(permissions.sees_all_countries)
def report_xlsx() -> Response | tuple[str, int]:
    """The Secretariat's report on national focal points, as a workbook."""
    built = _report_or_error()
    if isinstance(built, tuple):
        return built
    path = report_module.xlsx_file(built)
    response = Response(file_chunks(path), mimetype=XLSX)
    name = report_module.filename(built, "xlsx")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
