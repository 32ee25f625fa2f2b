"""Pages of the working group itself: set up, edit, close and reopen."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.authorise import found
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.focal_points.forms import DeleteForm
from focalpoints.focal_points.operations import RegistryError
from focalpoints.working_groups import operations, queries
from focalpoints.working_groups.forms import CloseGroupForm, GroupForm
from focalpoints.working_groups.models import WorkingGroup
from focalpoints.working_groups.views.common import (
    bp,
    language_field,
    people_choices,
    person_id_of,
)


@bp.get("")
@login_required
def index(code: str) -> str:
    """The country's open working group at a glance, or how to set one up."""
    country = load_country(code, can=permissions.can_view_working_group)
    groups = queries.groups_of(country)
    current = next((g for g in groups if g.is_open), None)
    if current is None:
        return render_template("working_groups/none.html", country=country, past_groups=groups)
    return _group_page(country, current, groups)


@bp.get("/<int:group_id>")
@login_required
def group(code: str, group_id: int) -> str:
    """A working group, open or closed."""
    country = load_country(code, can=permissions.can_view_working_group)
    groups = queries.groups_of(country)
    record = found(next((g for g in groups if g.id == group_id), None))
    return _group_page(country, record, groups)


def _group_page(country: Country, record: WorkingGroup, groups: list[WorkingGroup]) -> str:
    papers = permissions.can_read_group_papers(current_user, record)
    return render_template(
        "working_groups/group.html",
        country=country,
        overview=queries.group_overview(record),
        papers=papers,
        history=queries.history(record, papers),
        other_groups=[g for g in groups if g.id != record.id],
        button=DeleteForm(),
    )


def _group_form(country: Country, record: WorkingGroup | None) -> GroupForm:
    form = GroupForm(obj=record)
    people_choices(form.secretariat_contact_id, country)
    if form.secretariat_contact_id.data is None:  # none chosen, or not posted at all
        form.secretariat_contact_id.data = ""
    language_field(form.mandate_language)
    if not form.is_submitted():
        form.version.data = record.version if record else 0
        form.secretariat_contact_id.data = (
            str(record.secretariat_contact_id or "") if record else ""
        )
    return form


def _group_values(form: GroupForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "mandate": form.mandate.data or "",
        "mandate_language": form.mandate_language.data or "",
        "legal_basis": form.legal_basis.data or "",
        "established_on": form.established_on.data,
        "coordinating_institution": form.coordinating_institution.data or "",
        "secretariat_contact_id": person_id_of(form.secretariat_contact_id.data),
        "papers_shared": bool(form.papers_shared.data),
    }


def _attach_mandate(form: GroupForm, record: WorkingGroup) -> None:
    upload = form.mandate_file.data
    if upload and getattr(upload, "filename", ""):
        try:
            operations.attach_document(
                record, None, upload.read(), upload.filename, str(form.mandate_file.label.text)
            )
        except RegistryError as error:
            raise RegistryError(error.message, form.mandate_file.name) from error


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_group(code: str) -> str | Response:
    """Set up the country's working group."""
    country = load_country(code, can=permissions.can_edit_working_group)
    form = _group_form(country, None)
    if form.validate_on_submit():
        try:
            record = operations.create_group(country, _group_values(form))
            _attach_mandate(form, record)
        except RegistryError as error:
            db.session.rollback()  # the group goes with its mandate, or not at all
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The working group has been set up."), "success")
            return redirect(url_for(".index", code=country.iso2))
    return render_template("working_groups/group_form.html", country=country, form=form, group=None)


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit_group(code: str, group_id: int) -> str | Response:
    """Edit the group's details."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.group_of(country, group_id))
    form = _group_form(country, record)
    if form.validate_on_submit():
        try:
            operations.update_group(record, _group_values(form), form.version.data)
            _attach_mandate(form, record)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_group", code=country.iso2, group_id=group_id))
        except RegistryError as error:
            db.session.rollback()
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The record has been saved."), "success")
            return redirect(url_for(".group", code=country.iso2, group_id=record.id))
    return render_template(
        "working_groups/group_form.html", country=country, form=form, group=record
    )


@bp.route("/<int:group_id>/close", methods=["GET", "POST"])
@login_required
def close_group(code: str, group_id: int) -> str | Response:
    """Close the group; it stays readable and a new one can be set up."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.group_of(country, group_id))
    form = CloseGroupForm()
    if not form.is_submitted():
        form.version.data = record.version
    if form.validate_on_submit():
        try:
            operations.close_group(
                record, form.closed_on.data, form.closing_note.data or "", form.version.data
            )
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".close_group", code=country.iso2, group_id=group_id))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The working group has been closed."), "success")
            return redirect(url_for(".group", code=country.iso2, group_id=record.id))
    return render_template("working_groups/close.html", country=country, form=form, group=record)


@bp.post("/<int:group_id>/reopen")
@login_required
def reopen_group(code: str, group_id: int) -> Response:
    """Undo a closing made by mistake."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.group_of(country, group_id))
    if DeleteForm().validate_on_submit():
        try:
            operations.reopen_group(record)
        except RegistryError as error:
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(_("The working group is open again."), "success")
    return redirect(url_for(".group", code=country.iso2, group_id=record.id))
