"""Faults: a database that refuses writes gives a translated 503; an error in the middle of an
operation leaves the records as they were."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from focalpoints.extensions import db
from focalpoints.focal_points import operations
from focalpoints.focal_points.models import Appointment
from tests.conftest import in_language


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
