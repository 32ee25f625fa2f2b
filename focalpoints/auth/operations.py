"""Log-in, passwords, invitations and resets: the logic that views and commands share.

The functions flush and never commit: the request or command that calls them commits once, so
that an action made of several (an invitation's password and the log-in that follows) is saved
whole or not at all.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from sqlalchemy import func, select, update

from focalpoints.audit import record_event
from focalpoints.auth import tokens
from focalpoints.auth.loading import SECOND_FACTOR_KEY, SESSION_KEY
from focalpoints.auth.login_limits import clear_throttle, record_failure, throttle_wait
from focalpoints.auth.models import LoginSession, User, UserRole, new_session_token
from focalpoints.auth.password_policy import check_password
from focalpoints.auth.passwords import hash_password, verify_password
from focalpoints.countries.models import Country
from focalpoints.database import end_if_unwritten
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.mail import send_template_mail
from focalpoints.secret_digests import digest, new_secret
from focalpoints.two_factor.operations import forget_devices
from focalpoints.urls import external_url


class LoginOutcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"
    THROTTLED = "throttled"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    retry_after: timedelta | None = None  # THROTTLED: how long this address must wait


def normalise_email(email: str) -> str:
    """Return the form in which e-mail addresses are stored and compared."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """Return the user with this e-mail address (case-insensitive), if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str, address: str | None) -> LoginResult:
    """Check credentials from the client at ``address``, throttling per account and address.

    Each (account name, address) pair may fail LOGIN_FREE_FAILURES times; every further failure
    makes that pair wait longer (see :func:`~focalpoints.auth.login_limits.throttle_delay`).
    Another address is never delayed, so a stranger's failures cannot keep the owner out, and an
    unknown account is throttled, answered and timed like a known one. The hash is verified
    outside any transaction. The caller commits whatever the outcome: a failure must count.
    """
    key = _throttle_key(email, address)
    now = utcnow()
    wait = throttle_wait(key, now)
    row = db.session.execute(
        select(User.id, User.password_hash).where(User.email == normalise_email(email))
    ).first()
    end_if_unwritten()  # no (write-locking) transaction held during the slow hash
    if wait is not None:
        _log(row.id if row else None, "login_throttled", email)
        return LoginResult(LoginOutcome.THROTTLED, retry_after=wait)
    valid = verify_password(row.password_hash if row else None, password)
    if row is None or not valid:
        record_failure(key, now)
        _log(row.id if row else None, "login_failed", email)
        return LoginResult(LoginOutcome.INVALID)
    user = db.session.get(User, row.id)
    if user is None:  # deleted between the two queries
        return LoginResult(LoginOutcome.INVALID)
    if not user.active:
        _log(user.id, "login_inactive", email)
        return LoginResult(LoginOutcome.INACTIVE)
    clear_throttle(key)
    return LoginResult(LoginOutcome.OK, user)


def _throttle_key(email: str, address: str | None) -> str:
    return digest(f"login\n{normalise_email(email)}\n{address or ''}")


def _log(user_id: int | None, action: str, email: str) -> None:
    record_event(
        db.session, action, "users", user_id, details={"email": normalise_email(email)[:254]}
    )
    db.session.flush()


def start_session(user: User, second_factor: str = "none") -> None:
    """Log ``user`` in on a fresh session (no state carried over from before log-in).

    ``second_factor`` says how the second step was passed ("totp", "recovery", "device"), or
    "none" when the user has none; the two-step gate trusts it for the session's life.
    """
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    sid = new_secret()
    session[SESSION_KEY] = sid
    session[SECOND_FACTOR_KEY] = second_factor
    db.session.add(LoginSession(id=digest(sid), user_id=user.id))
    user.last_login_at = utcnow()
    login_user(user)
    record_event(db.session, "login", "users", user.id, country_id=user.country_id, actor=user)
    db.session.flush()


def end_session(user: User) -> None:
    """Log the current user out: the session ends server-side too, so a copied cookie dies."""
    sid = session.get(SESSION_KEY)
    if isinstance(sid, str):
        db.session.execute(
            update(LoginSession).where(LoginSession.id == digest(sid)).values(ended_at=utcnow())
        )
    record_event(db.session, "logout", "users", user.id, country_id=user.country_id, actor=user)
    db.session.flush()
    logout_user()
    session.clear()


def set_password(user: User, password: str) -> None:
    """Set a new password and end the user's other sessions (older links die too), and forget
    the devices remembered for two-step log-in.

    PasswordRefused if the policy refuses it (forms check first, with the same function)."""
    check_password(password, user.name, user.email)
    end_if_unwritten()  # no transaction held while hashing, unless the caller's has written
    password_hash = hash_password(password)
    user.password_hash = password_hash
    user.session_token = new_session_token()
    forget_devices(user)
    db.session.flush()


def deactivate(user: User) -> None:
    """Deactivate an account, end all its sessions and forget its remembered devices."""
    user.active = False
    user.session_token = new_session_token()
    forget_devices(user)
    db.session.flush()


def reactivate(user: User) -> None:
    """Let a deactivated account log in again."""
    user.active = True
    db.session.flush()


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
    if password:
        check_password(password, name, email)
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
    db.session.flush()
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
    db.session.flush()


def email_taken(email: str, except_user: User | None = None) -> bool:
    """Whether another account already uses this address."""
    query = select(func.count()).select_from(User).where(User.email == normalise_email(email))
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return bool(db.session.scalar(query))


def send_invitation(user: User, inviter: User | None) -> None:
    """Mail ``user`` a link to set their password (the caller commits the account first)."""
    token = tokens.make_token(user, tokens.INVITATION)
    send_template_mail(
        user.email,
        _l("You are invited to focalpoints"),
        "invitation",
        user.language,
        user=user,
        inviter=inviter,
        link=external_url("auth.accept_invitation", token=token),
        days=current_app.config["INVITATION_MAX_AGE_SECONDS"] // 86400,
    )


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active account; say nothing otherwise."""
    user = find_user(email)
    if user is None or not user.active:
        return
    token = tokens.make_token(user, tokens.PASSWORD_RESET)
    link = external_url("auth.reset_password", token=token)
    end_if_unwritten()  # no transaction held while mailing
    send_template_mail(
        user.email,
        _l("Reset your focalpoints password"),
        "password_reset",
        user.language,
        user=user,
        link=link,
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 60,
    )
