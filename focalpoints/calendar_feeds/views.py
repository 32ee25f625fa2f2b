"""The user's calendar link, and the feed that calendar applications fetch with it."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from focalpoints.calendar_feeds import contents, operations
from focalpoints.calendar_feeds.forms import NEW, CalendarLinkForm
from focalpoints.extensions import db, limiter
from focalpoints.secret_digests import digest
from focalpoints.security import without_session
from focalpoints.urls import external_url
from focalpoints.working_groups.calendar import ICS_TYPE

bp = Blueprint("calendar_feeds", __name__)


def _link_limit() -> str:
    return current_app.config["CALENDAR_FEED_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["CALENDAR_FEED_ADDRESS_RATE_LIMIT"]


def _link_key() -> str:
    # The limiter's storage (memory, Redis) sees the hash, never the token.
    token = (request.view_args or {}).get("token", "")
    return "calendar-link:" + digest(str(token))


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def index() -> str | Response:
    """The user's calendar link: make one (its address is shown once), a new one, or revoke it."""
    user = current_user._get_current_object()
    form = CalendarLinkForm()
    new_url = None
    if form.is_submitted():
        if not form.validate():
            abort(400)  # only the page's own buttons send this form
        if form.action.data == NEW:
            replaced = operations.active_link(user) is not None
            new_url = external_url("calendar_feeds.feed", token=operations.create_link(user))
            db.session.commit()
            if replaced:
                flash(_("Your previous calendar link no longer works."), "info")
        else:
            revoked = operations.revoke_links(user)
            db.session.commit()
            if revoked:
                flash(
                    _("Your calendar link has been revoked: calendars stop updating from it."),
                    "success",
                )
            return redirect(url_for(".index"))
    response = Response(
        render_template(
            "calendar_feeds/index.html",
            link=operations.active_link(user),
            for_country=operations.scope_of(user) is not None,
            new_url=new_url,
            webcal_url="webcal://" + new_url.partition("://")[2] if new_url else None,
            form=CalendarLinkForm(formdata=None),
        )
    )
    if new_url:
        response.headers["Cache-Control"] = "no-store"  # the address is secret: keep no copy
    return response


@bp.get("/calendar/<token>.ics")
@without_session
@limiter.limit(_address_limit)
@limiter.limit(_link_limit, key_func=_link_key)
def feed(token: str) -> Response:
    """The calendar of a link, for calendar applications: no log-in; 404 unless it works."""
    reader = operations.reader_for_token(token)
    if reader is None:
        abort(404)  # a revoked link, a deactivated user and a made-up token look the same
    response = Response(contents.ics(reader), mimetype="text/calendar")
    response.headers["Content-Type"] = ICS_TYPE
    max_age = current_app.config["CALENDAR_FEED_MAX_AGE"]
    response.headers["Cache-Control"] = f"private, max-age={max_age}"
    response.headers["Content-Disposition"] = 'inline; filename="focalpoints.ics"'
    return response
