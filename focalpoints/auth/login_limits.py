"""Limits on log-in attempts, shared by every step (password, code, passkey, recovery code):
the per-address rate limit, and the throttle of one account name (or one pending user) from one
address, whose failures make it wait longer and longer.

A leaf module (models and extensions only), so that the password step (auth) and the second
step (two_factor) both use it without importing each other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, current_app, g
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from focalpoints.auth.models import LoginThrottle
from focalpoints.extensions import db


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_failed(response: Response) -> bool:
    """Only failures count toward the per-address limit: an office behind one address logs in.

    A log-in step sets ``g.login_failed`` when the secret it was given is wrong.
    """
    return bool(g.get("login_failed"))


def throttle_delay(failures: int) -> timedelta:
    """How long a pair waits after its ``failures``-th failure: nothing at first, then doubling."""
    config = current_app.config
    beyond = failures - config["LOGIN_FREE_FAILURES"]
    if beyond <= 0:
        return timedelta(0)
    seconds = config["LOGIN_FIRST_DELAY_SECONDS"] * 2 ** min(beyond - 1, 30)
    return timedelta(seconds=min(seconds, config["LOGIN_MAX_DELAY_SECONDS"]))


def record_failure(key: str, now: datetime) -> None:
    """Count a failure of the pair (atomically, whatever other workers do) and set its wait.

    The caller commits, also when the request fails: the failure must count.
    """
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    failures = db.session.execute(
        insert(LoginThrottle)
        .values(key=key, failures=1, last_failed_at=now)
        .on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={"failures": LoginThrottle.failures + 1, "last_failed_at": now},
        )
        .returning(LoginThrottle.failures)
    ).scalar_one()
    wait = throttle_delay(failures)
    if wait:
        db.session.execute(
            update(LoginThrottle).where(LoginThrottle.key == key).values(blocked_until=now + wait)
        )
    # Pairs that stopped failing long ago are forgotten.
    forget = now - timedelta(hours=current_app.config["LOGIN_THROTTLE_FORGET_HOURS"])
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failed_at < forget))


def throttle_wait(key: str, now: datetime) -> timedelta | None:
    """How long the throttled pair ``key`` must still wait, or None if it may try now."""
    blocked_until = db.session.scalar(
        select(LoginThrottle.blocked_until).where(LoginThrottle.key == key)
    )
    if blocked_until is not None and blocked_until > now:
        return blocked_until - now
    return None


def clear_throttle(key: str) -> None:
    """Forget the failures of ``key`` after a success."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
