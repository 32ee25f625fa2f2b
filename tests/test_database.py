"""The database is set up for safe concurrent writes; migrations are the only schema source."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, update

from focalpoints.auth.models import User
from focalpoints.conventions.models import Convention
from focalpoints.database import end_if_unwritten
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment
from tests.conftest import TEST_CONFIG, is_postgres, writer_processes

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


def test_ending_a_read_before_slow_work_never_saves_half_of_an_action(app, make_user):
    user = make_user(name="Before")
    writes = (
        lambda: setattr(user, "name", "Pending"),
        lambda: (setattr(user, "name", "Flushed"), db.session.flush()),
        lambda: db.session.execute(update(User).where(User.id == user.id).values(name="Core")),
    )
    for write in writes:
        write()
        end_if_unwritten()  # leaves a transaction that has written open...
        db.session.rollback()  # ...so that its caller's failure undoes all of it
        assert db.session.get(User, user.id).name == "Before"
    db.session.get(User, user.id)
    assert db.session().in_transaction()
    end_if_unwritten()  # a read alone is ended
    assert not db.session().in_transaction()


@sqlite_only
@pytest.mark.slow
def test_concurrent_read_modify_write_loses_nothing(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    start = db.session.scalar(select(Convention.sort_order).where(Convention.code == "CMS"))
    db.session.commit()
    db.engine.dispose()
    context = writer_processes()
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


def _append_notes(url: str, instance: str, person_id: int, marker: str, times: int) -> None:
    from focalpoints import create_app
    from focalpoints.concurrency import StaleRecord
    from focalpoints.database import writing
    from focalpoints.focal_points import operations
    from focalpoints.focal_points.models import Person

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance})
    with app.app_context(), writing():
        for n in range(times):
            while True:  # the user's "reload and save again" after a refused save
                person = db.session.get(Person, person_id)
                values = {k: getattr(person, k) for k in operations.PERSON_FIELDS}
                values["notes"] = f"{person.notes}{marker}{n};"
                try:
                    operations.update_person(person, values, person.version)
                    db.session.commit()  # the caller's unit of work: operations flush
                    break
                except StaleRecord:
                    db.session.rollback()
                finally:
                    db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
def test_concurrent_edits_through_the_app_lose_nothing(app, tmp_path, make_person):
    """Parallel writers edit one record through the app's operation; every edit survives,
    on SQLite and on PostgreSQL, and none meets 'database is locked'."""
    person = make_person("KE", family_name="Shared", notes="")
    person_id = person.id
    db.session.commit()
    db.engine.dispose()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    context = writer_processes()
    workers = [
        context.Process(
            target=_append_notes, args=(url, str(tmp_path / f"w{i}"), person_id, f"w{i}-", 10)
        )
        for i in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(180)
        assert worker.exitcode == 0
    from focalpoints.focal_points.models import Person

    notes = db.session.get(Person, person_id).notes
    entries = [e for e in notes.split(";") if e]
    assert sorted(entries) == sorted(f"w{i}-{n}" for i in range(3) for n in range(10))
    assert db.session.get(Person, person_id).version == 31


def test_the_latest_migration_goes_down_and_up_on_a_database_with_data(app, make_appointment):
    from sqlalchemy import func

    from focalpoints.focal_points.models import Appointment, Person

    make_appointment("CMS-NFP")
    make_appointment("CITES-MA")
    db.session.commit()
    db.engine.dispose()
    downgrade(revision="-1")
    upgrade()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 2
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 2
    db.session.commit()


def test_the_integrity_migration_stops_on_rows_that_break_a_rule_and_changes_nothing(
    app, make_appointment, make_person
):
    """Two current holders of a single-holder role (as concurrent requests could make before)
    stop the upgrade with a list of them; once one is ended, the upgrade goes through."""
    from sqlalchemy import inspect, text

    first = make_appointment("CMS-NFP")
    other = make_person("KE")
    ids = (first.id, first.country_id, first.role_id, other.id)
    db.session.commit()
    db.engine.dispose()
    downgrade(revision="00f3dea0b9f9")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO appointments (country_id, person_id, role_id, status, is_primary,"
                " start_date, end_reason, letter_reference, version, created_at)"
                " VALUES (:country, :person, :role, 'proposed', false, '2025-01-01', '', '', 1,"
                " '2025-01-01 00:00:00')"
            ),
            {"country": ids[1], "person": ids[3], "role": ids[2]},
        )
    from alembic import command

    config = app.extensions["migrate"].migrate.get_config()
    with pytest.raises(RuntimeError) as refused:  # Flask-Migrate's upgrade() would only exit
        command.upgrade(config, "head")
    assert "single-holder roles with more than one current holder" in str(refused.value)
    assert f"({ids[1]}, {ids[2]}, 2)" in str(refused.value)
    db.engine.dispose()
    with db.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("appointments")}
    assert "multiple_holders" not in columns
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE appointments SET status = 'ended' WHERE id = :id"), {"id": ids[0]}
        )
    upgrade()
    assert db.session.scalar(select(Appointment.multiple_holders).limit(1)) is False
    db.session.commit()
