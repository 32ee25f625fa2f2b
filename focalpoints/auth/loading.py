"""How Flask-Login finds the user of a session."""

from __future__ import annotations

import secrets

from flask import Flask
from flask_babel import lazy_gettext as _l

from focalpoints.auth.models import User
from focalpoints.extensions import db, login_manager


def load_user(user_id: str) -> User | None:
    """Load the user of a session, refusing sessions of an older generation (see session_token)."""
    uid, _, token = user_id.partition(":")
    if not uid.isdigit() or not token:
        return None
    user = db.session.get(User, int(uid))
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def init_app(app: Flask) -> None:
    """Configure Flask-Login for the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
