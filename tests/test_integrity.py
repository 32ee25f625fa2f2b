"""The registry's rules hold when people save at the same moment: one request wins, the others
get the same clear message as when they come one after the other, never a server error.

The database holds the rules (partial unique indexes, CHECK constraints); operations that read
then write lock the rows they decide on. The threaded tests run on SQLite and PostgreSQL; on
PostgreSQL the requests really overlap (on SQLite a writing request waits for the write lock).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from focalpoints.conventions.models import Role
from focalpoints.extensions import db
from focalpoints.focal_points import operations
from focalpoints.focal_points.models import Appointment, Person, Status
from focalpoints.working_groups.models import GroupMember
from tests.conftest import is_postgres, login

THREADS = 6
SECOND_HOLDER = "This role allows one holder and has one: replace the holder instead."


def _at_once(work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """Run ``work(i)`` in ``threads`` threads released together; return results (or errors)."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(i: int) -> None:
        try:
            barrier.wait(30)
            results[i] = work(i)
        except Exception as error:
            results[i] = error

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    return results


def _clients(app, user, n: int = THREADS) -> list[Any]:
    clients = [app.test_client() for _ in range(n)]
    for client in clients:
        assert login(client, user).status_code == 302
    return clients


def _current(role_code: str, country_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Appointment)
        .join(Role, Appointment.role_id == Role.id)
        .where(
            Role.code == role_code,
            Appointment.country_id == country_id,
            Appointment.status != Status.ENDED.value,
        )
    )


def test_concurrent_requests_give_a_vacant_single_holder_role_one_holder(
    app, make_user, make_person
):
    user = make_user(role="coordinator", country_code="KE")
    people = [make_person("KE") for _ in range(THREADS)]
    person_ids = [p.id for p in people]
    country_id = people[0].country_id
    clients = _clients(app, user)
    db.session.commit()

    def appoint(i: int) -> Any:
        return clients[i].post(
            "/countries/KE/roles/CMS-NFP/appoint",
            data={"person": str(person_ids[i]), "start_date": "2025-02-01", "status": "proposed"},
        )

    responses = _at_once(appoint)
    assert all(not isinstance(r, Exception) for r in responses), responses
    won = [r for r in responses if r.status_code == 302]
    lost = [r for r in responses if r.status_code != 302]
    assert len(won) == 1, [r.status_code for r in responses]
    for response in lost:
        assert response.status_code == 200
        assert "replace the holder instead" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _current("CMS-NFP", country_id) == 1


def _appoint_by_ids(app, country_id: int, person_id: int, role_id: int) -> str:
    """Appoint through the operation, outside any request (as the issue's test did)."""
    from focalpoints.countries.models import Country

    with app.app_context():
        try:
            operations.appoint(
                db.session.get(Country, country_id),
                db.session.get(Person, person_id),
                db.session.get(Role, role_id),
                date(2025, 2, 1),
            )
            db.session.commit()  # the caller's unit of work: operations flush, callers commit
            return "appointed"
        except operations.RegistryError as error:
            return str(error)
        finally:
            db.session.remove()


def test_two_operations_at_once_leave_one_holder_and_the_loser_gets_the_message(app, make_person):
    """On SQLite the loser met a raw OperationalError ('database is locked'); on PostgreSQL
    both won. Now one wins and the other is refused with the code check's message."""
    roles = db.session.scalars(
        select(Role).where(~Role.multiple_holders, Role.holder_kind != "institution").limit(5)
    ).all()
    cases = []
    for role in roles:
        first, second = make_person("KE"), make_person("KE")
        cases.append((first.country_id, first.id, second.id, role.id))
    db.session.commit()
    for country_id, first, second, role_id in cases:
        results = _at_once(
            lambda i, c=country_id, p=(first, second), r=role_id: _appoint_by_ids(app, c, p[i], r),
            threads=2,
        )
        assert sorted(results) == sorted(["appointed", SECOND_HOLDER]), results
    db.session.expire_all()
    for _country_id, _first, _second, role_id in cases:
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Appointment)
                .where(Appointment.role_id == role_id, Appointment.status != "ended")
            )
            == 1
        )


def test_concurrent_merges_of_one_duplicate_merge_it_once(app, make_user, make_person):
    user = make_user(role="coordinator", country_code="KE")
    duplicate = make_person("KE", family_name="Duplicate")
    keepers = [make_person("KE") for _ in range(THREADS)]
    role = db.session.scalar(select(Role).where(Role.code == "CMS-NFP"))
    operations.appoint(duplicate.country, duplicate, role, date(2024, 1, 1))
    duplicate_id, keeper_ids = duplicate.id, [k.id for k in keepers]
    clients = _clients(app, user)
    db.session.commit()

    def merge(i: int) -> Any:
        return clients[i].post(
            f"/countries/KE/people/{keeper_ids[i]}/merge", data={"other": str(duplicate_id)}
        )

    responses = _at_once(merge)
    assert all(not isinstance(r, Exception) for r in responses), responses
    won = [i for i, r in enumerate(responses) if r.status_code == 302]
    assert len(won) == 1, [r.status_code for r in responses]
    for i, response in enumerate(responses):
        if i in won:
            continue
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        # The duplicate is gone from the list when the form loads after the winner's commit.
        assert any(
            message in page
            for message in ("has just been merged or deleted", "Choose a person.", "Not a valid")
        ), page
    db.session.expire_all()
    merged = db.session.get(Person, duplicate_id)
    assert merged.merged_into_id == keeper_ids[won[0]]
    [appointment] = db.session.scalars(
        select(Appointment).where(Appointment.role_id == role.id, Appointment.status != "ended")
    ).all()
    assert appointment.person_id == keeper_ids[won[0]]


def test_concurrent_requests_add_a_person_to_a_working_group_once(app, make_user, make_person):
    from focalpoints.working_groups import operations as groups

    user = make_user(role="coordinator", country_code="KE")
    person = make_person("KE")
    group = groups.create_group(person.country, {"name": "National biodiversity committee"})
    group_id, person_id = group.id, person.id
    clients = _clients(app, user)
    db.session.commit()

    def add(i: int) -> Any:
        return clients[i].post(
            f"/countries/KE/working-group/{group_id}/members/new",
            data={"existing-person": str(person_id), "existing-category": "ministry"},
        )

    responses = _at_once(add)
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert sum(r.status_code == 302 for r in responses) == 1, [r.status_code for r in responses]
    for response in responses:
        if response.status_code != 302:
            page = response.get_data(as_text=True)
            assert response.status_code == 200
            assert "is a member of the group already" in page or "Not a valid choice" in page
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(GroupMember)
            .where(GroupMember.group_id == group_id, GroupMember.person_id == person_id)
        )
        == 1
    )


# The database refuses on its own what the code checks refuse ---------------------------------


def test_the_database_refuses_a_second_current_holder_of_a_single_holder_role(
    app, make_appointment, make_person
):
    first = make_appointment("CMS-NFP")
    other = make_person("KE")
    db.session.add(
        Appointment(
            country_id=first.country_id,
            person_id=other.id,
            role_id=first.role_id,
            start_date=date(2025, 1, 1),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Ended appointments do not count, and several holders are fine where the role allows them.
    db.session.execute(update(Appointment).where(Appointment.id == first.id).values(status="ended"))
    db.session.add(
        Appointment(
            country_id=first.country_id,
            person_id=other.id,
            role_id=first.role_id,
            start_date=date(2025, 1, 1),
        )
    )
    db.session.commit()
    make_appointment("CITES-MA")
    make_appointment("CITES-MA")


def test_the_database_refuses_the_same_person_twice_in_a_role(app, make_appointment):
    first = make_appointment("CITES-MA")
    db.session.add(
        Appointment(
            country_id=first.country_id,
            person_id=first.person_id,
            role_id=first.role_id,
            start_date=date(2025, 1, 1),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_copy_of_multiple_holders_follows_the_role(app, make_appointment):
    appointment = make_appointment("CITES-MA")
    assert appointment.multiple_holders is True
    role = db.session.get(Role, appointment.role_id)
    role.multiple_holders = False
    db.session.commit()
    db.session.refresh(appointment)
    assert appointment.multiple_holders is False
    # A role with two current holders cannot become a single-holder role.
    role.multiple_holders = True
    db.session.commit()
    make_appointment("CITES-MA")
    role.multiple_holders = False
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(
    ("table", "column"),
    [("appointments", "status"), ("people", "visibility"), ("people", "kind")],
)
def test_status_columns_refuse_values_outside_their_enum(app, make_appointment, table, column):
    make_appointment("CMS-NFP")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(update(db.metadata.tables[table]).values({column: "bogus"}))
    db.session.rollback()


def test_every_check_of_the_models_is_in_the_database(app):
    """The models build each status column's CHECK from its enum; a value added to an enum
    needs a migration, and this test says so."""
    from sqlalchemy import CheckConstraint, inspect

    inspector = inspect(db.session.connection())
    missing, different = [], []
    for table in db.metadata.sorted_tables:
        found = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            if constraint.name not in found:
                missing.append(constraint.name)
            elif not is_postgres() and str(constraint.sqltext) != found[constraint.name]:
                different.append((constraint.name, found[constraint.name]))
    db.session.rollback()
    assert missing == [] and different == []
