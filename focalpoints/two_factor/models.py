"""What two-step log-in keeps: the authenticator secret, recovery codes, remembered devices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from focalpoints.db_types import UTCDateTime, utcnow
from focalpoints.extensions import db
from focalpoints.two_factor import encryption


class TotpCredential(db.Model):
    """A user's authenticator (RFC 6238 time-based codes).

    The secret must be read back to check a code, so it cannot be hashed: it is stored
    encrypted (see encryption.py); ``secret`` reads and writes it in clear. Until
    ``confirmed_at`` the user is still setting it up. ``last_used_step`` is the 30-second period
    of the last code accepted: no code is accepted twice, nor one older than it.
    """

    __tablename__ = "totp_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    stored_secret: Mapped[str] = mapped_column("secret", String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_step: Mapped[int | None]

    @property
    def secret(self) -> str:
        """The secret in clear (raises encryption.UnreadableSecret if no key opens it)."""
        return encryption.decrypt(self.stored_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        self.stored_secret = encryption.encrypt(value)


class RecoveryCode(db.Model):
    """One single-use code that stands in for the authenticator; only its SHA-256 is kept.

    Each code carries 100 random bits, so a fast digest is safe (see secret_digests.py) and
    a code is found by an indexed look-up rather than by trying ten slow hashes.
    """

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RememberedDevice(db.Model):
    """A browser that may skip the second step until ``expires_at``.

    Its cookie holds a random secret; only the SHA-256 is stored, like a session id. Forgetting
    the device (by its owner, a new password, or an administrator's reset) deletes the row, and
    the cookie opens nothing any more.
    """

    __tablename__ = "remembered_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Passkey(db.Model):
    """A WebAuthn credential (a passkey, a security key) that passes the second step.

    Only its public key is kept: nothing here lets anyone sign in. ``sign_count`` is the
    authenticator's counter at its last use; a response with a counter not above it (a cloned
    authenticator) is refused, unless the authenticator keeps no counter (always 0).
    ``transports`` ("usb", "nfc", "ble", "internal", "hybrid"), comma-separated, tell the browser
    where to look for it.
    """

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    transports: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
