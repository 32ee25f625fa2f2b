"""Log-in, passwords, invitations and resets: the logic that views and commands share."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from sqlalchemy import func, select, update

from focalpoints.audit import record_event
from focalpoints.auth import tokens
from focalpoints.auth.loading import SESSION_KEY
from focalpoints.auth.models import LoginSession, User, UserRole, new_session_token
from focalpoints.auth.passwords import hash_password, verify_password
from focalpoints.countries.models import Country
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.mail import send_template_mail
from focalpoints.secret_digests import digest, new_secret


class LoginOutcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


def normalise_email(email: str) -> str:
    """Return the form in which e-mail addresses are stored and compared."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """Return the user with this e-mail address (case-insensitive), if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> LoginResult:
    """Check credentials, counting failures per account in the database.

    The password hash is verified outside any transaction, and an unknown address costs
    the same time as a known one.
    """
    row = db.session.execute(
        select(User.id, User.password_hash, User.locked_until).where(
            User.email == normalise_email(email)
        )
    ).first()
    db.session.commit()  # end the (write-locking) transaction before the slow hash
    now = utcnow()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        verify_password(None, password)
        _log(row.id, "login_locked", email)
        return LoginResult(LoginOutcome.LOCKED)
    valid = verify_password(row.password_hash if row else None, password)
    if row is None:
        _log(None, "login_failed", email)
        return LoginResult(LoginOutcome.INVALID)
    if not valid:
        failures = db.session.execute(
            update(User)
            .where(User.id == row.id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
        ).scalar_one()
        if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
            lock = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            db.session.execute(
                update(User)
                .where(User.id == row.id)
                .values(failed_logins=0, locked_until=now + lock)
            )
        _log(row.id, "login_failed", email)
        return LoginResult(LoginOutcome.INVALID)
    user = db.session.get(User, row.id)
    if user is None:  # deleted between the two queries
        return LoginResult(LoginOutcome.INVALID)
    if not user.active:
        _log(user.id, "login_inactive", email)
        return LoginResult(LoginOutcome.INACTIVE)
    return LoginResult(LoginOutcome.OK, user)


def _log(user_id: int | None, action: str, email: str) -> None:
    record_event(
        db.session, action, "users", user_id, details={"email": normalise_email(email)[:254]}
    )
    db.session.commit()


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (no state carried over from before log-in)."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    sid = new_secret()
    session[SESSION_KEY] = sid
    db.session.add(LoginSession(id=digest(sid), user_id=user.id))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    login_user(user)
    record_event(db.session, "login", "users", user.id, country_id=user.country_id, actor=user)
    db.session.commit()


def end_session(user: User) -> None:
    """Log the current user out: the session ends server-side too, so a copied cookie dies."""
    sid = session.get(SESSION_KEY)
    if isinstance(sid, str):
        db.session.execute(
            update(LoginSession).where(LoginSession.id == digest(sid)).values(ended_at=utcnow())
        )
    record_event(db.session, "logout", "users", user.id, country_id=user.country_id, actor=user)
    db.session.commit()
    logout_user()
    session.clear()


def set_password(user: User, password: str) -> None:
    """Set a new password and end the user's other sessions (older links die too)."""
    db.session.commit()  # no transaction held while hashing
    password_hash = hash_password(password)
    user.password_hash = password_hash
    user.session_token = new_session_token()
    user.failed_logins = 0
    user.locked_until = None
    db.session.commit()


def deactivate(user: User) -> None:
    """Deactivate an account and end all its sessions."""
    user.active = False
    user.session_token = new_session_token()
    db.session.commit()


def reactivate(user: User) -> None:
    """Let a deactivated account log in again."""
    user.active = True
    db.session.commit()


def create_user(
    email: str,
    role: UserRole,
    country: Country | None = None,
    name: str = "",
    language: str | None = None,
    password: str | None = None,
    invited_by: User | None = None,
) -> User:
    """Create an account; without a password it can only be entered through an invitation."""
    if role.is_national and country is None:
        raise ValueError("a national role needs a country")
    password_hash = hash_password(password) if password else None
    user = User(
        email=normalise_email(email),
        name=(name or "").strip(),
        role=role.value,
        country=country if role.is_national else None,
        language=language,
        password_hash=password_hash,
        invited_by_id=invited_by.id if invited_by else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def update_user(
    user: User, name: str, role: UserRole, country: Country | None, language: str | None
) -> None:
    """Change an account's name, role, country (national roles only) and language."""
    if role.is_national and country is None:
        raise ValueError("a national role needs a country")
    user.name = (name or "").strip()
    user.role = role.value
    user.country = country if role.is_national else None
    user.language = language
    db.session.commit()


def email_taken(email: str, except_user: User | None = None) -> bool:
    """Whether another account already uses this address."""
    query = select(func.count()).select_from(User).where(User.email == normalise_email(email))
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return bool(db.session.scalar(query))


def send_invitation(user: User, inviter: User | None) -> None:
    """Mail ``user`` a link to set their password (after the account is committed)."""
    token = tokens.make_token(user, tokens.INVITATION)
    send_template_mail(
        user.email,
        _l("You are invited to focalpoints"),
        "invitation",
        user.language,
        user=user,
        inviter=inviter,
        link=url_for("auth.accept_invitation", token=token, _external=True),
        days=current_app.config["INVITATION_MAX_AGE_SECONDS"] // 86400,
    )


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active account; say nothing otherwise."""
    user = find_user(email)
    if user is None or not user.active:
        return
    token = tokens.make_token(user, tokens.PASSWORD_RESET)
    link = url_for("auth.reset_password", token=token, _external=True)
    db.session.commit()
    send_template_mail(
        user.email,
        _l("Reset your focalpoints password"),
        "password_reset",
        user.language,
        user=user,
        link=link,
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 60,
    )
