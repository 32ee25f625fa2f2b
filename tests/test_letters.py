"""Designation letters: each generated Word file is opened and read back, in every language."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from docx import Document
from flask_babel import force_locale, gettext
from sqlalchemy import select

from focalpoints import PROJECT_ROOT
from focalpoints.conventions.models import Convention, Role
from focalpoints.extensions import db
from focalpoints.focal_points import operations as registry
from focalpoints.letters import grammar
from focalpoints.letters.operations import format_date
from focalpoints.letters.secretariats import SECRETARIATS, secretariat_of
from tests.conftest import login

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A phrase of each language's diplomatic formula, opening and closing.
FORMULAS = {
    "en": ("presents its compliments to the Secretariat", "highest consideration"),
    "fr": ("présente ses compliments au Secrétariat", "haute considération"),
    "es": ("saluda atentamente a la Secretaría", "más alta consideración"),
    "ru": ("свидетельствует свое уважение Секретариату", "высоком уважении"),
    "ar": ("تحياتها إلى أمانة", "تقديرها"),
    "zh": ("致意", "最崇高的敬意"),
}
FULL_DETAILS = {
    "honorific": "Dr",
    "given_names": "Wanjiru",
    "family_name": "Kamau-Otieno",
    "job_title": "Director of Biodiversity",
    "organisation": "Ministry of Environment & Forestry <Wildlife>",
    "organisation_acronym": "MEF",
    "department": "Biodiversity Division",
    "street": "NHIF Building, Ngong Road",
    "city": "Nairobi",
    "postal_code": "00100",
    "address_country": "KE",
    "phone": "+254207621234",
    "mobile": "+254722000111",
    "fax": "+254207623927",
    "email": "w.kamau@example.org",
    "website": "https://www.environment.go.ke",
    "languages": ["en", "fr"],
}


def _text(data: bytes) -> str:
    """Every paragraph and table cell of a Word file, one per line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def _cells(data: bytes) -> dict[str, str]:
    document = Document(io.BytesIO(data))
    return {row.cells[0].text: row.cells[1].text for t in document.tables for row in t.rows}


def _role(code: str) -> Role:
    return db.session.scalar(select(Role).where(Role.code == code))


def _assert_clean(text: str) -> None:
    for wrong in ("&amp;", "&lt;", "{{", "}}", "%(", ")s", "None", "\ufffd"):
        assert wrong not in text, wrong


@pytest.fixture
def designation(make_person, make_appointment):
    """A CBD national focal point who replaced a predecessor, with every detail filled in."""
    predecessor = make_person("KE", honorific="Mr", given_names="Peter", family_name="Mwangi")
    old = make_appointment("CBD-FP1", person=predecessor, start=date(2019, 5, 1))
    successor = make_person("KE", visibility="restricted", **FULL_DETAILS)
    return registry.replace_holder(old, successor, date(2025, 2, 1), old.version)


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "ar", "zh"])
def test_cbd_letter_has_every_field_in_each_language(
    app, client, login_as, country, designation, language
):
    login_as("coordinator", "KE")
    response = client.get(
        f"/countries/KE/appointments/{designation.id}/letter.docx?language={language}"
    )
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert f"designation-ke-cbd-{language}.docx" in response.headers["Content-Disposition"]
    text = _text(response.data)
    _assert_clean(text)
    kenya = country("KE")
    assert kenya.formal_name_in(language) in text
    assert SECRETARIATS["CBD"].names[language] in text
    role = designation.role
    assert role.names[language] in text
    assert role.basis["en"] in text  # the basis is recorded in English only
    for value in (
        "Dr",
        "Wanjiru",
        "Kamau-Otieno",
        "Director of Biodiversity",
        "Ministry of Environment & Forestry <Wildlife>"
        + ("（MEF）" if language == "zh" else " (MEF)"),
        "Biodiversity Division",
        "NHIF Building, Ngong Road",
        "00100 Nairobi",
        "+254 20 7621234",
        "+254 722 000111",
        "w.kamau@example.org",
        "https://www.environment.go.ke",
        "Mr Peter Mwangi",
        "413, Saint-Jacques Street, Suite 800",
    ):
        assert value in text, value
    assert format_date(date.today(), language) in text
    assert format_date(date(2025, 2, 1), language) in text
    opening, closing = FORMULAS[language]
    assert opening in text and closing in text
    with force_locale(language):
        for fixed in ("[Signature and seal]", "Ref.: [reference number]", "Replaces"):
            assert gettext(fixed) in text
            assert language == "en" or gettext(fixed) != fixed
    # Every line a nomination form asks for is filled in: no "[…]" left to complete.
    assert "[…]" not in _cells(response.data).values()


def test_missing_details_are_left_to_complete(client, login_as, make_person, make_appointment):
    person = make_person("KE", email="", given_names="Amina", family_name="Hassan")
    appointment = make_appointment("CITES-MA", person=person)
    login_as("coordinator", "KE")
    response = client.get(f"/countries/KE/appointments/{appointment.id}/letter.docx")
    cells = _cells(response.data)
    assert cells["E-mail address"] == "[…]" and cells["Telephone"] == "[…]"
    assert "Fax" not in cells  # an optional line appears only when known
    assert "Replaces" not in cells  # no earlier holder


def test_letter_languages_are_the_secretariats(client, login_as, make_appointment):
    appointment = make_appointment("CMS-NFP")
    login_as("coordinator", "KE", language="ru")
    url = f"/countries/KE/appointments/{appointment.id}/letter.docx"
    assert client.get(url + "?language=ru").status_code == 404
    assert client.get(url + "?language=xx").status_code == 404
    # A reader of Russian gets English by default from a Secretariat that does not use Russian.
    response = client.get(url)
    assert response.status_code == 200
    assert "designation-ke-cms-en.docx" in response.headers["Content-Disposition"]
    for language in ("fr", "es"):
        text = _text(client.get(f"{url}?language={language}").data)
        assert SECRETARIATS["CMS"].names[language] in text
        assert "53113 Bonn" in text


def test_instruments_go_to_their_own_secretariat(client, login_as, make_appointment):
    aewa = make_appointment("AEWA-NFP")
    cartagena = make_appointment("CPB-FP1")
    login_as("coordinator", "KE")
    text = _text(client.get(f"/countries/KE/appointments/{aewa.id}/letter.docx").data)
    assert "Secretariat of the Agreement on the Conservation of African-Eurasian" in text
    assert "Convention on the Conservation of Migratory Species" not in text
    text = _text(
        client.get(f"/countries/KE/appointments/{cartagena.id}/letter.docx?language=zh").data
    )
    assert SECRETARIATS["CBD"].names["zh"] in text


def test_every_instrument_has_a_known_secretariat(app):
    for instrument in db.session.scalars(select(Convention)):
        secretariat = secretariat_of(instrument)
        assert secretariat.code in SECRETARIATS, instrument.code
        assert set(secretariat.languages) <= set(secretariat.names), secretariat.code


def test_an_unknown_instrument_falls_back_to_its_parent(app):
    cms = db.session.scalar(select(Convention).where(Convention.code == "CMS"))
    child = Convention(code="NEW-MOU", kind="mou", names={"en": "New MOU"}, parent=cms)
    assert secretariat_of(child).code == "CMS"
    orphan = Convention(code="ELSEWHERE", names={"en": "Another Convention"})
    assert secretariat_of(orphan).names["en"] == "Secretariat of the Another Convention"


def test_several_designations_in_one_letter(client, login_as, make_appointment):
    nfp = make_appointment("CMS-NFP")
    councillor = make_appointment("CMS-SCC")
    cbd = make_appointment("CBD-FP1")
    login_as("coordinator", "KE")
    response = client.get(
        f"/countries/KE/letters/letter.docx?appointments={nfp.id},{councillor.id}&language=fr"
    )
    assert response.status_code == 200
    text = _text(response.data)
    assert "1. Correspondant national (CMS)" in text
    assert "2. Conseiller scientifique (CMS)" in text
    assert "des désignations suivantes" in text
    assert nfp.person.family_name in text and councillor.person.family_name in text
    # The form's repeated parameters work the same.
    again = client.get(
        f"/countries/KE/letters/letter.docx?appointments={nfp.id}"
        f"&appointments={councillor.id}&language=fr"
    )
    assert _text(again.data) == text
    # Two Secretariats never share a letter.
    mixed = f"/countries/KE/letters/letter.docx?appointments={nfp.id},{cbd.id}"
    assert client.get(mixed).status_code == 400
    assert client.get("/countries/KE/letters/letter.docx?appointments=1,x").status_code == 404
    for huge in (2**31, 99999999999999999999, "\u0663"):  # and an Arabic-Indic digit
        url = f"/countries/KE/letters/letter.docx?appointments={huge}"
        assert client.get(url).status_code == 404
    many = ",".join(str(n) for n in range(1, 60))
    assert client.get(f"/countries/KE/letters/letter.docx?appointments={many}").status_code == 400


def test_the_letters_page_groups_by_secretariat(client, login_as, make_appointment):
    nfp = make_appointment("CMS-NFP")
    councillor = make_appointment("CMS-SCC")
    cbd = make_appointment("CBD-FP1")
    login_as("coordinator", "KE")
    page = client.get(f"/countries/KE/letters/new?appointments={nfp.id}").data.decode()
    assert page.count('<form method="get"') == 2
    assert f'value="{nfp.id}" id="letter-1-{nfp.id}" checked' in page
    assert f'value="{councillor.id}" id="letter-1-{councillor.id}">' in page
    assert f'value="{cbd.id}"' in page
    cbd_form = page[page.index(SECRETARIATS["CBD"].names["en"]) :]
    assert cbd_form.count("<option") == 6
    detail = client.get("/countries/KE").data.decode()
    assert "/countries/KE/letters/new" in detail


def test_an_institution_is_named_as_one(client, login_as, make_person, make_appointment):
    institution = make_person(
        "KE",
        kind="institution",
        organisation="Kenya Wildlife Service",
        given_names="",
        family_name="",
        city="Nairobi",
        address_country="KE",
    )
    appointment = make_appointment("RAMSAR-AA", person=institution)
    login_as("coordinator", "KE")
    response = client.get(f"/countries/KE/appointments/{appointment.id}/letter.docx?language=es")
    cells = _cells(response.data)
    assert cells["Institución"] == "Kenya Wildlife Service"
    assert cells["Dirección postal"] == "Nairobi, Kenia"
    assert "Apellidos" not in cells and "Tratamiento" not in cells
    assert "Secretaría de la Convención sobre los Humedales" in _text(response.data)


def test_the_appointment_page_links_the_letter(client, login_as, make_appointment, make_user):
    appointment = make_appointment("RAMSAR-NFP")
    login_as("coordinator", "KE", language="fr")
    page = client.get(f"/countries/KE/appointments/{appointment.id}").data.decode()
    assert f"/countries/KE/appointments/{appointment.id}/letter.docx" in page
    assert '<option value="fr" lang="fr" selected>' in page
    assert '<option value="ru"' not in page
    other = make_user(role="coordinator", country_code="TZ")
    client.post("/logout")
    login(client, other)
    page = client.get(f"/countries/KE/appointments/{appointment.id}").data.decode()
    assert "letter.docx" not in page and "/letters/new" not in page


@pytest.mark.parametrize(
    ("role", "country_code", "status"),
    [
        ("coordinator", "KE", 200),
        ("editor", "KE", 200),
        ("secretariat", None, 200),
        ("admin", None, 200),
        ("coordinator", "TZ", 403),
    ],
)
def test_who_may_draft_a_letter(client, make_user, designation, role, country_code, status):
    login(client, make_user(role=role, country_code=country_code))
    url = f"/countries/KE/appointments/{designation.id}/letter.docx"
    assert client.get(url).status_code == status
    several = f"/countries/KE/letters/letter.docx?appointments={designation.id}"
    assert client.get(several).status_code == status
    assert client.get("/countries/KE/letters/new").status_code == status


def test_another_countrys_appointment_never_goes_in_a_letter(
    client, login_as, make_person, make_appointment
):
    secret = make_appointment("CMS-NFP", person=make_person("TZ", visibility="restricted"))
    login_as("coordinator", "KE")
    assert client.get(f"/countries/KE/appointments/{secret.id}/letter.docx").status_code == 404
    url = f"/countries/KE/letters/letter.docx?appointments={secret.id}"
    assert client.get(url).status_code == 404
    page = client.get(f"/countries/KE/letters/new?appointments={secret.id}").data.decode()
    assert secret.person.family_name not in page


def test_a_role_with_several_holders_names_only_a_recorded_predecessor(
    app, client, login_as, make_appointment
):
    role = _role("CITES-SA")
    role.multiple_holders = True
    db.session.commit()
    first = make_appointment("CITES-SA", start=date(2020, 1, 1))
    second = make_appointment("CITES-SA", start=date(2024, 1, 1))
    login_as("coordinator", "KE")
    cells = _cells(client.get(f"/countries/KE/appointments/{second.id}/letter.docx").data)
    assert "Replaces" not in cells
    assert first.person.family_name not in str(cells)


def test_russian_genitive_of_every_country_name():
    data = json.loads((PROJECT_ROOT / "focalpoints/reference/data/countries.json").read_text())
    for record in data["countries"]:
        name = record["formal_names"].get("ru") or record["names"]["ru"]
        assert grammar.knows_russian_genitive(name), name
    assert grammar.russian_genitive("Республика Корея") == "Республики Корея"
    assert grammar.russian_genitive("Соединенные Штаты Америки") == "Соединенных Штатов Америки"
    assert grammar.russian_genitive("Новая Зеландия") == "Новой Зеландии"


def test_french_and_spanish_contractions():
    assert grammar.of_country("le Royaume d'Espagne", "fr") == "du Royaume d'Espagne"
    assert grammar.of_country("les États-Unis d'Amérique", "fr") == "des États-Unis d'Amérique"
    assert grammar.of_country("l'Australie", "fr") == "de l'Australie"
    assert grammar.of_country("Antigua-et-Barbuda", "fr") == "d'Antigua-et-Barbuda"
    assert grammar.of_country("el Reino de España", "es") == "del Reino de España"
    assert grammar.of_country("la República de Kenya", "es") == "de la República de Kenya"
    assert grammar.of_country("the Republic of Kenya", "en") == "of the Republic of Kenya"
    assert grammar.to_secretariat("Секретариат Конвенции", "ru") == "Секретариату Конвенции"


# The schema's order of the children this module writes (Word refuses a file out of order).
_ORDER = {
    "pPr": ["pStyle", "keepNext", "bidi", "spacing", "ind", "jc", "rPr"],
    "rPr": ["rFonts", "b", "bCs", "sz", "szCs", "rtl", "lang"],
    "tblPr": ["tblStyle", "bidiVisual", "tblW", "jc", "tblLayout", "tblLook"],
}


def test_the_arabic_letter_is_well_formed_for_word(client, login_as, designation):
    import zipfile

    from lxml import etree

    login_as("coordinator", "KE")
    data = client.get(f"/countries/KE/appointments/{designation.id}/letter.docx?language=ar").data
    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [
            etree.fromstring(archive.read(n)) for n in ("word/document.xml", "word/styles.xml")
        ]
    seen = set()
    for part in parts:
        for parent, order in _ORDER.items():
            for element in part.iter(namespace + parent):
                names = [child.tag.removeprefix(namespace) for child in element]
                known = [n for n in names if n in order]
                assert known == sorted(known, key=order.index), (parent, names)
                seen.update(names)
    assert {"bidi", "bCs", "rtl", "bidiVisual", "szCs", "lang"} <= seen
    text = _text(data)
    assert "\u200e+254 20 7621234\u200e" in text  # a number stays in one piece
    assert "الإنجليزية، الفرنسية" in text
