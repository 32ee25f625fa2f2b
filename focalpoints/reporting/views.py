"""The reporting calendar: deadlines per convention, and each country's progress on them."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.concurrency import StaleRecord
from focalpoints.conventions.models import Convention
from focalpoints.countries.loading import load_country
from focalpoints.countries.queries import active_conventions
from focalpoints.documents import XLSX
from focalpoints.exports.formats import file_chunks
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale
from focalpoints.forms import choices, fill_translations, translations_from
from focalpoints.reporting import operations, pack, queries
from focalpoints.reporting.forms import DeadlineForm, ReportStatusForm
from focalpoints.reporting.models import ReportDeadline, ReportState, ReportStatus

bp = Blueprint("reporting", __name__)


@bp.get("/reporting")
@login_required
def index() -> str:
    """Every convention's national report deadlines."""
    return render_template("reporting/index.html", deadlines=queries.deadlines(active_only=False))


@bp.route("/reporting/new", methods=["GET", "POST"])
@bp.route("/reporting/<int:deadline_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_deadlines)
def edit_deadline(deadline_id: int | None = None) -> str | Response:
    """Add a national report deadline, or change one (the Secretariat and administrators)."""
    deadline = db.get_or_404(ReportDeadline, deadline_id) if deadline_id else None
    form = DeadlineForm(obj=deadline)
    conventions = db.session.scalars(select(Convention).order_by(Convention.sort_order)).all()
    form.convention.choices = choices((c.id, c.acronym) for c in conventions)
    if not form.is_submitted():
        if deadline is None:
            form.version.data = 0
        else:
            fill_translations(form, "title", deadline.titles)
            form.convention.data = str(deadline.convention_id)
    if form.validate_on_submit():
        try:
            operations.save_deadline(
                deadline,
                form.version.data,
                convention_id=int(form.convention.data),
                code=form.code.data,
                titles=translations_from(form, "title"),
                due_date=form.due_date.data,
                notes=form.notes.data or "",
                is_active=form.is_active.data,
            )
        except StaleRecord:
            flash_stale()
            return redirect(request.path)
        except operations.ReportingError as error:
            form[error.field].errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The deadline has been saved."), "success")
            return redirect(url_for(".index"))
    return render_template("reporting/deadline_form.html", form=form, deadline=deadline)


@bp.get("/countries/<code>/reporting")
@login_required
def calendar(code: str) -> str:
    """The country's reporting calendar: each deadline with its status, overdue ones flagged."""
    country = load_country(code, can=permissions.can_view_report_statuses)
    return render_template(
        "reporting/calendar.html",
        country=country,
        lines=queries.calendar(country),
        conventions=active_conventions(),
    )


@bp.route("/countries/<code>/reporting/<int:deadline_id>", methods=["GET", "POST"])
@login_required
def set_status(code: str, deadline_id: int) -> str | Response:
    """Record where the country stands on one report (its coordinators and editors)."""
    country = load_country(code, can=permissions.can_edit_country)
    deadline = db.get_or_404(ReportDeadline, deadline_id)
    status = db.session.scalar(
        select(ReportStatus).where(
            ReportStatus.country_id == country.id, ReportStatus.deadline_id == deadline.id
        )
    )
    form = ReportStatusForm(obj=status)
    if not form.is_submitted() and status is None:
        form.version.data = 0
    if form.validate_on_submit():
        try:
            operations.set_status(
                country,
                deadline,
                ReportState(form.status.data),
                form.submitted_on.data,
                form.version.data,
            )
        except StaleRecord:
            flash_stale()
            return redirect(request.path)
        except operations.ReportingError as error:
            form[error.field].errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The report's status has been saved."), "success")
            return redirect(url_for(".calendar", code=country.iso2))
    return render_template(
        "reporting/status_form.html", country=country, deadline=deadline, form=form
    )


# The reporting pack -------------------------------------------------------------------------


def _pack(code: str, convention_code: str) -> pack.Pack:
    country = load_country(code, can=permissions.can_view_report_statuses)
    convention = db.session.scalar(
        select(Convention).where(Convention.code == convention_code.upper()[:20])
    )
    if convention is None or not convention.is_active:
        abort(404)
    return pack.build(country, convention)


@bp.get("/countries/<code>/reporting/pack/<convention_code>")
@login_required
def reporting_pack(code: str, convention_code: str) -> str:
    """What the convention's national report asks, from data entered once; printable."""
    built = _pack(code, convention_code)
    return render_template(
        "reporting/pack.html",
        country=built.country,
        pack=built,
        conventions=active_conventions(),
    )


@bp.get("/countries/<code>/reporting/pack/<convention_code>.xlsx")
@login_required
def reporting_pack_xlsx(code: str, convention_code: str) -> Response:
    """The reporting pack as a workbook, one sheet per section."""
    built = _pack(code, convention_code)
    path = pack.xlsx_file(built)
    response = Response(file_chunks(path), mimetype=XLSX)
    name = f"reporting-pack-{built.country.iso2}-{built.convention.code}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/countries/<code>/reporting/pack/<convention_code>.json")
@login_required
def reporting_pack_json(code: str, convention_code: str) -> Response:
    """The reporting pack as JSON, for other systems."""
    built = _pack(code, convention_code)
    response = jsonify(built.as_json())
    name = f"reporting-pack-{built.country.iso2}-{built.convention.code}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
