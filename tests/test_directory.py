"""The public directory: public contacts only, their public fields only, in every language and
every format; no cookie or session; HTTP caching; few queries; its feed reads back unchanged."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date

import pytest
from flask import template_rendered
from sqlalchemy import select

from focalpoints.conventions.models import Role
from focalpoints.extensions import db
from focalpoints.focal_points import importing, operations
from focalpoints.focal_points.models import Status
from focalpoints.fragments import fragment_cache
from tests.conftest import login

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
VISIBILITIES = ("public", "registered", "restricted")
# A role of each convention, by visibility of its holder; one more public role, only proposed.
ROLES = {"public": "CMS-NFP", "registered": "CBD-FP1", "restricted": "CITES-MA"}


def _appoint(person, role_code, status=Status.ENDORSED, **kwargs):
    role = db.session.scalar(select(Role).where(Role.code == role_code))
    return operations.appoint(
        person.country, person, role, date(2024, 1, 15), status=status, **kwargs
    )


@pytest.fixture
def kenya(make_person):
    """Kenya's holders, one of each visibility, with secrets in their non-public fields; a
    public proposal; and a public holder in Tanzania."""
    people = {}
    for visibility in VISIBILITIES:
        people[visibility] = make_person(
            "KE",
            given_names=f"{visibility.title()}given",
            family_name=f"{visibility.title()}family",
            email=f"{visibility}@example.go.ke",
            organisation=f"{visibility.title()} Ministry of Environment",
            job_title="Director of Wildlife",
            department="Biodiversity Department",
            street="NHIF Building, Ngong Road",
            postal_code="00100",
            city="Nairobi",
            phone="+254207621234",
            fax="+254207621235",
            mobile="+254722000111",
            other_emails=[f"{visibility}.home@example.org"],
            notes=f"Secret note of {visibility}",
            website="https://www.environment.go.ke",
            visibility=visibility,
        )
        _appoint(people[visibility], ROLES[visibility])
    # Institutions and instruments under a convention: the Cartagena Protocol's authority.
    people["institution"] = make_person(
        "KE",
        kind="institution",
        given_names="",
        family_name="",
        organisation="National Biosafety Authority",
        email="info@biosafetykenya.go.ke",
        visibility="public",
    )
    _appoint(
        people["institution"],
        "CPB-CNA",
        status=Status.NOTIFIED,
        letter_reference="MEF/1",
        letter_date=date(2024, 1, 10),
    )
    people["proposed"] = make_person(
        "KE", given_names="Proposedgiven", family_name="Proposedfamily", visibility="public"
    )
    _appoint(people["proposed"], "RAMSAR-NFP", status=Status.PROPOSED)
    people["tanzania"] = make_person(
        "TZ", given_names="Tanzaniagiven", family_name="Tanzaniafamily", visibility="public"
    )
    _appoint(people["tanzania"], "CMS-NFP")
    return people


HIDDEN = (
    "Registeredgiven",
    "Registeredfamily",
    "registered@example.go.ke",
    "Restrictedgiven",
    "Restrictedfamily",
    "restricted@example.go.ke",
    "Registered Ministry",
    "Restricted Ministry",
    "+254722000111",
    "722 000111",
    ".home@example.org",
    "Secret note",
    "Proposedgiven",
)


def _pages(language):
    return [
        f"/directory/KE?lang={language}",
        f"/directory/KE.json?lang={language}",
        f"/directory?lang={language}&q=Ministry",
        f"/directory?lang={language}&q=given",
        f"/directory?lang={language}&convention=CBD",
        f"/directory?lang={language}&convention=CITES&role=CITES-MA",
        f"/directory?lang={language}&role=CBD-FP1&region=africa",
        f"/directory?lang={language}&convention=RAMSAR",
        "/sitemap.xml",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_registered_restricted_or_private_field_ever_appears(client, kenya, language):
    for url in _pages(language):
        for headers in ({}, {"Accept-Language": language}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            found = [secret for secret in HIDDEN if secret in body]
            assert found == [], (url, found)
    page = client.get(f"/directory/KE?lang={language}").get_data(as_text=True)
    assert "Publicgiven" in page and "public@example.go.ke" in page
    assert "National Biosafety Authority" in page
    assert f'<html lang="{language}"' in page


def test_kenya_lists_its_public_contacts_and_no_others(client, kenya):
    page = client.get("/directory/KE").get_data(as_text=True)
    assert "Publicgiven Publicfamily" in page
    assert "Director of Wildlife" in page and "Public Ministry of Environment" in page
    assert "NHIF Building, Ngong Road, 00100 Nairobi" in page
    assert "mailto:public@example.go.ke" in page and "+254 20 7621234" in page
    assert "Tanzaniagiven" not in page
    for secret in HIDDEN:
        assert secret not in page
    feed = client.get("/directory/KE.json").get_json()
    names = {c["lastName"] or c["institution"] for c in feed["d"]["results"]}
    assert names == {"Publicfamily", "National Biosafety Authority"}
    tanzania = client.get("/directory/TZ").get_data(as_text=True)
    assert "Tanzaniagiven" in tanzania and "Publicgiven" not in tanzania


def test_an_erased_deleted_or_newly_restricted_contact_leaves_the_directory(client, kenya):
    person = kenya["public"]
    assert "Publicgiven" in client.get("/directory/KE").get_data(as_text=True)
    operations.update_person(
        person,
        {**{k: getattr(person, k) for k in operations.PERSON_FIELDS}, "visibility": "registered"},
        person.version,
    )
    assert "Publicgiven" not in client.get("/directory/KE").get_data(as_text=True)
    assert "Publicgiven" not in client.get("/directory/KE.json").get_data(as_text=True)


def test_no_cookie_no_session_and_public_caching(app, client, kenya):
    for url in (
        "/directory",
        "/directory/KE",
        "/directory/KE.json",
        "/directory?convention=CMS",
        "/sitemap.xml",
        "/robots.txt",
        "/directory?q=Public",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
        assert response.headers["Cache-Control"] == "public, max-age=300", url
    assert client.get_cookie("session") is None


def test_a_logged_in_visitor_gets_the_same_public_page(app, client, kenya, make_user):
    anonymous = client.get("/directory/KE?lang=en").get_data(as_text=True)
    user = make_user(role="coordinator", country_code="KE", name="Wanjiru Coordinator")
    assert login(client, user).status_code == 302
    response = client.get("/directory/KE?lang=en")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=300"
    page = response.get_data(as_text=True)
    assert "Wanjiru" not in page and "Registeredgiven" not in page
    assert page == anonymous
    # Her saved language is not used: only ?lang= and the browser's Accept-Language.
    user.language, user.language_chosen = "fr", True
    db.session.commit()
    page = client.get("/directory/KE", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es"' in page


def test_the_language_comes_from_the_address_then_the_browser(client, kenya):
    response = client.get("/directory/KE", headers={"Accept-Language": "ru"})
    assert '<html lang="ru"' in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"]
    response = client.get("/directory/KE?lang=ar", headers={"Accept-Language": "ru"})
    page = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in page
    assert 'hreflang="zh"' in page and "/directory/KE?lang=zh" in page
    assert "Set-Cookie" not in response.headers


def test_a_conditional_request_gets_304_until_something_changes(client, kenya):
    for url in ("/directory/KE", "/directory/KE.json", "/directory", "/directory?convention=CMS"):
        first = client.get(url)
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "public, max-age=300"
        assert "Set-Cookie" not in again.headers
    etag = client.get("/directory/KE").headers["ETag"]
    other_language = client.get("/directory/KE?lang=fr", headers={"If-None-Match": etag})
    assert other_language.status_code == 200
    person = kenya["public"]
    operations.update_person(
        person,
        {**{k: getattr(person, k) for k in operations.PERSON_FIELDS}, "job_title": "Minister"},
        person.version,
    )
    changed = client.get("/directory/KE", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Minister" in changed.get_data(as_text=True)
    # A change in Tanzania leaves Kenya's page as it was.
    etag = changed.headers["ETag"]
    tanzanian = kenya["tanzania"]
    operations.update_person(
        tanzanian,
        {**{k: getattr(tanzanian, k) for k in operations.PERSON_FIELDS}, "job_title": "Director"},
        tanzanian.version,
    )
    assert client.get("/directory/KE", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/directory/KE", 3),
        ("/directory/KE.json", 3),
        ("/directory", 3),
        ("/directory?q=Ministry", 4),
        ("/directory?convention=CMS&role=CMS-NFP&region=africa", 3),
        ("/sitemap.xml", 3),
        ("/robots.txt", 0),
    ],
)
def test_each_page_takes_a_fixed_small_number_of_queries(
    client, kenya, count_queries, url, queries
):
    first = client.get(url)  # the reference data is then cached
    fragment_cache().clear()  # the page is rendered again
    counter = count_queries()
    assert client.get(url).status_code == 200
    assert counter.count == queries, counter.statements
    if "ETag" in first.headers:
        # A request without the ETag (a crawler, a first visit) gets the body kept on the
        # server: it reads the versions its key names and renders nothing.
        counter = count_queries()
        with captured_templates(client.application) as rendered:
            again = client.get(url)
        assert again.status_code == 200 and again.data == first.data
        assert rendered == [] and counter.count == 2, counter.statements
        counter = count_queries()
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        assert counter.count == 2, counter.statements


@contextmanager
def captured_templates(app):
    """The names of the templates rendered meanwhile."""
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def test_the_feed_is_an_informea_contact_feed_that_imports_back_unchanged(client, country, kenya):
    response = client.get("/directory/KE.json")
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.data)
    contacts = document["d"]["results"]
    public = next(c for c in contacts if c["lastName"] == "Publicfamily")
    assert public["country"] == "KE" and public["firstName"] == "Publicgiven"
    assert public["treaties"] == ["cms"]
    assert public["roles"][0]["treaty"] == "cms"
    assert public["roles"][0]["roles"] == ["National Focal Point"]
    assert public["address"] == "NHIF Building, Ngong Road, 00100 Nairobi"
    assert public["email"] == "public@example.go.ke" and public["phoneNumber"] == "+254207621234"
    assert set(public) >= {
        "id",
        "prefix",
        "position",
        "institution",
        "department",
        "fax",
        "primary",
        "updated",
        "protocolVersion",
    }
    assert "mobile" not in json.dumps(document) and "Secret" not in json.dumps(document)
    institution = next(c for c in contacts if c["institution"] == "National Biosafety Authority")
    assert institution["treaties"] == ["cartagena"]

    rows = importing.read_contacts(response.data, "KE.json")
    planned = importing.plan_import(rows, country("KE"))
    assert [(p.action, p.errors, p.warnings, p.changes) for p in planned] == [
        ("unchanged", [], [], []) for _ in contacts
    ]
    assert {p.person.id for p in planned} == {kenya["public"].id, kenya["institution"].id}


def test_the_feed_fills_an_empty_registry_with_the_same_records(app_factory, client, kenya):
    data = client.get("/directory/KE.json").data
    other = app_factory()
    with other.app_context():
        from focalpoints.countries.models import Country
        from focalpoints.focal_points.models import Person

        kenya_there = db.session.scalar(select(Country).where(Country.iso2 == "KE"))
        planned = importing.plan_import(importing.read_contacts(data, "KE.json"), kenya_there)
        assert [p.action for p in planned] == ["new", "new"]
        assert all(p.warnings == [] for p in planned)
        importing.apply_import(planned)
        person = db.session.scalar(select(Person).where(Person.family_name == "Publicfamily"))
        assert (person.street, person.postal_code, person.city) == (
            "NHIF Building, Ngong Road",
            "00100",
            "Nairobi",
        )
        assert [a.role.code for a in person.appointments] == ["CMS-NFP"]
        again = importing.plan_import(importing.read_contacts(data, "KE.json"), kenya_there)
        assert [p.action for p in again] == ["unchanged", "unchanged"]


def test_search_by_name_country_or_institution(client, kenya):
    by_name = client.get("/directory?q=publicfamily").get_data(as_text=True)
    assert "Publicgiven Publicfamily" in by_name
    by_institution = client.get("/directory?q=biosafety").get_data(as_text=True)
    assert "National Biosafety Authority" in by_institution
    by_country = client.get("/directory?q=Kenya").get_data(as_text=True)
    assert "/directory/KE" in by_country and "/directory/TZ" not in by_country
    wildcard = client.get("/directory?q=%25").get_data(as_text=True)
    assert "Publicgiven" not in wildcard


def test_an_instruments_list_across_countries(client, kenya):
    page = client.get("/directory?convention=CMS&role=CMS-NFP&region=africa").get_data(as_text=True)
    assert "Publicgiven" in page and "Tanzaniagiven" in page
    europe = client.get("/directory?convention=CMS&role=CMS-NFP&region=europe")
    assert "Publicgiven" not in europe.get_data(as_text=True)
    cartagena = client.get("/directory?role=CPB-CNA").get_data(as_text=True)
    assert "National Biosafety Authority" in cartagena and "Publicgiven" not in cartagena


@pytest.mark.parametrize(
    "url",
    [
        "/directory/XX",
        "/directory/KEN",
        "/directory/XX.json",
        "/directory?convention=NOPE",
        "/directory?role=NOPE",
        "/directory?convention=CITES&role=CMS-NFP",
        "/directory?region=atlantis",
    ],
)
def test_unknown_addresses_are_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_a_lower_case_code_is_sent_to_the_canonical_address(client):
    response = client.get("/directory/ke")
    assert response.status_code == 301 and response.headers["Location"].endswith("/directory/KE")


def test_robots_and_sitemap(client, kenya):
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Allow: /directory" in robots and "Disallow: /\n" in robots
    assert "Sitemap: http://focalpoints.test/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    body = sitemap.get_data(as_text=True)
    assert "<loc>http://focalpoints.test/directory/KE</loc>" in body
    assert "<loc>http://focalpoints.test/directory/TZ</loc>" in body
    assert "<loc>http://focalpoints.test/directory/FR</loc>" not in body  # lists nobody
    assert 'hreflang="ar" href="http://focalpoints.test/directory/KE?lang=ar"' in body
    assert "convention=CMS" in body


def test_crawlers_are_rate_limited_generously(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, DIRECTORY_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get("/directory/KE").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    from focalpoints.config import DIRECTORY_RATE_LIMIT

    assert DIRECTORY_RATE_LIMIT == "600 per minute"


def test_the_log_in_page_and_the_anonymous_top_bar_link_to_the_directory(client):
    page = client.get("/login").get_data(as_text=True)
    assert page.count('href="/directory"') == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_else_an_anonymous_reader_may_fetch_shows_no_private_contact(client, kenya, language):
    headers = {"Accept-Language": language}
    # Every status asked for: the API's default (notified and acknowledged) would leave out the
    # endorsed public holder that shows the list is not simply empty.
    every_status = "&".join(
        f"status={s}" for s in ("proposed", "endorsed", "notified", "acknowledged")
    )
    api = client.get(f"/api/v1/focal-points?country=KE&{every_status}", headers=headers)
    assert api.status_code == 200
    body = api.get_data(as_text=True)
    assert [s for s in HIDDEN if s != "Proposedgiven" and s in body] == []
    assert "Publicfamily" in body
    for url in ("/exports/contacts.csv", "/exports/directory", "/countries/KE"):
        response = client.get(url, headers=headers)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
