"""Faults: a database that refuses writes gives a translated 503; an error in the middle of an
operation leaves the records as they were."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from focalpoints.extensions import db
from focalpoints.focal_points import operations
from focalpoints.focal_points.models import Appointment
from tests.conftest import in_language, writer_processes


def test_a_read_only_or_full_disk_gives_a_translated_503(app, client, login_as, monkeypatch):
    login_as(role="coordinator", language="fr")

    def refuse(*args, **kwargs):
        raise OperationalError("INSERT ...", {}, Exception("attempt to write a readonly database"))

    monkeypatch.setattr(operations, "create_person", refuse)
    response = client.post(
        "/countries/KE/people/new",
        data={
            "version": "0",
            "kind": "person",
            "family_name": "Nobody",
            "visibility": "registered",
        },
    )
    assert response.status_code == 503
    assert in_language("fr", "Temporarily unavailable") in response.data.decode()
    assert "Traceback" not in response.data.decode()


def test_an_error_halfway_through_a_replacement_changes_nothing(app_factory):
    from sqlalchemy import select

    from focalpoints.auth.models import User
    from focalpoints.auth.passwords import hash_password
    from focalpoints.conventions.models import Role
    from focalpoints.countries.models import Country
    from tests.conftest import PASSWORD, login

    app = app_factory(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        kenya = db.session.scalar(select(Country).where(Country.iso2 == "KE"))
        role = db.session.scalar(select(Role).where(Role.code == "CMS-NFP"))
        old_holder = operations.create_person(kenya, {"family_name": "Old", "kind": "person"})
        successor = operations.create_person(kenya, {"family_name": "New", "kind": "person"})
        old = operations.appoint(kenya, old_holder, role, date(2020, 1, 1))
        old_id = old.id
        coordinator = User(
            email="c@example.org",
            role="coordinator",
            country=kenya,
            password_hash=hash_password(PASSWORD),
        )
        db.session.add(coordinator)
        db.session.commit()
        client = app.test_client()
        login(client, coordinator)

        def fail(*args, **kwargs):
            raise RuntimeError("the power went out")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(operations, "appoint", fail)
            response = client.post(
                f"/countries/KE/appointments/{old_id}/replace",
                data={"person": str(successor.id), "start_date": "2025-01-01", "version": "1"},
            )
        assert response.status_code == 500
        db.session.expire_all()
        assert db.session.get(Appointment, old_id).status == "proposed"  # not ended
        assert db.session.get(Appointment, old_id).version == 1


def _keep_writing(url: str, instance: str, person_id: int) -> None:
    """Edit one record forever, two fields per edit that must always agree."""
    from focalpoints import create_app
    from focalpoints.database import writing
    from focalpoints.focal_points.models import Person
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance})
    with app.app_context(), writing():
        n = 0
        while True:
            person = db.session.get(Person, person_id)
            values = {k: getattr(person, k) for k in operations.PERSON_FIELDS}
            values.update(family_name=f"edit {n}", notes=f"edit {n}")
            operations.update_person(person, values, person.version)
            db.session.commit()  # the caller's unit of work: operations flush
            db.session.remove()
            n += 1


@pytest.mark.slow
def test_writers_killed_mid_write_leave_no_partial_edit_and_no_corruption(
    app, tmp_path, make_person
):
    import os
    import random
    import signal
    import time

    from sqlalchemy import select, text

    from focalpoints.focal_points.models import Person
    from tests.conftest import is_postgres

    person_id = make_person("KE", family_name="edit start", notes="edit start").id
    db.session.commit()
    db.engine.dispose()

    def version() -> int:
        found = db.session.scalar(select(Person.version).where(Person.id == person_id))
        db.session.commit()  # no read transaction held while the writer works
        return found

    context = writer_processes()
    for round_ in range(3):
        writer = context.Process(
            target=_keep_writing,
            args=(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path / f"k{round_}"), person_id),
        )
        start = version()
        writer.start()
        # Once the writer is editing without pause, kill it at an arbitrary moment: most likely
        # mid-way through some edit. No fixed sleep: starting the process takes what it takes.
        deadline = time.monotonic() + 60
        while version() < start + 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(random.uniform(0, 0.1))
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(10)
        assert writer.exitcode == -signal.SIGKILL
    db.session.expire_all()
    person = db.session.get(Person, person_id)
    assert person.family_name == person.notes  # never half an edit
    assert person.family_name != "edit start" and person.version > 1
    if not is_postgres():
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    db.session.commit()
