"""Changes to reference data made by administrators: the checks and the writes views share.

The functions flush and never commit: the view that calls them commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country, Membership
from focalpoints.extensions import db


class ReferenceDataError(ValueError):
    """A change was refused; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def code_taken(model: type[Convention] | type[Role], code: str, except_id: int | None) -> bool:
    """Whether another convention or role already uses ``code``."""
    query = select(func.count()).select_from(model).where(func.upper(model.code) == code.upper())
    if except_id is not None:
        query = query.where(model.id != except_id)
    return bool(db.session.scalar(query))


def _check_code(model: type[Convention] | type[Role], code: str, obj: Any) -> str:
    code = code.upper()
    if code_taken(model, code, obj.id if obj is not None else None):
        raise ReferenceDataError("code", _l("This code is in use already."))
    return code


def save_convention(convention: Convention | None, code: str, **values: Any) -> Convention:
    """Create or change a convention; ``values`` are its other columns."""
    code = _check_code(Convention, code, convention)
    if convention is None:
        convention = Convention(code=code)
        db.session.add(convention)
    convention.code = code
    for key, value in values.items():
        setattr(convention, key, value)
    db.session.flush()
    return convention


def save_role(role: Role | None, convention: Convention, code: str, **values: Any) -> Role:
    """Create a role of ``convention`` or change one; ``values`` are its other columns."""
    code = _check_code(Role, code, role)
    if role is None:
        role = Role(code=code, convention=convention, informea_names=[])
        db.session.add(role)
    role.code = code
    for key, value in values.items():
        setattr(role, key, value)
    db.session.flush()
    return role


def overlapping_membership(
    country: Country, convention_id: int, start: date, end: date | None, except_id: int | None
) -> Membership | None:
    """Return a period of the same country and convention that overlaps [start, end), if any."""
    others = db.session.scalars(
        select(Membership).where(
            Membership.country_id == country.id, Membership.convention_id == convention_id
        )
    ).all()
    for other in others:
        if other.id == except_id:
            continue
        starts_before_other_ends = other.ended is None or start < other.ended
        ends_after_other_starts = end is None or end > other.entry_into_force
        if starts_before_other_ends and ends_after_other_starts:
            return other
    return None


def save_membership(
    country: Country,
    membership: Membership | None,
    convention_id: int,
    kind: str,
    deposited: date | None,
    entry_into_force: date,
    ended: date | None,
    signed: date | None = None,
    source: str | None = None,
    confirmed: bool = True,
    note: str | None = None,
) -> Membership:
    """Record or correct a period of membership, refusing one that overlaps another."""
    except_id = membership.id if membership is not None else None
    if overlapping_membership(country, convention_id, entry_into_force, ended, except_id):
        raise ReferenceDataError(
            "entry_into_force",
            _l("This period overlaps another period of membership of the same instrument."),
        )
    if membership is None:
        membership = Membership(country_id=country.id)
        db.session.add(membership)
    membership.convention_id = convention_id
    membership.kind = kind
    membership.signed = signed
    membership.source = source
    membership.confirmed = confirmed
    membership.note = note
    membership.deposited = deposited
    membership.entry_into_force = entry_into_force
    membership.ended = ended
    db.session.flush()
    return membership


def save_official_names(country: Country, names: dict[str, str]) -> None:
    """Set the names shown for ``country`` per language; an empty one falls back to the UN's."""
    country.official_names = {lang: name for lang, name in names.items() if name}
    db.session.flush()
