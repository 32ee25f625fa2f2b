"""Bulk INSERTs for the full-scale data: COPY on PostgreSQL, one statement per batch elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Connection, Dialect, Table, insert

from focalpoints.audit.versions import note_tables
from focalpoints.extensions import db

BATCH = 5_000


def insert_rows(target: Any, rows: list[dict[str, Any]], batch: int = BATCH) -> None:
    """Insert ``rows`` (dicts with the same keys, named as the table's columns) into
    ``target``, a model or a table, in the session's transaction.

    The rows go through Core, not the ORM: through the ORM, a bulk INSERT groups rows by which
    of their values are None and sends one statement per run of alike rows, which for rows that
    alternate meant thousands of single-row INSERTs, and prepares every row again. On
    PostgreSQL they are copied (``COPY ... FROM STDIN``): psycopg's executemany sends one
    statement per row, and 200,000 rows took 21 s; a copy takes a few. Elsewhere, one
    executemany per batch. Either way, the data versions of the tables written are raised at
    the commit, as for any write (a Core statement on a table is not noted by itself).
    """
    if not rows:
        return
    table = getattr(target, "__table__", target)
    note_tables(db.session, {table.name})
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows)
        return
    statement = insert(table)
    for start in range(0, len(rows), batch):
        db.session.execute(statement, rows[start : start + batch])


def _copy(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Copy ``rows`` into ``table``; each value converted as an INSERT's parameter would be,
    and each column the rows leave out given its default, as an INSERT would."""
    dialect = connection.dialect
    given = list(rows[0])
    columns = [table.c[name] for name in given]
    converters = [_converter(column, dialect) for column in columns]
    defaults = {}
    for column in table.c:
        if column.name in given or column.default is None:
            continue
        if not (column.default.is_scalar or column.default.is_callable):
            raise ValueError(f"{table.name}.{column.name}: a default COPY cannot compute")
        defaults[column.name] = column.default
        columns.append(column)
        converters.append(_converter(column, dialect))
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    quoted = dialect.identifier_preparer.format_table(table)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
        for row in rows:
            values = [row[name] for name in given]
            for default in defaults.values():
                values.append(default.arg if default.is_scalar else default.arg(None))
            copy.write_row(
                [
                    value if convert is None else convert(value)
                    for value, convert in zip(values, converters, strict=True)
                ]
            )


def _converter(column: Column, dialect: Dialect) -> Callable[[Any], Any] | None:
    """What turns a Python value into the driver's for ``column`` (None: nothing to do)."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)
