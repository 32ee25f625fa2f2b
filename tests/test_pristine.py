"""The PostgreSQL pass's resets (tests/pristine.py) bring back every row of the template.

A reset that missed a row would let one test see another's data, and the suite would test
something other than what it says; so each way back is tried on writes of every kind.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import is_postgres
from tests.pristine import MOST_ROWS_ADDED, engine_for

pytestmark = pytest.mark.skipif(not is_postgres(), reason="resets are PostgreSQL's")

DIFFERENCES = """
    SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM public."{0}" AS t
    UNION ALL
    SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM fp_test."{0}" AS t
"""


def _write_and_reset(databases, writes: list[str]) -> list[str]:
    """Run ``writes`` on a copy of the template, reset it; the tables that differ after."""
    url = databases.copy("template", slot=7)
    engine = engine_for(make_url(url))
    try:
        with engine.begin() as conn:
            for write in writes:
                conn.execute(text(write))
        databases.drop(url)
        assert make_url(url).database in databases.ready, "reset, not dropped"
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            return [
                table
                for table in tables
                if len(set(conn.execute(text(DIFFERENCES.format(table))).scalars())) != 1
            ] + [
                f"sequence {name}"
                for name, value, kept in conn.execute(
                    text(
                        "SELECT s.sequencename, s.last_value, k.last_value FROM pg_sequences s"
                        " JOIN fp_test.sequences k ON k.name = s.sequencename"
                        " WHERE s.schemaname = 'public'"
                    )
                )
                if value != kept
            ]
    finally:
        engine.dispose()


@pytest.fixture
def sequences(databases):
    """The template's sequences as they stand, kept beside its copies for the comparison."""
    url = databases.copy("template", slot=7)
    engine = engine_for(make_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS fp_test.sequences"))
        conn.execute(
            text(
                "CREATE TABLE fp_test.sequences AS SELECT sequencename AS name, last_value"
                " FROM pg_sequences WHERE schemaname = 'public'"
            )
        )
    engine.dispose()
    databases.drop(url)
    yield
    engine = engine_for(make_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE fp_test.sequences"))
    engine.dispose()


@pytest.mark.parametrize(
    "writes",
    [
        pytest.param(
            [
                "INSERT INTO countries (iso2, iso3, kind, mea_region, official_names)"
                " VALUES ('XX', 'XXX', 'state', 'Africa', '{}')",
                "INSERT INTO audit_log (created_at, actor_label, action, entity_type, country_id)"
                " SELECT created_at, actor_label, action, entity_type, (SELECT max(id)"
                " FROM countries) FROM audit_log LIMIT 3",
            ],
            id="rows added",
        ),
        pytest.param(
            [
                "UPDATE conventions SET website = 'https://changed.example'",
                "DELETE FROM audit_log WHERE id IN (SELECT min(id) FROM audit_log)",
                "UPDATE countries SET iso3 = lower(iso3) WHERE iso2 IN ('KE', 'FR')",
            ],
            id="rows changed and removed",
        ),
        pytest.param(
            [
                "UPDATE conventions SET code = 'SWAP' WHERE code = 'CMS'",
                "UPDATE conventions SET code = 'CMS' WHERE code = 'CBD'",
                "UPDATE conventions SET code = 'CBD' WHERE code = 'SWAP'",
            ],
            id="unique values swapped",
        ),
        pytest.param(["TRUNCATE audit_log"], id="a table truncated"),
    ],
)
def test_a_reset_brings_back_every_row_and_sequence(databases, sequences, writes):
    assert _write_and_reset(databases, writes) == []


def test_a_copy_with_many_rows_added_is_copied_afresh_instead(databases):
    """Deleting 100,000 added rows one key at a time took a minute; a fresh copy half a second."""
    url = databases.copy("template", slot=7)
    engine = engine_for(make_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_log (created_at, actor_label, action, entity_type)"
                    " SELECT now(), 'test', 'create', 'person' FROM generate_series(1, :rows)"
                ),
                {"rows": MOST_ROWS_ADDED + 1},
            )
        databases.drop(url)
        assert make_url(url).database not in databases.ready, "dropped, not reset"
        again = databases.copy("template", slot=7)
        with engine_for(make_url(again)).connect() as conn:
            assert (
                conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
                == (databases.pristine["template"].counts["audit_log"])
            )
    finally:
        engine.dispose()
