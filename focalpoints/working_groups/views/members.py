"""Pages of the group's members: people of the registry or new stakeholders joining, leaving."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.authorise import found
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.focal_points import queries as registry_queries
from focalpoints.focal_points.forms import DeleteForm
from focalpoints.focal_points.models import Person
from focalpoints.focal_points.operations import RegistryError
from focalpoints.forms import choices
from focalpoints.working_groups import operations, queries
from focalpoints.working_groups.forms import EditMemberForm, MemberForm, StakeholderForm
from focalpoints.working_groups.models import WorkingGroup
from focalpoints.working_groups.views.common import bp, person_id_of, toggle


@bp.post("/<int:group_id>/members/focal-points")
@login_required
def add_focal_points(code: str, group_id: int) -> Response:
    """Add every current national focal point who is not a member yet."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.group_of(country, group_id))
    if DeleteForm().validate_on_submit():
        try:
            added = operations.add_focal_points(record)
        except RegistryError as error:
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            if added:
                message = ngettext(
                    "%(num)d focal point has been added to the group.",
                    "%(num)d focal points have been added to the group.",
                    added,
                )
                flash(message, "success")
            else:
                flash(_("Every current focal point is a member already."), "info")
    return redirect(url_for(".group", code=country.iso2, group_id=record.id))


def _existing_form(country: Country, record: WorkingGroup, submitted: bool) -> MemberForm:
    """The form adding someone of the registry, offering those not in the group."""
    existing = MemberForm(prefix="existing", **({} if submitted else {"formdata": None}))
    members = {m.person_id for m in record.members if m.is_current}
    people = [p for p in registry_queries.people_of(country) if p.id not in members]
    existing.person.choices = choices([("", "—")] + [(p.id, p.display_name) for p in people])
    return existing


@bp.route("/<int:group_id>/members/new", methods=["GET", "POST"])
@login_required
def add_member(code: str, group_id: int) -> str | Response:
    """Add a person of the registry to the group."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.group_of(country, group_id))
    existing = _existing_form(country, record, submitted=True)
    if existing.validate_on_submit():
        person = _person_of(country, existing.person.data)
        if person is None:
            existing.person.errors.append(_("Choose a person."))
        else:
            try:
                operations.add_member(
                    record,
                    person,
                    existing.category.data,
                    existing.group_role.data,
                    existing.joined_on.data,
                )
            except RegistryError as error:
                refuse(existing, error)
            else:
                db.session.commit()
                flash(_("%(name)s has joined the group.", name=person.display_name), "success")
                return redirect(url_for(".group", code=country.iso2, group_id=record.id))
    return render_template(
        "working_groups/member_new.html",
        country=country,
        group=record,
        existing=existing,
        stakeholder=StakeholderForm(prefix="new", formdata=None),
    )


@bp.route("/<int:group_id>/members/new-stakeholder", methods=["GET", "POST"])
@login_required
def add_stakeholder(code: str, group_id: int) -> str | Response:
    """Create a stakeholder in the registry and add them to the group."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.group_of(country, group_id))
    stakeholder = StakeholderForm(prefix="new")
    if stakeholder.validate_on_submit():
        values = {name: stakeholder[name].data or "" for name in operations.STAKEHOLDER_FIELDS}
        try:
            member = operations.add_stakeholder(
                record,
                values,
                stakeholder.category.data,
                stakeholder.group_role.data,
                stakeholder.joined_on.data,
            )
            person = member.person
        except RegistryError as error:
            db.session.rollback()  # the new person too: they join the group or are not added
            refuse(stakeholder, error)
        else:
            db.session.commit()
            flash(_("%(name)s has joined the group.", name=person.display_name), "success")
            return redirect(url_for(".group", code=country.iso2, group_id=record.id))
    return render_template(
        "working_groups/member_new.html",
        country=country,
        group=record,
        existing=_existing_form(country, record, submitted=False),
        stakeholder=stakeholder,
    )


def _person_of(country: Country, value: Any) -> Person | None:
    person_id = person_id_of(value)
    person = db.session.get(Person, person_id) if person_id else None
    if person is None or person.country_id != country.id or person.is_deleted:
        return None
    return person


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def edit_member(code: str, member_id: int) -> str | Response:
    """Change a member's category, role in the group, or record that they left."""
    country = load_country(code, can=permissions.can_edit_working_group)
    member = found(queries.member_of(country, member_id))
    form = EditMemberForm(obj=member)
    if form.validate_on_submit():
        values = {
            "category": form.category.data,
            "group_role": form.group_role.data,
            "joined_on": form.joined_on.data,
            "left_on": form.left_on.data,
        }
        try:
            operations.update_member(member, values, form.version.data)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_member", code=country.iso2, member_id=member_id))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The record has been saved."), "success")
            return redirect(url_for(".group", code=country.iso2, group_id=member.group_id))
    return render_template(
        "working_groups/member_edit.html", country=country, member=member, form=form
    )


@bp.post("/members/<int:member_id>/remove")
@login_required
def remove_member(code: str, member_id: int) -> Response:
    """Take out a member entered by mistake; it can be restored."""
    return toggle(code, member_id, queries.member_of, operations.remove_member, _("Removed."))


@bp.post("/members/<int:member_id>/restore")
@login_required
def restore_member(code: str, member_id: int) -> Response:
    """Bring back a member taken out by mistake."""
    return toggle(code, member_id, queries.member_of, operations.restore_member, _("Restored."))
