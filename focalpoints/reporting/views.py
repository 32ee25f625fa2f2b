"""The reporting calendar: deadlines per convention, and each country's progress on them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.admin.forms import fill_translations, translations_from
from focalpoints.concurrency import StaleRecord
from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.countries.queries import get_country_or_404
from focalpoints.extensions import db
from focalpoints.forms import choices
from focalpoints.reporting import operations, queries
from focalpoints.reporting.forms import DeadlineForm, ReportStatusForm
from focalpoints.reporting.models import ReportDeadline, ReportState, ReportStatus

bp = Blueprint("reporting", __name__)


def _stale() -> None:
    flash(
        _(
            "Someone else saved this record while you were editing it. Nothing of yours was "
            "saved: the form now shows the newer values; apply your changes again."
        ),
        "danger",
    )


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
            _stale()
            return redirect(request.path)
        except operations.ReportingError as error:
            form[error.field].errors.append(str(error.message))
        else:
            flash(_("The deadline has been saved."), "success")
            return redirect(url_for(".index"))
    return render_template("reporting/deadline_form.html", form=form, deadline=deadline)


def _viewable_country(code: str) -> Country:
    country = get_country_or_404(code)
    if not permissions.can_view_report_statuses(current_user, country):
        abort(403)
    return country


@bp.get("/countries/<code>/reporting")
@login_required
def calendar(code: str) -> str:
    """The country's reporting calendar: each deadline with its status, overdue ones flagged."""
    country = _viewable_country(code)
    return render_template(
        "reporting/calendar.html", country=country, lines=queries.calendar(country)
    )


@bp.route("/countries/<code>/reporting/<int:deadline_id>", methods=["GET", "POST"])
@login_required
def set_status(code: str, deadline_id: int) -> str | Response:
    """Record where the country stands on one report (its coordinators and editors)."""
    country = get_country_or_404(code, for_edit=True)
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
            _stale()
            return redirect(request.path)
        except operations.ReportingError as error:
            form[error.field].errors.append(str(error.message))
        else:
            flash(_("The report's status has been saved."), "success")
            return redirect(url_for(".calendar", code=country.iso2))
    return render_template(
        "reporting/status_form.html", country=country, deadline=deadline, form=form
    )
