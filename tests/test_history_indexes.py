"""Pages about current holders read an index of current appointments, not the whole history."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import event, inspect

from focalpoints.extensions import db


def test_current_holdings_are_read_from_their_own_index(app: Flask) -> None:
    """Coverage's holdings (bench/README.md, ten times the history) skip ended appointments."""
    indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("appointments")}
    index = indexes["ix_appointments_current_holdings"]
    assert index["column_names"] == ["role_id", "country_id", "last_confirmed_on", "start_date"]
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner scans a small table whatever its indexes
    from focalpoints.coverage.queries import _holdings

    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        _holdings(date.today(), [1, 2, 3])
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    statement, parameters = statements[-1]
    plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    assert "ix_appointments_current_holdings" in " ".join(str(row) for row in plan)
