"""Reading instruments and their membership for lists and checks."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from sqlalchemy import func, or_, select

from focalpoints.countries.models import Membership
from focalpoints.extensions import db


class _Ordered(Protocol):
    code: str
    sort_order: int


def instrument_order(instrument: Any, parents: dict[int, Any] | None = None) -> tuple[Any, ...]:
    """Sort key that puts each convention first, then the instruments under it.

    ``instrument`` is a :class:`Convention` (whose ``parent`` is loaded) or a record with a
    ``parent_id``, in which case ``parents`` maps ids to records.
    """
    parent_id = getattr(instrument, "parent_id", None)
    parent: _Ordered | None
    if parents is not None:
        parent = parents.get(parent_id) if parent_id else None
    else:
        parent = getattr(instrument, "parent", None)
    head = parent or instrument
    return (head.sort_order, head.code, parent is not None, instrument.sort_order, instrument.code)


def _current(on: date) -> Any:
    started = or_(Membership.entry_into_force.is_(None), Membership.entry_into_force <= on)
    return started & or_(Membership.ended.is_(None), Membership.ended > on)


def current_member_counts(on: date | None = None) -> dict[int, int]:
    """Instrument id -> how many countries are Parties (or signatories) on ``on``."""
    on = on or date.today()
    rows = db.session.execute(
        select(Membership.convention_id, func.count(func.distinct(Membership.country_id)))
        .where(_current(on))
        .group_by(Membership.convention_id)
    )
    return dict(rows.all())


def unconfirmed_member_counts() -> dict[int, int]:
    """Instrument id -> how many membership records no source read confirms."""
    rows = db.session.execute(
        select(Membership.convention_id, func.count())
        .where(Membership.confirmed.is_(False))
        .group_by(Membership.convention_id)
    )
    return dict(rows.all())
