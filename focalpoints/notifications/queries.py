"""Loading a user's notices for the in-app list, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select

from focalpoints.auth.models import User
from focalpoints.extensions import db
from focalpoints.notifications.kinds import KINDS, Rendered, kinds_for
from focalpoints.notifications.models import Delivery, Notice
from focalpoints.notifications.operations import (
    delivery_for,
    may_receive,
    preferences,
    prepare,
    render,
)
from focalpoints.permissions import sees_all_countries

RECENT = 50


@dataclass
class ShownNotice:
    notice: Notice
    rendered: Rendered


def recent_notices(user: User, limit: int = RECENT) -> list[ShownNotice]:
    """The user's latest notices, rendered in the current locale (one query plus the kinds')."""
    notices = [
        n
        for n in db.session.scalars(
            select(Notice)
            .where(Notice.user_id == user.id)
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(limit)
        )
        if n.kind in KINDS and may_receive(user, n.country_id)
    ]
    prepared = prepare(notices)
    return [ShownNotice(n, render(n, prepared)) for n in notices]


# Every page's navigation runs one of these: built once.
_UNREAD = (
    select(func.count())
    .select_from(Notice)
    .where(Notice.user_id == bindparam("user_id"), Notice.read_at.is_(None))
)
_UNREAD_OWN_COUNTRY = _UNREAD.where(
    or_(Notice.country_id.is_(None), Notice.country_id == bindparam("country_id"))
)


def unread_count(user: User) -> int:
    """How many of the user's notices are unread (of those the list shows them)."""
    # Through Core, in the session's transaction: a count needs no ORM result handling.
    connection = db.session.connection()
    if sees_all_countries(user):
        return connection.scalar(_UNREAD, {"user_id": user.id}) or 0
    return (
        connection.scalar(_UNREAD_OWN_COUNTRY, {"user_id": user.id, "country_id": user.country_id})
        or 0
    )


def current_preferences(user: User) -> dict[str, Delivery]:
    """Kind code -> how ``user`` receives it, for every kind they can receive."""
    chosen = preferences([user.id])
    return {kind.code: delivery_for(chosen, user.id, kind) for kind in kinds_for(user)}
