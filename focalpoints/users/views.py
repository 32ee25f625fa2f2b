"""Account management: administrators for everyone, coordinators for their own country."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.auth import operations
from focalpoints.auth.models import User, UserRole
from focalpoints.countries.models import Country
from focalpoints.countries.queries import list_countries
from focalpoints.extensions import db, limiter
from focalpoints.forms import choices, language_choices
from focalpoints.i18n import available_languages, current_language
from focalpoints.two_factor.operations import is_enrolled
from focalpoints.users.forms import InviteForm, UserForm

bp = Blueprint("users", __name__, url_prefix="/users")


def _invitation_limit() -> str:
    return current_app.config["INVITATION_RATE_LIMIT"]


def _get_user_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not permissions.can_manage_user(current_user, user):
        abort(403)
    return user


def _set_choices(form: UserForm) -> None:
    form.role.choices = choices(
        (r.value, r.label) for r in permissions.assignable_roles(current_user)
    )
    if permissions.is_admin(current_user):
        form.country.choices = choices([("", "—")] + [(c.iso2, c.name) for c in list_countries()])
    else:
        del form.country  # a coordinator's accounts are always of their own country
    form.language.choices = language_choices(available_languages())


def _chosen_country(form: UserForm) -> Country | None:
    """The country for the account: an admin's choice, else always the coordinator's own."""
    if not UserRole(form.role.data).is_national:
        return None
    if not permissions.is_admin(current_user):
        return current_user.country
    return db.session.scalar(select(Country).where(Country.iso2 == form.country.data))


@bp.get("")
@permissions.require(permissions.can_manage_users)
def index() -> str:
    """List the accounts the current user manages."""
    query = select(User).options(joinedload(User.country)).order_by(User.email)
    if not permissions.is_admin(current_user):
        query = query.where(User.country_id == current_user.country_id)
    users = db.session.scalars(query).all()
    return render_template("users/index.html", users=users)


@bp.route("/invite", methods=["GET", "POST"])
@permissions.require(permissions.can_manage_users)
@limiter.limit(_invitation_limit, methods=["POST"])
def invite() -> str | Response:
    """Create an account and mail its owner a link to set a password."""
    form = InviteForm()
    _set_choices(form)
    if not form.is_submitted():
        form.language.data = current_language()
    if form.validate_on_submit():
        user = operations.create_user(
            email=form.email.data,
            role=UserRole(form.role.data),
            country=_chosen_country(form),
            name=form.name.data or "",
            language=form.language.data,
            invited_by=current_user,
        )
        db.session.commit()  # the account exists before its link is mailed
        operations.send_invitation(user, current_user)
        flash(_("An invitation has been sent to %(email)s.", email=user.email), "success")
        return redirect(url_for("users.index"))
    return render_template("users/invite.html", form=form)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@permissions.require(permissions.can_manage_users)
def edit(user_id: int) -> str | Response:
    """Change an account's name, role, country and language."""
    user = _get_user_or_404(user_id)
    form = UserForm(obj=user)
    _set_choices(form)
    if not form.is_submitted() and "country" in form:
        form.country.data = user.country.iso2 if user.country else ""
    if form.validate_on_submit():
        operations.update_user(
            user,
            name=form.name.data,
            role=UserRole(form.role.data),
            country=_chosen_country(form),
            language=form.language.data,
        )
        db.session.commit()
        flash(_("The account has been saved."), "success")
        return redirect(url_for("users.index"))
    return render_template(
        "users/edit.html", form=form, user=user, two_step_enrolled=is_enrolled(user)
    )


@bp.post("/<int:user_id>/deactivate")
@permissions.require(permissions.can_manage_users)
def deactivate(user_id: int) -> Response:
    """Stop an account from logging in and end its sessions."""
    user = _get_user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "danger")
    else:
        operations.deactivate(user)
        db.session.commit()
        flash(_("%(email)s can no longer log in.", email=user.email), "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/reactivate")
@permissions.require(permissions.can_manage_users)
def reactivate(user_id: int) -> Response:
    """Let a deactivated account log in again."""
    user = _get_user_or_404(user_id)
    operations.reactivate(user)
    db.session.commit()
    flash(_("%(email)s can log in again.", email=user.email), "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/resend-invitation")
@permissions.require(permissions.can_manage_users)
@limiter.limit(_invitation_limit)
def resend_invitation(user_id: int) -> Response:
    """Send a fresh invitation link to an account that has not set a password yet."""
    user = _get_user_or_404(user_id)
    if user.has_password:
        flash(_("This account already has a password."), "info")
    else:
        operations.send_invitation(user, current_user)
        flash(_("An invitation has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("users.index"))
