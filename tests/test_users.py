"""Managing accounts: coordinators for their own country only, administrators for all."""

from __future__ import annotations

from sqlalchemy import select

from focalpoints.auth.models import User
from focalpoints.extensions import db


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_coordinator_invites_only_into_their_own_country(client, login_as):
    login_as(role="coordinator", country_code="KE")
    client.post(
        "/users/invite",
        data={
            "email": "sneaky@example.org",
            "role": "editor",
            "country": "FR",
            "language": "en",
            "name": "S",
        },
    )
    assert _user("sneaky@example.org").country.iso2 == "KE"


def test_coordinator_cannot_create_an_admin_or_secretariat(client, login_as):
    login_as(role="coordinator", country_code="KE")
    for role in ("admin", "secretariat"):
        response = client.post(
            "/users/invite",
            data={"email": f"{role}@example.org", "role": role, "country": "KE", "language": "en"},
        )
        assert response.status_code == 200
        assert _user(f"{role}@example.org") is None


def test_editor_cannot_manage_users(client, login_as):
    login_as(role="editor")
    assert client.get("/users").status_code == 403
    assert (
        client.post("/users/invite", data={"email": "x@example.org", "role": "editor"}).status_code
        == 403
    )


def test_mass_assignment_on_edit_changes_nothing_extra(client, login_as, make_user):
    login_as(role="coordinator", country_code="KE")
    editor = make_user(role="editor", country_code="KE")
    client.post(
        f"/users/{editor.id}/edit",
        data={
            "name": "Renamed",
            "role": "editor",
            "country": "FR",
            "language": "fr",
            "email": "hijack@example.org",
            "active": "false",
            "password_hash": "x",
            "id": "1",
        },
    )
    user = _user(editor.email)
    assert user.name == "Renamed" and user.country.iso2 == "KE" and user.active
    assert user.password_hash != "x"


def test_admin_invites_a_secretariat_member_without_country(client, login_as):
    login_as(role="admin", country_code=None)
    response = client.post(
        "/users/invite",
        data={"email": "sec@example.org", "role": "secretariat", "country": "KE", "language": "fr"},
    )
    assert response.headers["Location"] == "/users"
    assert _user("sec@example.org").country is None


def test_admin_must_name_a_country_for_national_roles(client, login_as):
    login_as(role="admin", country_code=None)
    response = client.post(
        "/users/invite",
        data={"email": "nat@example.org", "role": "editor", "country": "", "language": "en"},
    )
    assert b"needs a country" in response.data
    assert _user("nat@example.org") is None


def test_duplicate_address_is_refused(client, login_as, make_user):
    login_as(role="coordinator")
    existing = make_user(role="editor")
    response = client.post(
        "/users/invite",
        data={"email": existing.email.upper(), "role": "editor", "country": "KE", "language": "en"},
    )
    assert b"exists already" in response.data


def test_other_country_accounts_are_out_of_reach(client, login_as, make_user):
    login_as(role="coordinator", country_code="KE")
    foreign = make_user(role="editor", country_code="FR")
    assert client.get(f"/users/{foreign.id}/edit").status_code == 403
    assert client.post(f"/users/{foreign.id}/deactivate").status_code == 403
    assert _user(foreign.email).active
    listing = client.get("/users").data.decode()
    assert foreign.email not in listing


def test_nobody_deactivates_themselves(client, login_as):
    me = login_as(role="coordinator")
    client.post(f"/users/{me.id}/deactivate")
    assert _user(me.email).active


def test_reactivation(client, login_as, make_user):
    login_as(role="coordinator")
    editor = make_user(role="editor", active=False)
    client.post(f"/users/{editor.id}/reactivate")
    assert _user(editor.email).active


def test_users_change_their_own_name_and_language(client, login_as):
    me = login_as(role="editor")
    response = client.post("/account", data={"name": "Wanjiru", "language": "fr"})
    assert response.headers["Location"] == "/account"
    user = _user(me.email)
    assert user.name == "Wanjiru" and user.language == "fr"
    assert 'lang="fr"' in client.get("/account").data.decode()


def test_account_names_refuse_a_formula_prefix(client, runner, login_as, make_user):
    """The account name is exported (audit log CSV, user lists) like every other field."""
    me = login_as(role="coordinator", country_code="KE")
    editor = make_user(role="editor", country_code="KE", name="Kept")
    for formula in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)"):
        invited = client.post(
            "/users/invite",
            data={"email": "f@example.org", "role": "editor", "country": "KE", "name": formula},
        )
        assert invited.status_code == 200 and _user("f@example.org") is None
        edited = client.post(
            f"/users/{editor.id}/edit",
            data={"name": formula, "role": "editor", "country": "KE", "language": "en"},
        )
        assert edited.status_code == 200 and _user(editor.email).name == "Kept"
        own = client.post("/account", data={"name": formula, "language": "en"})
        assert own.status_code == 200 and _user(me.email).name == ""
        assert b"may not start with" in own.data
        result = runner.invoke(
            args=["users", "create", "g@example.org", "--role", "admin", "--name", formula]
        )
        assert result.exit_code != 0 and _user("g@example.org") is None
