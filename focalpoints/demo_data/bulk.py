"""Bulk INSERTs for the full-scale data: one statement per batch of rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from focalpoints.extensions import db

BATCH = 5_000


def insert_rows(target: Any, rows: list[dict[str, Any]], batch: int = BATCH) -> None:
    """Insert ``rows`` (dicts with the same keys, named as the table's columns) into
    ``target``, a model or a table.

    The rows go through Core, one executemany per batch. Through the ORM, a bulk INSERT groups
    rows by which of their values are None and sends one statement per run of alike rows, which
    for rows that alternate meant thousands of single-row INSERTs, and prepares every row again.
    """
    statement = insert(getattr(target, "__table__", target))
    for start in range(0, len(rows), batch):
        db.session.execute(statement, rows[start : start + batch])
