"""Two-step log-in: setting it up, logging in with a code, recovery codes, remembered devices,
an administrator's reset, a country's requirement, and that no step can be skipped."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from focalpoints.auth.loading import SECOND_FACTOR_KEY
from focalpoints.auth.models import User
from focalpoints.extensions import db
from focalpoints.two_factor.gate import ALLOWED_ENDPOINTS, PENDING_KEY
from focalpoints.two_factor.models import RecoveryCode, RememberedDevice, TotpCredential
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
