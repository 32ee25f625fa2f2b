"""How Flask-Login finds the user of a session."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, current_app, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update

from focalpoints.auth.models import LoginSession, User
from focalpoints.db_types import utcnow
from focalpoints.extensions import db, login_manager
from focalpoints.secret_digests import digest

SESSION_KEY = "sid"
# How the session passed the second step of log-in (see focalpoints/two_factor/gate.py).
SECOND_FACTOR_KEY = "second_factor"


# Built once: every request runs it. The session's columns, not an object: only read.
_SESSION_USER = (
    select(User, LoginSession.id, LoginSession.last_seen_at, LoginSession.created_at)
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        LoginSession.id == bindparam("session_id"),
        LoginSession.ended_at.is_(None),
    )
)


def load_user(user_id: str) -> User | None:
    """Load the user of a session that is still open server-side.

    Refused: an older session generation (password changed, account deactivated), a session
    ended by log-out (even from a copied cookie), an idle or too old one.
    """
    uid, _, token = user_id.partition(":")
    sid = session.get(SESSION_KEY)
    if not uid.isdigit() or not token or not isinstance(sid, str):
        return None
    row = db.session.execute(
        _SESSION_USER, {"user_id": int(uid), "session_id": digest(sid)}
    ).first()
    if row is None:
        return None
    user, login_session_id, last_seen_at, created_at = row
    if not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if now - last_seen_at > idle:
        return None
    if now - created_at > current_app.config["PERMANENT_SESSION_LIFETIME"]:
        return None
    if now - last_seen_at > timedelta(minutes=1):
        # In its own short transaction: a GET holds no write lock (see database.py).
        with db.engine.begin() as connection:
            connection.execute(
                update(LoginSession)
                .where(LoginSession.id == login_session_id)
                .values(last_seen_at=now)
            )
    return user


def init_app(app: Flask) -> None:
    """Configure Flask-Login for the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
