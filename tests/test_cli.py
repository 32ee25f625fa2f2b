"""The focalpoints command: users create (demo-data: tests/test_demo_data.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from focalpoints.auth.models import User
from focalpoints.auth.passwords import verify_password
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
