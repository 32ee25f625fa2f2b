"""Reading the audit log for administrators."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select

from focalpoints.audit.models import AuditEntry
from focalpoints.extensions import db

ENTITY_TYPES = (
    "users",
    "people",
    "appointments",
    "countries",
    "memberships",
    "conventions",
    "roles",
    "api_tokens",
    "exports",
    "frameworks",
    "framework_elements",
    "nbsaps",
    "national_targets",
    "alignments",
    "progress_notes",
    "report_deadlines",
    "report_statuses",
    "meetings",
    "agenda_items",
    "issues",
    "positions",
    "consultations",
)


def filtered(
    country_id: int | None = None,
    actor: str = "",
    entity_type: str = "",
    entity_id: str = "",
    date_from: Any = None,
    date_to: Any = None,
) -> Select:
    """Audit entries matching the filters, newest first (``country_id`` None: any country)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if country_id is not None:
        query = query.where(AuditEntry.country_id == country_id)
    if actor:
        query = query.where(AuditEntry.actor_label == actor.lower())
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if date_from:
        query = query.where(AuditEntry.created_at >= datetime.combine(date_from, time(), UTC))
    if date_to:
        end = datetime.combine(date_to, time(), UTC) + timedelta(days=1)
        query = query.where(AuditEntry.created_at < end)
    return query


def rows(query: Select) -> Any:
    """Stream the entries of ``query``."""
    return db.session.scalars(query.execution_options(yield_per=1000))
