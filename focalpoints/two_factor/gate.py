"""The state between the two steps of log-in, and the gate that holds a session in it.

After a right password, a user who has (or must set up) two-step verification is not logged in:
the session only names them as pending, for TWO_FACTOR_PENDING_MINUTES. Flask-Login sees an
anonymous visitor, and the gate sends every request but the second step's own pages (and
log-out, and the language switcher) back to that step.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from focalpoints.auth.loading import SECOND_FACTOR_KEY, SESSION_KEY
from focalpoints.auth.models import User
from focalpoints.auth.operations import end_session
from focalpoints.extensions import db
from focalpoints.two_factor.operations import is_enrolled, is_required

PENDING_KEY = "two_step_pending"
# What a pending session may reach: the second step, setting it up, giving up, and the
# language of those pages.
ALLOWED_ENDPOINTS = frozenset(
    {
        "two_factor.verify",
        "two_factor.verify_passkey",
        "two_factor.passkey_challenge",
        "two_factor.enrol",
        "auth.logout",
        "auth.set_language",
        "static",
    }
)


def begin(user: User, next_url: str | None, enrol: bool) -> None:
    """Hold the session between the steps: ``user`` passed the password, nothing more."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session[PENDING_KEY] = {
        "user": user.id,
        "token": user.session_token,  # a new password meanwhile voids the pending step
        "since": int(time.time()),
        "next": next_url,
        "enrol": enrol,
    }


def pending() -> dict[str, Any] | None:
    """The pending log-in of this session, if there is one and it has not expired."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    since = data.get("since")
    if not isinstance(since, int):
        return None
    if time.time() - since > current_app.config["TWO_FACTOR_PENDING_MINUTES"] * 60:
        return None
    return data


def pending_user() -> User | None:
    """The user between the two steps of log-in on this session, if any."""
    data = pending()
    if data is None or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    token = data.get("token")
    if user is None or not user.active or not isinstance(token, str):
        return None
    if not secrets.compare_digest(user.session_token, token):
        return None
    return user


def needs_enrolment() -> bool:
    """Whether the pending user must set up an authenticator before going on."""
    data = pending()
    return bool(data and data.get("enrol"))


def next_url() -> str | None:
    """Where the pending log-in was going."""
    data = pending()
    value = data.get("next") if data else None
    return value if isinstance(value, str) else None


def abandon() -> Response:
    """End an expired or void pending log-in and send the visitor to log in again."""
    session.pop(PENDING_KEY, None)
    flash(_("Log in again: the second step was not completed in time."), "info")
    return redirect(url_for("auth.login"))


def _check_request() -> Response | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint in ALLOWED_ENDPOINTS:
        return None
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "without_session", False):
        return None  # reads no session: a pending one grants nothing there
    if PENDING_KEY in session:
        if pending_user() is None:
            if endpoint == "auth.login":
                session.pop(PENDING_KEY, None)
                return None
            return abandon()
        return redirect(url_for("two_factor.enrol" if needs_enrolment() else "two_factor.verify"))
    if SESSION_KEY in session and SECOND_FACTOR_KEY not in session:
        return _check_older_session()
    return None


def _check_older_session() -> Response | None:
    """A session opened before two-step log-in existed: send its user through the second step
    if they need one now."""

    if not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    enrolled = is_enrolled(user)
    if not enrolled and not is_required(user):
        session[SECOND_FACTOR_KEY] = "none"
        return None
    end_session(user)
    db.session.commit()
    begin(user, request.path if request.method == "GET" else None, enrol=not enrolled)
    return redirect(url_for("two_factor.enrol" if not enrolled else "two_factor.verify"))


def init_app(app: Flask) -> None:
    """Install the gate in front of every view."""
    app.before_request(_check_request)
