"""Bring a PostgreSQL test database back to its template's state without copying a database.

Copying a template (``CREATE DATABASE ... TEMPLATE``) costs PostgreSQL about 0.4 s of CPU, most
of it for the system catalogues every database carries, and the PostgreSQL pass made one copy
per test. Instead, a template gets, once, a schema ``fp_test`` holding:

- a copy of every table's rows (``fp_test.<table>``);
- a statement-level trigger on every table that notes its name and the kind of write in
  ``fp_test.dirty`` after any INSERT, UPDATE, DELETE or TRUNCATE, whoever runs it (a request, a
  subprocess, a migration); a rolled-back write takes its note with it, as it takes its rows.

After a test, only the rows that differ are put back, by primary key: the rows a test added
are deleted (those of referencing tables first), and in the tables it updated, deleted from or
truncated, the template's missing rows are inserted again (referenced tables first) and the
changed ones set back to their values. Most tests only add rows (an account, a person, the
audit entries of their writes), so most resets delete a few rows. Should a write the test made
stand in the way (two unique values swapped, say), the noted tables and those whose foreign
keys point at them are instead truncated and filled again from their copies. Every sequence is
then set back. A test that changed the schema (a migration downgraded, a table dropped)
changes the catalogue's fingerprint: its database is then dropped and copied again from the
template, as before. So does a test that added more rows than a copy costs to delete (the
full-scale demo data adds 100,000: deleting them one key at a time took a minute, a fresh copy
takes half a second). Anything unexpected during a reset does the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

SCHEMA = "fp_test"

# Above this many added rows a fresh copy of the template is cheaper than deleting them.
MOST_ROWS_ADDED = 5_000

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
    # Tables whose template holds rows (the others need only be emptied), and how many.
    filled: frozenset[str]
    counts: dict[str, int]
    # For each table, its primary key's columns and its other columns, quoted.
    keys: dict[str, tuple[str, ...]]
    columns: dict[str, tuple[str, ...]]
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
            conn.execute(
                text(f"CREATE TABLE {SCHEMA}.dirty (name text NOT NULL, operation text NOT NULL)")
            )
            conn.execute(
                text(
                    "CREATE FUNCTION fp_test.note_write() RETURNS trigger LANGUAGE plpgsql AS"
                    " $$ BEGIN INSERT INTO fp_test.dirty VALUES (TG_TABLE_NAME, TG_OP);"
                    " RETURN NULL; END $$"
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
            counts = {
                table: conn.execute(text(f'SELECT count(*) FROM public."{table}"')).scalar_one()  # noqa: S608
                for table in tables
            }
            columns = conn.execute(
                text(
                    "SELECT c.relname, quote_ident(a.attname),"
                    "  coalesce(a.attnum = ANY (k.conkey), false)"
                    " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
                    " LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p'"
                    " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
                    "  AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum"
                )
            ).all()
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
    keys: dict[str, list[str]] = {t: [] for t in tables}
    others: dict[str, list[str]] = {t: [] for t in tables}
    for table, column, in_key in columns:
        (keys if in_key else others)[table].append(column)
    return Pristine(
        fingerprint=fingerprint,
        order=_ordered(parents),
        filled=frozenset(table for table, count in counts.items() if count),
        counts=counts,
        keys={t: tuple(c) for t, c in keys.items()},
        columns={t: tuple(c) for t, c in others.items()},
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
    key = url.render_as_string(hide_password=False)
    engine = _RESETTERS.get(key) or _RESETTERS.setdefault(key, create_engine(url, pool_size=1))
    try:
        with engine.begin() as conn:
            # Connections a test left in a transaction (a killed subprocess's, say) would hold
            # locks. Idle ones hold none: the shared engines' pools keep theirs for the next test.
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND state <> 'idle'"
                )
            )
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            if tuple(conn.execute(_FINGERPRINT).one()) != pristine.fingerprint:
                ok = False
            else:
                ok = _restore(conn, pristine)
    except Exception:  # any failure: the caller copies the template afresh
        ok = False
    if not ok:
        _RESETTERS.pop(key).dispose()
    return ok


# One engine per test database for its resets, its connection kept between tests.
_RESETTERS: dict[str, Engine] = {}


def reset_engines() -> list[Engine]:
    """The resets' engines, for a forked child to forget their connections."""
    return list(_RESETTERS.values())


def close_all() -> None:
    """Close the resets' connections (before the test databases are dropped)."""
    while _RESETTERS:
        _RESETTERS.popitem()[1].dispose()


def _restore(conn: Connection, pristine: Pristine) -> bool:
    # Table names from the template's own catalogue, never from input.
    noted = conn.execute(text(f"SELECT DISTINCT name, operation FROM {SCHEMA}.dirty")).all()  # noqa: S608
    dirty = {name for name, _ in noted}
    changed = {name for name, operation in noted if operation != "INSERT"}
    if _rows_added(conn, pristine, dirty) > MOST_ROWS_ADDED:
        return False
    if dirty and all(pristine.keys.get(table) for table in dirty):
        try:
            with conn.begin_nested():
                _restore_rows(conn, pristine, dirty, changed)
        except DBAPIError:  # a new row stands in the way of an old one: whole tables, then
            _restore_tables(conn, pristine, dirty)
    elif dirty:  # a table without a primary key: its rows cannot be matched one by one
        _restore_tables(conn, pristine, dirty)
    if dirty:
        conn.execute(text(f"DELETE FROM {SCHEMA}.dirty"))  # noqa: S608
    conn.execute(text(pristine.setvals))
    return True


def _rows_added(conn: Connection, pristine: Pristine, dirty: set[str]) -> int:
    """How many more rows the noted tables hold than the template's (a count each)."""
    if not dirty:
        return 0
    counts = " UNION ALL ".join(
        f'SELECT count(*) - {pristine.counts.get(table, 0)} FROM public."{table}"'  # noqa: S608
        for table in sorted(dirty)
    )
    return sum(max(0, added) for added in conn.execute(text(counts)).scalars())


def _restore_rows(conn: Connection, pristine: Pristine, dirty: set[str], changed: set[str]) -> None:
    """Put back the rows that differ from the template's, by primary key."""
    order = pristine.order or ()
    for table in reversed(order):  # rows added, those of referencing tables first
        if table in dirty:
            template_row = _same_key(pristine, table)
            added = f'DELETE FROM public."{table}" AS t WHERE NOT EXISTS ({template_row})'  # noqa: S608
            conn.execute(text(added))
    for table in order:  # rows removed, those of referenced tables first
        if table in changed and table in pristine.filled:
            missing = f'SELECT FROM public."{table}" AS t WHERE {_key_match(pristine, table)}'
            insert = (
                f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE'  # noqa: S608
                f' SELECT * FROM fp_test."{table}" AS s WHERE NOT EXISTS ({missing})'
            )
            conn.execute(text(insert))
    for table in order:  # rows changed
        columns = pristine.columns[table]
        if table in changed and table in pristine.filled and columns:
            targets = ", ".join(columns)
            values = ", ".join(f"s.{column}" for column in columns)
            update = (
                f'UPDATE public."{table}" AS t SET ({targets}) = ROW({values})'  # noqa: S608
                f' FROM fp_test."{table}" AS s WHERE {_key_match(pristine, table)}'
                " AND t::text IS DISTINCT FROM s::text"
            )
            conn.execute(text(update))


def _key_match(pristine: Pristine, table: str) -> str:
    return " AND ".join(f"t.{column} = s.{column}" for column in pristine.keys[table])


def _same_key(pristine: Pristine, table: str) -> str:
    return f'SELECT FROM fp_test."{table}" AS s WHERE {_key_match(pristine, table)}'


def _restore_tables(conn: Connection, pristine: Pristine, dirty: set[str]) -> None:
    """Empty the noted tables (and those that point at them) and fill them from their copies."""
    tables = pristine.closure(dirty)
    conn.execute(text("TRUNCATE " + ", ".join(f'public."{t}"' for t in sorted(tables))))
    for table in pristine.order or ():
        if table in tables and table in pristine.filled:
            copy = f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE SELECT * FROM fp_test."{table}"'  # noqa: E501, S608
            conn.execute(text(copy))
