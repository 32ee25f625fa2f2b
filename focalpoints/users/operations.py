"""Account operations used by the command line (which commits)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from focalpoints.audit import acting_as
from focalpoints.auth import operations, tokens
from focalpoints.auth.models import UserRole, new_session_token
from focalpoints.auth.password_policy import password_problem
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.forms import FORMULA_PREFIXES
from focalpoints.two_factor.operations import remove
from focalpoints.urls import external_url


class UserCreationError(ValueError):
    """The account could not be created; the message says why."""


def create_user_from_cli(
    email: str,
    role: str,
    country_code: str | None,
    name: str = "",
    language: str | None = None,
    password: str | None = None,
) -> str:
    """Create an account from the command line and say how its owner gets in."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise UserCreationError(f"Invalid e-mail address: {error}") from error
    user_role = UserRole(role)
    country = None
    if user_role.is_national:
        if not country_code:
            raise UserCreationError(f"A {role} needs --country.")
        country = db.session.scalar(select(Country).where(Country.iso2 == country_code.upper()))
        if country is None:
            raise UserCreationError(f"Unknown country code: {country_code}")
    if operations.email_taken(email):
        raise UserCreationError(f"An account for {email} exists already.")
    if password is not None:
        problem = password_problem(password, name, email)
        if problem is not None:
            raise UserCreationError(f"Password refused: {problem}")
    if name.strip().startswith(FORMULA_PREFIXES):
        raise UserCreationError("The name may not start with =, +, -, @ or a tab.")
    if language and language not in current_app.config["LANGUAGES"]:
        raise UserCreationError(f"Unknown language: {language}")
    with acting_as("system:cli"):
        user = operations.create_user(email, user_role, country, name, language, password)
    if password is not None:
        return f"Created {user.email} ({role})."
    link = external_url("auth.accept_invitation", token=tokens.make_token(user, tokens.INVITATION))
    return f"Created {user.email} ({role}). Set a password at: {link}"


def reset_two_step_from_cli(email: str) -> str:
    """Remove an account's two-step verification from the command line."""

    user = operations.find_user(email)
    if user is None:
        raise UserCreationError(f"No account for {email}.")
    with acting_as("system:cli"):
        remove(user, "two_step_reset")
        user.session_token = new_session_token()
        db.session.flush()
    return f"Two-step verification of {user.email} has been reset."
