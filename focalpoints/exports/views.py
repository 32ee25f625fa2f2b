"""Contact exports at stable addresses, filtered by convention, role, region, country, status
and correspondence language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from focalpoints import permissions
from focalpoints.audit import record_now
from focalpoints.conventions.models import Convention
from focalpoints.countries.labels import MEA_REGIONS
from focalpoints.countries.queries import active_conventions, list_countries
from focalpoints.exports import formats
from focalpoints.exports.filters import (
    CURRENT_STATUSES,
    STATUSES,
    ContactFilters,
    FilterError,
    parse_filters,
)
from focalpoints.exports.queries import contact_rows, count_contacts, statement
from focalpoints.extensions import db
from focalpoints.focal_points.columns import CONTACT_COLUMNS
from focalpoints.focal_points.labels import status_label
from focalpoints.i18n import NATIVE_NAMES, current_language
from focalpoints.reference.snapshot import CountryRecord, reference_snapshot

bp = Blueprint("exports", __name__, url_prefix="/exports")

#: Optional column of CSV and XLSX exports, after the country's short name.
COUNTRY_NAME_COLUMNS = ("country_formal_name",)
#: The formats the page's download buttons ask for, and the address of each.
DOWNLOADS = {
    "xlsx": "exports.contacts_xlsx",
    "csv": "exports.contacts_csv",
    "vcf": "exports.contacts_vcf",
    "txt": "exports.contacts_txt",
    "directory": "exports.directory",
}


def _filters() -> ContactFilters | Response:
    try:
        return parse_filters(request.args, current_user)
    except FilterError as error:
        return Response(
            render_template("exports/index.html", **_page_context(ContactFilters(), str(error))),
            status=400,
        )


def _filename(filters: ContactFilters, extension: str) -> str:
    chosen: list[str] = []
    for key, value in filters.as_args().items():
        if key == "country_names":
            continue
        if key == "stale":
            chosen.append("stale")
        elif isinstance(value, list):
            chosen.extend(value)
        else:
            chosen.append(value.lower())
    parts = ["contacts", *chosen, date.today().isoformat()]
    return "-".join(parts) + "." + extension


def _download(body, mimetype: str, filters: ContactFilters, extension: str) -> Response:
    record_now("export", "exports", extension, details=filters.as_args())
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(filters, extension)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _status_choices() -> list[tuple[str, str]]:
    return [(code, status_label(code)) for code in STATUSES]


def count_text(designations: int, people: int) -> str:
    """What a file with these filters holds, in words: rows and people."""
    rows = ngettext(
        "%(count)s designation (a row in Excel and CSV)",
        "%(count)s designations (rows in Excel and CSV)",
        designations,
        count=format_number(designations),
    )
    cards = ngettext(
        "%(count)s person or institution (a vCard)",
        "%(count)s people or institutions (vCards)",
        people,
        count=format_number(people),
    )
    return _("The files will hold %(rows)s, for %(cards)s.", rows=rows, cards=cards)


def _page_context(filters: ContactFilters, error: str | None = None) -> dict:
    conventions = active_conventions()
    return {
        "filters": filters,
        "error": error,
        "conventions": conventions,
        "regions": MEA_REGIONS,
        "countries": list_countries() if permissions.sees_all_countries(current_user) else [],
        "statuses": _status_choices(),
        "current_statuses": CURRENT_STATUSES,
        "languages": NATIVE_NAMES,
        "downloads": DOWNLOADS,
    }


def _table(filters: ContactFilters) -> tuple[Iterator[dict[str, Any]], tuple[str, ...]]:
    """The rows and columns of a CSV or XLSX export: the contact columns, and the country's UN
    formal name in the reader's language after its short name when asked for."""
    language = current_language()
    rows = contact_rows(filters, current_user, language)
    if not filters.country_names:
        return rows, CONTACT_COLUMNS
    at = CONTACT_COLUMNS.index("country_name") + 1
    columns = (*CONTACT_COLUMNS[:at], *COUNTRY_NAME_COLUMNS, *CONTACT_COLUMNS[at:])
    return _with_formal_names(rows, language), columns


def _with_formal_names(rows: Iterator[dict[str, Any]], language: str) -> Iterator[dict[str, Any]]:
    reference = reference_snapshot()
    for row in rows:
        country = reference.country_by_code(row["country"])
        row["country_formal_name"] = country.formal_name_in(language) if country else ""
        yield row


@bp.get("")
@login_required
def index() -> str | Response:
    """Choose filters and a format."""
    filters = _filters()
    if isinstance(filters, Response):
        return filters
    designations, people = count_contacts(filters, current_user)
    return render_template(
        "exports/index.html",
        **_page_context(filters),
        count=count_text(designations, people),
        empty=not designations,
    )


@bp.get("/count")
@login_required
def count() -> tuple[Response, int]:
    """How many designations and people the filters give, for the page's live count."""
    try:
        filters = parse_filters(request.args, current_user)
    except FilterError as error:
        return jsonify(error=str(error), text=str(error)), 400
    designations, people = count_contacts(filters, current_user)
    return jsonify(
        designations=designations, people=people, text=count_text(designations, people)
    ), 200


@bp.get("/download")
@login_required
def download() -> Response:
    """The page's download buttons: the chosen format at its own address, with the filters
    the form showed."""
    endpoint = DOWNLOADS.get(request.args.get("format", ""))
    if endpoint is None:
        abort(404)
    args = request.args.to_dict(flat=False)
    args.pop("format")
    return redirect(url_for(endpoint, **args))


@bp.get("/contacts.csv")
@login_required
def contacts_csv() -> Response:
    """The contact list as CSV (UTF-8 with a byte-order mark)."""
    filters = _filters()
    if isinstance(filters, Response):
        return filters
    rows, columns = _table(filters)
    return _download(formats.csv_chunks(rows, columns), "text/csv; charset=utf-8", filters, "csv")


@bp.get("/contacts.xlsx")
@login_required
def contacts_xlsx() -> Response:
    """The contact list as an Excel workbook."""
    filters = _filters()
    if isinstance(filters, Response):
        return filters
    rows, columns = _table(filters)
    path = formats.xlsx_file(rows, _("Contacts"), columns)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(formats.file_chunks(path), mimetype, filters, "xlsx")


@bp.get("/contacts.vcf")
@login_required
def contacts_vcf() -> Response:
    """One vCard 3.0 per person, for Outlook, Apple and Google contacts."""
    filters = _filters()
    if isinstance(filters, Response):
        return filters
    language = current_language()
    query = statement(filters, current_user, language, by_person=True)
    rows = contact_rows(filters, current_user, language, query=query)
    return _download(formats.vcards(rows), "text/vcard; charset=utf-8", filters, "vcf")


@bp.get("/contacts.txt")
@login_required
def contacts_txt() -> Response:
    """A mailing list to paste into a BCC field."""
    filters = _filters()
    if isinstance(filters, Response):
        return filters
    rows = contact_rows(filters, current_user, current_language())
    return _download(formats.mailing_list(rows), "text/plain; charset=utf-8", filters, "txt")


def _by_country(rows: list[dict]) -> list[tuple[CountryRecord, list[dict]]]:
    """The rows grouped by country, in their order (by country name in the reader's language,
    then instrument, role and person)."""
    reference = reference_snapshot()
    groups: list[tuple[CountryRecord, list[dict]]] = []
    for row in rows:
        if not groups or groups[-1][0].iso2 != row["country"]:
            country = reference.country_by_code(row["country"])
            if country is not None:
                groups.append((country, []))
        if groups and groups[-1][0].iso2 == row["country"]:
            groups[-1][1].append(row)
    return groups


@bp.get("/directory")
@login_required
def directory() -> str | Response:
    """A printable directory of the filtered contacts."""
    filters = _filters()
    if isinstance(filters, Response):
        return filters
    rows = list(contact_rows(filters, current_user, current_language()))
    conventions = {c.code: c for c in db.session.scalars(select(Convention))}
    return render_template(
        "exports/directory.html",
        rows=rows,
        groups=_by_country(rows),
        filters=filters,
        conventions=conventions,
        today=date.today(),
    )
