"""Data versions: a counter per scope of data, raised in the same transaction as each write.

A cache keyed on a scope's version costs one read by primary key, instead of re-reading the
rows it was made from. The audit hook (:mod:`focalpoints.audit`) notes which scopes each flush
touched; just before the transaction commits, their counters are raised in one statement, in
the order of their names, so that two writers never wait for each other's counters in
opposite orders. The counter row stays locked until the commit: writers of one scope commit one
after the other (SQLite serialises every writer anyway), and a version read after a commit is
never lower than one read before it. ORM bulk statements (``session.execute(insert(Person),
rows)``) are noted too. Writes through a bare connection (``db.engine.begin()``) bypass both
the audit log and the versions: the only one to a versioned table marks people's refused
addresses, which no versioned cache shows.

Unlike a count of audit rows, a counter does not go back when the audit log is pruned.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from focalpoints.audit.models import AuditEntry, DataVersion
from focalpoints.database import listen_to_every_session, wants_write_lock
from focalpoints.extensions import db

#: Conventions, roles, countries and their membership, and the data files applied to them:
#: the cached reference data (:mod:`focalpoints.reference.snapshot`).
REFERENCE = "reference"
#: People and their appointments: contact lists, the API and coverage.
REGISTRY = "registry"
SCOPES = {
    **dict.fromkeys(("conventions", "roles", "countries", "memberships"), REFERENCE),
    "reference_datasets": REFERENCE,
    **dict.fromkeys(("people", "appointments"), REGISTRY),
}
_PENDING = "focalpoints.versions_pending"
_RAISED = "focalpoints.versions_raised"
_TABLE = DataVersion.__table__


def note_tables(session: Session, tables: Any) -> None:
    """Remember that this transaction wrote to ``tables`` (names); raise their scopes at commit,
    or now if the commit has begun already."""
    scopes = {SCOPES[t] for t in tables if t in SCOPES}
    raised = session.info.get(_RAISED)
    if raised is not None:  # before_commit has run: a later flush of the commit
        scopes -= raised
        if scopes:
            _raise(session, scopes)
            raised |= scopes
        return
    if scopes:
        session.info.setdefault(_PENDING, set()).update(scopes)


def _raise(session: Session, scopes: set[str]) -> None:
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_TABLE).values([{"scope": s, "version": 1} for s in sorted(scopes)])
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[_TABLE.c.scope], set_={"version": _TABLE.c.version + 1}
        )
    )


def _after_flush(session: Session, flush_context: Any) -> None:
    tables = {
        getattr(obj, "__tablename__", None)
        for obj in (*session.new, *session.dirty, *session.deleted)
    }
    # Events recorded by hand (record_event): a data file applied to the reference data.
    tables |= {obj.entity_type for obj in session.new if isinstance(obj, AuditEntry)}
    note_tables(session, tables)


def _before_commit(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this hook: its writes are noted now
    scopes = session.info.pop(_PENDING, set())
    session.info[_RAISED] = set(scopes)
    if scopes:
        _raise(session, scopes)


def _do_orm_execute(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and state.bind_mapper is not None:
        note_tables(state.session, {state.bind_mapper.local_table.name})


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_PENDING, None)
        session.info.pop(_RAISED, None)


def install() -> None:
    """Listen to every session (called by :func:`focalpoints.audit.install`)."""
    listen_to_every_session(
        {
            "after_flush": _after_flush,
            "before_commit": _before_commit,
            "do_orm_execute": _do_orm_execute,
            "after_transaction_end": _after_transaction_end,
        }
    )


# Built once: pages read it on every request.
_READ = select(DataVersion.scope, DataVersion.version).where(
    DataVersion.scope.in_([REFERENCE, REGISTRY])
)


def data_versions() -> dict[str, int]:
    """Every scope's version, in one query by primary key (0 for a scope never written).

    A reading request reads them once; a request that may write reads them each time, as its
    own writes raise them.
    """
    keep = has_request_context() and not wants_write_lock()
    if keep and "data_versions" in g:
        return g.data_versions
    found = dict(db.session.connection().execute(_READ).all())
    versions = {REFERENCE: found.get(REFERENCE, 0), REGISTRY: found.get(REGISTRY, 0)}
    if keep:
        g.data_versions = versions
    return versions
