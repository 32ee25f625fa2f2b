"""Coverage for the Secretariat, and for national users of their own country."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from focalpoints.coverage.queries import coverage
from focalpoints.extensions import db


def test_role_figures_count_filled_stale_and_vacant_parties(app, make_appointment):
    make_appointment("CMS-NFP", country_code="KE")
    stale = make_appointment("CMS-NFP", country_code="TZ")
    stale.last_confirmed_on = date.today() - timedelta(days=400)
    db.session.commit()
    with app.test_request_context():
        report = coverage(region="africa", convention_code="CMS", role_code="CMS-NFP")
    [entry] = report.roles
    assert entry.filled == 1 and entry.stale == 1
    assert entry.parties == entry.filled + entry.stale + entry.vacant
    assert "KE" not in {c.iso2 for c in entry.missing}
    assert report.map_levels["ke"] == "full" and report.map_levels["tz"] == "partial"


def test_page_filters_and_missing_list(client, login_as, make_appointment):
    make_appointment("CITES-MA", country_code="KE")
    login_as(role="secretariat", country_code=None)
    page = client.get("/coverage?region=africa&convention=CITES").data.decode()
    assert "Management Authority" in page and "/countries/KE" in page
    assert "do not imply official endorsement" in page
    data = client.get("/coverage/missing.csv?role=CITES-MA&region=africa").data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and "KE" not in {r["country"] for r in rows}
    assert {r["role"] for r in rows} == {"CITES-MA"}


def test_national_users_see_their_own_country(client, login_as):
    login_as(role="editor", country_code="KE")
    page = client.get("/coverage?region=europe").data.decode()
    assert "/countries/KE" in page and "/countries/FR" not in page


def test_bad_filters_get_a_translated_400(client, login_as):
    login_as(role="secretariat", country_code=None)
    response = client.get("/coverage?role=NOPE", headers={"Accept-Language": "es"})
    assert response.status_code == 400 and 'role="alert"' in response.data.decode()


def test_coverage_takes_a_fixed_number_of_queries(
    client, login_as, make_appointment, count_queries
):
    login_as(role="secretariat", country_code=None)
    counter = count_queries()
    client.get("/coverage")  # the first reads the reference data into the cache
    assert counter.count <= 10
    counter.statements.clear()
    client.get("/coverage")
    baseline = counter.count
    # The log-in session, the data versions, the working groups and the unread notices: the
    # figures are kept rendered while the versions stay the same.
    assert baseline <= 5
    for code in ("KE", "TZ", "UG", "FR"):
        make_appointment("CMS-NFP", country_code=code)
    counter.statements.clear()
    page = _without_tokens(client.get("/coverage").data.decode())
    # The writes raised the registry's version: the holdings are read once more, and shown.
    assert counter.count == baseline + 1
    counter.statements.clear()
    assert _without_tokens(client.get("/coverage").data.decode()) == page
    assert counter.count == baseline


def _without_tokens(page: str) -> str:
    """The page without its CSRF tokens, which are signed with the time."""
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_coverage_shows_which_countries_have_a_working_group_and_when_it_last_met(
    client, login_as, country
):
    from datetime import datetime

    from focalpoints.working_groups import operations as groups

    kenya = groups.create_group(country("KE"), {"name": "Kenya group"})
    groups.create_meeting(
        kenya, {"title": "First", "starts_at": datetime(2025, 2, 3, 9), "timezone": "UTC"}
    )
    groups.create_meeting(
        kenya, {"title": "Coming", "starts_at": datetime(2031, 2, 3, 9), "timezone": "UTC"}
    )
    groups.create_group(country("TZ"), {"name": "Tanzania group"})
    login_as(role="secretariat", country_code=None)
    page = client.get("/coverage?region=africa").data.decode()
    kenya_row = page.split('<th scope="row"><a href="/countries/KE">', 1)[1].split("</tr>", 1)[0]
    assert "last met Feb 3, 2025" in kenya_row  # the coming meeting does not count
    tanzania_row = page.split('<th scope="row"><a href="/countries/TZ">', 1)[1].split("</tr>", 1)[0]
    assert "no meeting yet" in tanzania_row
    uganda_row = page.split('<th scope="row"><a href="/countries/UG">', 1)[1].split("</tr>", 1)[0]
    assert "none" in uganda_row


def _kenya_row(page: str) -> str:
    return page.split('<th scope="row"><a href="/countries/KE">', 1)[1].split("</tr>", 1)[0]


def test_cached_figures_follow_a_change_made_by_another_worker(
    app, client, login_as, make_appointment
):
    from focalpoints.focal_points.models import Appointment

    appointment = make_appointment("CMS-NFP", country_code="KE")
    login_as(role="secretariat", country_code=None)
    for _ in range(2):  # the second is served from the cache
        assert ">1/" in _kenya_row(client.get("/coverage?convention=CMS").data.decode())
    # Written as another process would: no request of this app, no audit row.
    stale_day = date.today() - timedelta(days=app.config["STALE_AFTER_DAYS"] + 10)
    db.session.execute(
        Appointment.__table__.update()
        .where(Appointment.id == appointment.id)
        .values(last_confirmed_on=stale_day, start_date=stale_day)
    )
    db.session.commit()
    row = _kenya_row(client.get("/coverage?convention=CMS").data.decode())
    assert ">0/" in row and "(1)" in row  # no confirmed holder, one stale


def test_a_national_reader_never_gets_the_secretariats_cached_page(
    app, client, login_as, make_user
):
    from tests.conftest import login

    login_as(role="secretariat", country_code=None)
    assert "/countries/FR" in client.get("/coverage").data.decode()
    national = app.test_client()
    login(national, make_user(role="editor", country_code="KE"))
    page = national.get("/coverage").data.decode()
    assert "/countries/KE" in page and "/countries/FR" not in page
    assert 'class="coverage-map"' not in page  # the Secretariat's map of every Party
    # and the Secretariat's page, cached first, is still whole
    assert "/countries/FR" in client.get("/coverage").data.decode()


def test_the_missing_list_follows_the_form_and_says_how_many_rows(
    client, login_as, make_appointment
):
    """The download is the filter form's own button, so the browser sends the filters shown."""
    import re

    login_as(role="secretariat", country_code=None)
    html = client.get("/coverage?region=africa&role=CITES-MA").data.decode()
    start = html.index('<form method="get" action="/coverage"')
    form = html[start : html.index("</form>", start)]
    assert re.search(r'<button type="submit" [^>]*formaction="/coverage/missing.csv"', form)
    assert 'data-count-url="/coverage/missing/count"' in form
    data = client.get("/coverage/missing.csv?region=africa&role=CITES-MA&format=csv").data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    count = client.get("/coverage/missing/count?region=africa&role=CITES-MA").get_json()
    assert count["rows"] == len(rows) > 0
    assert f"{count['rows']} rows: a Party and a role it has not designated" in form
    make_appointment("CITES-MA", country_code="KE")
    after = client.get("/coverage/missing/count?region=africa&role=CITES-MA").get_json()
    assert after["rows"] == count["rows"] - 1
    assert client.get("/coverage/missing/count?role=NOPE").status_code == 400
