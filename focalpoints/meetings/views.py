"""Catalogue pages: meetings with their agenda, and cross-cutting issues.

Any logged-in user reads them; the Secretariat and administrators add and correct entries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.audit.models import AuditEntry
from focalpoints.audit.queries import trail
from focalpoints.concurrency import StaleRecord
from focalpoints.conventions.models import Convention
from focalpoints.countries.queries import active_conventions, list_countries
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.forms import choices, fill_translations, translations_from
from focalpoints.meetings import operations
from focalpoints.meetings.forms import AgendaItemForm, IssueForm, MeetingForm
from focalpoints.meetings.labels import body_label
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.positions import queries as position_queries

bp = Blueprint("meetings", __name__)


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(body_label=body_label)


def _issues() -> list[Issue]:
    return list(
        db.session.scalars(
            select(Issue)
            .options(selectinload(Issue.conventions))
            .order_by(Issue.sort_order, Issue.code)
        )
    )


# Meetings -------------------------------------------------------------------------------------


@bp.get("/meetings")
@login_required
def index() -> str:
    """List meetings, coming ones first, filterable by convention."""
    conventions = active_conventions()
    code = request.args.get("convention", "")
    chosen = next((c for c in conventions if c.code == code), None)
    query = select(Meeting).options(
        joinedload(Meeting.convention), selectinload(Meeting.agenda_items)
    )
    if chosen is not None:
        query = query.where(Meeting.convention_id == chosen.id)
    meetings = db.session.scalars(query.order_by(Meeting.start_date)).all()
    today = date.today()
    return render_template(
        "meetings/index.html",
        coming=[m for m in meetings if m.is_coming(today)],
        past=[m for m in meetings if not m.is_coming(today)][::-1],
        conventions=conventions,
        chosen=chosen,
    )


@bp.get("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int) -> str:
    """A meeting and its agenda; national users see their country's positions on each item."""
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.convention),
            selectinload(Meeting.agenda_items).joinedload(AgendaItem.issue),
        )
    )
    if meeting is None:
        abort(404)
    country = current_user.country
    own: dict[int | None, list[Any]] = {}
    if country is not None:
        for position in position_queries.readable_positions(
            country, current_user, meeting_id=meeting.id
        ):
            own.setdefault(position.agenda_item_id, []).append(position)
    overview = permissions.sees_all_countries(current_user)
    counts = position_queries.meeting_counts(meeting) if overview else {}
    shared: dict[int | None, list[Any]] = {}
    for position in position_queries.shared_at_meeting(meeting) if overview else []:
        shared.setdefault(position.agenda_item_id, []).append(position)
    return render_template(
        "meetings/detail.html",
        history=_history(meeting) if permissions.can_edit_catalogues(current_user) else [],
        meeting=meeting,
        country=country,
        own=own,
        counts=counts,
        shared=shared,
        today=date.today(),
    )


def _history(meeting: Meeting) -> list[AuditEntry]:
    """Changes made to the meeting and its agenda items, newest first (one query)."""
    return trail({"meetings": [meeting.id], "agenda_items": [i.id for i in meeting.agenda_items]})


def _meeting_form(meeting: Meeting | None) -> MeetingForm:
    form = MeetingForm(obj=meeting)
    conventions = db.session.scalars(select(Convention).order_by(Convention.sort_order)).all()
    form.convention.choices = choices((c.id, c.acronym) for c in conventions)
    form.host_country.choices = choices([("", "—")] + [(c.iso2, c.name) for c in list_countries()])
    if form.host_country.data is None:
        form.host_country.data = ""
    if not form.is_submitted():
        if meeting is None:
            form.version.data = 0
        else:
            form.convention.data = str(meeting.convention_id)
            form.host_country.data = meeting.host_country or ""
            fill_translations(form, "name", meeting.names)
            fill_translations(form, "short_name", meeting.short_names)
    return form


@bp.route("/meetings/new", methods=["GET", "POST"])
@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_catalogues)
def edit_meeting(meeting_id: int | None = None) -> str | Response:
    """Add a meeting to the catalogue, or correct one."""
    meeting = db.get_or_404(Meeting, meeting_id) if meeting_id else None
    form = _meeting_form(meeting)
    if form.validate_on_submit():
        values = {
            "code": form.code.data,
            "convention_id": int(form.convention.data),
            "body": form.body.data,
            "number": form.number.data,
            "names": translations_from(form, "name"),
            "short_names": translations_from(form, "short_name"),
            "place": form.place.data or "",
            "host_country": form.host_country.data or None,
            "start_date": form.start_date.data,
            "end_date": form.end_date.data,
            "tentative": form.tentative.data,
        }
        try:
            saved = operations.save_meeting(meeting, form.version.data, values)
        except StaleRecord:
            flash_stale()
            return redirect(request.path)
        except operations.CatalogueError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The meeting has been saved."), "success")
            return redirect(url_for(".detail", meeting_id=saved.id))
    return render_template("meetings/form.html", form=form, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_catalogues)
def edit_item(meeting_id: int, item_id: int | None = None) -> str | Response:
    """Add an item to a meeting's agenda, or correct one."""
    meeting = db.get_or_404(Meeting, meeting_id)
    item = db.get_or_404(AgendaItem, item_id) if item_id else None
    if item is not None and item.meeting_id != meeting.id:
        abort(404)
    form = AgendaItemForm(obj=item)
    form.issue.choices = choices([("", "—")] + [(i.id, i.name) for i in _issues()])
    if form.issue.data is None:
        form.issue.data = ""
    if not form.is_submitted():
        if item is None:
            form.version.data = 0
        else:
            form.issue.data = str(item.issue_id or "")
            fill_translations(form, "title", item.titles)
    if form.validate_on_submit():
        values = {
            "code": form.code.data,
            "titles": translations_from(form, "title"),
            "issue_id": int(form.issue.data) if form.issue.data else None,
            "sort_order": form.sort_order.data,
            "is_active": form.is_active.data,
        }
        try:
            operations.save_agenda_item(meeting, item, form.version.data, values)
        except StaleRecord:
            flash_stale()
            return redirect(request.path)
        except operations.CatalogueError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The agenda item has been saved."), "success")
            return redirect(url_for(".detail", meeting_id=meeting.id))
    return render_template("meetings/item_form.html", form=form, meeting=meeting, item=item)


# Issues ---------------------------------------------------------------------------------------


@bp.get("/issues")
@login_required
def issues() -> str:
    """List the cross-cutting issues and the conventions each concerns."""
    return render_template("meetings/issues.html", issues=_issues(), country=current_user.country)


@bp.route("/issues/new", methods=["GET", "POST"])
@bp.route("/issues/<int:issue_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_catalogues)
def edit_issue(issue_id: int | None = None) -> str | Response:
    """Add a cross-cutting issue, or correct one."""
    issue = db.get_or_404(Issue, issue_id) if issue_id else None
    form = IssueForm(obj=issue)
    conventions = db.session.scalars(select(Convention).order_by(Convention.sort_order)).all()
    form.conventions.choices = choices((c.id, c.acronym) for c in conventions)
    if not form.is_submitted():
        if issue is None:
            form.version.data = 0
        else:
            form.conventions.data = [str(c.id) for c in issue.conventions]
            fill_translations(form, "name", issue.names)
            fill_translations(form, "description", issue.descriptions)
    if form.validate_on_submit():
        values = {
            "code": form.code.data,
            "names": translations_from(form, "name"),
            "descriptions": translations_from(form, "description"),
            "in_resolution": form.in_resolution.data,
            "sort_order": form.sort_order.data,
            "is_active": form.is_active.data,
        }
        try:
            operations.save_issue(
                issue, form.version.data, values, [int(c) for c in form.conventions.data or []]
            )
        except StaleRecord:
            flash_stale()
            return redirect(request.path)
        except operations.CatalogueError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The issue has been saved."), "success")
            return redirect(url_for(".issues"))
    return render_template("meetings/issue_form.html", form=form, issue=issue)
