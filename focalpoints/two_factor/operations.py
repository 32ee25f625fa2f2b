"""Two-step log-in: setting up an authenticator, checking codes, recovery codes, remembered
devices, and who must use it.

The functions flush and never commit: the request or command that calls them commits once (a
passed second step together with the log-in it opens).
"""

from __future__ import annotations

import enum
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, select, update

from focalpoints.audit import record_event
from focalpoints.auth.login_limits import clear_throttle, record_failure, throttle_wait
from focalpoints.auth.models import User, new_session_token
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.secret_digests import digest, new_secret
from focalpoints.two_factor import encryption
from focalpoints.two_factor.models import Passkey, RecoveryCode, RememberedDevice, TotpCredential

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
# Recovery codes: 20 characters of Crockford's base 32 (no i, l, o or u to misread), 5 bits
# each: 100 random bits, written in groups of four.
_RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RECOVERY_LENGTH = 20
# Codes from the previous and the next 30-second period are accepted too (clocks drift).
_TOTP_WINDOW = 1


class CheckOutcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class CheckResult:
    outcome: CheckOutcome
    method: str | None = None  # OK: "totp", "recovery" or "passkey"
    retry_after: timedelta | None = None  # THROTTLED: how long to wait


def is_required(user: User) -> bool:
    """Whether ``user`` must log in with a second step: by role, or by their country's rule."""
    if user.role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]:
        return True
    return user.country is not None and user.country.two_factor_required


def credential_of(user: User) -> TotpCredential | None:
    """The user's authenticator, set up or still being set up."""
    return db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))


def is_enrolled(user: User) -> bool:
    """Whether the user has a confirmed authenticator."""
    credential = credential_of(user)
    return credential is not None and credential.confirmed_at is not None


def start_enrolment(user: User) -> TotpCredential:
    """Return the unconfirmed authenticator being set up, making its secret the first time."""
    credential = credential_of(user)
    if credential is None:
        credential = TotpCredential(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(credential)
        db.session.flush()
    return credential


def provisioning_uri(user: User, credential: TotpCredential) -> str:
    """The otpauth:// address that an authenticator application reads from the QR code."""
    return pyotp.TOTP(credential.secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TWO_FACTOR_ISSUER"]
    )


def qr_code_svg(data: str, title: str) -> Markup:
    """``data`` as a QR code in inline SVG: no script, no style attribute, nothing fetched."""
    svg = segno.make(data, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=title, svgclass="qr-code"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704  # nosec B704: segno escapes


def grouped_secret(credential: TotpCredential) -> str:
    """The secret in groups of four, for typing into an application by hand."""
    return " ".join(re.findall(".{1,4}", credential.secret))


def confirm_enrolment(user: User, credential: TotpCredential, code: str) -> list[str] | None:
    """Confirm the authenticator with a code it shows; return the new recovery codes, or None
    if the code is wrong."""
    if credential.confirmed_at is not None or not _accept_totp(credential, code):
        return None
    credential.confirmed_at = utcnow()
    record_event(db.session, "two_step_enabled", "users", user.id, country_id=user.country_id)
    return new_recovery_codes(user)


def check_code(user: User, code: str, address: str | None) -> CheckResult:
    """Check a code (the authenticator's, or a recovery code) for the second step of log-in."""

    def attempt() -> str | None:
        credential = credential_of(user)
        if credential is None or credential.confirmed_at is None:
            return None
        if _accept_totp(credential, code):
            return "totp"
        if use_recovery_code(user, code):
            return "recovery"
        return None

    return checked_second_step(user, address, attempt)


def checked_second_step(
    user: User, address: str | None, attempt: Callable[[], str | None]
) -> CheckResult:
    """Run ``attempt`` (which names the method that passed, or None) as a try at the second step.

    Throttled like the password (see :func:`focalpoints.auth.operations.authenticate`): per
    account and address, and per account whatever the address, since whoever reached this step
    knows the password. A code and a passkey count against the same limits. The caller commits
    whatever the outcome: a failure must count.
    """
    keys = [digest(f"second-step\n{user.id}\n{address or ''}"), digest(f"second-step\n{user.id}")]
    now = utcnow()
    waits = [wait for key in keys if (wait := throttle_wait(key, now)) is not None]
    if waits:
        record_event(db.session, "two_step_throttled", "users", user.id)
        db.session.flush()
        return CheckResult(CheckOutcome.THROTTLED, retry_after=max(waits))
    method = attempt()
    if method is None:
        for key in keys:
            record_failure(key, now)
        record_event(db.session, "two_step_failed", "users", user.id)
        db.session.flush()
        return CheckResult(CheckOutcome.INVALID)
    for key in keys:
        clear_throttle(key)
    db.session.flush()
    return CheckResult(CheckOutcome.OK, method=method)


def _accept_totp(credential: TotpCredential, code: str) -> bool:
    """Accept an authenticator code once: never again, nor one of an earlier period."""
    code = re.sub(r"\s", "", code)
    if not re.fullmatch(r"\d{6}", code):
        return False
    try:
        secret = credential.secret
    except encryption.UnreadableSecret:
        # The key changed without the old one in TWO_FACTOR_OLD_KEYS: no code can be checked
        # until the key is restored or an administrator resets the user's two-step log-in.
        log.error(
            "The authenticator secret of user %s opens with no configured key.", credential.user_id
        )
        return False
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    for step in range(current - _TOTP_WINDOW, current + _TOTP_WINDOW + 1):
        if credential.last_used_step is not None and step <= credential.last_used_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            # Conditional, so that two requests racing with the same code cannot both win.
            claimed = db.session.execute(
                update(TotpCredential)
                .where(
                    TotpCredential.id == credential.id,
                    (TotpCredential.last_used_step.is_(None))
                    | (TotpCredential.last_used_step < step),
                )
                .values(last_used_step=step)
            ).rowcount
            db.session.refresh(credential)
            if claimed and not encryption.is_current(credential.stored_secret):
                credential.secret = secret  # a legacy or old-key value: under the current key
            return bool(claimed)
    return False


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones, returned once to be shown."""
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, digest=_recovery_digest(c)) for c in codes)
    record_event(db.session, "recovery_codes_created", "users", user.id, country_id=user.country_id)
    db.session.flush()
    return ["-".join(re.findall(".{4}", code)) for code in codes]


def _recovery_digest(code: str) -> str:
    return digest("recovery\n" + re.sub(r"[\s-]", "", code).lower())


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one of the user's recovery codes; each works once."""
    if len(code) > 64:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.digest == _recovery_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    ).rowcount
    if used:
        record_event(db.session, "recovery_code_used", "users", user.id)
    return bool(used)


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the user has."""
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def remember_device(user: User, user_agent: str) -> tuple[str, datetime]:
    """Remember this browser for the user; return the cookie's secret and its expiry."""
    secret = new_secret()
    expires = utcnow() + timedelta(days=current_app.config["TWO_FACTOR_REMEMBER_DAYS"])
    db.session.add(
        RememberedDevice(
            digest=digest(secret),
            user_id=user.id,
            label=device_label(user_agent),
            expires_at=expires,
        )
    )
    record_event(db.session, "device_remembered", "users", user.id)
    db.session.flush()
    return secret, expires


def is_remembered(user: User, secret: str | None) -> bool:
    """Whether the cookie's ``secret`` is a device the user still has remembered."""
    if not secret or len(secret) > 100:
        return False
    now = utcnow()
    device = db.session.scalar(
        select(RememberedDevice).where(
            RememberedDevice.digest == digest(secret),
            RememberedDevice.user_id == user.id,
            RememberedDevice.expires_at > now,
        )
    )
    if device is None:
        return False
    device.last_used_at = now
    db.session.flush()
    return True


def remembered_devices(user: User) -> list[RememberedDevice]:
    """The user's remembered devices still in force, the most recently used first."""
    return list(
        db.session.scalars(
            select(RememberedDevice)
            .where(RememberedDevice.user_id == user.id, RememberedDevice.expires_at > utcnow())
            .order_by(RememberedDevice.last_used_at.desc())
        )
    )


def forget_device(user: User, device_id: int) -> bool:
    """Forget one of the user's remembered devices; its cookie opens nothing any more."""
    gone = db.session.execute(
        delete(RememberedDevice).where(
            RememberedDevice.id == device_id, RememberedDevice.user_id == user.id
        )
    ).rowcount
    if gone:
        record_event(db.session, "device_forgotten", "users", user.id)
    return bool(gone)


def forget_devices(user: User) -> None:
    """Forget all of the user's remembered devices."""
    db.session.execute(delete(RememberedDevice).where(RememberedDevice.user_id == user.id))


def remove(user: User, action: str, actor: User | None = None) -> None:
    """Remove the user's authenticator, recovery codes, passkeys and remembered devices.

    ``action`` says why: the owner turned it off, or an administrator reset it (the owner
    lost the phone), which also ends the owner's sessions.
    """
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(Passkey).where(Passkey.user_id == user.id))
    forget_devices(user)
    if actor is not None and actor.id != user.id:
        user.session_token = new_session_token()
    record_event(db.session, action, "users", user.id, country_id=user.country_id, actor=actor)
    db.session.flush()


def encrypt_secrets() -> int:
    """Encrypt under the current key every authenticator secret stored in clear or under an old
    key (TWO_FACTOR_OLD_KEYS); return how many were.

    One that no configured key opens is left as it is (and logged).
    """
    count = 0
    for credential in db.session.scalars(select(TotpCredential).with_for_update()):
        if encryption.is_current(credential.stored_secret):
            continue
        try:
            credential.secret = credential.secret
        except encryption.UnreadableSecret:
            log.error(
                "The authenticator secret of user %s opens with no configured key.",
                credential.user_id,
            )
            continue
        count += 1
    db.session.flush()
    return count


def device_label(user_agent: str) -> str:
    """A short name of a browser, "Firefox on Windows", from its User-Agent header."""
    browsers = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    systems = [
        ("Windows", "Windows"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Android", "Android"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    browser = next((name for token, name in browsers if token in user_agent), "")
    system = next((name for token, name in systems if token in user_agent), "")
    return " · ".join(part for part in (browser, system) if part)[:100]
