"""The country list and the country overview."""

from __future__ import annotations

import re

from sqlalchemy import select

from focalpoints.conventions.models import Convention, Role
from focalpoints.extensions import db
from tests.conftest import in_language, login


def test_search_by_name_in_the_readers_language(client, login_as):
    login_as(role="secretariat", country_code=None)
    page = client.get("/countries?q=egypte", headers={"Accept-Language": "fr"}).data.decode()
    assert "Égypte" in page
    page = client.get("/countries?q=allemagne", headers={"Accept-Language": "fr"}).data.decode()
    assert "/countries/DE" in page
    page = client.get("/countries?q=EGY").data.decode()
    assert "/countries/EG" in page


def test_list_is_sorted_as_a_reader_expects(client, login_as):
    login_as(role="secretariat", country_code=None)
    page = client.get("/countries", headers={"Accept-Language": "fr"}).data.decode()
    codes = re.findall(r'href="/countries/([A-Z]{2})"', page)
    # "Égypte" sorts among the E, not after "Zimbabwe"
    assert codes.index("EG") < codes.index("ZW")
    assert codes.index("DK") < codes.index("EG") < codes.index("ER") < codes.index("ES")


def test_region_filter(client, login_as):
    login_as(role="secretariat", country_code=None)
    page = client.get("/countries?region=oceania").data.decode()
    assert "/countries/FJ" in page and "/countries/KE" not in page
    assert client.get("/countries?region=<script>").status_code == 200


def test_country_page_shows_party_status_and_required_roles(client, login_as):
    login_as(role="coordinator", country_code="KE")
    page = client.get("/countries/KE").data.decode()
    assert "Kenya" in page
    assert "Entry into force" in page
    assert "National Focal Point" in page and "required" in page
    assert "Management Authority" in page


def test_non_party_roles_are_not_required(client, login_as):
    login_as(role="secretariat", country_code=None)
    page = client.get("/countries/US").data.decode()
    cms_section = page.split('id="conv-CMS"')[1].split("</section>")[0]
    assert "Not a Party" in cms_section
    assert "badge text-bg-warning" not in cms_section


def test_unknown_country_is_404(client, login_as):
    login_as()
    assert client.get("/countries/ZZ").status_code == 404
    assert client.get("/countries/KEN").status_code == 404
    assert client.get("/countries/%00E").status_code == 400  # NUL bytes are refused outright


def test_country_page_takes_a_fixed_number_of_queries(
    client, login_as, count_queries, make_appointment
):
    login_as(role="secretariat", country_code=None)
    make_appointment("CMS-NFP")
    client.get("/countries/KE")
    counter = count_queries()
    client.get("/countries/KE")
    baseline = counter.count
    convention = db.session.scalar(select(Convention).where(Convention.code == "CMS"))
    for i in range(15):
        db.session.add(
            Role(
                convention=convention,
                code=f"EXTRA-{i}",
                names={"en": f"Extra {i}"},
                informea_names=[],
            )
        )
    db.session.commit()
    for code in ("CITES-MA", "CITES-SA", "CBD-FP1", "RAMSAR-NFP", "EXTRA-1"):
        make_appointment(code)
    make_appointment("CITES-MA")  # several holders of one role
    counter.statements.clear()
    client.get("/countries/KE")  # the new roles: cached reference data is read afresh, once
    assert counter.count <= 10
    counter.statements.clear()
    client.get("/countries/KE")
    assert counter.count == baseline
    assert baseline <= 8  # 7, and the unread notices counted for the navigation


def test_country_list_takes_a_fixed_number_of_queries(client, login_as, count_queries):
    login_as(role="secretariat", country_code=None)
    counter = count_queries()
    client.get("/countries")  # the first reads the reference data into the cache
    assert counter.count <= 10
    counter.statements.clear()
    client.get("/countries")
    assert counter.count <= 7  # 6, and the unread notices counted for the navigation


# The page body is a cached fragment (focalpoints/countries/overview.py) --------------------


def _body(page: bytes) -> str:
    return page.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_country_page_body_is_rendered_once_per_content(app, client, login_as):
    from focalpoints.fragments import fragment_cache

    login_as(role="secretariat", country_code=None)
    cache = fragment_cache()
    first = client.get("/countries/KE").data
    hits = cache.hits
    assert _body(client.get("/countries/KE").data) == _body(first)
    assert cache.hits == hits + 1  # the whole page
    french = _body(client.get("/countries/KE", headers={"Accept-Language": "fr"}).data)
    assert in_language("fr", "Focal points by convention") in french
    assert "Focal points by convention" not in french


def test_cached_body_never_shows_a_restricted_holder_to_another_country(
    app, client, login_as, make_user, make_person, make_appointment
):
    person = make_person("KE", family_name="Restrictedname", visibility="restricted")
    make_appointment("CMS-NFP", person=person)
    login_as(role="secretariat", country_code=None)
    assert "Restrictedname" in client.get("/countries/KE").data.decode()

    other = app.test_client()
    login(other, make_user(role="coordinator", country_code="FR"))
    body = _body(other.get("/countries/KE").data)
    assert "Restrictedname" not in body
    assert "details shared only with the country and the Secretariat" in body
    assert "Appoint a holder" not in body and "Add a person or institution" not in body

    own = app.test_client()
    login(own, make_user(role="editor", country_code="KE"))
    body = _body(own.get("/countries/KE").data)
    assert "Restrictedname" in body
    assert "Appoint a holder" in body and "Add a person or institution" in body
    # and the Secretariat's view, cached first, is still its own
    body = _body(client.get("/countries/KE").data)
    assert "Restrictedname" in body and "Add a person or institution" not in body


def test_cached_body_shows_a_change_made_by_another_worker(client, login_as, make_appointment):
    from focalpoints.focal_points.models import Person

    appointment = make_appointment("CMS-NFP")
    login_as(role="secretariat", country_code=None)
    assert appointment.person.family_name in client.get("/countries/KE").data.decode()
    # Written as another process would: no request of this app, no audit row, same database.
    db.session.execute(
        Person.__table__.update()
        .where(Person.id == appointment.person_id)
        .values(family_name="Changedelsewhere")
    )
    db.session.commit()
    assert "Changedelsewhere" in client.get("/countries/KE").data.decode()


def test_staleness_follows_the_day_the_page_is_read(app, make_user, make_appointment, country):
    from datetime import date, timedelta

    from focalpoints.countries.overview import render_overview

    appointment = make_appointment("CMS-NFP", start=date(2024, 1, 15))
    user = make_user(role="secretariat", country_code=None)
    kenya = country("KE")
    limit = app.config["STALE_AFTER_DAYS"]
    confirmed = appointment.confirmed_or_started()
    with app.test_request_context("/countries/KE"):
        fresh = render_overview(kenya, user, confirmed + timedelta(days=limit))
        stale = render_overview(kenya, user, confirmed + timedelta(days=limit + 1))
    assert ">stale<" not in fresh
    assert ">stale<" in stale


def test_country_page_without_the_fragment_cache(app_factory, make_user):
    uncached = app_factory(FRAGMENT_CACHE_BYTES=0)
    with uncached.app_context():
        from focalpoints.fragments import fragment_cache

        assert fragment_cache() is None
        client = uncached.test_client()
        user = make_user(role="coordinator", country_code="KE")
        login(client, user)
        page = client.get("/countries/KE").data.decode()
    assert "Focal points by convention" in page and "Add a person or institution" in page
