"""Fixtures in the manner of Flask's tutorial: app, client, runner, and factories for test data.

Each test gets its own database, copied from a template built once per run through the real
migrations and reference data: SQLite by default, PostgreSQL when FOCALPOINTS_TEST_DATABASE_URL
names a server (the template is then a PostgreSQL template database). Tests marked ``demo_data``
start instead from a second template on which ``focalpoints demo-data`` has run once.

Markers (see pyproject.toml): ``database`` is added here to every test that uses a database, so
that a second pass on PostgreSQL can leave out the rest (``-m "database and not browser"``).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.globals import _cv_app
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from werkzeug.routing.rules import Rule

from focalpoints import create_app
from focalpoints.auth.models import User, UserRole
from focalpoints.auth.passwords import hash_password
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.reference.snapshot import EXTENSION_KEY as SNAPSHOT_KEY
from focalpoints.reference.snapshot import reference_snapshot
from tests import pristine
from tests.scheduling import GroupedScheduling

PG_URL = os.environ.get("FOCALPOINTS_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"

# Fast hashing for tests; one test asserts the production parameters.
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST_KIB": 8,
    "ARGON2_PARALLELISM": 1,
    "SERVER_NAME": "focalpoints.test",
    # Tests log administrators in with a password alone; tests/test_two_factor.py turns it on.
    "TWO_FACTOR_REQUIRED_ROLES": [],
}


class _SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for every app of the run.

    Each test makes its own app, and each app would compile every template it renders again
    (about 50 ms a page). Jinja's bytecode cache checks each entry against the template's source,
    so an app never runs code compiled from another source.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = _SharedTemplateCode()


def _compile_rules_once() -> None:
    """Let every app of the run share what Werkzeug compiles for each route.

    Registering a route parses its rule (its parts and converters) and compiles two small
    Python functions that build its URLs: most of the time `create_app` takes, and tests make an
    app each. All of it depends only on the rule's text, its defaults and the map's converter
    classes, so the same rule in a later app takes the first one's: its parts (immutable), its
    trace, its converters (which keep nothing of their map but a reference) and its builders,
    which read the rule through their ``self`` argument when called, bound to the new rule.
    """
    compile_rule = Rule.compile
    compiled: dict[tuple[Any, ...], Rule] = {}

    def compile_once(self: Rule) -> None:
        assert self.map is not None
        key = (
            self.rule,
            self.subdomain,
            self.host,
            self.merge_slashes,
            self.map.host_matching,
            tuple(self.map.converters.items()),
            repr(sorted((self.defaults or {}).items())),
        )
        first = compiled.get(key)
        if first is None:
            compile_rule(self)
            compiled[key] = self
            return
        self._parts = list(first._parts)
        self._trace = list(first._trace)
        self._converters = dict(first._converters)
        self.arguments = set(first.arguments)
        self._build = first._build.__func__.__get__(self, None)  # type: ignore[attr-defined]
        self._build_unknown = first._build_unknown.__func__.__get__(self, None)  # type: ignore[attr-defined]

    Rule.compile = compile_once  # type: ignore[method-assign]


_compile_rules_once()


ENGINES: dict[tuple[str, str], Any] = {}


def _one_engine_per_database() -> None:
    """Let every app of the run that opens the same database share one SQLAlchemy engine.

    An engine keeps the SQL it has compiled for each statement (its compiled cache); a fresh
    engine per test compiled every statement again, a sixth of the suite's time. Tests reuse a
    few database names (see ``_Databases.copy``), so one engine per name serves the whole run,
    as one engine serves a production worker. Apps register no events on their engine (the
    application's listeners are on the Engine and Session classes). On SQLite a test's teardown
    disposes the pool, since the file is deleted; on PostgreSQL the pool keeps its connections
    for the next test on the same database (a reset leaves idle ones alone), and is disposed
    when its database is dropped.
    """
    make_engine = db._make_engine  # Flask-SQLAlchemy's one place where engines are made
    engines = ENGINES

    def make_once(bind_key: str | None, options: dict[str, Any], app: Flask) -> Any:
        url = make_url(options["url"]).render_as_string(hide_password=False)
        key = (url, repr(sorted((k, v) for k, v in options.items() if k != "url")))
        if key not in engines:
            engines[key] = make_engine(bind_key, options, app)
        return engines[key]

    db._make_engine = make_once  # type: ignore[method-assign]


_one_engine_per_database()


def is_postgres() -> bool:
    return bool(PG_URL)


def writer_processes() -> Any:
    """The multiprocessing context for tests that run writers in processes of their own.

    Forked, not spawned: a spawned process imports the app and the tests again (about 4 s of
    CPU each; the concurrency and fault tests start ten). A forked writer must not use the
    connections its parent had open, which the shared engines (``ENGINES``) still hold in
    their pools: ``_forget_connections_in_child`` drops them from the child's copies, and a
    forked process leaves without running the parent's finalisers, so they are never closed
    from the child either.
    """
    return multiprocessing.get_context("fork")


def _forget_connections_in_child() -> None:
    """In a forked child: let each shared engine, and each reset's, open connections of its
    own (SQLAlchemy's recipe for a fork: ``dispose(close=False)``)."""
    for engine in [*ENGINES.values(), *pristine.reset_engines()]:
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_connections_in_child)


class _Databases:
    """Make per-test databases from named templates, for SQLite (file copy) or PostgreSQL."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.prefix = f"fp_test_{uuid.uuid4().hex[:8]}"
        self.templates: list[str] = []
        # PostgreSQL: the copies in use (name: template) and each template's pristine rows.
        self.ready: dict[str, str] = {}
        self.pristine: dict[str, pristine.Pristine] = {}
        if PG_URL:
            url = make_url(PG_URL)
            self.pg_url = url
            self.admin = create_engine(
                url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=None
            )

    def template_url(self, name: str = "template", source: str | None = None) -> str:
        """Create the template ``name`` (empty, or a copy of template ``source``); its URL."""
        self.templates.append(name)
        if PG_URL:
            self._create(f"{self.prefix}_{name}", template=source and f"{self.prefix}_{source}")
            return self.pg_url.set(database=f"{self.prefix}_{name}").render_as_string(
                hide_password=False
            )
        if source:
            shutil.copyfile(self.workdir / f"{source}.sqlite3", self.workdir / f"{name}.sqlite3")
        return f"sqlite:///{self.workdir / f'{name}.sqlite3'}"

    def copy(self, template: str = "template", slot: int = 0) -> str:
        """A fresh copy of ``template`` under the name of ``slot``: the n-th app of a test.

        Each test's copies take the names of the previous test's, so that the apps of the whole
        run open a handful of databases and share their engines. On PostgreSQL the copy a test
        leaves is brought back to the template's rows at its teardown (tests/pristine.py)
        instead of being dropped and copied again.
        """
        if PG_URL:
            name = f"{self.prefix}_{template}_slot{slot}"
            if name not in self.ready:
                self._create(name, template=f"{self.prefix}_{template}")
                self.ready[name] = template
            return self.pg_url.set(database=name).render_as_string(hide_password=False)
        target = self.workdir / f"slot{slot}.sqlite3"
        self.drop(f"sqlite:///{target}")  # a new file: nothing still open reads the old one
        shutil.copyfile(self.workdir / f"{template}.sqlite3", target)
        return f"sqlite:///{target}"

    def prepare(self, template: str) -> None:
        """PostgreSQL: keep the rows of a template just built, for the resets of its copies."""
        if PG_URL:
            self.pristine[template] = pristine.prepare(
                self.pg_url.set(database=f"{self.prefix}_{template}")
            )

    def drop(self, url: str) -> None:
        """Done with a copy: on PostgreSQL reset it for the next test (or drop it if it cannot
        be reset); on SQLite delete its file."""
        if PG_URL:
            name = make_url(url).database or ""
            template = self.ready.get(name)
            if template in self.pristine and pristine.reset(make_url(url), self.pristine[template]):
                return
            self.ready.pop(name, None)
            for engine in ENGINES.values():
                if engine.url.database == name:
                    engine.dispose()
            self._drop(name)
        else:
            path = Path(make_url(url).database or "")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def _create(self, name: str, template: str | None = None) -> None:
        assert re.fullmatch(r"[a-z0-9_]+", name)
        self._drop(name)
        with self.admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))

    def _drop(self, name: str) -> None:
        """Drop a test database, closing what still uses it.

        FORCE terminates the test's own stray connections. It may not terminate an autovacuum
        worker unless the role is in pg_signal_backend; a plain DROP asks autovacuum to stop
        itself and waits for it, so that is the fallback.
        """
        with self.admin.connect() as conn:
            try:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except ProgrammingError:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))

    def close(self) -> None:
        if PG_URL:
            pristine.close_all()
            for name in list(self.ready):
                self._drop(name)
            for name in reversed(self.templates):
                self._drop(f"{self.prefix}_{name}")
            self.admin.dispose()


class Client(FlaskClient):
    """A test client whose requests run as in production, apart from the test body's context.

    The test body keeps an app context (and database session) of its own. Flask would reuse it
    for requests, sharing ``g``, the locale and the session between them; each request here gets
    a fresh app context instead. The test's transaction is ended first: on SQLite an open one
    would hold the write lock that the request waits for.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            db.session.commit()
        token = _cv_app.set(None)
        kwargs.setdefault("buffered", True)  # streamed bodies finish inside their own context
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="save the browser tests' screenshots in test-artifacts/ (off by default: slow)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that use a database, so that a PostgreSQL pass can select just them, and
    every test under tests/browser as a browser test (they run once, on SQLite) and a slow one.

    The slow tests come first, so that no pytest-xdist worker is left with a long one at the
    end while the others wait.
    """
    browser_tests = Path(__file__).parent / "browser"
    for item in items:
        if "databases" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)
        if browser_tests in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With ``-n``, the tests on demo data go together to one worker (tests/scheduling.py)."""
    if config.getvalue("dist") == "load":
        return GroupedScheduling(config, log)
    return None


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Databases]:
    """Build the template database once: migrations, then reference data, as `focalpoints init`."""
    from focalpoints.initialise import initialise

    workdir = _database_folder(tmp_path_factory)
    dbs = _Databases(workdir)
    url = dbs.template_url()
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(workdir / "instance")}
    )
    with app.app_context():
        initialise()
        db.session.remove()
        db.engine.dispose()
    dbs.prepare("template")
    yield dbs
    for engine in ENGINES.values():
        engine.dispose()
    dbs.close()
    if workdir.parent == MEMORY_FOLDER:
        shutil.rmtree(workdir, ignore_errors=True)


# A folder in memory (Linux's tmpfs) for the SQLite databases, where the machine has one:
# closing a database syncs it to disk, 20 ms a test on a disk, none in memory.
MEMORY_FOLDER = Path("/dev/shm")  # noqa: S108  (a private folder is made in it: mkdtemp)


def _database_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if PG_URL is None and MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="focalpoints-tests-", dir=MEMORY_FOLDER))
    return tmp_path_factory.mktemp("databases")


@pytest.fixture(scope="session")
def demo_database(databases: _Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Build the demo template once (`focalpoints demo-data` on the template); its output."""
    url = databases.template_url("demo", source="template")
    instance = tmp_path_factory.mktemp("demo-instance")
    config = {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance)}
    app = create_app({**TEST_CONFIG, **config})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo-data"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    databases.prepare("demo")
    return result.output


@pytest.fixture
def demo_output(request: pytest.FixtureRequest, demo_database: str) -> str:
    """What the first `focalpoints demo-data` printed, for tests marked ``demo_data``."""
    assert request.node.get_closest_marker("demo_data"), "mark the test demo_data"
    return demo_database


@pytest.fixture
def app_factory(
    databases: _Databases, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Flask]]:
    """Return a function that makes an app on a fresh copy of the template database.

    In a test marked ``demo_data`` the copy is of the demo template (demo data already in).
    """
    made: list[tuple[Flask, str]] = []
    template = "template"
    if request.node.get_closest_marker("demo_data"):
        request.getfixturevalue("demo_database")
        template = "demo"

    def make(**config: Any) -> Flask:
        url = databases.copy(template, slot=len(made))
        app = create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(tmp_path / f"instance{len(made)}"),
                **config,
            }
        )
        app.test_client_class = Client
        app.jinja_env.bytecode_cache = TEMPLATE_CODE
        _share_reference_snapshot(app, template)
        made.append((app, url))
        return app

    yield make
    for app, url in made:
        with app.app_context():
            db.session.remove()
            if not PG_URL:
                db.engine.dispose()  # the file is deleted next
        databases.drop(url)


# Each template's reference data as the app caches it, read from the first copy of the run.
_REFERENCE_SNAPSHOTS: dict[str, Any] = {}


def _share_reference_snapshot(app: Flask, template: str) -> None:
    """Give the app the reference data of its template, as if it had read it already.

    Each app reads the reference data (conventions, roles, 198 countries and their
    memberships) at its first request, about 30 ms a test. A fresh copy of a template holds
    the template's reference data and data version, so the snapshot read from the first copy
    is the one every later copy would read; a test that changes the reference data raises the
    version, and its app reads it again, as in production.
    """
    snapshot = _REFERENCE_SNAPSHOTS.get(template)
    if snapshot is None:
        with app.app_context():
            _REFERENCE_SNAPSHOTS[template] = reference_snapshot()
            db.session.remove()
    else:
        app.extensions[SNAPSHOT_KEY] = snapshot


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Iterator[Flask]:
    """The application on its own database, with an app context pushed for direct DB access."""
    application = app_factory()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def country() -> Callable[[str], Country]:
    """Look up a country by ISO alpha-2 code."""

    def get(code: str) -> Country:
        found = db.session.scalar(select(Country).where(Country.iso2 == code))
        assert found is not None, code
        return found

    return get


@pytest.fixture
def make_user(app: Flask, country: Callable[[str], Country]) -> Callable[..., User]:
    """Create a user; state only what matters: make_user(role="editor", country="FR")."""
    counter = itertools.count()
    password_hash = hash_password(PASSWORD)

    def make(
        role: str = "coordinator",
        country_code: str | None = "KE",
        email: str | None = None,
        name: str = "",
        language: str | None = None,
        active: bool = True,
        password: bool = True,
        language_chosen: bool | None = None,
    ) -> User:
        user_role = UserRole(role)
        user = User(
            email=email or f"{role}{next(counter)}.{(country_code or 'x').lower()}@example.org",
            name=name,
            role=role,
            country=country(country_code) if user_role.is_national and country_code else None,
            language=language,
            # A test user's language is their own choice unless the test says otherwise.
            language_chosen=language is not None if language_chosen is None else language_chosen,
            active=active,
            password_hash=password_hash if password else None,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


def login(client: FlaskClient, user: User, password: str = PASSWORD) -> Any:
    """Log ``user`` in through the real form."""
    return client.post("/login", data={"email": user.email, "password": password})


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Create a user and log them in on ``client``."""

    def do(role: str = "coordinator", country_code: str | None = "KE", **kwargs: Any) -> User:
        user = make_user(role=role, country_code=country_code, **kwargs)
        response = login(client, user)
        assert response.status_code == 302, response.data[:500]
        return user

    return do


class QueryCounter:
    """Count the SQL statements run while it is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith(
            ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")
        ):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], QueryCounter]:
    """Start counting queries on the app's engine; returns the counter."""
    counters: list[QueryCounter] = []

    def start() -> QueryCounter:
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        counters.append(counter)
        return counter

    yield start
    for counter in counters:
        event.remove(db.engine, "before_cursor_execute", counter)


def in_language(language: str, message: str, **variables: Any) -> str:
    """Return ``message`` as the catalogue of ``language`` has it, failing if it is untranslated."""
    from flask_babel import force_locale, gettext
    from markupsafe import escape

    with force_locale(language):
        result = gettext(message, **variables)
    assert result != message % variables if variables else result != message, (language, message)
    return str(escape(result))


@pytest.fixture
def make_person(app: Flask, country: Callable[[str], Country]) -> Callable[..., Any]:
    """Add a person to a country's registry: make_person("KE", family_name="Otieno")."""
    from focalpoints.focal_points import operations

    counter = itertools.count()

    def make(country_code: str = "KE", **values: Any) -> Any:
        n = next(counter)
        values.setdefault("given_names", f"Given{n}")
        values.setdefault("family_name", f"Family{n}")
        values.setdefault("email", f"person{n}.{country_code.lower()}@example.org")
        values.setdefault("visibility", "registered")
        person = operations.create_person(country(country_code), values)
        db.session.commit()  # operations flush: a test's data is there before what it tests
        return person

    return make


@pytest.fixture
def make_appointment(app: Flask, make_person: Callable[..., Any]) -> Callable[..., Any]:
    """Appoint someone (a new person unless given) to a role: make_appointment("CMS-NFP")."""
    from datetime import date

    from focalpoints.conventions.models import Role
    from focalpoints.focal_points import operations

    def make(
        role_code: str = "CMS-NFP",
        person: Any = None,
        country_code: str = "KE",
        start: date | None = None,
        **kwargs: Any,
    ) -> Any:
        person = person or make_person(country_code)
        role = db.session.scalar(select(Role).where(Role.code == role_code))
        appointment = operations.appoint(
            person.country, person, role, start or date(2024, 1, 15), **kwargs
        )
        db.session.commit()
        return appointment

    return make


def sample_working_group(country_code: str = "KE") -> dict[str, str]:
    """A working group with a member, a past meeting with minutes and an action, and a coming
    meeting; returns the URLs of its main pages."""
    from datetime import date, datetime, timedelta

    from focalpoints.focal_points import operations as registry
    from focalpoints.working_groups import operations as groups

    country = db.session.scalar(select(Country).where(Country.iso2 == country_code))
    group = groups.create_group(
        country, {"name": "National Biodiversity Working Group", "mandate": "Coordinates."}
    )
    person = registry.create_person(country, {"given_names": "Amina", "family_name": "Said"})
    groups.add_member(group, person, group_role="chair")
    past = groups.create_meeting(
        group,
        {
            "title": "First meeting",
            "starts_at": datetime(2025, 6, 3, 10),
            "timezone": "UTC",
            "agenda": ["Adoption of the agenda"],
            "attendee_ids": [person.id],
            "minutes": "Opened by the **chair**.",
        },
    )
    groups.add_action(
        past,
        {"description": "Circulate the draft", "owner_id": person.id, "due_on": date(2025, 7, 1)},
    )
    groups.create_meeting(
        group,
        {
            "title": "Next meeting",
            "starts_at": datetime.now() + timedelta(days=30),
            "timezone": "UTC",
        },
    )
    db.session.commit()
    base = f"/countries/{country_code}/working-group"
    return {
        "group": base,
        "meeting": f"{base}/meetings/{past.id}",
        "new_meeting": f"{base}/{group.id}/meetings/new",
        "add_member": f"{base}/{group.id}/members/new",
    }


def sample_positions(country_code: str = "KE") -> dict[str, str]:
    """A position on an agenda item of CMS COP15, with a consultation; returns page URLs."""
    from focalpoints.meetings.models import Meeting
    from focalpoints.positions import operations as positions

    country = db.session.scalar(select(Country).where(Country.iso2 == country_code))
    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    position = positions.create_position(
        country,
        positions.PositionValues(
            meeting, meeting.agenda_items[0], None, "en", "Our line", "Text.", "draft", None, None
        ),
    )
    db.session.commit()
    base = f"/countries/{country_code}/positions"
    return {
        "positions": base,
        "position": f"{base}/{position.id}",
        "new_position": f"{base}/new",
        "coherence": f"{base}/coherence",
        "meetings": "/meetings",
        "meeting": f"/meetings/{meeting.id}",
        "issues": "/issues",
        "pack": f"/countries/{country_code}/reporting/pack/CMS",
    }
