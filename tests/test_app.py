"""The application factory and its configuration layers."""

from __future__ import annotations

import re

import pytest

import focalpoints
from focalpoints import PROJECT_ROOT, create_app

# A production start needs the base address of links (see test_production_needs_base_url).
BASE = "https://focalpoints.example.org"


def test_config_layers(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("STALE_AFTER_DAYS = 100\nLOGIN_MAX_FAILURES = 7\n")
    monkeypatch.setenv("FOCALPOINTS_LOGIN_MAX_FAILURES", "9")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k", "BASE_URL": BASE})
    assert app.config["STALE_AFTER_DAYS"] == 100  # instance/config.py over defaults
    assert app.config["LOGIN_MAX_FAILURES"] == 9  # environment over instance/config.py
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "k",
            "BASE_URL": BASE,
            "LOGIN_MAX_FAILURES": 3,
        }
    )
    assert app.config["LOGIN_MAX_FAILURES"] == 3  # the mapping over everything


def test_database_url_defaults_to_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("FOCALPOINTS_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k", "BASE_URL": BASE})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/focalpoints.sqlite3"
    monkeypatch.setenv("FOCALPOINTS_DATABASE_URL", "postgresql://u@h/db")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k", "BASE_URL": BASE})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("FOCALPOINTS_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path), "BASE_URL": BASE}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path), "BASE_URL": BASE}).config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("FOCALPOINTS_SECRET_KEY", "from-the-environment")
    assert (
        create_app({"INSTANCE_PATH": str(tmp_path), "BASE_URL": BASE}).config["SECRET_KEY"]
        == "from-the-environment"
    )


def _folders(app):
    """The folders the app reads its templates, catalogues and migrations from."""
    return {
        "templates": app.template_folder,
        "translations": app.extensions["babel"].translation_directories,
        "migrations": app.extensions["migrate"].directory,
    }


def test_a_checkout_reads_its_top_level_folders(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k", "BASE_URL": BASE})
    assert not focalpoints.is_installed()
    assert _folders(app) == {
        "templates": str(PROJECT_ROOT / "templates"),
        "translations": [str(PROJECT_ROOT / "translations")],
        "migrations": str(PROJECT_ROOT / "migrations"),
    }


def test_an_installed_package_reads_the_folders_it_carries(tmp_path, monkeypatch):
    # A wheel carries them in focalpoints/_data (scripts/wheel-check.sh tests a real one).
    shipped = tmp_path / "site-packages" / "focalpoints" / "_data"
    shipped.mkdir(parents=True)
    for name in ("templates", "translations", "migrations"):
        (shipped / name).symlink_to(PROJECT_ROOT / name, target_is_directory=True)
    monkeypatch.setattr(focalpoints, "SHIPPED_DATA", shipped)
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "k", "BASE_URL": BASE}
    )
    assert _folders(app) == {
        "templates": str(shipped / "templates"),
        "translations": [str(shipped / "translations")],
        "migrations": str(shipped / "migrations"),
    }
    page = app.test_client().get("/login", base_url=BASE, headers={"Accept-Language": "fr"})
    assert "Se connecter" in page.get_data(as_text=True)


def test_static_assets_are_local(client):
    response = client.get("/login")
    html = response.data.decode()
    references = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert references and all(ref.startswith(("/", "#")) for ref in references), references
    with client.get("/static/vendor/bootstrap-5.3.9/bootstrap.min.css") as asset:
        assert asset.status_code == 200


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_security_headers_on_every_response(client):
    for url in ("/login", "/no-such-page", "/healthz"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert "script-src 'self'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers


def test_signed_in_responses_are_not_stored(app, client, login_as):
    """Pages with personal data stay out of caches; a view's own caching is kept."""

    def public_page() -> tuple[str, int, dict[str, str]]:
        return "public", 200, {"Cache-Control": "public, max-age=60"}

    app.add_url_rule("/_test/public", "test_public", public_page)
    anonymous = ("/login", "/api/v1/countries", "/_test/public")
    assert all("Cache-Control" not in client.get(url).headers for url in anonymous[:2])
    login_as(role="coordinator", country_code="KE")
    pages = (
        "/countries",
        "/countries/KE",
        "/countries/KE/people",
        "/account",
        "/api/v1/focal-points",
        "/exports/contacts.csv",
        "/no-such-page",
        "/countries/FR/people/1/edit",
    )
    for url in pages:
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
    post = client.post("/countries/KE/people/new", data={})
    assert post.headers.get("Cache-Control") == "no-store"
    assert client.get("/_test/public").headers["Cache-Control"] == "public, max-age=60"


def test_pages_have_no_inline_script_or_style(client, login_as):
    login_as(role="admin", country_code=None)
    pages = ("/login", "/countries", "/countries/KE", "/admin/conventions", "/users")
    nbsap = ("/frameworks/GBF", "/countries/KE/nbsap", "/countries/KE/nbsap/matrix")
    for url in (*pages, *nbsap, "/countries/KE/reporting", "/countries/KE/nbsap/new"):
        html = client.get(url).data.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html, url


def test_every_request_has_an_id_and_a_structured_log_line(client, caplog):
    import json
    import logging

    with caplog.at_level(logging.INFO, logger="focalpoints.request"):
        response = client.get("/healthz", headers={"X-Request-ID": "abc123def456"})
        other = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert response.headers["X-Request-ID"] == "abc123def456"
    assert len(other.headers["X-Request-ID"]) == 32  # an unsafe incoming id is replaced
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "focalpoints.request"]
    assert lines[0]["request_id"] == "abc123def456" and lines[0]["status"] == 200


def test_production_needs_base_url(tmp_path, monkeypatch):
    """A WSGI server's app refuses to start without BASE_URL; development and tests need none."""
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.delenv("FOCALPOINTS_BASE_URL", raising=False)
    settings = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k"}
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app(settings)
    for bad in ("focalpoints.example.org", "javascript:alert(1)", "https://x.example/?a=1"):
        with pytest.raises(RuntimeError, match="BASE_URL"):
            create_app({**settings, "BASE_URL": bad})
    assert create_app({**settings, "DEBUG": True}).config["TRUSTED_HOSTS"] is None
    assert create_app({**settings, "TESTING": True}).config["TRUSTED_HOSTS"] is None
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # `focalpoints run` of the quick start
    assert create_app(settings).config["TRUSTED_HOSTS"] is None


def test_trusted_hosts_default_to_the_host_of_base_url(app_factory):
    app = app_factory(BASE_URL="http://focalpoints.test/")
    assert app.config["TRUSTED_HOSTS"] == ["focalpoints.test"]
    with app.app_context():
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    explicit = app_factory(BASE_URL="http://focalpoints.test/", TRUSTED_HOSTS=[".example.org"])
    assert explicit.config["TRUSTED_HOSTS"] == [".example.org"]


def test_trusted_hosts_refuse_a_forged_host(app_factory):
    app = app_factory(TRUSTED_HOSTS=["focalpoints.test"])
    with app.app_context():
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def test_cookies_are_secure_over_https(client):
    plain = client.get("/login")
    assert all("Secure" not in c for c in plain.headers.getlist("Set-Cookie"))
    secure = client.get("/login", base_url="https://focalpoints.test")
    cookies = secure.headers.getlist("Set-Cookie")
    assert cookies and all(c.endswith("; Secure") or "; Secure;" in c for c in cookies)


def test_page_titles_are_plain_text(client, login_as, make_appointment):
    """A <title> holds text only: markup placed in a title block by mistake shows in the tab."""
    from sqlalchemy import select

    from focalpoints.extensions import db
    from focalpoints.meetings.models import Meeting
    from focalpoints.positions import operations as positions
    from tests.conftest import sample_working_group

    appointment = make_appointment("CMS-NFP")
    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    position = positions.create_position(
        appointment.country,
        positions.PositionValues(
            meeting, meeting.agenda_items[0], None, "en", "Line", "Text", "draft", None, None
        ),
    )
    pages = [
        f"/meetings/{meeting.id}",
        f"/countries/KE/positions/{position.id}",
        f"/countries/KE/people/{appointment.person_id}",
        f"/countries/KE/appointments/{appointment.id}",
        *sample_working_group().values(),
    ]
    login_as(role="admin", country_code=None)
    for rule in client.application.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            pages.append(rule.rule)
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        title = re.search(r"<title>(.*?)</title>", response.data.decode(), re.S)
        assert title and "<" not in title.group(1) and "\n" not in title.group(1).strip(), url


@pytest.mark.parametrize("huge", [2**31, 99999999999999999999])
def test_huge_ids_in_urls_are_404_not_500(app, client, login_as, huge):
    """Every route with an integer id refuses one no database column can hold."""
    from werkzeug.routing import IntegerConverter

    login_as(role="admin", country_code=None)
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]
    assert len(rules) > 50
    for rule in rules:
        path = rule.rule
        for name, converter in rule._converters.items():
            value = str(huge) if isinstance(converter, IntegerConverter) else "KE"
            path = re.sub(rf"<[^>]*\b{name}>", value, path)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        response = client.open(path, method=method)
        assert response.status_code == 404, (path, response.status_code)
