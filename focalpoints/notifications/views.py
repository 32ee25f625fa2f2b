"""The in-app list of a user's notices, and their choice of notices on the account page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints.auth.views import render_account
from focalpoints.extensions import db
from focalpoints.forms import BaseForm
from focalpoints.notifications import operations, queries
from focalpoints.notifications.forms import preferences_form
from focalpoints.notifications.models import Delivery
from focalpoints.notifications.unread import unread_notices
from focalpoints.pages import add_chrome_part

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _navigation_count() -> dict[str, Any]:
    return {"unread_notices": unread_notices}


@bp.record_once
def _in_kept_pages(state: Any) -> None:
    # The frame shows the count: a page kept whole is kept for each count.
    add_chrome_part(state.app, unread_notices)


@bp.get("/notices")
@login_required
def index() -> str:
    """List the user's recent notices, newest first."""
    return render_template(
        "notifications/index.html",
        notices=queries.recent_notices(current_user),
        form=BaseForm(),
    )


@bp.post("/notices/read")
@login_required
def mark_read() -> Response:
    """Mark all the user's notices as read."""
    form = BaseForm()
    if form.validate_on_submit():
        operations.mark_all_read(current_user)
        db.session.commit()
    return redirect(url_for(".index"))


@bp.post("/account/notices")
@login_required
def preferences() -> str | Response:
    """Save which notices the user receives, and how."""

    form = preferences_form(current_user, queries.current_preferences(current_user))
    if form.validate_on_submit():
        operations.save_preferences(
            current_user,
            {f.name: Delivery(f.data) for f in form if f.name != "csrf_token"},
        )
        db.session.commit()
        flash(_("Your choice of notices has been saved."), "success")
        return redirect(url_for("auth.account", _anchor="notices"))
    return render_account(notices_form=form)
