"""Property-based fuzzing: random Unicode, huge and control-character values to every form and
to the API never give a server error, and a refused form writes nothing (no committed INSERT,
UPDATE or DELETE on a business table)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from focalpoints.extensions import db
from tests.conftest import login
from tests.test_forms import FORMS, WriteDetector, snapshot, url_values

VALUES = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.text(alphabet=st.sampled_from("\x00\x07\x1b\u202e\ufeff\r\n\t=+-@'\"<>&;"), max_size=20),
    st.just("x" * 5000),
    st.dates().map(str),
    st.integers().map(str),
)


@pytest.mark.slow
@pytest.mark.parametrize("url,role,fields", FORMS, ids=[f[0] for f in FORMS])
def test_forms_never_fail_and_refusals_write_nothing(
    app, make_user, make_appointment, url, role, fields
):
    values = url_values(make_user, make_appointment)
    client = app.test_client()
    if role:
        login(client, make_user(role=role, country_code="KE" if role != "admin" else None))
    target = url.format(**values)

    accepted = []

    @given(payload=st.fixed_dictionaries({}, optional=dict.fromkeys(fields, VALUES)))
    @settings(
        max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(payload):
        with WriteDetector(db.engine) as writes:
            response = client.post(target, data=payload)
        assert response.status_code < 500, (payload, response.status_code)
        if response.status_code in (200, 400):
            assert writes.written == [], payload
        else:
            accepted.append(payload)

    before = snapshot()
    check()
    if not accepted:  # every payload refused: not a row changed, however it was written
        assert snapshot() == before


def test_the_write_detector_sees_committed_writes_only(app, make_person):
    """The fuzzing above is only as good as the detector: it names a committed write's table."""
    with WriteDetector(db.engine) as writes:
        make_person("KE", family_name="Otieno")
        db.session.commit()
    assert "people" in writes.written
    with WriteDetector(db.engine) as writes, db.engine.connect() as connection:
        connection.execute(text("DELETE FROM people"))
        connection.rollback()
    assert writes.written == []


@pytest.mark.slow
def test_api_query_strings_never_fail(client):
    names = ("convention", "role", "region", "country", "status", "language", "page", "per_page")

    @given(params=st.fixed_dictionaries({}, optional=dict.fromkeys(names, VALUES)))
    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(params):
        for path in ("/api/v1/focal-points", "/api/v1/countries", "/api/v1/coverage"):
            response = client.get(path, query_string=params)
            assert response.status_code in (200, 400), (path, params, response.status_code)

    check()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/focal-points?role=%00",
        "/api/v1/focal-points?country=%00E",
        "/exports/contacts.csv?role=%00",
        "/coverage?role=%00x",
        "/countries?q=%00",
        "/admin/audit?actor=%00",
        "/countries/KE/roles/%00/appoint",
        "/countries/K%00",
    ],
)
def test_nul_bytes_anywhere_are_refused_cleanly(client, login_as, url):
    """PostgreSQL refuses NUL in text: such requests get a 400 before any query."""
    login_as(role="admin", country_code=None)
    assert client.get(url).status_code == 400
    assert client.post("/countries/KE/people/new", data={"family_name": "a\x00b"}).status_code in (
        200,
        400,
    )
