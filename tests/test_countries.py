"""The country list and the country overview."""

from __future__ import annotations

import re

from sqlalchemy import select

from focalpoints.conventions.models import Convention, Role
from focalpoints.extensions import db


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
