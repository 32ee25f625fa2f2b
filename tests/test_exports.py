"""Contact exports: formats, filters, visibility, formula safety and a round trip through import."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
import vobject
from openpyxl import load_workbook
from sqlalchemy import select

from focalpoints.extensions import db
from focalpoints.focal_points import importing
from focalpoints.focal_points.columns import CONTACT_COLUMNS
from tests.conftest import in_language


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def registry(make_person, make_appointment):
    """A small registry: Kenya with several roles and scripts, and one French contact."""
    arabic = make_person("KE", given_names="نورة", family_name="العتيبي", languages=["ar"])
    make_appointment("CMS-NFP", person=arabic)
    make_appointment("CBD-FP1", person=arabic)
    chinese = make_person(
        "KE", given_names="晓明", family_name="王", languages=["zh", "en"], visibility="restricted"
    )
    make_appointment("CITES-MA", person=chinese)
    evil = make_person("KE", given_names="Eve", family_name="Formula")
    evil.family_name = '=HYPERLINK("http://evil.example","x")'  # as if from a dirty import
    evil.job_title = "@SUM(A1)"
    db.session.commit()
    make_appointment("RAMSAR-NFP", person=evil)
    make_appointment("CMS-NFP", country_code="FR")
    return {"arabic": arabic, "chinese": chinese, "evil": evil}


def test_csv_has_bom_the_documented_columns_and_every_script(client, login_as, registry):
    login_as(role="secretariat", country_code=None)
    response = client.get("/exports/contacts.csv?country=KE")
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = _rows(response.data)
    assert list(rows[0].keys()) == list(CONTACT_COLUMNS)
    assert {r["role"] for r in rows} == {"CMS-NFP", "CBD-FP1", "CITES-MA", "RAMSAR-NFP"}
    assert any(r["family_name"] == "العتيبي" for r in rows)
    assert any(r["family_name"] == "王" for r in rows)


def test_no_cell_starts_a_formula(client, login_as, registry):
    login_as(role="secretariat", country_code=None)
    for row in _rows(client.get("/exports/contacts.csv").data):
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    response = client.get("/exports/contacts.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not str(cell.value or "").startswith(("=", "+", "-", "@"))


def test_xlsx_is_styled_frozen_and_filterable(client, login_as, registry):
    login_as(role="secretariat", country_code=None)
    sheet = load_workbook(io.BytesIO(client.get("/exports/contacts.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    assert header == list(CONTACT_COLUMNS)
    assert sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["D"].width > 20  # role names are readable
    assert sheet.max_row == 6


def test_vcard_one_per_person_importable(client, login_as, registry):
    login_as(role="secretariat", country_code=None)
    text = client.get("/exports/contacts.vcf?country=KE").data.decode()
    cards = list(vobject.readComponents(text))
    assert len(cards) == 3  # the Arabic-named person holds two roles but has one card
    arabic = next(c for c in cards if c.n.value.family == "العتيبي")
    assert arabic.version.value == "3.0"
    assert "CMS" in arabic.note.value and "CBD" in arabic.note.value


def test_vcard_escapes_and_folds_as_the_rfc_says(client, login_as, make_person, make_appointment):
    """Written as text, not through vobject: every value must still read back unchanged."""
    values = {
        "given_names": "Anne, Marie",
        "family_name": "Dupont; Durand",
        "honorific": "Dr",
        "organisation": "Ministère de l'Environnement, de la Mer et des Forêts",
        "department": "Direction\\Biodiversité",
        "job_title": "Chef; adjointe",
        "street": "12, rue de l'Océan\nBâtiment B",
        "city": "Nairobi",
        "postal_code": "00100",
        "address_country": "KE",
        "phone": "+254 20 123",
        "website": "https://example.org/a,b;c",
        "other_emails": ["second@example.org"],
    }
    person = make_person("KE", **values)
    make_appointment("CMS-NFP", person=person)
    make_appointment("CBD-FP1", person=person)
    arabic = make_person("KE", given_names="نورة" * 20, family_name="العتيبي" * 10)
    make_appointment("RAMSAR-NFP", person=arabic)
    login_as(role="secretariat", country_code=None)
    data = client.get("/exports/contacts.vcf?country=KE").data
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line  # folded at 75 octets
        line.decode()  # never inside a character
    cards = {c.email.value: c for c in vobject.readComponents(data.decode())}
    card = cards[person.email]
    assert card.n.value.given == "Anne, Marie" and card.n.value.family == "Dupont; Durand"
    assert card.n.value.prefix == "Dr"
    assert card.fn.value == "Anne, Marie Dupont; Durand"
    assert card.org.value == [values["organisation"], values["department"]]
    assert card.title.value == "Chef; adjointe"
    assert card.adr.value.street == values["street"] and card.adr.value.code == "00100"
    assert card.adr.type_param == "WORK" and card.tel.type_param == "WORK"
    assert card.tel.value == "+254 20 123"
    assert card.url.value == values["website"]
    assert sorted(e.value for e in card.email_list) == sorted([person.email, "second@example.org"])
    assert "CMS" in card.note.value and "CBD" in card.note.value
    long_card = next(c for c in cards.values() if c.n.value.family == "العتيبي" * 10)
    assert long_card.fn.value == "نورة" * 20 + " " + "العتيبي" * 10


def test_mailing_list_for_bcc(client, login_as, registry):
    login_as(role="secretariat", country_code=None)
    text = client.get("/exports/contacts.txt?country=KE").data.decode()
    entries = text.split("; ")
    assert len(entries) == 3 and all(e.endswith(">") for e in entries)


def test_national_users_export_only_their_country(client, login_as, registry):
    login_as(role="coordinator", country_code="FR")
    rows = _rows(client.get("/exports/contacts.csv?country=KE").data)
    assert rows and {r["country"] for r in rows} == {"FR"}


@pytest.mark.parametrize(
    "query,roles",
    [
        ("convention=CBD", {"CBD-FP1"}),
        ("role=CITES-MA", {"CITES-MA"}),
        ("language=zh", {"CITES-MA"}),
        ("region=europe", {"CMS-NFP"}),
    ],
)
def test_filters(client, login_as, registry, query, roles):
    login_as(role="secretariat", country_code=None)
    rows = _rows(client.get(f"/exports/contacts.csv?{query}").data)
    assert {r["role"] for r in rows} == roles


def test_status_filters_current_stale_and_ended(client, login_as, registry, make_appointment):
    old = make_appointment("CMS-SCC", start=date(2020, 1, 1))
    old.last_confirmed_on = date.today() - timedelta(days=500)
    db.session.commit()
    login_as(role="secretariat", country_code=None)
    stale = _rows(client.get("/exports/contacts.csv?status=stale").data)
    assert [r["role"] for r in stale] == ["CMS-SCC"]
    from focalpoints.focal_points import operations

    operations.end_appointment(old, date(2025, 1, 1), "retired", old.version)
    assert "CMS-SCC" not in {r["role"] for r in _rows(client.get("/exports/contacts.csv").data)}
    ended = _rows(client.get("/exports/contacts.csv?status=ended").data)
    assert [r["role"] for r in ended] == ["CMS-SCC"]


@pytest.mark.parametrize(
    "query",
    ["role=NOPE", "convention=XYZ", "region=mars", "status=maybe", "language=xx", "country=ZZ"],
)
def test_bad_filters_get_a_translated_400(client, login_as, query):
    login_as(role="secretariat", country_code=None)
    response = client.get(f"/exports/contacts.csv?{query}", headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert 'role="alert"' in response.data.decode()


def test_export_reimports_unchanged(client, login_as, registry, country):
    login_as(role="secretariat", country_code=None)
    data = client.get("/exports/contacts.csv?country=KE").data
    planned = importing.plan_import(importing.read_contacts(data, "export.csv"), country("KE"))
    assert {p.action for p in planned} == {"unchanged"}, [(p.number, p.errors) for p in planned]
    data = client.get("/exports/contacts.xlsx?country=KE").data
    planned = importing.plan_import(importing.read_contacts(data, "export.xlsx"), country("KE"))
    assert {p.action for p in planned} == {"unchanged"}


def test_exports_take_a_fixed_number_of_queries(
    client, login_as, registry, count_queries, make_appointment
):
    login_as(role="secretariat", country_code=None)
    counter = count_queries()
    client.get("/exports/contacts.csv")
    baseline = counter.count
    for code in ("CHM-FP", "SBSTTA-FP", "CITES-SA", "RAMSAR-STRP-FP"):
        make_appointment(code, country_code="TZ")
    counter.statements.clear()
    client.get("/exports/contacts.csv")
    assert counter.count == baseline


def test_printable_directory(client, login_as, registry):
    login_as(role="secretariat", country_code=None)
    page = client.get("/exports/directory?country=KE", headers={"Accept-Language": "es"})
    html = page.data.decode()
    assert "العتيبي" in html and "República de Kenya" in html  # UN formal name
    assert in_language("es", "Directory of focal points") in html


def test_country_names_are_an_optional_column(client, login_as, registry, make_appointment):
    login_as(role="secretariat", country_code=None)
    make_appointment("CMS-NFP", country_code="KR")
    headers = {"Accept-Language": "fr"}
    response = client.get("/exports/contacts.csv?country_names=yes", headers=headers)
    rows = _rows(response.data)
    columns = list(rows[0].keys())
    assert columns[:3] == ["country", "country_name", "country_formal_name"]
    assert columns[3:] == list(CONTACT_COLUMNS[1:])
    korea = next(r for r in rows if r["country"] == "KR")
    assert (korea["country_name"], korea["country_formal_name"]) == ("République de Corée",) * 2
    kenya = next(r for r in rows if r["country"] == "KE")
    assert (kenya["country_name"], kenya["country_formal_name"]) == (
        "Kenya",
        "République du Kenya",
    )
    assert "yes" not in response.headers["Content-Disposition"]
    response = client.get("/exports/contacts.xlsx?country_names=yes&country=KE", headers=headers)
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:3] == ["country", "country_name", "country_formal_name"]
    assert [c.value for c in sheet[2]][:3] == ["KE", "Kenya", "République du Kenya"]
    # Without asking, the documented columns only, and the page offers the choice.
    assert list(_rows(client.get("/exports/contacts.csv").data)[0]) == list(CONTACT_COLUMNS)
    page = client.get("/exports?country_names=yes").data.decode()
    assert 'name="country_names" value="yes" checked' in page
    assert "country_names=yes" in page


def test_export_page_links_keep_the_filters(client, login_as):
    login_as(role="secretariat", country_code=None)
    html = client.get("/exports?convention=CMS&status=stale").data.decode()
    assert "/exports/contacts.xlsx?convention=CMS&amp;status=stale" in html


def test_vcards_and_the_api_never_carry_a_script_link(
    client, login_as, make_person, make_appointment
):
    """A javascript: link stored before such links were refused is left out of every output."""
    from focalpoints.conventions.models import Convention

    person = make_person("KE", website="https://example.org/ok", visibility="public")
    make_appointment("CMS-NFP", person=person)
    person.website = "javascript:alert(1)"  # as an older version let it be saved
    cms = db.session.scalar(select(Convention).where(Convention.code == "CMS"))
    cms.website = "javascript:alert(2)"
    db.session.commit()
    login_as(role="secretariat", country_code=None)
    card = client.get("/exports/contacts.vcf?country=KE").data.decode()
    assert "javascript" not in card.lower() and "BEGIN:VCARD" in card
    conventions = client.get("/api/v1/conventions").get_json()
    assert "javascript" not in json.dumps(conventions).lower()
