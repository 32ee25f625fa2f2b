"""`focalpoints demo-data`: what it creates, prints and leaves alone when run again.

The tests on the demo data share one template, built once by `focalpoints demo-data` (see
``demo_database`` in conftest.py); being in one module, they run on one pytest-xdist worker,
which alone builds it (tests/scheduling.py).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from focalpoints.audit.models import AuditEntry
from focalpoints.auth.models import User
from focalpoints.countries.models import Country
from focalpoints.demo_data import DEMO_PASSWORD, DEMO_USERS
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Person
from focalpoints.nbsap.models import Alignment, NationalTarget, Nbsap
from focalpoints.positions.models import Consultation, Position, PositionVersion


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.demo_data
def test_demo_data_is_deterministic_idempotent_and_prints_log_ins(app, runner, demo_output):
    for role in ("admin", "secretariat", "coordinator", "editor"):
        assert role in demo_output
    assert DEMO_PASSWORD in demo_output
    second = runner.invoke(args=["demo-data"])
    assert "0 accounts created" in second.output
    # Their languages are for e-mails: pages open in the browser's language.
    assert not any(db.session.scalars(select(User.language_chosen)))
    names = set(db.session.scalars(select(User.name)))
    assert {u.name for u in DEMO_USERS} == names
    scripts = "".join(names)
    assert any("\u0600" <= c <= "\u06ff" for c in scripts)  # Arabic
    assert any("\u4e00" <= c <= "\u9fff" for c in scripts)  # Chinese
    assert any("\u0400" <= c <= "\u04ff" for c in scripts)  # Cyrillic
    assert "é" in scripts


@pytest.mark.demo_data
def test_demo_data_prints_every_log_in_with_its_country_and_script(demo_output):
    assert f"{len(DEMO_USERS)} accounts created" in demo_output
    lines = demo_output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Demo log-ins")))
    table = lines[start + 1 : start + 1 + len(DEMO_USERS)]
    for demo, line in zip(DEMO_USERS, table, strict=True):
        assert demo.email in line and line.split()[0] == demo.role.value
    assert "coordinator.ke@demo.focalpoints.example" in table[2] and "Kenya" in table[2]
    assert table[2].endswith("(Latin)")
    assert table[0].split()[2] == "—"  # the administrator has no country
    assert re.search(r"Saudi Arabia +\(Arabic\)$", table[4])
    assert re.search(r"China +\(Han\)$", table[5])
    assert table[6].endswith("(Cyrillic)")
    # The log-ins are the last lines, where a terminal leaves them in view.
    assert lines[-1] == table[-1]


@pytest.mark.demo_data
def test_demo_log_in_works(app, client):
    response = client.post("/login", data={"email": DEMO_USERS[2].email, "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/countries/KE"


@pytest.mark.slow
def test_full_scale_demo_data(app, runner):
    result = runner.invoke(args=["demo-data", "--scale", "full"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 10_000
    # Roles are filled only for the instruments each country has joined.
    assert db.session.scalar(select(func.count()).select_from(Appointment)) > 6_500
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) >= 100_000
    assert db.session.scalar(select(func.count()).select_from(Position)) > 3_000
    again = runner.invoke(args=["demo-data", "--scale", "full"])
    assert "nothing added" in again.output


@pytest.mark.demo_data
def test_demo_data_prints_two_working_links_once(runner, client, demo_output):
    paths = re.findall(r"/calendar/fpcal_[\w-]+\.ics", demo_output)
    assert len(paths) == 2
    assert all(client.get(path).status_code == 200 for path in paths)
    assert "calendar links: exist already" in runner.invoke(args=["demo-data"]).output


@pytest.mark.demo_data
def test_demo_data_holds_nbsaps_for_many_countries(app, runner, demo_output):
    assert "Demo NBSAPs:" in demo_output
    countries = db.session.scalar(select(func.count(func.distinct(Nbsap.country_id))))
    assert countries > 100
    assert _count(Alignment) > 500
    measures = db.session.scalar(
        select(func.count()).select_from(NationalTarget).where(NationalTarget.kind == "measure")
    )
    assert measures > 1000
    again = runner.invoke(args=["demo-data"])
    assert "Demo NBSAPs: exist already" in again.output


@pytest.mark.demo_data
def test_demo_positions(app, runner, demo_output):
    assert "Demo positions:" in demo_output
    countries = db.session.scalar(select(func.count(func.distinct(Position.country_id))))
    assert 40 <= countries <= 120  # a realistic share, not every country
    kenya = db.session.scalar(select(Country).where(Country.iso2 == "KE"))
    mine = db.session.scalars(select(Position).where(Position.country_id == kenya.id)).all()
    assert {p.status for p in mine} >= {"draft", "agreed"}
    assert db.session.scalar(select(func.count()).where(Position.shared.is_(True)))
    assert db.session.scalar(select(func.count()).where(Consultation.answer.is_not(None)))
    assert db.session.scalar(select(func.count()).where(Consultation.answer.is_(None)))
    assert _count(PositionVersion) > _count(Position)
    again = runner.invoke(args=["demo-data"])
    assert "Demo positions: exist already" in again.output
