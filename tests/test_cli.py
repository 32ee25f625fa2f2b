"""The focalpoints command: users create, demo-data."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from focalpoints.auth.models import User
from focalpoints.auth.passwords import verify_password
from focalpoints.demo_data import DEMO_PASSWORD, DEMO_USERS
from focalpoints.extensions import db


def test_users_create_with_password_from_stdin(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Focal@Example.org",
            "--role",
            "coordinator",
            "--country",
            "ke",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "focal@example.org"))
    assert user.country.iso2 == "KE" and user.role == "coordinator"
    assert verify_password(user.password_hash, "a long enough password")


def test_users_create_without_password_prints_an_invitation_link(app, runner):
    result = runner.invoke(args=["users", "create", "boss@example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "/invitation/" in result.output


def test_users_create_refuses_bad_input(app, runner):
    cases = [
        (["users", "create", "x@example.org", "--role", "editor"], "needs --country"),
        (
            ["users", "create", "x@example.org", "--role", "editor", "--country", "ZZ"],
            "Unknown country",
        ),
        (["users", "create", "not-an-address", "--role", "admin"], "Invalid e-mail"),
        (["users", "create", "x@example.org", "--role", "king"], "Invalid value"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0 and "at least 12" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_refuses_a_duplicate(app, runner):
    runner.invoke(args=["users", "create", "dup@example.org", "--role", "admin"])
    result = runner.invoke(args=["users", "create", "DUP@example.org", "--role", "admin"])
    assert result.exit_code != 0 and "exists already" in result.output


@pytest.mark.demo_data
def test_demo_data_is_deterministic_idempotent_and_prints_log_ins(app, runner, demo_output):
    for role in ("admin", "secretariat", "coordinator", "editor"):
        assert role in demo_output
    assert DEMO_PASSWORD in demo_output
    second = runner.invoke(args=["demo-data"])
    assert "0 accounts created" in second.output
    # Their languages are for e-mails: pages open in the browser's language.
    assert not any(db.session.scalars(select(User.language_chosen)))
    names = set(db.session.scalars(select(User.name)))
    assert {u.name for u in DEMO_USERS} == names
    scripts = "".join(names)
    assert any("\u0600" <= c <= "\u06ff" for c in scripts)  # Arabic
    assert any("\u4e00" <= c <= "\u9fff" for c in scripts)  # Chinese
    assert any("\u0400" <= c <= "\u04ff" for c in scripts)  # Cyrillic
    assert "é" in scripts


@pytest.mark.demo_data
def test_demo_data_prints_every_log_in_with_its_country_and_script(demo_output):
    assert f"{len(DEMO_USERS)} accounts created" in demo_output
    lines = demo_output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Demo log-ins")))
    table = lines[start + 1 : start + 1 + len(DEMO_USERS)]
    for demo, line in zip(DEMO_USERS, table, strict=True):
        assert demo.email in line and line.split()[0] == demo.role.value
    assert "coordinator.ke@demo.focalpoints.example" in table[2] and "Kenya" in table[2]
    assert table[2].endswith("(Latin)")
    assert table[0].split()[2] == "—"  # the administrator has no country
    assert re.search(r"Saudi Arabia +\(Arabic\)$", table[4])
    assert re.search(r"China +\(Han\)$", table[5])
    assert table[6].endswith("(Cyrillic)")
    # The log-ins are the last lines, where a terminal leaves them in view.
    assert lines[-1] == table[-1]


@pytest.mark.demo_data
def test_demo_log_in_works(app, client):
    response = client.post("/login", data={"email": DEMO_USERS[2].email, "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/countries/KE"


@pytest.mark.slow
def test_full_scale_demo_data(app, runner):
    from sqlalchemy import func, select

    from focalpoints.audit.models import AuditEntry
    from focalpoints.focal_points.models import Appointment, Person

    result = runner.invoke(args=["demo-data", "--scale", "full"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 10_000
    # Roles are filled only for the instruments each country has joined.
    assert db.session.scalar(select(func.count()).select_from(Appointment)) > 6_500
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) >= 100_000
    from focalpoints.positions.models import Position

    assert db.session.scalar(select(func.count()).select_from(Position)) > 3_000
    again = runner.invoke(args=["demo-data", "--scale", "full"])
    assert "nothing added" in again.output
