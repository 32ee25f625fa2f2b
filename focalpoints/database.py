"""Database behaviour that must hold on every connection, whatever the entry point."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from focalpoints.extensions import db

_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_installed = False
_writing: ContextVar[bool] = ContextVar("focalpoints_writing", default=False)
_WROTE = "focalpoints_wrote"  # session.info: the transaction has written something


def install_sqlite_behaviour() -> None:
    """Make SQLite safe under concurrent writers (WAL, busy timeout, foreign keys, explicit BEGIN).

    pysqlite's own transaction handling is switched off so that SQLAlchemy's BEGIN is the one sent,
    and a request that may write takes the write lock at its start (BEGIN IMMEDIATE): a deferred
    transaction that reads and then writes fails, or loses updates, when another writer got in
    between.
    """
    global _installed
    if _installed:
        return
    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)
    _installed = True


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if type(dbapi_connection).__module__.split(".")[0] not in {"sqlite3", "pysqlite2"}:
        return
    dbapi_connection.isolation_level = None
    timeout = current_app.config["SQLITE_BUSY_TIMEOUT_MS"] if has_app_context() else 10_000
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_begin(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")


def wants_write_lock() -> bool:
    """Whether the current unit of work may write: a non-GET request, or code inside writing()."""
    if _writing.get():
        return True
    if has_request_context():
        return request.method not in _READ_ONLY_METHODS
    return False


def end_if_unwritten() -> None:
    """End the session's transaction if it has written nothing, so that slow work after it (a
    password hash, an e-mail) holds no lock; the objects it loaded are read again afterwards.

    A transaction that has written is left open: whoever opened it commits it whole.
    """
    session = db.session
    if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
        return
    session.commit()


def _note_flush(session: Session, flush_context: Any) -> None:
    session.info[_WROTE] = True


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def _forget_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_WROTE, None)


def listen_to_every_session(listeners: dict[str, Callable[..., Any]]) -> None:
    """Listen to these events of every session, each listener once however often called."""
    for name, listener in listeners.items():
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# Note in every session whether its transaction has written (for end_if_unwritten).
listen_to_every_session(
    {
        "after_flush": _note_flush,
        "do_orm_execute": _note_statement,
        "after_transaction_end": _forget_writes,
    }
)


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Mark work outside a request (commands, scripts) as writing, so it takes the lock at BEGIN."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def lock(model: Any, *ids: int) -> None:
    """Lock these rows until the transaction ends, and reload them (PostgreSQL's FOR NO KEY UPDATE).

    An operation that reads, decides and then writes takes the lock first, so that a second
    request doing the same waits and then decides on what the first one saved. Rows are locked
    in id order (no deadlock between two operations on the same rows). NO KEY UPDATE leaves
    inserts that refer to the rows free. SQLite has no row locks: a writing request holds the
    database's write lock from BEGIN IMMEDIATE already, and this is a plain reload.
    """
    db.session.execute(
        select(model)
        .where(model.id.in_(ids))
        .order_by(model.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).all()


def lost_race(error: Exception) -> bool:
    """Whether a failed write lost a race to a concurrent one rather than met a bug.

    A unique index refused the row (the other writer's row came first); SQLite could not take
    the write lock for a transaction that read before another writer committed; or PostgreSQL
    broke a deadlock or a serialisation conflict.
    """
    original = getattr(error, "orig", None)
    code = getattr(original, "sqlstate", None)
    if isinstance(error, IntegrityError):
        return code == "23505" or "UNIQUE constraint failed" in str(original)
    if isinstance(error, OperationalError):
        return code in {"40001", "40P01"} or "database is locked" in str(original)
    return False
