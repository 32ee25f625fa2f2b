"""Pages where administrators and the Secretariat create and revoke their API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired

from focalpoints import permissions
from focalpoints.api import tokens
from focalpoints.api.models import ApiToken
from focalpoints.extensions import db
from focalpoints.forms import BaseForm, strip_filter, text_length

bp = Blueprint("api_tokens", __name__, url_prefix="/api-tokens")


class TokenForm(BaseForm):
    name = StringField(
        _l("What the token is for"),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Say what the token is for.")), text_length(100)],
    )


class RevokeForm(BaseForm):
    """Only the CSRF token."""


def _own_tokens() -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at.desc())
    if not permissions.is_admin(current_user):
        query = query.where(ApiToken.user_id == current_user.id)
    return list(db.session.scalars(query))


@bp.route("", methods=["GET", "POST"])
@permissions.require(permissions.sees_all_countries)
def index() -> str:
    """List tokens and create one; its value is shown once, on this page only."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = tokens.create_token(current_user._get_current_object(), form.name.data)
        db.session.commit()
        form = TokenForm(formdata=None)
    return render_template(
        "api/tokens.html",
        form=form,
        tokens=_own_tokens(),
        new_token=new_token,
        revoke_form=RevokeForm(),
    )


@bp.post("/<int:token_id>/revoke")
@permissions.require(permissions.sees_all_countries)
def revoke(token_id: int) -> Response:
    """Stop a token from working."""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id and not permissions.is_admin(current_user):
        abort(403)
    if RevokeForm().validate_on_submit():
        tokens.revoke(token)
        db.session.commit()
        flash(_("The token has been revoked."), "success")
    return redirect(url_for(".index"))
