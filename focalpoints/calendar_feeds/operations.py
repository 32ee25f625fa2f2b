"""Creating, revoking and checking personal calendar links.

Changes are flushed, never committed: the request or command that makes them commits.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from focalpoints import permissions
from focalpoints.auth.models import User
from focalpoints.calendar_feeds.models import CalendarFeed
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.secret_digests import digest, new_secret

PREFIX = "fpcal_"
# PREFIX and 32 random bytes in URL-safe base64: anything else is refused before any query.
_TOKEN = re.compile(r"fpcal_[A-Za-z0-9_-]{43}")
# The last use is written at most this often: calendar applications poll.
USE_RECORDED_EVERY = timedelta(minutes=5)


def scope_of(user: User) -> int | None:
    """The country a new link of ``user`` reads, or None for every country (the Secretariat)."""
    return None if permissions.sees_all_countries(user) else user.country_id


def active_link(user: User) -> CalendarFeed | None:
    """The user's link in use, if any (one query)."""
    return db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def _revoke_all(user: User) -> int:
    links = db.session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    ).all()
    now = utcnow()
    for link in links:
        link.revoked_at = now
    return len(links)


def create_link(user: User) -> str:
    """Give ``user`` a new link, ending any previous one; the token is returned once only."""
    _revoke_all(user)
    token = new_secret(PREFIX)
    db.session.add(
        CalendarFeed(
            user_id=user.id,
            country_id=scope_of(user),
            prefix=token[:12],
            token_hash=digest(token),
        )
    )
    db.session.flush()
    return token


def revoke_links(user: User) -> int:
    """Stop the user's links from working; returns how many there were."""
    revoked = _revoke_all(user)
    db.session.flush()
    return revoked


@dataclass(frozen=True)
class Reader:
    """Who a link reads for, and what it was made for."""

    feed: CalendarFeed
    user: User


def reader_for_token(token: str) -> Reader | None:
    """The link and its user if the link works and the user still has its view; else None.

    Checked at every fetch: the link not revoked, the account active, and the user's role and
    country still those the link was made for (a national link never becomes the Secretariat's).
    """
    if not _TOKEN.fullmatch(token):
        return None
    stored = digest(token)
    row = db.session.execute(
        select(CalendarFeed, User)
        .join(User, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == stored)
    ).first()
    # The look-up is by an index on the hash; comparing the hashes again costs nothing and keeps
    # the check itself constant-time.
    if row is None or not secrets.compare_digest(row.CalendarFeed.token_hash, stored):
        return None
    feed, user = row.CalendarFeed, row.User
    if not feed.is_active or not user.active or not permissions.can_read_calendar_feed(user, feed):
        return None
    _record_use(feed)
    return Reader(feed, user)


def _record_use(feed: CalendarFeed) -> None:
    now = utcnow()
    if feed.last_used_at is not None and now - feed.last_used_at < USE_RECORDED_EVERY:
        return
    # In its own short transaction: a GET holds no write lock (see database.py).
    with db.engine.begin() as connection:
        connection.execute(
            update(CalendarFeed).where(CalendarFeed.id == feed.id).values(last_used_at=now)
        )
