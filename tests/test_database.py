"""The database is set up for safe concurrent writes; migrations are the only schema source."""

from __future__ import annotations

import multiprocessing

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from focalpoints.conventions.models import Convention
from focalpoints.extensions import db
from tests.conftest import TEST_CONFIG, is_postgres

sqlite_only = pytest.mark.skipif(is_postgres(), reason="SQLite connection settings")


@sqlite_only
def test_sqlite_connection_settings(app):
    connection = db.session.connection()
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.session.rollback()


@sqlite_only
def test_writing_requests_take_the_write_lock_at_begin(app):
    from focalpoints.database import wants_write_lock, writing

    with app.test_request_context(method="POST"):
        assert wants_write_lock()
    with app.test_request_context(method="GET"):
        assert not wants_write_lock()
    assert not wants_write_lock()
    with writing():
        assert wants_write_lock()


def _increment(url: str, instance: str, times: int) -> None:
    from focalpoints import create_app

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance})
    with app.app_context():
        for _ in range(times):
            with app.test_request_context(method="POST"):
                convention = db.session.scalar(select(Convention).where(Convention.code == "CMS"))
                convention.sort_order = convention.sort_order + 1  # read-modify-write
                db.session.commit()
                db.session.remove()
        db.engine.dispose()


@sqlite_only
def test_concurrent_read_modify_write_loses_nothing(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    start = db.session.scalar(select(Convention.sort_order).where(Convention.code == "CMS"))
    db.session.commit()
    db.engine.dispose()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_increment, args=(url, str(tmp_path / f"i{i}"), 25))
        for i in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    assert (
        db.session.scalar(select(Convention.sort_order).where(Convention.code == "CMS"))
        == start + 100
    )


def test_models_match_migrations(app):
    connection = db.session.connection()
    diffs = compare_metadata(
        MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
    )
    db.session.rollback()
    assert diffs == []


def test_downgrade_to_base_and_upgrade_again(app):
    db.session.commit()
    db.engine.dispose()
    downgrade(revision="base")
    tables = _tables()
    assert tables <= {"alembic_version"}
    upgrade()
    assert {"users", "countries", "memberships", "audit_log"} <= _tables()


def _tables() -> set[str]:
    from sqlalchemy import inspect

    with db.engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
    return names


def test_no_create_all_in_the_start_up_path():
    from focalpoints import PROJECT_ROOT

    source = "\n".join(p.read_text() for p in (PROJECT_ROOT / "focalpoints").rglob("*.py"))
    assert "create_all(" not in source
