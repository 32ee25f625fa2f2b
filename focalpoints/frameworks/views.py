"""Pages of the target frameworks: browse them, and (Secretariat, admins) edit their titles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.concurrency import StaleRecord
from focalpoints.conventions.models import Convention
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale
from focalpoints.forms import choices, fill_translations, translations_from
from focalpoints.frameworks import operations
from focalpoints.frameworks.forms import ElementForm, FrameworkForm
from focalpoints.frameworks.models import Framework, FrameworkElement

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")


def _framework_or_404(code: str) -> Framework:
    framework = db.session.scalar(
        select(Framework)
        .where(Framework.code == code[:40])
        .options(
            selectinload(Framework.elements),
            selectinload(Framework.conventions),
            selectinload(Framework.supersedes),
        )
    )
    if framework is None:
        abort(404)
    return framework


@bp.get("")
@login_required
def index() -> str:
    """List the frameworks, with their period and the conventions they belong to."""
    frameworks = db.session.scalars(
        select(Framework)
        .options(selectinload(Framework.conventions), selectinload(Framework.elements))
        .order_by(Framework.sort_order, Framework.code)
    ).all()
    return render_template("frameworks/index.html", frameworks=frameworks)


@bp.get("/<framework_code>")
@login_required
def detail(framework_code: str) -> str:
    """Show a framework's goals, sections and targets with their adopted texts."""
    framework = _framework_or_404(framework_code)
    groups = [e for e in framework.elements if e.is_goal or e.is_section]
    children = {
        group.id: [e for e in framework.elements if e.parent_id == group.id] for group in groups
    }
    loose = [e for e in framework.elements if e not in groups and e.parent_id is None]
    return render_template(
        "frameworks/detail.html",
        framework=framework,
        groups=groups,
        children=children,
        loose=loose,
    )


@bp.route("/<framework_code>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_frameworks)
def edit(framework_code: str) -> str | Response:
    """Change a framework's names, period, conventions and whether it is in use."""
    framework = _framework_or_404(framework_code)
    form = FrameworkForm(obj=framework)
    conventions = db.session.scalars(select(Convention).order_by(Convention.sort_order)).all()
    form.conventions.choices = choices((c.id, c.acronym) for c in conventions)
    if not form.is_submitted():
        fill_translations(form, "name", framework.names)
        fill_translations(form, "short", framework.short_names)
        form.conventions.data = [str(c.id) for c in framework.conventions]
    if form.validate_on_submit():
        chosen = {str(c.id): c for c in conventions}
        try:
            operations.update_framework(
                framework,
                form.version.data,
                names=translations_from(form, "name"),
                short_names=translations_from(form, "short"),
                start_year=form.start_year.data,
                end_year=form.end_year.data,
                conventions=[chosen[i] for i in form.conventions.data if i in chosen],
                is_active=form.is_active.data,
            )
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit", framework_code=framework.code))
        except operations.FrameworkError as error:
            form[error.field].errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The framework has been saved."), "success")
            return redirect(url_for(".detail", framework_code=framework.code))
    return render_template("frameworks/edit.html", form=form, framework=framework)


@bp.route("/elements/<int:element_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_edit_frameworks)
def edit_element(element_id: int) -> str | Response:
    """Change the short title of a goal or target in each language."""
    element = db.get_or_404(FrameworkElement, element_id)
    form = ElementForm(obj=element)
    if not form.is_submitted():
        fill_translations(form, "title", element.titles)
    if form.validate_on_submit():
        try:
            operations.update_element(element, form.version.data, translations_from(form, "title"))
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_element", element_id=element.id))
        db.session.commit()
        flash(_("The title has been saved."), "success")
        return redirect(url_for(".detail", framework_code=element.framework.code))
    return render_template("frameworks/element.html", form=form, element=element)
