"""Pages of the follow-up actions decided at meetings."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.authorise import found
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.focal_points.operations import RegistryError
from focalpoints.working_groups import operations, queries
from focalpoints.working_groups.forms import ActionItemForm
from focalpoints.working_groups.models import ActionItem
from focalpoints.working_groups.views.common import bp, people_choices, person_id_of


def _action_form(country: Country, action: ActionItem | None) -> ActionItemForm:
    form = ActionItemForm(obj=action)
    people_choices(form.owner_id, country)
    if form.owner_id.data is None:
        form.owner_id.data = ""
    if not form.is_submitted():
        form.version.data = action.version if action else 0
        form.owner_id.data = str(action.owner_id or "") if action else ""
    return form


def _action_values(form: ActionItemForm) -> dict[str, Any]:
    return {
        "description": form.description.data or "",
        "owner_id": person_id_of(form.owner_id.data),
        "due_on": form.due_on.data,
        "status": form.status.data,
    }


@bp.route("/meetings/<int:meeting_id>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(code: str, meeting_id: int) -> str | Response:
    """Record a follow-up action decided at a meeting."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.meeting_of(country, meeting_id, removed=True))
    form = _action_form(country, None)
    if form.validate_on_submit():
        try:
            operations.add_action(record, _action_values(form))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The action has been recorded."), "success")
            return redirect(url_for(".meeting", code=country.iso2, meeting_id=record.id))
    return render_template(
        "working_groups/action_form.html", country=country, meeting=record, form=form, action=None
    )


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(code: str, action_id: int) -> str | Response:
    """Change an action's owner, due date or status."""
    country = load_country(code, can=permissions.can_edit_working_group)
    action = found(queries.action_of(country, action_id))
    form = _action_form(country, action)
    if form.validate_on_submit():
        try:
            operations.update_action(action, _action_values(form), form.version.data)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_action", code=country.iso2, action_id=action_id))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The record has been saved."), "success")
            next_page = request.args.get("from")
            if next_page == "group":
                return redirect(url_for(".group", code=country.iso2, group_id=action.group_id))
            return redirect(url_for(".meeting", code=country.iso2, meeting_id=action.meeting_id))
    return render_template(
        "working_groups/action_form.html",
        country=country,
        meeting=action.meeting,
        form=form,
        action=action,
    )
