"""Reference data administration: conventions, roles and Party membership."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from focalpoints import permissions
from focalpoints.admin import operations
from focalpoints.admin.forms import (
    AuditFilterForm,
    ConventionForm,
    MembershipForm,
    OfficialNamesForm,
    RoleForm,
)
from focalpoints.audit import queries as audit_queries
from focalpoints.conventions.models import Convention, Role
from focalpoints.conventions.queries import (
    current_member_counts,
    instrument_order,
    unconfirmed_member_counts,
)
from focalpoints.countries.labels import instrument_kind_label, requirement_label
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country, Membership
from focalpoints.countries.queries import country_by_code, memberships_as_of
from focalpoints.exports.formats import neutralise
from focalpoints.extensions import db
from focalpoints.feedback import refuse
from focalpoints.forms import choices, fill_translations, translations_from

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/conventions")
@permissions.require(permissions.can_edit_reference_data)
def conventions() -> str:
    """List conventions, their instruments and roles, with each one's Parties and sources."""
    items = db.session.scalars(
        select(Convention)
        .options(selectinload(Convention.roles), selectinload(Convention.parent))
        .order_by(Convention.sort_order, Convention.code)
    ).all()
    return render_template(
        "admin/conventions.html",
        conventions=sorted(items, key=instrument_order),
        member_counts=current_member_counts(),
        unconfirmed_counts=unconfirmed_member_counts(),
        instrument_kind_label=instrument_kind_label,
        requirement_label=requirement_label,
    )


@bp.route("/conventions/new", methods=["GET", "POST"])
@bp.route("/conventions/<int:convention_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_reference_data)
def edit_convention(convention_id: int | None = None) -> str | Response:
    """Add a convention, or change one."""
    convention = db.get_or_404(Convention, convention_id) if convention_id else None
    form = ConventionForm(obj=convention)
    conventions = db.session.scalars(
        select(Convention)
        .where(Convention.parent_id.is_(None), Convention.kind == "convention")
        .order_by(Convention.sort_order)
    )
    form.parent.choices = [
        ("", "—"),
        *choices((c.id, c.acronym) for c in conventions if c is not convention),
    ]
    if convention is not None and not form.is_submitted():
        fill_translations(form, "name", convention.names)
        fill_translations(form, "acronym", convention.acronyms)
        form.parent.data = str(convention.parent_id or "")
    if form.validate_on_submit():
        try:
            operations.save_convention(
                convention,
                form.code.data,
                names=translations_from(form, "name"),
                acronyms=translations_from(form, "acronym"),
                kind=form.kind.data,
                parent_id=int(form.parent.data) if form.parent.data else None,
                website=form.website.data or None,
                sort_order=form.sort_order.data,
                is_active=form.is_active.data,
            )
        except operations.ReferenceDataError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The convention has been saved."), "success")
            return redirect(url_for("admin.conventions"))
    return render_template("admin/convention_form.html", form=form, convention=convention)


@bp.route("/conventions/<int:convention_id>/roles/new", methods=["GET", "POST"])
@bp.route("/roles/<int:role_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_reference_data)
def edit_role(convention_id: int | None = None, role_id: int | None = None) -> str | Response:
    """Add a role to a convention, or change one."""
    role = db.get_or_404(Role, role_id) if role_id else None
    convention = role.convention if role else db.get_or_404(Convention, convention_id)
    form = RoleForm(obj=role)
    if role is not None and not form.is_submitted():
        fill_translations(form, "name", role.names)
        fill_translations(form, "basis", role.basis)
    if form.validate_on_submit():
        try:
            operations.save_role(
                role,
                convention,
                form.code.data,
                names=translations_from(form, "name"),
                holder_kind=form.holder_kind.data,
                multiple_holders=form.multiple_holders.data,
                has_primary=form.has_primary.data,
                requirement=form.requirement.data,
                basis=translations_from(form, "basis"),
                sort_order=form.sort_order.data,
                is_active=form.is_active.data,
            )
        except operations.ReferenceDataError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The role has been saved."), "success")
            return redirect(url_for("admin.conventions"))
    return render_template("admin/role_form.html", form=form, role=role, convention=convention)


def _membership_form(membership: Membership | None) -> MembershipForm:
    form = MembershipForm(obj=membership)
    conventions = db.session.scalars(
        select(Convention).options(selectinload(Convention.parent))
    ).all()
    form.convention.choices = choices(
        (c.id, f"{c.parent.acronym} / {c.acronym}" if c.parent else c.acronym)
        for c in sorted(conventions, key=instrument_order)
    )
    if membership is not None and not form.is_submitted():
        form.convention.data = str(membership.convention_id)
    return form


def _save_membership(form: MembershipForm, country: Country, membership: Membership | None) -> bool:
    try:
        operations.save_membership(
            country,
            membership,
            convention_id=int(form.convention.data),
            kind=form.kind.data,
            signed=form.signed.data,
            deposited=form.deposited.data,
            entry_into_force=form.entry_into_force.data,
            ended=form.ended.data,
            source=form.source.data or None,
            confirmed=form.confirmed.data,
            note=form.note.data or None,
        )
    except operations.ReferenceDataError as error:
        refuse(form, error)
        return False
    db.session.commit()
    flash(_("The membership has been saved."), "success")
    return True


@bp.route("/countries/<code>/memberships", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_reference_data)
def memberships(code: str) -> str | Response:
    """List a country's periods of membership and add one."""
    country = load_country(code, can=permissions.can_view_country)
    form = _membership_form(None)
    if form.validate_on_submit() and _save_membership(form, country, None):
        return redirect(url_for("admin.memberships", code=country.iso2))
    return render_template(
        "admin/memberships.html", country=country, form=form, as_of=memberships_as_of()
    )


@bp.route("/memberships/<int:membership_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_reference_data)
def edit_membership(membership_id: int) -> str | Response:
    """Correct a period of membership."""
    membership = db.get_or_404(Membership, membership_id)
    form = _membership_form(membership)
    country = membership.country
    if form.validate_on_submit() and _save_membership(form, country, membership):
        return redirect(url_for("admin.memberships", code=country.iso2))
    return render_template("admin/membership_form.html", form=form, membership=membership)


@bp.route("/countries/<code>", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_reference_data)
def official_names(code: str) -> str | Response:
    """Set official names of a country per language, where the Secretariat wants them."""
    country = load_country(code, can=permissions.can_view_country)
    form = OfficialNamesForm()
    if not form.is_submitted():
        fill_translations(form, "official", country.official_names)
    if form.validate_on_submit():
        operations.save_official_names(country, translations_from(form, "official"))
        db.session.commit()
        flash(_("The official names have been saved."), "success")
        return redirect(url_for("countries.detail", code=country.iso2))
    return render_template("admin/official_names.html", country=country, form=form)


def _audit_query() -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(request.args)
    form.entity_type.choices = choices([("", "—")] + [(t, t) for t in audit_queries.ENTITY_TYPES])
    if request.args and not form.validate():
        return form, None
    code = form.country.data or ""
    country = country_by_code(code) if code else None
    return form, audit_queries.filtered(
        # An unknown code matches no entry (no country has the id 0).
        country_id=(country.id if country else 0) if code else None,
        actor=form.actor.data or "",
        entity_type=form.entity_type.data or "",
        entity_id=form.entity_id.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


@bp.get("/audit")
@permissions.require(permissions.is_admin)
def audit_log() -> tuple[str, int]:
    """The audit log, filtered by country, user, record and date."""
    form, query = _audit_query()
    page = db.paginate(query, per_page=50, error_out=False) if query is not None else None
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/audit.html", form=form, page=page, args=args), (
        200 if query is not None else 400
    )


@bp.get("/audit.csv")
@permissions.require(permissions.is_admin)
def audit_csv() -> Response:
    """The filtered audit log as CSV (UTF-8 with BOM; no cell starts a formula)."""
    form, query = _audit_query()
    if query is None:
        return Response(
            render_template("admin/audit.html", form=form, page=None, args={}), status=400
        )

    def lines() -> Any:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "id",
                "when",
                "who",
                "action",
                "record",
                "number",
                "country_id",
                "before",
                "after",
                "address",
            ]
        )
        yield "\ufeff" + buffer.getvalue()
        for entry in audit_queries.rows(query):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(
                [
                    neutralise(v)
                    for v in (
                        entry.id,
                        entry.created_at.isoformat(),
                        entry.actor_label,
                        entry.action,
                        entry.entity_type,
                        entry.entity_id,
                        entry.country_id,
                        json.dumps(entry.before, ensure_ascii=False) if entry.before else "",
                        json.dumps(entry.after, ensure_ascii=False) if entry.after else "",
                        entry.remote_addr or "",
                    )
                ]
            )
            yield buffer.getvalue()

    response = Response(stream_with_context(lines()), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
