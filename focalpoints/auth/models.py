"""User accounts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.countries.models import Country
from focalpoints.db_types import UTCDateTime, utcnow
from focalpoints.extensions import db


class UserRole(enum.StrEnum):
    """What a user may do; national roles are bound to one country."""

    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    COORDINATOR = "coordinator"
    EDITOR = "editor"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def is_national(self) -> bool:
        return self in (UserRole.COORDINATOR, UserRole.EDITOR)


ROLE_LABELS = {
    UserRole.ADMIN: _l("Administrator"),
    UserRole.SECRETARIAT: _l("Secretariat"),
    UserRole.COORDINATOR: _l("National coordinator"),
    UserRole.EDITOR: _l("National editor"),
}


def new_session_token() -> str:
    """Return a fresh random token; changing it ends every session of the user."""
    return secrets.token_urlsafe(24)


class User(Audited, UserMixin, db.Model):
    """A person who logs in: an administrator, Secretariat staff, or a national official."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'secretariat', 'coordinator', 'editor')", name="role_known"
        ),
        CheckConstraint(
            "role IN ('admin', 'secretariat') OR country_id IS NOT NULL",
            name="national_role_has_country",
        ),
    )
    __audit_secret__ = frozenset({"password_hash", "session_token"})
    __audit_ignore__ = frozenset({"last_login_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    country_id: Mapped[int | None] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    # The language of e-mails; of pages too, once the user has chosen it (on the account page
    # or the switcher). One given by an administrator or the demo data leaves pages in the
    # browser's language.
    language: Mapped[str | None] = mapped_column(String(8))
    language_chosen: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    country: Mapped[Country | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    @property
    def user_role(self) -> UserRole:
        return UserRole(self.role)

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def get_id(self) -> str:
        """Identify the user and the generation of their sessions (see ``session_token``)."""
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class LoginSession(db.Model):
    """One logged-in browser session, kept server-side so that log-out really ends it.

    The browser's cookie holds a random id; only its SHA-256 is stored here.
    """

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginThrottle(db.Model):
    """The failed log-ins of one account name from one client address, and the wait they cost.

    Keyed by a SHA-256 of the pair: neither the address typed nor the client's is kept, and an
    unknown account is throttled exactly like a known one (nothing tells them apart). Failures
    from other addresses never delay the owner's own address.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
