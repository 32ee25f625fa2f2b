"""Grow a full-scale benchmark database tenfold: the registry after years of turnover.

    FOCALPOINTS_DATABASE_URL=... python bench/grow.py [--factor 10]

Run after ``focalpoints demo-data --scale full``. Each of people, appointments, positions (with
their versions and consultations) and audit entries gets ``factor - 1`` copies of every row,
made by the database itself (one ``INSERT ... SELECT`` per copy and table, no row through
Python), so 100,000 people and a million audit entries take seconds to a minute on SQLite
and PostgreSQL alike. The copies are history, as a registry gathers it: each copied person
held the same role before the current holder (the copied appointment has ended, so the
registry's rule of one current holder holds), the copied positions are the country's earlier
drafts, and the copied audit entries are older writes. Current holders, and therefore every
page about one country's current focal points, are unchanged: what grows is what those
pages must skip.
"""

from __future__ import annotations

import argparse
import os
import time

from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import Connection

# Per table, the columns whose copy differs from the original ("{k}": the copy's number,
# "{off}": its id offset, "{off:table}": the id offset of another table's copies).
COPIES: dict[str, dict[str, str]] = {
    "people": {
        "email": "'g{k}.' || email",
        "merged_into_id": "NULL",
    },
    "appointments": {
        "person_id": "person_id + {off:people}",
        "status": "'ended'",
        "is_primary": "{false}",
        "end_date": "start_date",
        "end_reason": "'Replaced (benchmark history)'",
    },
    "positions": {},
    "position_versions": {"position_id": "position_id + {off:positions}"},
    "consultations": {"position_id": "position_id + {off:positions}"},
    "audit_log": {},
}


def grow(url: str, factor: int = 10) -> dict[str, int]:
    """Copy the rows of the growing tables ``factor - 1`` times; return the new row counts."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine, only=list(COPIES))
    false = "false" if engine.dialect.name == "postgresql" else "0"
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        highest = {
            name: connection.scalar(select(func.max(metadata.tables[name].c.id))) or 0
            for name in COPIES
        }
        for name, overrides in COPIES.items():
            table = metadata.tables[name]
            columns = [column.name for column in table.columns]
            for k in range(1, factor):
                values = {
                    "k": k,
                    "off": k * highest[name],
                    "false": false,
                    **{f"off:{other}": k * highest[other] for other in COPIES},
                }
                expressions = [
                    "id + {off}" if column == "id" else overrides.get(column, column)
                    for column in columns
                ]
                select_list = ", ".join(_fill(expression, values) for expression in expressions)
                quoted = ", ".join(f'"{column}"' for column in columns)
                # Table and column names come from the database's own schema, values are ints.
                connection.execute(
                    text(
                        f"INSERT INTO {name} ({quoted}) SELECT {select_list} "  # noqa: S608  # nosec B608
                        f"FROM {name} WHERE id <= {highest[name]}"
                    )
                )
            counts[name] = connection.scalar(select(func.count()).select_from(table))
        if engine.dialect.name == "postgresql":
            _move_sequences(connection)
    engine.dispose()
    if engine.dialect.name == "postgresql":
        vacuum_analyse(url)
    return counts


def vacuum_analyse(url: str) -> None:
    """PostgreSQL: what autovacuum does shortly after a bulk load (planner statistics, and the
    visibility map that index-only scans need), done now so that every run starts alike."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _fill(expression: str, values: dict[str, object]) -> str:
    for key, value in values.items():
        expression = expression.replace("{" + key + "}", str(value))
    return expression


def _move_sequences(connection: Connection) -> None:
    """Set each serial column's sequence past the copied ids."""
    for name in COPIES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608  # nosec B608
                f"(SELECT max(id) FROM {name}))"
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=10)
    options = parser.parse_args()
    started = time.monotonic()
    counts = grow(os.environ["FOCALPOINTS_DATABASE_URL"], options.factor)
    print(", ".join(f"{name} {count:,}" for name, count in counts.items()))
    print(f"grown in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
