"""Contact exports: formats, filters, visibility, formula safety and a round trip through import."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
import vobject
from openpyxl import load_workbook
from sqlalchemy import select

from focalpoints.extensions import db
from focalpoints.focal_points import importing
from focalpoints.focal_points.columns import CONTACT_COLUMNS
from focalpoints.focal_points.models import Status
from tests.conftest import in_language


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
    assert sheet.column_dimensions["B"].width > 20  # country names are readable
    assert sheet.column_dimensions["E"].width > 20  # role names are readable
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
    client.get("/exports/contacts.csv")  # reference data cached
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


def test_country_names_in_the_exports_language(client, login_as, registry, make_appointment):
    """The UN short name is always beside the code; the formal name when asked for."""
    login_as(role="secretariat", country_code=None)
    make_appointment("CMS-NFP", country_code="KR")
    headers = {"Accept-Language": "fr"}
    rows = _rows(client.get("/exports/contacts.csv", headers=headers).data)
    assert list(rows[0]) == list(CONTACT_COLUMNS)
    assert CONTACT_COLUMNS[:3] == ("country", "country_name", "convention")
    assert {(r["country"], r["country_name"]) for r in rows} == {
        ("KE", "Kenya"),
        ("FR", "France"),
        ("KR", "République de Corée"),
    }
    response = client.get("/exports/contacts.csv?country_names=yes", headers=headers)
    rows = _rows(response.data)
    columns = list(rows[0].keys())
    assert columns[:3] == ["country", "country_name", "country_formal_name"]
    assert columns[3:] == list(CONTACT_COLUMNS[2:])
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
    sheet = load_workbook(io.BytesIO(client.get("/exports/contacts.xlsx?country=KE").data)).active
    assert [c.value for c in sheet[2]][:2] == ["KE", "Kenya"]
    page = client.get("/exports?country_names=yes").data.decode()
    assert 'name="country_names" value="yes" checked' in page


@pytest.mark.parametrize(
    "language,names",
    [
        ("en", ["Egypt", "France", "Germany", "Kenya"]),
        ("fr", ["Allemagne", "Égypte", "France", "Kenya"]),
        ("es", ["Alemania", "Egipto", "Francia", "Kenya"]),
    ],
)
def test_rows_come_by_country_name_in_the_readers_language_then_instrument_and_role(
    client, login_as, make_appointment, language, names
):
    from focalpoints.reference.snapshot import reference_snapshot

    for code in ("KE", "DE", "FR", "EG"):
        make_appointment("RAMSAR-NFP", country_code=code)
        make_appointment("CMS-NFP", country_code=code)
        make_appointment("CBD-FP1", country_code=code)
    make_appointment("CMS-SCC", country_code="KE")
    make_appointment("AEWA-NFP", country_code="KE")
    login_as(role="secretariat", country_code=None)
    headers = {"Accept-Language": language}
    rows = _rows(client.get("/exports/contacts.csv", headers=headers).data)
    shown = list(dict.fromkeys(r["country_name"] for r in rows))
    assert shown == names
    with client.application.test_request_context():
        order = [c.code for c in reference_snapshot().conventions]
        roles = [r.code for c in reference_snapshot().conventions for r in c.roles]
    kenya = [(r["convention"], r["role"]) for r in rows if r["country"] == "KE"]
    assert kenya == sorted(kenya, key=lambda p: (order.index(p[0]), roles.index(p[1])))
    # AEWA, an agreement under CMS, comes right after CMS's own roles.
    conventions = [c for c, _ in kenya]
    assert conventions.index("AEWA") == max(i for i, c in enumerate(conventions) if c == "CMS") + 1
    page = client.get("/exports/directory", headers=headers).data.decode()
    headings = re.findall(r'<h2 class="h5 mt-4 border-bottom">([^<]*)<', page)
    assert [h.split()[-1] for h in headings] == DIRECTORY_ENDINGS[language]


# The directory's headings are UN formal names, in the order of the short names.
DIRECTORY_ENDINGS = {
    "en": ["Egypt", "Republic", "Germany", "Kenya"],
    "fr": ["d&#39;Allemagne", "d&#39;Égypte", "française", "Kenya"],
    "es": ["Alemania", "Egipto", "Francesa", "Kenya"],
}


def test_current_holders_are_notified_or_acknowledged_unless_asked(
    client, login_as, make_appointment
):
    """Proposed and endorsed designations are not silently current; each row says its status."""
    from focalpoints.focal_points.models import Appointment

    make_appointment("CMS-NFP", status=Status.PROPOSED)
    make_appointment("CBD-FP1", status=Status.ENDORSED)
    make_appointment("CITES-MA")  # notified
    acknowledged = make_appointment("RAMSAR-NFP")
    acknowledged.status = Status.ACKNOWLEDGED.value
    db.session.commit()
    login_as(role="secretariat", country_code=None)

    def statuses(query: str = "") -> dict[str, str]:
        rows = _rows(client.get(f"/exports/contacts.csv?country=KE{query}").data)
        return {r["role"]: r["status"] for r in rows}

    current = {"CITES-MA": "notified", "RAMSAR-NFP": "acknowledged"}
    assert statuses() == current
    assert statuses("&status=current") == current
    assert statuses("&status=notified&status=acknowledged") == current
    assert statuses("&status=proposed") == {"CMS-NFP": "proposed"}
    assert statuses("&status=&status=proposed&status=endorsed") == {
        "CMS-NFP": "proposed",
        "CBD-FP1": "endorsed",
    }
    assert len(statuses("&status=all")) == 4
    # Every box unticked: the form's empty status asks for nothing, which is refused.
    response = client.get("/exports/contacts.csv?country=KE&status=")
    assert response.status_code == 400
    assert "Choose at least one designation status." in response.data.decode()
    # The page shows the statuses as boxes, the default ones ticked, and says why.
    page = client.get("/exports").data.decode()
    for code in ("notified", "acknowledged"):
        assert f'name="status" value="{code}" checked' in page
    for code in ("proposed", "endorsed", "ended"):
        assert f'name="status" value="{code}" >' in page
    assert '<input type="hidden" name="status" value="">' in page
    assert "Proposed and nationally endorsed designations are not yet official." in page
    assert db.session.query(Appointment).count() == 4


def test_the_page_counts_what_the_files_will_hold(client, login_as, registry, make_appointment):
    make_appointment("CMS-SCC", person=registry["arabic"])
    make_appointment("CBD-FP1", country_code="FR", status=Status.PROPOSED)
    login_as(role="secretariat", country_code=None)
    page = client.get("/exports?country=KE").data.decode()
    assert "The files will hold 5 designations (rows in Excel and CSV), for 3 people or" in page
    assert 'data-count-url="/exports/count"' in page
    assert "/static/js/filter_count.js" in page
    count = client.get("/exports/count?country=KE&status=&status=notified").get_json()
    assert (count["designations"], count["people"]) == (5, 3)
    assert count["text"].startswith("The files will hold 5 designations")
    count = client.get("/exports/count?country=FR&status=proposed").get_json()
    assert (count["designations"], count["people"]) == (1, 1)
    assert count["text"] == (
        "The files will hold 1 designation (a row in Excel and CSV), "
        "for 1 person or institution (a vCard)."
    )
    french = client.get("/exports/count?country=KE", headers={"Accept-Language": "fr"})
    assert french.get_json()["text"].startswith(
        in_language("fr", "The files will hold %(rows)s, for %(cards)s.", rows="5", cards="3")[:20]
    )
    assert "5 désignations" in french.get_json()["text"]
    bad = client.get("/exports/count?role=NOPE")
    assert bad.status_code == 400 and "NOPE" in bad.get_json()["error"]
    assert client.get("/exports/count?status=").status_code == 400
    # A national user counts their own country only, as their files hold.
    client.post("/logout")
    login_as(role="coordinator", country_code="FR")
    assert client.get("/exports/count?country=KE&status=all").get_json()["designations"] == 2


def test_download_buttons_send_the_forms_filters(client, login_as, registry):
    """The buttons are the form's own submit buttons: the browser sends what the form shows."""
    login_as(role="secretariat", country_code=None)
    html = client.get("/exports?convention=CMS&status=stale").data.decode()
    start = html.index('<form method="get" action="/exports"')
    form = html[start : html.index("</form>", start)]
    for value in ("xlsx", "csv", "vcf", "txt", "directory"):
        assert re.search(
            rf'<button type="submit" [^>]*formaction="/exports/download" name="format" '
            rf'value="{value}">',
            form,
        ), value
    assert form.index("Apply the filters") < form.index('name="format"')  # Enter applies
    assert '<option value="CMS" selected>' in form
    assert 'id="stale" name="stale" value="yes" checked' in form
    response = client.get(
        "/exports/download?convention=RAMSAR&role=RAMSAR-NFP&region=africa&status="
        "&status=notified&status=acknowledged&language=&format=xlsx"
    )
    location = response.headers["Location"]
    assert location.startswith("/exports/contacts.xlsx?")
    assert "role=RAMSAR-NFP" in location and "region=africa" in location
    assert "status=notified&status=acknowledged" in location and "format" not in location
    response = client.get("/exports/download?format=directory&country=KE")
    assert response.headers["Location"] == "/exports/directory?country=KE"
    assert client.get("/exports/download?format=exe").status_code == 404


def test_every_role_is_named_with_its_instrument(client, login_as):
    """Several instruments have a National Focal Point: each option names its instrument."""
    login_as(role="secretariat", country_code=None)
    for url in ("/exports", "/coverage"):
        html = client.get(url).data.decode()
        select = html[
            html.index('<select id="role"') : html.index(
                "</select>", html.index('<select id="role"')
            )
        ]
        options = re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select)
        assert options and all(" · " in o for o in options), url
        assert "CMS · National Focal Point" in options and "CBD · National Focal Point" in options
        assert len(options) == len(set(options)), url


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


def test_the_appointment_form_names_the_roles_instrument(client, login_as):
    login_as(role="coordinator", country_code="KE")
    page = client.get("/countries/KE/roles/CBD-FP1/appoint").data.decode()
    assert '<h1 class="h3 mb-1">CBD · National Focal Point</h1>' in page


# Countries by their UN short names as each language sorts them: Latin, Cyrillic, Arabic and
# Chinese (pinyin) orders all differ.
SCRIPT_ORDERS = {
    "ru": ["DE", "EG", "KE", "CN", "FR"],  # Германия, Египет, Кения, Китай, Франция
    "ar": ["CN", "DE", "FR", "KE", "EG"],  # الصين، ألمانيا، فرنسا، كينيا، مصر
    "zh": ["EG", "DE", "FR", "KE", "CN"],  # 埃及 ai, 德国 de, 法国 fa, 肯尼亚 ken, 中国 zhong
}


@pytest.mark.parametrize("language", sorted(SCRIPT_ORDERS))
def test_rows_and_cards_come_in_the_readers_order_in_every_script(
    client, login_as, make_person, make_appointment, language
):
    """Countries in the order of their names in the reader's script, then instrument, role and
    family name in CSV; each person's card once, in the order of the country then the name."""
    for code in ("KE", "DE", "FR", "EG", "CN"):
        make_appointment("CMS-NFP", person=make_person(code, family_name="Zulu"))
        make_appointment("CBD-FP1", person=make_person(code, family_name="Adams"))
    both = make_person("KE", family_name="Mwangi")
    make_appointment("CMS-SCC", person=both)
    make_appointment("CBD-FP2", person=both)
    login_as(role="secretariat", country_code=None)
    headers = {"Accept-Language": language}
    rows = _rows(client.get("/exports/contacts.csv", headers=headers).data)
    assert list(dict.fromkeys(r["country"] for r in rows)) == SCRIPT_ORDERS[language]
    kenya = [(r["role"], r["family_name"]) for r in rows if r["country"] == "KE"]
    assert kenya == [
        ("CMS-NFP", "Zulu"),
        ("CMS-SCC", "Mwangi"),
        ("CBD-FP1", "Adams"),
        ("CBD-FP2", "Mwangi"),
    ]
    text = client.get("/exports/contacts.vcf", headers=headers).data.decode()
    cards = list(vobject.readComponents(text))
    assert [c.n.value.family for c in cards] == [
        name
        for code in SCRIPT_ORDERS[language]
        for name in (["Adams", "Mwangi", "Zulu"] if code == "KE" else ["Adams", "Zulu"])
    ]
    mwangi = next(c for c in cards if c.n.value.family == "Mwangi")
    assert mwangi.note.value.startswith("CMS: ") and "; CBD: " in mwangi.note.value


def test_role_names_in_the_readers_language_even_of_an_instrument_no_longer_active(
    client, login_as, make_appointment
):
    """Role names come from the reference data in memory, which holds the active instruments
    only: a role of an instrument since retired is still named, and its rows still exported."""
    from focalpoints.conventions.models import Convention, Role

    make_appointment("CMS-NFP")
    make_appointment("RAMSAR-NFP")
    names = {r.code: r.names for r in db.session.scalars(select(Role))}
    login_as(role="secretariat", country_code=None)
    headers = {"Accept-Language": "fr"}
    rows = _rows(client.get("/exports/contacts.csv", headers=headers).data)
    assert [(r["role"], r["role_name"]) for r in rows] == [
        ("CMS-NFP", names["CMS-NFP"]["fr"]),
        ("RAMSAR-NFP", names["RAMSAR-NFP"]["fr"]),
    ]
    db.session.scalar(select(Convention).where(Convention.code == "RAMSAR")).is_active = False
    db.session.commit()
    rows = _rows(client.get("/exports/contacts.csv", headers=headers).data)
    assert [(r["role"], r["role_name"]) for r in rows] == [
        ("CMS-NFP", names["CMS-NFP"]["fr"]),
        ("RAMSAR-NFP", names["RAMSAR-NFP"]["fr"]),
    ]


def test_the_export_query_sends_no_json_for_the_driver_to_parse(app, login_as):
    """psycopg parses every JSON value it receives: the roles' names (about 700 characters on
    every row) and the people's lists cost PostgreSQL exports most of their time."""
    from sqlalchemy import JSON

    from focalpoints.exports.filters import ContactFilters
    from focalpoints.exports.queries import statement

    with app.test_request_context():
        query = statement(ContactFilters(), None, "en")
    assert not [c.name for c in query.selected_columns if isinstance(c.type, JSON)]


@pytest.mark.parametrize(
    "cells",
    [
        ("a", "b", ""),
        ("=1+1", "b"),
        ("a", "+254 20 000", "-1", "@SUM(A1)", "\tx", "\rx"),
        ("a", "x\x1f=y", "b=c"),  # the separator the row test uses, inside a cell
        (None, "a", 3, date(2024, 1, 2)),
        ("-",),
    ],
)
def test_a_row_is_neutralised_as_each_of_its_cells(cells):
    from focalpoints.exports.formats import neutralise, neutralised

    assert list(neutralised(cells)) == [neutralise(c) for c in cells]
