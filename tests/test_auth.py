"""Log-in, log-out, throttling, invitations, resets and password changes."""

from __future__ import annotations

import email
import html
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from focalpoints.audit.models import AuditEntry
from focalpoints.auth import passwords, tokens
from focalpoints.auth.models import User
from focalpoints.extensions import db
from tests.conftest import PASSWORD, in_language, login


def outbox(app: Flask) -> list[email.message.EmailMessage]:
    folder = Path(app.instance_path) / "outbox"
    files = (
        sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
    )
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


def link_in(message: email.message.EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0).replace("http://focalpoints.test", "")


def test_login_lands_national_user_on_their_country(client, make_user):
    user = make_user(role="coordinator", country_code="KE")
    response = login(client, user)
    assert response.headers["Location"] == "/countries/KE"


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_login_lands_secretariat_and_admin_on_country_list(client, make_user, role):
    response = login(client, make_user(role=role, country_code=None))
    assert response.headers["Location"] == "/countries"


def test_wrong_password_and_unknown_address_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = client.post("/login", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 200
    message = b"The e-mail address or the password is wrong."
    assert message in wrong.data and message in unknown.data


def test_unknown_address_still_costs_a_hash(client, monkeypatch):
    calls = []
    real = passwords.PasswordHasher.verify

    def spy(self, hash_, password):
        calls.append(hash_)
        return real(self, hash_, password)

    monkeypatch.setattr(passwords.PasswordHasher, "verify", spy)
    client.post("/login", data={"email": "nobody@example.org", "password": "whatever12345"})
    assert len(calls) == 1


def test_email_is_case_insensitive(client, make_user):
    user = make_user(email="Mixed.Case@Example.org".lower())
    response = client.post(
        "/login", data={"email": "  MIXED.case@example.ORG ", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/countries/KE"
    assert user


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _fail(client, email: str, address: str = "127.0.0.1", **kwargs):
    return client.post(
        "/login", data={"email": email, "password": "wrong password!"}, **_from(address), **kwargs
    )


def test_repeated_failures_make_the_pair_wait_longer_with_a_translated_429(client, make_user, app):
    """Per account and address: free failures, then a wait that doubles with each failure."""
    from datetime import timedelta

    from focalpoints.auth.login_limits import throttle_delay
    from focalpoints.auth.models import LoginThrottle

    free = app.config["LOGIN_FREE_FAILURES"]
    first = timedelta(seconds=app.config["LOGIN_FIRST_DELAY_SECONDS"])
    assert [throttle_delay(n) for n in range(free + 1)] == [timedelta(0)] * (free + 1)
    assert [throttle_delay(free + n) for n in (1, 2, 3)] == [first, 2 * first, 4 * first]
    assert throttle_delay(free + 40) == timedelta(seconds=app.config["LOGIN_MAX_DELAY_SECONDS"])
    user = make_user()
    for _ in range(free):
        assert _fail(client, user.email).status_code == 200
    assert _fail(client, user.email).status_code == 200  # this failure starts the wait
    throttled = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"Accept-Language": "fr"},
    )
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= first.total_seconds()
    message = in_language("fr", "Too many failed log-ins. Try again in %(wait)s.", wait="|")
    assert message.split("|")[0].encode() in throttled.data
    # Once the wait is over, one more failure doubles it.
    db.session.execute(LoginThrottle.__table__.update().values(blocked_until=None))
    db.session.commit()
    _fail(client, user.email)
    again = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert again.status_code == 429
    assert first.total_seconds() < int(again.headers["Retry-After"]) <= 2 * first.total_seconds()


def test_strangers_failing_from_other_addresses_never_keep_the_owner_out(client, make_user, app):
    """The lock-out of issue 18: wrong passwords from six addresses locked the owner out."""
    user = make_user()
    for n in range(1, 7):
        for _ in range(app.config["LOGIN_FREE_FAILURES"] + 2):
            _fail(client, user.email, f"203.0.113.{n}")
    assert _fail(client, user.email, "203.0.113.1").status_code == 429
    owner = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, **_from("198.51.100.7")
    )
    assert owner.headers["Location"] == "/countries/KE"


def test_known_and_unknown_accounts_are_throttled_and_answered_alike(
    client, make_user, app, monkeypatch
):
    from datetime import UTC, datetime

    # The clock stands still: on a loaded machine the waits must not lapse between requests.
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr("focalpoints.auth.operations.utcnow", lambda: now)
    user = make_user()
    answers = {}
    for address in (user.email, "nobody@example.org"):
        statuses = [
            _fail(client, address).status_code for _ in range(app.config["LOGIN_FREE_FAILURES"] + 2)
        ]
        refused = _fail(client, address)
        page = refused.data.decode().replace(address, "[typed address]")
        page = re.sub(r"Try again in [^.<]+", "Try again in [wait]", page)  # a second apart
        # CSRF tokens are signed with the second they were made in.
        page = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', page)
        answers[address] = (statuses, refused.status_code, page)
    assert answers[user.email] == answers["nobody@example.org"]
    assert answers[user.email][1] == 429


def test_throttle_counters_live_in_the_database(client, make_user, app):
    from focalpoints.auth.models import LoginThrottle

    user = make_user()
    _fail(client, user.email)
    other_worker = app.test_client()
    _fail(other_worker, user.email)
    db.session.expire_all()
    assert db.session.scalar(select(LoginThrottle.failures)) == 2


def test_successful_login_resets_the_pair(client, make_user):
    from focalpoints.auth.models import LoginThrottle

    user = make_user()
    _fail(client, user.email)
    login(client, user)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 0


def test_successful_log_ins_do_not_count_toward_the_address_limit(app_factory, make_user):
    """A ministry or a workshop behind one address: forty people log in, nobody is refused."""
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        from focalpoints.auth.models import User
        from focalpoints.auth.passwords import hash_password

        password_hash = hash_password(PASSWORD)
        users = [
            User(email=f"w{n}@example.org", role="secretariat", password_hash=password_hash)
            for n in range(10)
        ]
        db.session.add_all(users)
        db.session.commit()
        emails = [u.email for u in users]
        for email in emails:
            client = app.test_client()
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302
        client = app.test_client()
        statuses = [_fail(client, f"n{i}@example.org").status_code for i in range(4)]
        assert statuses == [200, 200, 200, 429]


def test_per_address_rate_limit(app_factory, make_user):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        statuses = [
            client.post(
                "/login",
                data={"email": f"n{i}@example.org", "password": "x" * 12},
                headers={"Accept-Language": "es"},
            ).status_code
            for i in range(4)
        ]
        assert statuses[:3] == [200, 200, 200]
        assert statuses[3] == 429


def test_inactive_account_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = login(client, user)
    assert response.status_code == 200
    assert b"deactivated" in response.data


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "/%0d%0aLocation:evil",
        " //evil.example",
        "http:/evil.example",
    ],
)
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = client.post(
        f"/login?next={target}", data={"email": user.email, "password": PASSWORD}
    )
    location = response.headers["Location"]
    assert location == "/countries/KE"


def test_next_inside_the_site_is_followed(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=/countries/FR", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/countries/FR"


def test_session_is_renewed_at_login(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_logout_is_a_post_and_ends_the_session(client, make_user):
    user = make_user()
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/countries").headers["Location"].startswith("/login")


def test_password_change_ends_other_sessions(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    response = first.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.headers["Location"] == "/account"
    assert first.get("/countries").status_code == 200
    assert second.get("/countries").headers["Location"].startswith("/login")


def test_password_change_requires_the_current_password(client, login_as):
    login_as()
    response = client.post(
        "/account/password",
        data={
            "current": "wrong password",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert b"The current password is wrong." in response.data


def test_deactivation_ends_sessions(app, make_user):
    coordinator = make_user(role="coordinator")
    editor = make_user(role="editor")
    boss, victim = app.test_client(), app.test_client()
    login(boss, coordinator)
    login(victim, editor)
    assert victim.get("/countries").status_code == 200
    boss.post(f"/users/{editor.id}/deactivate")
    assert victim.get("/countries").headers["Location"].startswith("/login")


def test_invitation_flow_sets_password_and_lands_on_country(app, client, make_user):
    coordinator = make_user(role="coordinator", country_code="KE")
    login(client, coordinator)
    response = client.post(
        "/users/invite",
        data={
            "email": "new.official@example.org",
            "name": "Amina Odhiambo",
            "role": "editor",
            "country": "KE",
            "language": "fr",
        },
    )
    assert response.headers["Location"] == "/users"
    client.post("/logout")
    [message] = outbox(app)
    assert message["To"] == "new.official@example.org"
    assert message["Content-Language"] == "fr"
    link = link_in(message)
    assert client.get(link).status_code == 200
    response = client.post(
        link, data={"password": "my own long passphrase", "confirm": "my own long passphrase"}
    )
    assert response.headers["Location"] == "/countries/KE"
    # single use
    client.post("/logout")
    assert client.get(link).status_code == 400


def _log_in_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make opening the session fail, as a database that stops answering midway would."""
    from sqlalchemy.exc import OperationalError

    from focalpoints.auth import operations

    def fail(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO login_sessions", {}, Exception("disk I/O error"))

    monkeypatch.setattr(operations, "start_session", fail)


def _user_updates(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.entity_type == "users",
            AuditEntry.entity_id == str(user.id),
            AuditEntry.action == "update",
        )
    )


def test_an_invitations_password_is_saved_with_the_log_in_or_not_at_all(
    app, client, make_user, monkeypatch
):
    user = make_user(password=False)
    with app.test_request_context():
        link = f"/invitation/{tokens.make_token(user, tokens.INVITATION)}"
    data = {"password": "my own long passphrase", "confirm": "my own long passphrase"}
    with monkeypatch.context() as patch:
        _log_in_fails(patch)
        assert client.post(link, data=data).status_code == 503
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None
    assert _user_updates(user) == 0
    # Nothing was used up: the same link sets the password and logs in.
    response = client.post(link, data=data)
    assert response.headers["Location"] == "/countries/KE"
    db.session.expire_all()
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, data["password"])
    assert _user_updates(user) == 1


def test_a_changed_password_is_saved_with_the_renewed_session_or_not_at_all(
    app, client, make_user, monkeypatch
):
    user = make_user()
    login(client, user)
    elsewhere = app.test_client()
    login(elsewhere, user)
    new = "a new and long passphrase"
    data = {"current": PASSWORD, "password": new, "confirm": new}
    with monkeypatch.context() as patch:
        _log_in_fails(patch)
        assert client.post("/account/password", data=data).status_code == 503
    db.session.expire_all()
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)
    assert elsewhere.get("/account").status_code == 200  # the other sessions go on
    assert client.post("/account/password", data=data).headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").headers["Location"].startswith("/login")


def test_invitation_token_expires(app_factory):
    from focalpoints.auth import operations
    from focalpoints.auth.models import UserRole

    app = app_factory(INVITATION_MAX_AGE_SECONDS=-1)
    with app.app_context():
        invited = operations.create_user("late@example.org", UserRole.ADMIN)
        db.session.commit()
        with app.test_request_context():
            token = tokens.make_token(invited, tokens.INVITATION)
        assert app.test_client().get(f"/invitation/{token}").status_code == 400


def test_tampered_and_cross_purpose_tokens_are_refused(app, client, make_user):
    user = make_user(password=False)
    with app.test_request_context():
        token = tokens.make_token(user, tokens.INVITATION)
        reset = tokens.make_token(user, tokens.PASSWORD_RESET)
    assert client.get(f"/invitation/{token[:-2]}xx").status_code == 400
    assert client.get(f"/invitation/{reset}").status_code == 400
    assert client.get(f"/password/reset/{token}").status_code == 400
    assert client.get(f"/invitation/{token}").status_code == 200


def test_password_reset_flow(app, client, make_user):
    user = make_user(language="es")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.headers["Location"] == "/login"
    [message] = outbox(app)
    assert message["Content-Language"] == "es"
    link = link_in(message)
    response = client.post(
        link, data={"password": "reset passphrase 2026", "confirm": "reset passphrase 2026"}
    )
    assert response.headers["Location"] == "/login"
    assert (
        client.post(
            link, data={"password": "again passphrase 2026", "confirm": "again passphrase 2026"}
        ).status_code
        == 400
    )
    assert login(client, user, "reset passphrase 2026").headers["Location"] == "/countries/KE"


def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(app, client):
    response = client.post(
        "/password/forgot", data={"email": "ghost@example.org"}, follow_redirects=True
    )
    assert b"If this address has an account" in response.data
    assert outbox(app) == []


def test_reset_link_expires_within_an_hour(app):
    assert app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] <= 3600


@pytest.mark.parametrize(
    "password,message",
    [
        ("short", b"Use at least 12 characters."),
        ("aaaaaaaaaaaaaaaa", b"Use a less repetitive password."),
    ],
)
def test_password_policy(app, client, make_user, password, message):
    user = make_user(password=False)
    with app.test_request_context():
        token = tokens.make_token(user, tokens.INVITATION)
    response = client.post(f"/invitation/{token}", data={"password": password, "confirm": password})
    assert message in response.data
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None


def test_production_hash_parameters_meet_owasp(app_factory):
    from focalpoints import config

    production = {
        key: getattr(config, key)
        for key in ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST_KIB", "ARGON2_PARALLELISM")
    }
    app = app_factory(**production)
    with app.app_context():
        hashed = passwords.hash_password("some long password")
        assert passwords.verify_password(hashed, "some long password")
    params = dict(part.split("=") for part in hashed.split("$")[3].split(","))
    assert hashed.startswith("$argon2id$")
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1


def test_login_and_logout_are_audited(client, make_user):
    user = make_user()
    login(client, user)
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": "wrong password!"})
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == "users", AuditEntry.entity_id == str(user.id)
        )
    ).all()
    assert {"login", "logout", "login_failed"} <= set(actions)
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.after.is_not(None))
        )
        >= 1
    )


def test_a_cookie_copied_before_log_out_no_longer_works(app, client, make_user):
    user = make_user()
    login(client, user)
    with client.session_transaction() as session:
        copied = dict(session)
    client.post("/logout")
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(copied)
    assert thief.get("/countries").headers["Location"].startswith("/login")


def test_idle_sessions_end(app_factory, make_user):
    app = app_factory(SESSION_IDLE_MINUTES=0)
    with app.app_context():
        from tests.conftest import PASSWORD as password

        user_client = app.test_client()
        from focalpoints.auth.models import User

        user = User(
            email="idle@example.org", role="admin", password_hash=passwords.hash_password(password)
        )
        db.session.add(user)
        db.session.commit()
        user_client.post("/login", data={"email": "idle@example.org", "password": password})
        import time

        time.sleep(0.01)
        assert user_client.get("/countries").headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "base", ["https://focalpoints.example.org", "https://www.example.org/focalpoints/"]
)
def test_mailed_links_start_with_base_url_whatever_the_host_header(app, client, make_user, base):
    """A forged Host header that gets past the host check still never reaches a mailed link."""
    app.config.update(BASE_URL=base, SERVER_NAME=None)  # as in production: no SERVER_NAME
    expected = base.rstrip("/") + "/"
    coordinator = make_user(role="coordinator", country_code="KE")
    user = make_user()
    forged = {"Host": "evil.example"}
    client.post("/password/forgot", data={"email": user.email}, headers=forged)
    login(client, coordinator)
    # The client keeps its cookie for the real host: hand it over to the forged one.
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    response = app.test_client(use_cookies=False).post(
        "/users/invite",
        data={"email": "new@example.org", "role": "editor", "country": "KE", "language": "en"},
        headers={**forged, "Cookie": f"{cookie.key}={cookie.value}"},
    )
    assert response.headers["Location"] == "/users"
    reset, invitation = outbox(app)
    for message, path in ((reset, "password/reset/"), (invitation, "invitation/")):
        for part in ("plain", "html"):
            body = message.get_body(preferencelist=(part,)).get_content()
            assert "evil.example" not in body
            assert expected + path in body


# Passwords people really choose ---------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["password1234", "Password2024!", "qwertyuiop123", "iloveyou2025!!", "Dragon 1234567"],
)
def test_common_breached_passwords_are_refused(app, password):
    from focalpoints.auth.password_policy import password_problem

    with app.test_request_context():
        assert "most common" in str(password_problem(password))


@pytest.mark.parametrize(
    "password",
    [
        "Wanjiru1985!",  # family name and a year
        "amina.wanjiru",  # the e-mail's local part
        "2024AminaWanjiru",  # the name run together, digits in front
        "wanjiruamina!!",  # reversed
        "Émilie-Wanjiru 2026",  # accents and case do not matter
        "awanjiru20251",  # initial and family name
        "focalpoints2026",  # the app's own name
    ],
)
def test_passwords_built_from_the_name_or_address_are_refused(app, password):
    from focalpoints.auth.password_policy import password_problem

    with app.test_request_context():
        problem = password_problem(password, "Amina Émilie Wanjiru", "amina.wanjiru@env.go.ke")
        assert "name or e-mail" in str(problem), password


@pytest.mark.parametrize(
    "password",
    [PASSWORD, "a brand new passphrase", "Wanjiru walks to Gigiri at dawn", "kx7#Pq2!vLm9"],
)
def test_long_or_unusual_passwords_pass(app, password):
    from focalpoints.auth.password_policy import common_passwords, password_problem

    assert len(common_passwords()) > 19_000
    with app.test_request_context():
        assert password_problem(password, "Amina Wanjiru", "amina.wanjiru@env.go.ke") is None


def test_reset_refuses_a_password_from_the_name_in_the_readers_language(app, client, make_user):
    user = make_user(name="Amina Wanjiru", email="amina.wanjiru@example.org")
    client.post("/password/forgot", data={"email": user.email})
    link = link_in(outbox(app)[-1])
    response = client.post(
        link,
        data={"password": "AminaWanjiru2026", "confirm": "AminaWanjiru2026"},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 200
    with app.test_request_context():
        expected = in_language(
            "fr",
            "This password is built from your name or e-mail address, which others can "
            "guess. Choose another.",
        )
    assert html.unescape(expected) in html.unescape(response.get_data(as_text=True))
    response = client.post(link, data={"password": "password123456", "confirm": "password123456"})
    assert response.status_code == 200
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_invitation_and_change_refuse_common_passwords(app, client, make_user):
    user = make_user(password=False, name="Juan Pérez", email="jperez@example.org")
    with app.test_request_context():
        token = tokens.make_token(user, tokens.INVITATION)
    response = client.post(
        f"/invitation/{token}", data={"password": "jperez.1990", "confirm": "jperez.1990"}
    )
    assert response.status_code == 200 and "Location" not in response.headers
    member = make_user(name="Wei Zhang")
    login(client, member)
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "Zhang Wei 1988", "confirm": "Zhang Wei 1988"},
    )
    assert response.status_code == 200 and "Location" not in response.headers
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "qwerty1234567", "confirm": "qwerty1234567"},
    )
    assert response.status_code == 200 and "Location" not in response.headers


def test_operations_refuse_what_the_forms_refuse(app, make_user):
    from focalpoints.auth import operations
    from focalpoints.auth.models import UserRole
    from focalpoints.auth.password_policy import PasswordRefused

    user = make_user(name="Amina Wanjiru")
    with app.test_request_context(), pytest.raises(PasswordRefused):
        operations.set_password(user, "wanjiru2024!!")
    with app.test_request_context(), pytest.raises(PasswordRefused):
        operations.create_user("x@example.org", UserRole.ADMIN, password="password123456")


def test_cli_refuses_a_common_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "kamau@example.org", "--role", "admin", "--password-stdin"],
        input="Kamau2024!!!!\n",
    )
    assert result.exit_code != 0 and "name or e-mail" in result.output
    result = runner.invoke(
        args=["users", "create", "kamau@example.org", "--role", "admin", "--password-stdin"],
        input="iloveyou12345\n",
    )
    assert result.exit_code != 0 and "most common" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
