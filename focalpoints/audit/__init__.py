"""Audit logging of every write, through SQLAlchemy session events."""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from focalpoints.audit import versions
from focalpoints.audit.mixins import Audited
from focalpoints.audit.models import AuditEntry
from focalpoints.db_types import utcnow
from focalpoints.extensions import db

__all__ = ["AuditEntry", "Audited", "acting_as", "install", "record_event"]

_actor_label: ContextVar[str | None] = ContextVar("audit_actor_label", default=None)
# The label of a focal point who corrects their own details through a confirmation link.
LINK_SUFFIX = " (link)"
_installed = False


@contextlib.contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Attribute writes made outside a request (CLI, imports) to ``label``."""
    token = _actor_label.set(label)
    try:
        yield
    finally:
        _actor_label.reset(token)


def install() -> None:
    """Listen to every ORM flush and write audit rows for Audited models; raise the data
    versions of what each transaction wrote."""
    global _installed
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        versions.install()
        _installed = True


def record_event(
    session: Session,
    action: str,
    entity_type: str,
    entity_id: Any = None,
    country_id: int | None = None,
    details: dict[str, Any] | None = None,
    actor: Any = None,
    before: dict[str, Any] | None = None,
) -> None:
    """Add an audit row for an event that is not a plain row change (log-in, export, refusal,
    a change of a record's links to others)."""
    actor_id, label = _actor(actor)
    session.add(
        AuditEntry(
            actor_id=actor_id,
            actor_label=label,
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            country_id=country_id,
            before=before,
            after=details,
            remote_addr=_remote_addr(),
        )
    )


def record_now(
    action: str,
    entity_type: str,
    entity_id: Any = None,
    country_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record an event in a transaction of its own (from reading requests: exports, refusals).

    The request's own transaction, read-only, is left alone: it takes no write lock.
    """

    actor_id, label = _actor()
    with db.engine.begin() as connection:
        connection.execute(
            insert(AuditEntry).values(
                created_at=utcnow(),
                actor_id=actor_id,
                actor_label=label,
                action=action,
                entity_type=entity_type,
                entity_id=None if entity_id is None else str(entity_id),
                country_id=country_id,
                before=None,
                after=details,
                remote_addr=_remote_addr(),
            )
        )


def _actor(actor: Any = None) -> tuple[int | None, str]:
    if actor is not None:
        return actor.id, actor.email
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    label = _actor_label.get()
    if label:
        return None, label
    return None, "anonymous" if has_request_context() else "system"


def _remote_addr() -> str | None:
    return request.remote_addr if has_request_context() else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def _row_values(obj: Audited) -> dict[str, Any]:
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in obj.__audit_secret__:
            continue
        values[key] = _jsonable(getattr(obj, key))
    return values


def _changes(obj: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    # A record's version (its mapper's version_id_col) is bookkeeping of concurrent edits.
    version = state.mapper.version_id_col
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in obj.__audit_ignore__ or (version is not None and attr.columns[0] is version):
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        if key in obj.__audit_secret__:
            before[key], after[key] = "[hidden]", "[changed]"
        else:
            before[key], after[key] = _jsonable(old), _jsonable(new)
    return before, after


def _after_flush(session: Session, flush_context: Any) -> None:
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_entry(obj, "create", None, _row_values(obj)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                rows.append(_entry(obj, "update", before, after))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_entry(obj, "delete", _row_values(obj), None))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def _entry(obj: Audited, action: str, before: Any, after: Any) -> dict[str, Any]:
    actor_id, label = _actor()
    state = inspect(obj)
    identity = state.mapper.primary_key_from_instance(obj)
    return {
        "created_at": utcnow(),
        "actor_id": actor_id,
        "actor_label": label,
        "action": action,
        "entity_type": obj.__tablename__,  # type: ignore[attr-defined]
        "entity_id": ",".join(str(part) for part in identity)
        if any(part is not None for part in identity)
        else None,
        "country_id": obj.audit_country_id,
        "before": before,
        "after": after,
        "remote_addr": _remote_addr(),
    }
