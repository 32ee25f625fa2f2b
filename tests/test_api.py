"""The read API: visibility by caller, tokens, pagination, and schemathesis against the schema."""

from __future__ import annotations

import base64
import re
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from focalpoints.api import tokens
from focalpoints.api.models import ApiToken
from focalpoints.extensions import db
from focalpoints.focal_points.models import Status


@pytest.fixture
def make_appointment(make_appointment):
    """Appointments officially notified unless a test says otherwise: contact lists and the API
    hold notified and acknowledged designations unless asked for others."""

    def make(*args, **kwargs):
        if kwargs.setdefault("status", Status.NOTIFIED) == Status.NOTIFIED:
            kwargs.setdefault("letter_reference", "NV/2024/1")
            kwargs.setdefault("letter_date", date(2024, 1, 10))
        return make_appointment(*args, **kwargs)

    return make


@pytest.fixture
def people(make_person, make_appointment):
    public = make_person("KE", family_name="Public", visibility="public")
    registered = make_person("KE", family_name="Registered", visibility="registered")
    restricted = make_person("KE", family_name="Restricted", visibility="restricted")
    for person, role in ((public, "CMS-NFP"), (registered, "CBD-FP1"), (restricted, "CITES-MA")):
        make_appointment(role, person=person)
    return public, registered, restricted


def _names(response) -> set[str]:
    return {item["lastName"] for item in response.get_json()["items"]}


def test_anonymous_callers_see_public_contacts_only(client, people):
    assert _names(client.get("/api/v1/focal-points")) == {"Public"}


def test_officials_of_other_countries_see_the_shared_directory(client, login_as, people):
    login_as(role="editor", country_code="FR")
    assert _names(client.get("/api/v1/focal-points")) == {"Public", "Registered"}


def test_own_country_and_secretariat_see_everything(app, client, login_as, people, make_user):
    login_as(role="editor", country_code="KE")
    assert _names(client.get("/api/v1/focal-points")) == {"Public", "Registered", "Restricted"}


def test_tokens_read_with_their_creators_rights_and_can_be_revoked(app, client, people, make_user):
    secretariat = make_user(role="secretariat", country_code=None)
    token = tokens.create_token(secretariat, "harvester")
    db.session.commit()
    stored = db.session.query(ApiToken).one()
    assert token not in (stored.token_hash, stored.prefix) and stored.token_hash != token
    headers = {"Authorization": f"Bearer {token}"}
    assert _names(client.get("/api/v1/focal-points", headers=headers)) == {
        "Public",
        "Registered",
        "Restricted",
    }
    db.session.expire_all()
    assert db.session.query(ApiToken).one().last_used_at is not None
    tokens.revoke(db.session.query(ApiToken).one())
    db.session.commit()
    assert client.get("/api/v1/focal-points", headers=headers).status_code == 401
    assert client.get("/api/v1/countries", headers={"Authorization": "Bearer x"}).status_code == 401


def test_focal_points_follow_informea_shape_and_filters(client, login_as, people):
    login_as(role="secretariat", country_code=None)
    items = client.get("/api/v1/focal-points?convention=CBD").get_json()["items"]
    assert [i["lastName"] for i in items] == ["Registered"]
    assert items[0]["treaties"] == ["cbd"] and items[0]["roles"][0]["treaty"] == "cbd"
    assert client.get("/api/v1/focal-points?role=NOPE").status_code == 400


def test_pagination(client):
    body = client.get("/api/v1/countries?per_page=10&page=2").get_json()
    assert body["page"] == 2 and len(body["items"]) == 10 and body["total"] == 198
    assert body["pages"] == 20
    assert client.get("/api/v1/countries?per_page=1000").status_code == 400
    assert client.get("/api/v1/countries?page=x").status_code == 400
    # A page past any list is refused, not passed on to overflow the database's offset.
    huge = "/api/v1/focal-points?page=2305843009213693933&per_page=24&status=all"
    assert client.get(huge).status_code == 400
    assert client.get("/api/v1/focal-points?page=1000000").status_code == 200


def test_countries_carry_membership_periods(client):
    items = client.get("/api/v1/countries?per_page=200").get_json()["items"]
    eu = next(i for i in items if i["iso2"] == "EU")
    cites = next(m for m in eu["memberships"] if m["convention"] == "CITES")
    assert cites["entry_into_force"].startswith("2015") and cites["is_party"]


def test_api_lists_take_a_fixed_number_of_queries(
    client, login_as, people, count_queries, make_appointment
):
    login_as(role="secretariat", country_code=None)
    client.get("/api/v1/focal-points")  # reference data and total cached
    counter = count_queries()
    client.get("/api/v1/focal-points")
    cached = counter.count
    assert cached <= 5
    for code in ("CHM-FP", "SBSTTA-FP", "RAMSAR-NFP"):
        make_appointment(code, country_code="TZ")
    counter.statements.clear()
    client.get("/api/v1/focal-points")
    assert counter.count == cached + 1  # the writes raised the data version: counted once more
    counter.statements.clear()
    body = client.get("/api/v1/focal-points?per_page=1").get_json()
    assert counter.count == cached and body["total"] == 6  # per_page is not in the total's key
    counter.statements.clear()
    client.get(body["next"])
    assert counter.count == cached


COUNTRIES = ("KE", "TZ", "FR", "DE", "BR", "IN", "PE", "GH", "SN")


@pytest.fixture
def many(make_person, make_appointment):
    """Seven public contacts of seven countries, one of them with two roles."""
    people = [make_person(code, visibility="public") for code in COUNTRIES[:7]]
    for person, code in zip(people, COUNTRIES, strict=False):
        make_appointment("CMS-NFP", person=person, country_code=code)
    make_appointment("CBD-FP1", person=people[3], country_code=COUNTRIES[3])
    return [str(p.id) for p in people]


def _follow(client, url):
    """Every page from ``url`` on by the next links: the ids of each page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append([item["id"] for item in body["items"]])
        assert response.headers.get("Link") == (
            f'<{body["next"]}>; rel="next"' if body["next"] else None
        )
        url = body["next"]
    return pages


def test_cursor_pages_follow_each_other_to_the_end(client, many):
    pages = _follow(client, "/api/v1/focal-points?per_page=3")
    assert pages == [many[0:3], many[3:6], many[6:7]]
    first = client.get("/api/v1/focal-points?per_page=3").get_json()
    assert first["total"] == 7 and first["pages"] == 3 and first["page"] == 1
    assert client.get(first["next"]).get_json()["page"] is None
    assert "per_page=3" in first["next"] and "cursor=" in first["next"]
    # A person with two roles is one contact with both, on one page.
    fourth = next(i for i in client.get(first["next"]).get_json()["items"] if i["id"] == many[3])
    assert fourth["treaties"] == ["cms", "cbd"]


def test_cursor_keeps_the_filters_and_the_old_page_numbers_still_work(client, many):
    pages = _follow(client, "/api/v1/focal-points?per_page=2&convention=CMS&status=notified")
    assert [i for page in pages for i in page] == many
    second = client.get("/api/v1/focal-points?per_page=2&page=2").get_json()
    assert [i["id"] for i in second["items"]] == many[2:4] and second["page"] == 2
    assert "page=" not in second["next"].replace("per_page=", "")
    assert [i["id"] for i in client.get(second["next"]).get_json()["items"]] == many[4:6]


def test_pages_stay_in_order_while_contacts_are_added(client, many, make_person, make_appointment):
    first = client.get("/api/v1/focal-points?per_page=3").get_json()
    added = [make_person(code, visibility="public") for code in COUNTRIES[7:]]
    for person, code in zip(added, COUNTRIES[7:], strict=True):
        make_appointment("CMS-NFP", person=person, country_code=code)
    pages = _follow(client, first["next"])
    seen = [i["id"] for i in first["items"]] + [i for page in pages for i in page]
    assert seen == many + [str(p.id) for p in added]  # none twice, none left out
    assert client.get(first["next"]).get_json()["total"] == 9


@pytest.mark.parametrize("cursor", ["x", "WzNd", "WzNd.bad-signature", "", "WyJhIl0." + "A" * 27])
def test_a_changed_cursor_is_refused_clearly(client, many, cursor):
    response = client.get(f"/api/v1/focal-points?cursor={cursor}")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("invalid cursor: pass the cursor of a previous")


def test_a_cursor_is_signed_and_cannot_be_forged(app, client, many):
    body = client.get("/api/v1/focal-points?per_page=3").get_json()
    cursor = body["next"].split("cursor=")[1].split("&")[0]
    signature = cursor.split(".")[1]
    forged = base64.urlsafe_b64encode(b"[1]").decode().rstrip("=") + "." + signature
    response = client.get(f"/api/v1/focal-points?cursor={forged}")
    assert response.status_code == 400 and "invalid cursor" in response.get_json()["error"]
    both = client.get(f"/api/v1/focal-points?cursor={cursor}&page=2")
    assert both.status_code == 400 and "either cursor or page" in both.get_json()["error"]


def test_token_pages(client, login_as):
    login_as(role="secretariat", country_code=None)
    page = client.post("/api-tokens", data={"name": "InforMEA"}).data.decode()
    token = re.search(r"fp_[A-Za-z0-9_-]+", page).group(0)
    assert (
        client.get("/api/v1/countries", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    assert token not in client.get("/api-tokens").data.decode()  # shown once only
    assert client.post("/api-tokens", data={"name": ""}).status_code == 200


def test_api_conforms_to_its_schema(app, people):
    """schemathesis generates requests from the OpenAPI document: no server error, and every
    answer matches the schema."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        check()
