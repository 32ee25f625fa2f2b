"""Changes to reference data made by administrators."""

from __future__ import annotations

from sqlalchemy import func, select

from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country, Membership
from focalpoints.extensions import db


def code_taken(model: type[Convention] | type[Role], code: str, except_id: int | None) -> bool:
    """Whether another convention or role already uses ``code``."""
    query = select(func.count()).select_from(model).where(func.upper(model.code) == code.upper())
    if except_id is not None:
        query = query.where(model.id != except_id)
    return bool(db.session.scalar(query))


def overlapping_membership(
    country: Country, convention_id: int, candidate: Membership, except_id: int | None
) -> Membership | None:
    """Return a period of the same country and convention that overlaps ``candidate``, if any."""
    others = db.session.scalars(
        select(Membership).where(
            Membership.country_id == country.id, Membership.convention_id == convention_id
        )
    ).all()
    for other in others:
        if other.id == except_id:
            continue
        starts_before_other_ends = other.ended is None or candidate.entry_into_force < other.ended
        ends_after_other_starts = (
            candidate.ended is None or candidate.ended > other.entry_into_force
        )
        if starts_before_other_ends and ends_after_other_starts:
            return other
    return None
