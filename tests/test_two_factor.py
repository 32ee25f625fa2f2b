"""Two-step log-in: setting it up, logging in with a code, recovery codes, remembered devices,
an administrator's reset, a country's requirement, and that no step can be skipped."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import cbor2
import pyotp
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from webauthn.helpers import bytes_to_base64url

from focalpoints.audit.models import AuditEntry
from focalpoints.auth.loading import SECOND_FACTOR_KEY
from focalpoints.auth.models import User
from focalpoints.extensions import db
from focalpoints.two_factor import encryption
from focalpoints.two_factor.gate import ALLOWED_ENDPOINTS, PENDING_KEY
from focalpoints.two_factor.models import Passkey, RecoveryCode, RememberedDevice, TotpCredential
from focalpoints.two_factor.operations import credential_of
from tests.conftest import PASSWORD, login

REQUIRED = ["admin", "secretariat"]


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Iterator[Flask]:
    """As in production: administrators and the Secretariat must use two-step log-in."""
    application = app_factory(TWO_FACTOR_REQUIRED_ROLES=REQUIRED)
    with application.app_context():
        yield application


def credential(user: User) -> TotpCredential:
    db.session.expire_all()
    found = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))
    assert found is not None
    return found


def next_code(user: User) -> str:
    """A code the authenticator shows now that the app has not accepted yet."""
    cred = credential(user)
    totp = pyotp.TOTP(cred.secret)
    step = totp.timecode(datetime.now())
    if cred.last_used_step is not None and step <= cred.last_used_step:
        step = cred.last_used_step + 1  # the next period's code is accepted too
    return totp.generate_otp(step)


def enrol(client: FlaskClient, user: User) -> list[str]:
    """Set up the authenticator on the enrolment page; return the recovery codes shown."""
    page = client.get("/two-step/setup")
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    assert secret == credential(user).secret
    response = client.post("/two-step/setup", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.text[:500]
    codes = re.findall(r"<li>([0-9a-z]{4}(?:-[0-9a-z]{4}){4})</li>", response.text)
    assert len(codes) == 10
    assert 'href="/account#passkeys"' in response.text  # a passkey may be added next
    return codes


def logout(client: FlaskClient) -> None:
    client.post("/logout")


def log_in_fully(client: FlaskClient, user: User, **form: Any) -> Any:
    """Password, then the authenticator's code."""
    response = login(client, user)
    assert response.headers["Location"].endswith("/login/code")
    return client.post("/login/code", data={"code": next_code(user), **form})


def test_an_administrator_must_set_it_up_right_after_the_password(client, make_user):
    admin = make_user(role="admin", country_code=None)
    response = login(client, admin)
    assert response.headers["Location"].endswith("/two-step/setup")
    # Nothing else is open meanwhile.
    assert client.get("/countries").headers["Location"].endswith("/two-step/setup")
    assert client.get("/account").headers["Location"].endswith("/two-step/setup")
    page = client.get("/two-step/setup")
    # The QR code is inline SVG, nothing to fetch or run: CSP-clean.
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert "<script" not in svg and "style" not in svg and "href" not in svg
    # Every script is one of the app's own files: none inline, none from elsewhere.
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert scripts and all(re.fullmatch(r'<script src="/static/[^"]+">', s) for s in scripts)
    wrong = client.post("/two-step/setup", data={"code": "000000"})
    assert "This code is wrong" in wrong.text
    codes = enrol(client, admin)
    assert len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.digest).where(RecoveryCode.user_id == admin.id))
    assert not set(codes) & set(stored)  # kept only as digests
    assert client.get("/countries").status_code == 200
    assert credential(admin).confirmed_at is not None


def test_log_in_with_a_code_and_no_code_twice(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    logout(client)
    response = client.post("/login?next=/users", data={"email": admin.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/users").headers["Location"].endswith("/login/code")
    wrong = client.post("/login/code", data={"code": "123456"})
    assert "This code is wrong or has been used already." in wrong.text
    code = next_code(admin)
    response = client.post("/login/code", data={"code": code})
    assert response.headers["Location"].endswith("/users")
    assert client.get("/users").status_code == 200
    logout(client)
    login(client, admin)
    replay = client.post("/login/code", data={"code": code})
    assert replay.status_code == 200 and "has been used already" in replay.text
    assert client.get("/countries").headers["Location"].endswith("/login/code")


def test_a_recovery_code_works_once(client, make_user):
    secretariat = make_user(role="secretariat", country_code=None)
    login(client, secretariat)
    codes = enrol(client, secretariat)
    logout(client)
    login(client, secretariat)
    response = client.post("/login/code", data={"code": codes[3].upper().replace("-", " ")})
    assert response.headers["Location"].endswith("/countries")
    page = client.get("/countries")
    assert page.status_code == 200 and "You have 9 left" in page.text
    logout(client)
    login(client, secretariat)
    again = client.post("/login/code", data={"code": codes[3]})
    assert "has been used already" in again.text
    assert client.post("/login/code", data={"code": codes[4]}).status_code == 302


def test_a_passed_second_step_is_saved_with_the_log_in_or_not_at_all(
    client, make_user, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    from focalpoints.auth.models import LoginSession
    from focalpoints.two_factor import operations

    def fail(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO remembered_devices", {}, Exception("disk I/O error"))

    secretariat = make_user(role="secretariat", country_code=None)
    login(client, secretariat)
    codes = enrol(client, secretariat)
    logout(client)

    def unused() -> int:
        db.session.expire_all()
        return db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == secretariat.id, RecoveryCode.used_at.is_(None))
        )

    def sessions() -> int:
        return db.session.scalar(
            select(func.count())
            .select_from(LoginSession)
            .where(LoginSession.user_id == secretariat.id)
        )

    before = sessions()
    login(client, secretariat)
    with monkeypatch.context() as patch:
        patch.setattr(operations, "remember_device", fail)
        response = client.post("/login/code", data={"code": codes[0], "remember": "y"})
        assert response.status_code == 503
    # Neither the code nor the log-in it opened was kept.
    assert unused() == 10 and sessions() == before
    assert db.session.scalar(select(func.count()).select_from(RememberedDevice)) == 0
    assert client.get("/countries").headers["Location"].startswith("/login")
    login(client, secretariat)
    response = client.post("/login/code", data={"code": codes[0], "remember": "y"})
    assert response.headers["Location"].endswith("/countries")
    assert "You have 9 left" in client.get("/countries").text
    assert unused() == 9 and sessions() == before + 1


def test_new_recovery_codes_replace_the_old(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    old = enrol(client, admin)
    page = client.post("/account/two-step/recovery-codes")
    new = re.findall(r"<li>([0-9a-z]{4}(?:-[0-9a-z]{4}){4})</li>", page.text)
    assert len(new) == 10 and not set(new) & set(old)
    logout(client)
    login(client, admin)
    assert client.post("/login/code", data={"code": old[0]}).status_code == 200
    assert client.post("/login/code", data={"code": new[0]}).status_code == 302


def test_a_remembered_device_skips_the_code_until_forgotten(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    logout(client)
    login(client, admin)
    client.post(
        "/login/code",
        data={"code": next_code(admin), "remember": "y"},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/140.0"},
    )
    cookie = client.get_cookie("remembered_device", domain="focalpoints.test")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    device = db.session.scalar(select(RememberedDevice).where(RememberedDevice.user_id == admin.id))
    assert device.label == "Firefox · Windows" and device.digest != cookie.value
    logout(client)
    # The password alone now suffices on this browser.
    response = login(client, admin)
    assert response.headers["Location"].endswith("/countries")
    account = client.get("/account")
    assert "Firefox · Windows" in account.text
    # Forgotten from the account page: the code is asked again.
    client.post(f"/account/two-step/devices/{device.id}/forget")
    logout(client)
    assert login(client, admin).headers["Location"].endswith("/login/code")
    # The forgotten cookie, copied to another browser, opens nothing there either.
    other = client.application.test_client()
    other.set_cookie("remembered_device", cookie.value, domain="focalpoints.test")
    assert login(other, admin).headers["Location"].endswith("/login/code")


def test_a_new_password_forgets_remembered_devices(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    logout(client)
    log_in_fully(client, admin, remember="y")
    new_password = "another long passphrase"
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert client.get("/countries").status_code == 200  # this session stays logged in
    assert db.session.scalar(select(RememberedDevice)) is None
    logout(client)
    response = client.post("/login", data={"email": admin.email, "password": new_password})
    assert response.headers["Location"].endswith("/login/code")


def test_an_administrator_resets_it(app, client, make_user):
    admin = make_user(role="admin", country_code=None)
    user = make_user(role="secretariat", country_code=None)
    login(client, user)
    enrol(client, user)
    assert client.get("/countries").status_code == 200
    other = app.test_client()
    login(other, admin)
    enrol(other, admin)
    page = other.get(f"/users/{user.id}/edit")
    assert "Reset two-step verification" in page.text
    response = other.post(f"/users/{user.id}/two-step/reset")
    assert response.headers["Location"].endswith(f"/users/{user.id}/edit")
    db.session.expire_all()
    assert credential_of(user) is None
    assert db.session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user.id)) is None
    # The user's session has ended; at the next log-in they set it up again.
    assert "/login" in client.get("/countries").headers["Location"]
    assert login(client, user).headers["Location"].endswith("/two-step/setup")


def test_only_administrators_reset_it(client, login_as, make_user):
    target = make_user(role="editor", country_code="KE")
    login_as("coordinator", "KE")
    assert client.post(f"/users/{target.id}/two-step/reset").status_code == 403


def test_it_is_optional_for_national_users(client, make_user):
    coordinator = make_user(role="coordinator", country_code="KE")
    assert login(client, coordinator).headers["Location"].endswith("/countries/KE")
    assert "Set up two-step verification" in client.get("/account").text
    enrol(client, coordinator)
    assert client.get("/countries/KE").status_code == 200
    logout(client)
    assert login(client, coordinator).headers["Location"].endswith("/login/code")
    client.post("/login/code", data={"code": next_code(coordinator)})
    wrong = client.post("/account/two-step/turn-off", data={"current": "not the password"})
    assert credential(coordinator).confirmed_at is not None
    assert wrong.status_code == 302
    client.post("/account/two-step/turn-off", data={"current": PASSWORD})
    db.session.expire_all()
    assert db.session.scalar(select(TotpCredential)) is None
    logout(client)
    assert login(client, coordinator).headers["Location"].endswith("/countries/KE")


def test_an_administrator_requires_it_of_a_country(app, client, make_user, country):
    admin = make_user(role="admin", country_code=None)
    kenyan = make_user(role="editor", country_code="KE")
    french = make_user(role="editor", country_code="FR")
    login(client, admin)
    enrol(client, admin)
    assert client.get("/admin/countries/KE/two-step").status_code == 200
    client.post("/admin/countries/KE/two-step", data={"required": "y"})
    assert country("KE").two_factor_required
    other = app.test_client()
    assert login(other, kenyan).headers["Location"].endswith("/two-step/setup")
    assert "must be protected" in other.get("/two-step/setup").text
    # Where it is required it cannot be turned off.
    enrol(other, kenyan)
    other.post("/account/two-step/turn-off", data={"current": PASSWORD})
    assert credential(kenyan).confirmed_at is not None
    third = app.test_client()
    assert login(third, french).headers["Location"].endswith("/countries/FR")
    assert third.get("/admin/countries/FR/two-step").status_code == 403


def test_an_invited_administrator_sets_it_up_before_entering(app, client):
    from focalpoints.auth import tokens
    from focalpoints.auth.models import UserRole
    from focalpoints.auth.operations import create_user

    invited = create_user("new.admin@example.org", UserRole.ADMIN)
    db.session.commit()
    with app.test_request_context():
        token = tokens.make_token(invited, tokens.INVITATION)
    password = "a long and private passphrase"
    response = client.post(f"/invitation/{token}", data={"password": password, "confirm": password})
    assert response.headers["Location"].endswith("/two-step/setup")
    assert client.get("/countries").headers["Location"].endswith("/two-step/setup")
    assert "Your password is set." in client.get("/two-step/setup").text


def test_the_code_step_is_throttled_like_the_password(app, client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    logout(client)
    login(client, admin)
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 1):
        client.post("/login/code", data={"code": "000000"})
    response = client.post("/login/code", data={"code": next_code(admin)})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.text
    assert int(response.headers["Retry-After"]) > 0


def test_the_pending_step_expires(app, client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    with client.session_transaction() as session:
        pending = session[PENDING_KEY]
        pending["since"] -= app.config["TWO_FACTOR_PENDING_MINUTES"] * 60 + 1
        session[PENDING_KEY] = pending
    response = client.get("/countries")
    assert response.headers["Location"].endswith("/login")
    assert client.get("/two-step/setup").headers["Location"].endswith("/login")


def test_a_session_from_before_two_step_log_in_goes_through_it(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    with client.session_transaction() as session:
        del session[SECOND_FACTOR_KEY]
    assert client.get("/countries").headers["Location"].endswith("/login/code")


def _url_for_rule(rule: Any) -> str:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if "Integer" in kind or "Id" in kind:
            values[name] = 1
        elif name in ("code", "iso2"):
            values[name] = "KE"
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


@pytest.mark.parametrize("enrolled", [True, False])
def test_no_url_skips_the_second_step(app, client, make_user, enrolled):
    """Between the steps, every URL but the second step's own leads back to it."""
    admin = make_user(role="admin", country_code=None)
    if enrolled:
        login(client, admin)
        enrol(client, admin)
        logout(client)
    login(client, admin)
    step = "/login/code" if enrolled else "/two-step/setup"
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in ALLOWED_ENDPOINTS or getattr(view, "without_session", False):
            continue  # the step's own pages; views that read no session at all
        url = _url_for_rule(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in (302, 303), (rule.endpoint, method, response.status)
            assert response.headers["Location"].endswith(step), (rule.endpoint, method)
            checked += 1
    assert checked > 100
    with client.session_transaction() as session:
        assert "_user_id" not in session and PENDING_KEY in session


def test_the_command_line_resets_it_when_no_administrator_can(client, runner, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    result = runner.invoke(args=["users", "reset-two-step", admin.email.upper()])
    assert result.exit_code == 0, result.output
    assert credential_of(admin) is None
    assert "/login" in client.get("/countries").headers["Location"]
    assert login(client, admin).headers["Location"].endswith("/two-step/setup")
    unknown = runner.invoke(args=["users", "reset-two-step", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account" in unknown.output


# Passkeys. The site in tests is http://focalpoints.test (SERVER_NAME, as BASE_URL is not set).
ORIGIN = "http://focalpoints.test"
RP_ID = "focalpoints.test"


class SoftAuthenticator:
    """A passkey made here: an EC P-256 key, with the authenticator data, client data and "none"
    attestation that a browser and an authenticator would send, signed for real."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _authenticator_data(self, rp_id: str, attested: bool) -> bytes:
        flags = 0x01 | (0x40 if attested else 0)  # user present; attested credential data
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
        data += self.sign_count.to_bytes(4, "big")
        if attested:
            data += bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id
            data += self._cose_key()
        return data

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict[str, Any], origin: str = ORIGIN, rp_id: str = RP_ID) -> str:
        """navigator.credentials.create() with these options, as passkeys.js sends it."""
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attestation = cbor2.dumps(
            {"fmt": "none", "attStmt": {}, "authData": self._authenticator_data(rp_id, True)}
        )
        return json.dumps(
            {
                "id": bytes_to_base64url(self.credential_id),
                "rawId": bytes_to_base64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["internal", "hybrid"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(
        self,
        options: dict[str, Any],
        origin: str = ORIGIN,
        rp_id: str = RP_ID,
        sign_count: int | None = None,
    ) -> str:
        """navigator.credentials.get() with these options: the challenge signed by the key."""
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        authenticator_data = self._authenticator_data(rp_id, False)
        signature = self.key.sign(
            authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": bytes_to_base64url(self.credential_id),
                "rawId": bytes_to_base64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(authenticator_data),
                    "signature": bytes_to_base64url(signature),
                },
                "clientExtensionResults": {},
            }
        )


def add_passkey(
    client: FlaskClient, device: SoftAuthenticator, name: str = "Laptop", **kwargs: Any
) -> Any:
    """Ask for creation options on the account page, make the passkey, send it with the password."""
    options = client.post("/account/two-step/passkeys/options")
    assert options.status_code == 200 and options.mimetype == "application/json"
    assert options.headers["Cache-Control"] == "no-store"
    return client.post(
        "/account/two-step/passkeys",
        data={
            "passkey-name": name,
            "passkey-current": PASSWORD,
            "passkey-credential": device.create(options.get_json(), **kwargs),
        },
    )


def passkey_options(client: FlaskClient) -> dict[str, Any]:
    response = client.post("/login/passkey/options")
    assert response.status_code == 200, response.status
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def log_in_with_passkey(client: FlaskClient, response: str, **form: Any) -> Any:
    return client.post("/login/passkey", data={"passkey-credential": response, **form})


def enrolled_with_passkey(client: FlaskClient, user: User) -> SoftAuthenticator:
    """Log ``user`` in, set up the authenticator, add a passkey, log out."""
    login(client, user)
    enrol(client, user)
    device = SoftAuthenticator()
    response = add_passkey(client, device)
    assert response.headers["Location"].endswith("/account#two-step")
    logout(client)
    return device


def test_a_passkey_is_added_listed_used_and_removed(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    account = client.get("/account")
    assert 'id="passkey-add"' in account.text and "Add a passkey" in account.text
    # The form and its script degrade: hidden until passkeys.js finds WebAuthn in the browser.
    assert re.search(r'<form[^>]*id="passkey-add"[^>]*hidden>', account.text)
    assert re.search(r'<script src="/static/js/passkeys\.js\?v=[0-9a-f]{12}">', account.text)
    options = client.post("/account/two-step/passkeys/options").get_json()
    assert options["rp"] == {"id": RP_ID, "name": "focalpoints"}
    assert options["user"]["name"] == admin.email
    assert str(admin.id) not in options["user"]["id"]  # the handle tells nothing
    device = SoftAuthenticator()
    # The current password is asked for, as for turning it off.
    wrong = client.post(
        "/account/two-step/passkeys",
        data={
            "passkey-name": "Laptop",
            "passkey-current": "not the password",
            "passkey-credential": device.create(options),
        },
    )
    assert wrong.headers["Location"].endswith("/account#two-step")
    assert db.session.scalar(select(Passkey)) is None
    response = add_passkey(client, device, name="Work laptop")
    assert response.headers["Location"].endswith("/account#two-step")
    passkey = db.session.scalar(select(Passkey).where(Passkey.user_id == admin.id))
    assert passkey.credential_id == device.credential_id
    assert passkey.name == "Work laptop" and passkey.transports == "internal,hybrid"
    assert passkey.sign_count == 0 and passkey.last_used_at is None
    page = client.get("/account")
    assert "The passkey has been added." in page.text
    assert "Work laptop" in page.text and "never used" in page.text
    # The same authenticator is not offered twice.
    again = client.post("/account/two-step/passkeys/options").get_json()
    assert again["excludeCredentials"][0]["id"] == bytes_to_base64url(device.credential_id)
    logout(client)

    response = client.post("/login?next=/users", data={"email": admin.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    page = client.get("/login/code")
    assert "Use a passkey" in page.text
    assert re.search(r'<form[^>]*id="passkey-login"[^>]*hidden>', page.text)
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert all(re.fullmatch(r'<script src="/static/[^"]+">', s) for s in scripts)
    options = passkey_options(client)
    assert options["rpId"] == RP_ID
    assert [c["id"] for c in options["allowCredentials"]] == [
        bytes_to_base64url(device.credential_id)
    ]
    response = log_in_with_passkey(client, device.get(options), **{"passkey-remember": "y"})
    # Exactly as with a code: where the log-in was going, the device remembered, audited.
    assert response.headers["Location"].endswith("/users")
    assert client.get("/users").status_code == 200
    with client.session_transaction() as session:
        assert session[SECOND_FACTOR_KEY] == "passkey"
    assert client.get_cookie("remembered_device", domain="focalpoints.test") is not None
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == str(admin.id))
    ).all()
    assert {"passkey_added", "passkey_used", "login"} <= set(actions)
    db.session.expire_all()
    passkey = db.session.get(Passkey, passkey.id)
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    assert "last used on" in client.get("/account").text

    client.post(f"/account/two-step/passkeys/{passkey.id}/remove")
    assert db.session.scalar(select(Passkey)) is None
    assert "passkey_removed" in db.session.scalars(select(AuditEntry.action)).all()


def test_the_code_page_offers_no_passkey_to_one_who_has_none(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    logout(client)
    login(client, admin)
    assert "Use a passkey" not in client.get("/login/code").text
    assert client.post("/login/passkey/options").status_code == 404


def test_passkey_log_in_refuses_what_it_should(app, client, make_user):
    admin = make_user(role="admin", country_code=None)
    device = enrolled_with_passkey(client, admin)
    login(client, admin)

    def refused(response: Any) -> None:
        assert response.headers["Location"].endswith("/login/code")
        assert "The passkey was not accepted" in client.get("/login/code").text
        assert client.get("/countries").headers["Location"].endswith("/login/code")

    # Signed for another site (a look-alike domain relaying the challenge).
    refused(
        log_in_with_passkey(client, device.get(passkey_options(client), origin="http://evil.test"))
    )
    refused(log_in_with_passkey(client, device.get(passkey_options(client), rp_id="evil.test")))
    # A challenge the server did not give.
    forged = {"challenge": bytes_to_base64url(os.urandom(32))}
    passkey_options(client)
    refused(log_in_with_passkey(client, device.get(forged)))
    # A challenge answers once: refused after a wrong answer, and with no options asked at all.
    options = passkey_options(client)
    tampered = json.loads(device.get(options))
    tampered["response"]["signature"] = bytes_to_base64url(os.urandom(70))
    refused(log_in_with_passkey(client, json.dumps(tampered)))
    refused(log_in_with_passkey(client, device.get(options)))
    passkey_options(client)
    refused(log_in_with_passkey(client, "not a credential"))
    assert db.session.scalar(select(Passkey.sign_count)) == 0
    # Each refusal counted as a wrong code: after more than LOGIN_FREE_FAILURES, a wait.
    assert app.config["LOGIN_FREE_FAILURES"] < 6
    response = log_in_with_passkey(client, device.get(passkey_options(client)))
    assert response.status_code == 429 and "Too many wrong codes" in response.text


def test_a_used_challenge_and_a_backward_counter_are_refused(client, make_user):
    admin = make_user(role="admin", country_code=None)
    device = enrolled_with_passkey(client, admin)
    login(client, admin)
    options = passkey_options(client)
    good = device.get(options, sign_count=10)
    assert log_in_with_passkey(client, good).headers["Location"].endswith("/countries")
    logout(client)
    # The same response again, on the next log-in: its challenge is spent.
    login(client, admin)
    passkey_options(client)
    response = log_in_with_passkey(client, good)
    assert response.headers["Location"].endswith("/login/code")
    # A counter at or below the last one seen: a cloned authenticator.
    response = log_in_with_passkey(client, device.get(passkey_options(client), sign_count=10))
    assert response.headers["Location"].endswith("/login/code")
    response = log_in_with_passkey(client, device.get(passkey_options(client), sign_count=3))
    assert response.headers["Location"].endswith("/login/code")
    assert db.session.scalar(select(Passkey.sign_count)) == 10
    response = log_in_with_passkey(client, device.get(passkey_options(client), sign_count=11))
    assert response.headers["Location"].endswith("/countries")


def test_another_users_passkey_opens_nothing(app, client, make_user):
    admin = make_user(role="admin", country_code=None)
    other = make_user(role="secretariat", country_code=None)
    enrolled_with_passkey(client, admin)
    second = app.test_client()
    their_device = enrolled_with_passkey(second, other)
    login(client, admin)
    response = log_in_with_passkey(client, their_device.get(passkey_options(client)))
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/countries").headers["Location"].endswith("/login/code")
    # Nor can one passkey be registered to a second account.
    login(second, other)
    second.post("/login/code", data={"code": next_code(other)})
    copy = add_passkey(second, their_device)
    assert copy.headers["Location"].endswith("/account#two-step")
    assert "could not be added" in second.get("/account").text
    assert len(db.session.scalars(select(Passkey)).all()) == 2


def test_a_passkey_made_for_another_site_or_challenge_is_not_added(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    add_passkey(client, SoftAuthenticator(), origin="http://evil.test")
    add_passkey(client, SoftAuthenticator(), rp_id="evil.test")
    client.post("/account/two-step/passkeys/options")
    forged = {"challenge": bytes_to_base64url(os.urandom(32))}
    client.post(
        "/account/two-step/passkeys",
        data={
            "passkey-name": "Forged",
            "passkey-current": PASSWORD,
            "passkey-credential": SoftAuthenticator().create(forged),
        },
    )
    assert db.session.scalar(select(Passkey)) is None
    # Without TOTP set up there is nothing to add a passkey to.
    coordinator = make_user(role="coordinator", country_code="KE")
    other = client.application.test_client()
    login(other, coordinator)
    response = other.post("/account/two-step/passkeys/options")
    assert response.headers["Location"].endswith("/account")


def test_passkey_steps_need_the_pending_log_in(client, make_user):
    admin = make_user(role="admin", country_code=None)
    device = enrolled_with_passkey(client, admin)
    assert client.post("/login/passkey/options").headers["Location"].endswith("/login")
    assert (
        log_in_with_passkey(client, device.get({"challenge": "x"}))
        .headers["Location"]
        .endswith("/login")
    )
    assert "two_factor.verify_passkey" in ALLOWED_ENDPOINTS


def test_resetting_or_turning_off_two_step_removes_passkeys(app, client, make_user):
    admin = make_user(role="admin", country_code=None)
    user = make_user(role="secretariat", country_code=None)
    enrolled_with_passkey(client, user)
    other = app.test_client()
    login(other, admin)
    enrol(other, admin)
    other.post(f"/users/{user.id}/two-step/reset")
    assert db.session.scalar(select(Passkey).where(Passkey.user_id == user.id)) is None
    coordinator = make_user(role="coordinator", country_code="KE")
    third = app.test_client()
    enrolled_with_passkey(third, coordinator)
    login(third, coordinator)
    third.post("/login/code", data={"code": next_code(coordinator)})
    third.post("/account/two-step/turn-off", data={"current": PASSWORD})
    assert db.session.scalar(select(Passkey)) is None


# Authenticator secrets at rest.


def test_the_authenticator_secret_is_stored_encrypted(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    stored = db.session.scalar(select(TotpCredential.stored_secret))
    secret = credential(admin).secret
    assert stored.startswith("v1:") and secret not in stored
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)


def _store_raw(user: User, value: str) -> None:
    db.session.execute(
        update(TotpCredential).where(TotpCredential.user_id == user.id).values(stored_secret=value)
    )
    db.session.commit()


def test_a_secret_stored_in_clear_still_works_and_is_encrypted_at_its_next_use(client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    logout(client)
    plain = credential(admin).secret
    _store_raw(admin, plain)  # as stored before encryption
    assert credential(admin).secret == plain
    log_in_fully(client, admin)
    assert client.get("/countries").status_code == 200
    stored = db.session.scalar(select(TotpCredential.stored_secret))
    assert stored.startswith("v1:") and credential(admin).secret == plain


def test_old_keys_still_open_secrets_and_the_command_re_encrypts_them(
    app, client, runner, make_user
):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    logout(client)
    plain = credential(admin).secret
    other = make_user(role="secretariat", country_code=None)
    db.session.add(TotpCredential(user_id=other.id, secret="JBSWY3DPEHPK3PXP"))
    db.session.commit()
    _store_raw(other, "JBSWY3DPEHPK3PXP")  # legacy, in clear
    under_old = db.session.scalar(
        select(TotpCredential.stored_secret).where(TotpCredential.user_id == admin.id)
    )
    app.config["TWO_FACTOR_ENCRYPTION_KEY"] = "a new key of at least thirty-two characters"
    app.config["TWO_FACTOR_OLD_KEYS"] = [app.config["SECRET_KEY"]]
    assert credential(admin).secret == plain
    result = runner.invoke(args=["users", "encrypt-two-step-secrets"])
    assert result.exit_code == 0, result.output
    assert "current key: 2." in result.output
    rows = {
        row.user_id: row.stored_secret
        for row in db.session.execute(select(TotpCredential.user_id, TotpCredential.stored_secret))
    }
    assert rows[admin.id] != under_old and all(v.startswith("v1:") for v in rows.values())
    app.config["TWO_FACTOR_OLD_KEYS"] = []  # the old key can go now
    assert credential(admin).secret == plain
    assert credential(other).secret == "JBSWY3DPEHPK3PXP"
    log_in_fully(client, admin)
    assert client.get("/countries").status_code == 200


def test_a_secret_no_key_opens_refuses_codes_without_an_error(app, client, make_user):
    admin = make_user(role="admin", country_code=None)
    login(client, admin)
    enrol(client, admin)
    logout(client)
    code = next_code(admin)
    app.config["TWO_FACTOR_ENCRYPTION_KEY"] = "another key, the old one forgotten"
    with pytest.raises(encryption.UnreadableSecret):
        credential(admin).secret  # noqa: B018
    login(client, admin)
    response = client.post("/login/code", data={"code": code})
    assert response.status_code == 200 and "has been used already" in response.text
