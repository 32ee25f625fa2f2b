"""Bring a PostgreSQL test database back to its template's state without copying a database.

Copying a template (``CREATE DATABASE ... TEMPLATE``) costs PostgreSQL about 0.4 s of CPU, most
of it for the system catalogues every database carries, and the PostgreSQL pass made one copy
per test. Instead, a template gets, once, a schema ``fp_test`` holding:

- a copy of every table's rows (``fp_test.<table>``);
- a statement-level trigger on every table that notes its name in ``fp_test.dirty`` after any
  INSERT, UPDATE, DELETE or TRUNCATE, whoever runs it (a request, a subprocess, a migration);
  a rolled-back write takes its note with it, as it takes its rows.

After a test, the tables noted (and those whose foreign keys point at them, which PostgreSQL
truncates with them) are truncated and filled again from their copies, and every sequence is
set back. A test that changed the schema (a migration downgraded, a table dropped) changes the
catalogue's fingerprint: its database is then dropped and copied again from the template, as
before. Anything unexpected during a reset does the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

SCHEMA = "fp_test"

_FINGERPRINT = text(
    """
    SELECT
      (SELECT md5(string_agg(relname::text || ':' || relkind::text, ',' ORDER BY relname))
         FROM pg_class WHERE relnamespace = 'public'::regnamespace),
      (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relnamespace = 'public'::regnamespace AND NOT a.attisdropped),
      (SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
      (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = 'public'::regnamespace),
      (SELECT count(*) FROM pg_enum)
    """
)


@dataclass(frozen=True)
class Pristine:
    """What a reset needs to know of one template."""

    fingerprint: tuple
    # Tables in an order where each comes after those its foreign keys point at (None: cycle).
    order: tuple[str, ...] | None
    # Tables whose template holds rows (the others need only be emptied).
    filled: frozenset[str]
    # For each table, the tables with a foreign key pointing at it.
    referencing: dict[str, frozenset[str]]
    setvals: str

    def closure(self, tables: Iterable[str]) -> set[str]:
        """``tables`` and, transitively, every table whose foreign keys point at one of them."""
        found = set(tables)
        todo = list(found)
        while todo:
            for other in self.referencing.get(todo.pop(), ()):
                if other not in found:
                    found.add(other)
                    todo.append(other)
        return found


def engine_for(url: URL) -> Engine:
    """An engine that keeps no connection open (a template must have none to be copied)."""
    return create_engine(url, poolclass=NullPool)


def prepare(url: URL) -> Pristine:
    """Give the template at ``url`` its copies and triggers (again, after demo data, say)."""
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            conn.execute(text(f"CREATE TABLE {SCHEMA}.dirty (name text NOT NULL)"))
            conn.execute(
                text(
                    "CREATE FUNCTION fp_test.note_write() RETURNS trigger LANGUAGE plpgsql AS"
                    " $$ BEGIN INSERT INTO fp_test.dirty VALUES (TG_TABLE_NAME); RETURN NULL;"
                    " END $$"
                )
            )
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            tables = sorted(tables)
            for table in tables:
                conn.execute(text(f'CREATE TABLE {SCHEMA}."{table}" AS TABLE public."{table}"'))
                conn.execute(
                    text(
                        f"CREATE TRIGGER fp_test_note AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                        f' ON public."{table}" FOR EACH STATEMENT'
                        f" EXECUTE FUNCTION {SCHEMA}.note_write()"
                    )
                )
            keys = conn.execute(
                text(
                    "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text"
                    " FROM pg_constraint c"
                    " WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"
                )
            ).all()
            sequences = conn.execute(
                text(
                    "SELECT quote_ident(sequencename), last_value FROM pg_sequences"
                    " WHERE schemaname = 'public'"
                )
            ).all()
            filled = frozenset(
                table
                for table in tables
                if conn.execute(text(f'SELECT EXISTS (SELECT FROM public."{table}")')).scalar()  # noqa: S608
            )
            fingerprint = tuple(conn.execute(_FINGERPRINT).one())
    finally:
        engine.dispose()
    referencing: dict[str, set[str]] = {}
    parents: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in keys:
        child, parent = child.strip('"'), parent.strip('"')
        referencing.setdefault(parent, set()).add(child)
        if child != parent:
            parents.setdefault(child, set()).add(parent)
    setvals = ", ".join(
        f"setval('public.{name}', {value}, true)"
        if value is not None
        else f"setval('public.{name}', 1, false)"
        for name, value in sequences
    )
    return Pristine(
        fingerprint=fingerprint,
        order=_ordered(parents),
        filled=filled,
        referencing={k: frozenset(v) for k, v in referencing.items()},
        setvals=f"SELECT {setvals}" if setvals else "SELECT 1",
    )


def _ordered(parents: dict[str, set[str]]) -> tuple[str, ...] | None:
    order: list[str] = []
    placed: set[str] = set()
    waiting = dict(parents)
    while waiting:
        ready = sorted(t for t, ps in waiting.items() if ps <= placed)
        if not ready:
            return None  # a cycle of foreign keys: resets fall back to a fresh copy
        order += ready
        placed.update(ready)
        for table in ready:
            del waiting[table]
    return tuple(order)


def reset(url: URL, pristine: Pristine) -> bool:
    """Bring the database at ``url`` back to its template's rows; False if it cannot (the
    caller then drops it)."""
    if pristine.order is None:
        return False
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            # Connections a test left (a killed subprocess's, say) would hold locks.
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            if tuple(conn.execute(_FINGERPRINT).one()) != pristine.fingerprint:
                return False
            _restore(conn, pristine)
        return True
    except Exception:  # any failure: the caller copies the template afresh
        return False
    finally:
        engine.dispose()


def _restore(conn: Connection, pristine: Pristine) -> None:
    # Table names from the template's own catalogue, never from input.
    dirty = set(conn.execute(text(f"SELECT DISTINCT name FROM {SCHEMA}.dirty")).scalars())  # noqa: S608
    if dirty:
        tables = pristine.closure(dirty)
        conn.execute(text("TRUNCATE " + ", ".join(f'public."{t}"' for t in sorted(tables))))
        for table in pristine.order or ():
            if table in tables and table in pristine.filled:
                copy = f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE SELECT * FROM fp_test."{table}"'  # noqa: E501, S608
                conn.execute(text(copy))
        conn.execute(text(f"DELETE FROM {SCHEMA}.dirty"))  # noqa: S608
    conn.execute(text(pristine.setvals))
