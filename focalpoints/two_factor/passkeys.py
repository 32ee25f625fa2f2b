"""Passkeys (WebAuthn credentials) as the second step of log-in, beside the authenticator's code.

The server makes every challenge (32 random bytes), keeps it in the session for one ceremony
and spends it at the first answer, right or wrong. The relying party is the site of BASE_URL:
its host is the RP ID and its scheme and host the only origin accepted, so a response made
for another site (a look-alike domain) never verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlsplit

from flask import current_app, session
from sqlalchemy import delete, select, update
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from focalpoints.audit import record_event
from focalpoints.auth.models import User
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.two_factor.models import Passkey
from focalpoints.two_factor.operations import CheckResult, checked_second_step
from focalpoints.urls import base_url

CHALLENGE_KEY = "webauthn_challenge"
# How long a ceremony may take, from the options to the answer (the browser's own timeout is
# shorter: this only bounds a challenge left in a session).
CHALLENGE_SECONDS = 300
_TIMEOUT_MS = 120_000
# What a browser's response may weigh (a credential id is at most 1023 bytes; attestation
# certificates make registrations the largest).
MAX_RESPONSE_CHARS = 20_000
_BAD_RESPONSE = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


def relying_party() -> tuple[str, str]:
    """The RP ID (BASE_URL's host) and the origin (its scheme and host) of every ceremony."""
    parts = urlsplit(base_url())
    return parts.hostname or "", f"{parts.scheme}://{parts.netloc}"


def passkeys_of(user: User) -> list[Passkey]:
    """The user's passkeys, the oldest first."""
    return list(
        db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id))
    )


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    descriptors = []
    for passkey in passkeys_of(user):
        transports = []
        for value in filter(None, passkey.transports.split(",")):
            try:
                transports.append(AuthenticatorTransport(value))
            except ValueError:
                continue  # a kind this version of the library does not know
        descriptors.append(
            PublicKeyCredentialDescriptor(id=passkey.credential_id, transports=transports or None)
        )
    return descriptors


def _user_handle(user: User) -> bytes:
    """The user's id as authenticators keep it: stable, and telling nothing (no e-mail, no id)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"webauthn-user\n{user.id}".encode(), hashlib.sha256).digest()


def _keep_challenge(purpose: str, user: User, challenge: bytes) -> None:
    session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "user": user.id,
        "challenge": challenge.hex(),
        "since": int(time.time()),
    }


def _take_challenge(purpose: str, user: User) -> bytes | None:
    """Spend the session's challenge: it answers one response only, right or wrong."""
    data = session.pop(CHALLENGE_KEY, None)
    if not isinstance(data, dict) or data.get("purpose") != purpose or data.get("user") != user.id:
        return None
    since = data.get("since")
    if not isinstance(since, int) or time.time() - since > CHALLENGE_SECONDS:
        return None
    try:
        return bytes.fromhex(data["challenge"])
    except (KeyError, TypeError, ValueError):
        return None


def registration_options(user: User) -> str:
    """Options for navigator.credentials.create(), as JSON; the challenge stays in the session."""
    rp_id, _origin = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=current_app.config["TWO_FACTOR_ISSUER"],
        user_id=_user_handle(user),
        user_name=user.email,
        user_display_name=user.name or user.email,
        timeout=_TIMEOUT_MS,
        exclude_credentials=_descriptors(user),  # the same authenticator is not added twice
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    _keep_challenge("register", user, options.challenge)
    return options_to_json(options)


def register(user: User, response: str, name: str) -> Passkey | None:
    """Keep the passkey of a navigator.credentials.create() ``response``, if it answers this
    session's challenge for this site; None if it does not, or is already someone's."""
    challenge = _take_challenge("register", user)
    if challenge is None or len(response) > MAX_RESPONSE_CHARS:
        return None
    rp_id, origin = relying_party()
    try:
        credential = parse_registration_credential_json(response)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except _BAD_RESPONSE:
        return None
    taken = db.session.scalar(
        select(Passkey.id).where(Passkey.credential_id == verified.credential_id)
    )
    if taken is not None:
        return None
    transports = credential.response.transports or []
    passkey = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(t.value for t in transports)[:200],
        name=name[:100],
    )
    db.session.add(passkey)
    db.session.flush()
    record_event(
        db.session,
        "passkey_added",
        "users",
        user.id,
        country_id=user.country_id,
        details={"passkey": passkey.id, "name": passkey.name},
        actor=user,
    )
    db.session.flush()
    return passkey


def authentication_options(user: User) -> str | None:
    """Options for navigator.credentials.get() naming the user's passkeys, as JSON; None if
    they have none. The challenge stays in the session."""
    descriptors = _descriptors(user)
    if not descriptors:
        return None
    rp_id, _origin = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=_TIMEOUT_MS,
        allow_credentials=descriptors,
        # The password was the first factor: the passkey need only be present.
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _keep_challenge("authenticate", user, options.challenge)
    return options_to_json(options)


def check_passkey(user: User, response: str, address: str | None) -> CheckResult:
    """Check a navigator.credentials.get() ``response`` for the second step of log-in, as
    :func:`~focalpoints.two_factor.operations.check_code` checks a code (and throttled with it).

    Refused: no challenge in the session (or one spent), another site's response, a passkey
    that is not the user's, a bad signature, and a signature counter that went backwards.
    """
    challenge = _take_challenge("authenticate", user)

    def attempt() -> str | None:
        if challenge is None or len(response) > MAX_RESPONSE_CHARS:
            return None
        rp_id, origin = relying_party()
        try:
            credential = parse_authentication_credential_json(response)
        except _BAD_RESPONSE:
            return None
        passkey = db.session.scalar(
            select(Passkey).where(
                Passkey.credential_id == credential.raw_id, Passkey.user_id == user.id
            )
        )
        if passkey is None:
            return None
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=passkey.public_key,
                credential_current_sign_count=passkey.sign_count,
            )
        except _BAD_RESPONSE:
            return None
        # Conditional, so that two requests racing with one signature cannot both win.
        claimed = db.session.execute(
            update(Passkey)
            .where(Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count)
            .values(sign_count=verified.new_sign_count, last_used_at=utcnow())
        ).rowcount
        if not claimed:
            return None
        record_event(db.session, "passkey_used", "users", user.id, details={"passkey": passkey.id})
        return "passkey"

    return checked_second_step(user, address, attempt)


def remove_passkey(user: User, passkey_id: int) -> bool:
    """Remove one of the user's passkeys: it no longer passes the second step."""
    gone = db.session.execute(
        delete(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id)
    ).rowcount
    if gone:
        record_event(
            db.session,
            "passkey_removed",
            "users",
            user.id,
            country_id=user.country_id,
            details={"passkey": passkey_id},
            actor=user,
        )
    return bool(gone)
