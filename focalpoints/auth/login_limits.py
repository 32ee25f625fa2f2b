"""The per-address rate limit of every log-in step (password, code, passkey, recovery code)."""

from __future__ import annotations

from flask import Response, current_app, g


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_failed(response: Response) -> bool:
    """Only failures count toward the per-address limit: an office behind one address logs in.

    A log-in step sets ``g.login_failed`` when the secret it was given is wrong.
    """
    return bool(g.get("login_failed"))
