"""Designations officially notified and not yet acknowledged, oldest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Person, Status
from focalpoints.reference.snapshot import reference_snapshot


@dataclass(frozen=True)
class QueueFilters:
    """The instrument (a convention includes the instruments under it) and the region."""

    convention: str = ""
    region: str = ""


def waiting(filters: QueueFilters) -> list[Appointment]:
    """Every officially notified designation the filters keep, the oldest letter first, with
    its person, role and instrument (one query)."""
    query = (
        select(Appointment)
        .join(Appointment.person)
        .join(Appointment.role)
        .join(Role.convention)
        .join(Appointment.country)
        .where(Appointment.status == Status.NOTIFIED.value, Person.deleted_at.is_(None))
        .options(
            contains_eager(Appointment.person),
            contains_eager(Appointment.role).contains_eager(Role.convention),
            contains_eager(Appointment.country),
        )
        .order_by(func.coalesce(Appointment.letter_date, Appointment.start_date), Appointment.id)
    )
    if filters.convention:
        codes = [c.code for c in reference_snapshot().family(filters.convention)]
        query = query.where(Convention.code.in_(codes or [filters.convention]))
    if filters.region:
        query = query.where(Country.mea_region == filters.region)
    return list(db.session.scalars(query).unique())


def by_ids(ids: list[int]) -> list[Appointment]:
    """The notified designations of these ids (others are left out)."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Appointment).where(
                Appointment.id.in_(ids), Appointment.status == Status.NOTIFIED.value
            )
        )
    )
