"""Importing contact lists: our CSV/XLSX columns and InforMEA feeds, previewed before writing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from focalpoints.extensions import db
from focalpoints.focal_points import importing
from focalpoints.focal_points.columns import CONTACT_COLUMNS
from focalpoints.focal_points.models import Appointment, Person

FIXTURES = Path(__file__).parent / "fixtures" / "informea"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import(path: Path, country=None) -> tuple[list, dict]:
    rows = importing.read_contacts(path.read_bytes(), path.name)
    planned = importing.plan_import(rows, country)
    return planned, importing.apply_import(planned)


def _csv(rows: list[dict], encoding: str = "utf-8-sig", sep: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(CONTACT_COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in CONTACT_COLUMNS])
    return buffer.getvalue().encode(encoding)


ROW = {
    "country": "KE",
    "convention": "CMS",
    "role": "CMS-NFP",
    "status": "endorsed",
    "start_date": "2024-03-01",
    "given_names": "Hélène",
    "family_name": "Wanjiku",
    "organisation": "Ministère de l'Environnement",
    "email": "h.wanjiku@example.go.ke",
    "phone": "+254 20 2730808",
    "languages": "fr;en",
}


def test_informea_feed_then_its_later_harvest_updates_without_duplicates(app):
    planned, counts = _import(FIXTURES / "cbd-odata-v3-contacts.json")
    assert counts["new"] == 2 and counts["error"] == 0
    doe = next(p for p in planned if p.label == "John Doe")
    assert any("12345" in w for w in doe.warnings)  # the dirty phone is said and left out
    people = _count(Person)
    planned, counts = _import(FIXTURES / "cbd-odata-v3-contacts-updated.json")
    assert _count(Person) == people  # matched, not duplicated
    assert counts["update"] == 1
    john = db.session.scalar(select(Person).where(Person.family_name == "Doe"))
    assert {a.role.code for a in john.appointments} == {"CPB-FP1", "BCH-FP", "ABS-FP", "CBD-FP1"}
    _, counts = _import(FIXTURES / "cbd-odata-v3-contacts-updated.json")
    assert counts == {"new": 0, "update": 0, "unchanged": 2, "error": 0}


def test_brs_feed_is_read_with_its_object_treaties(app):
    planned, counts = _import(FIXTURES / "brs-odata-v1-contacts.json")
    assert counts["new"] == 2
    assert any("rotterdam" in w for w in planned[0].warnings)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_csv_in_every_usual_encoding(app, country, encoding):
    data = _csv([ROW], encoding=encoding, sep=";" if encoding == "cp1252" else ",")
    planned = importing.plan_import(importing.read_contacts(data, "contacts.csv"), country("KE"))
    assert [p.action for p in planned] == ["new"]
    importing.apply_import(planned)
    person = db.session.scalar(select(Person).where(Person.family_name == "Wanjiku"))
    assert person.given_names == "Hélène" and person.phone == "+254202730808"
    assert person.languages == ["fr", "en"]
    [appointment] = person.appointments
    assert appointment.role.code == "CMS-NFP" and appointment.status == "endorsed"


def test_xlsx_with_the_same_columns(app, country):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(CONTACT_COLUMNS))
    sheet.append([ROW.get(c) for c in CONTACT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    planned = importing.plan_import(
        importing.read_contacts(buffer.getvalue(), "contacts.xlsx"), country("KE")
    )
    assert [p.action for p in planned] == ["new"]


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_reads_it(app, country):
    """A valid workbook whose sheet inflates to 100 MB (spaces after its XML): refused."""
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(list(CONTACT_COLUMNS))
    workbook.active.append([ROW.get(c) for c in CONTACT_COLUMNS])
    plain = io.BytesIO()
    workbook.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            with out.open(info.filename, "w") as member:
                member.write(source.read(info))
                if info.filename == "xl/worksheets/sheet1.xml":
                    for _ in range(100):
                        member.write(b" " * (1 << 20))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(importing.ImportFileError):
        importing.read_contacts(bomb.getvalue(), "contacts.xlsx")
    rows = importing.read_contacts(plain.getvalue(), "contacts.xlsx")
    assert [p.action for p in importing.plan_import(rows, country("KE"))] == ["new"]


def test_reimporting_the_same_file_changes_nothing(app, country):
    data = _csv([ROW, {**ROW, "role": "CBD-FP1", "convention": "CBD"}])
    for expected in (["new", "unchanged"], ["unchanged", "unchanged"]):
        planned = importing.plan_import(importing.read_contacts(data, "c.csv"), country("KE"))
        assert [p.action for p in planned] == expected
        importing.apply_import(planned)
    assert _count(Person) == 1 and _count(Appointment) == 2


@pytest.mark.parametrize(
    "change,message",
    [
        ({"family_name": '=HYPERLINK("http://x")'}, "starts like a spreadsheet formula"),
        ({"organisation": "@SUM(A1)"}, "starts like a spreadsheet formula"),
        ({"convention": "CITES"}, "does not belong to CITES"),
        ({"phone": "12345"}, "Not a valid phone number"),
        ({"email": "broken@"}, "Not a valid e-mail address"),
        ({"country": "TZ"}, "another country"),
        ({"role": "NO-SUCH-ROLE"}, "Unknown role"),
        ({"start_date": "31/12/2024"}, "Not a date"),
        ({"given_names": "", "family_name": "", "organisation": ""}, "needs a given name"),
        ({"website": "javascript:alert(1)"}, "not a web address"),
        ({"website": "data:text/html,<script>alert(1)</script>"}, "not a web address"),
    ],
)
def test_bad_rows_are_refused_with_their_reason_and_the_rest_is_taken(
    app, country, change, message
):
    good = {
        **ROW,
        "family_name": "Good",
        "email": "good@example.org",
        "role": "CBD-FP1",
        "convention": "CBD",
    }
    data = _csv([good, {**ROW, **change}])
    planned = importing.plan_import(importing.read_contacts(data, "c.csv"), country("KE"))
    assert planned[1].action == "error"
    assert any(message in e for e in planned[1].errors), planned[1].errors
    importing.apply_import(planned)
    assert [p.family_name for p in db.session.scalars(select(Person))] == ["Good"]


def test_a_second_holder_of_a_single_holder_role_is_refused(app, country, make_appointment):
    make_appointment("CMS-NFP")
    planned = importing.plan_import(importing.read_contacts(_csv([ROW]), "c.csv"), country("KE"))
    assert planned[0].action == "error"
    assert "allows one holder" in planned[0].errors[0]


def test_our_neutralised_cells_read_back(app, country):
    data = _csv([{**ROW, "phone": "'+254 20 2730808", "mobile": "'+254722000111"}])
    planned = importing.plan_import(importing.read_contacts(data, "c.csv"), country("KE"))
    assert planned[0].action == "new"
    assert planned[0].values["phone"] == "+254202730808"
    assert planned[0].values["mobile"] == "+254722000111"


@pytest.mark.parametrize(
    "content,name",
    [
        (b"\x00\x01\x02garbage", "x.xlsx"),
        (b"{not json", "x.json"),
        (b"just,some,columns\n1,2,3\n", "x.csv"),
        (b"x" * (5 * 1024 * 1024 + 1), "x.csv"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(app, content, name):
    with pytest.raises(importing.ImportFileError):
        importing.read_contacts(content, name)


def test_web_import_previews_then_writes_on_confirmation(client, login_as):
    login_as(role="coordinator", country_code="KE")
    data = _csv([ROW])
    response = client.post(
        "/countries/KE/import",
        data={"file": (io.BytesIO(data), "contacts.csv")},
        content_type="multipart/form-data",
    )
    page = response.data.decode()
    assert response.status_code == 200 and "Wanjiku" in page and "New" in page
    assert _count(Person) == 0  # nothing written before confirmation
    token = page.split('name="token" value="')[1].split('"')[0]
    response = client.post("/countries/KE/import/confirm", data={"token": token})
    assert "1 new" in response.data.decode()
    assert _count(Person) == 1
    # the token is used up
    response = client.post("/countries/KE/import/confirm", data={"token": token})
    assert response.headers["Location"] == "/countries/KE/import"


def test_web_import_token_is_bound_to_its_user(app, client, login_as, make_user):
    from tests.conftest import login

    login_as(role="coordinator", country_code="KE")
    response = client.post(
        "/countries/KE/import",
        data={"file": (io.BytesIO(_csv([ROW])), "contacts.csv")},
        content_type="multipart/form-data",
    )
    token = response.data.decode().split('name="token" value="')[1].split('"')[0]
    other = app.test_client()
    login(other, make_user(role="coordinator", country_code="KE"))
    other.post("/countries/KE/import/confirm", data={"token": token})
    assert _count(Person) == 0


def test_import_rights(client, login_as):
    login_as(role="editor", country_code="KE")
    assert client.get("/countries/KE/import").status_code == 403


def test_import_refuses_rows_of_another_country_for_a_coordinator(client, login_as):
    login_as(role="coordinator", country_code="KE")
    assert client.get("/countries/TZ/import").status_code == 403


def test_cli_import_with_dry_run(app, runner):
    path = FIXTURES / "cbd-odata-v3-contacts.json"
    result = runner.invoke(args=["import", "contacts", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and _count(Person) == 0
    result = runner.invoke(args=["import", "contacts", str(path), "--country", "BB"])
    assert "row 2: error" in result.output  # the Bolivian row is not Barbados
    assert _count(Person) == 1


@pytest.mark.parametrize(
    ("treaty", "label", "role"),
    [
        ("cbd", "CBD Primary NFP", "CBD-FP1"),
        ("cartagena", "Cartagena Protocol Primary NFP", "CPB-FP1"),
        ("cartagena", "BCH NFP", "BCH-FP"),
        ("nagoya", "Nagoya Protocol Primary NFP", "ABS-FP"),
        ("cms", "National Focal Point", "CMS-NFP"),
        ("cms", "Scientific Councillor", "CMS-SCC"),
        ("cites", "Management Authority", "CITES-MA"),
        ("cites", "Scientific Authority", "CITES-SA"),
        ("ramsar", "Administrative Authority", "RAMSAR-AA"),
        ("ramsar", "STRP National Focal Point", "RAMSAR-STRP-FP"),
    ],
)
def test_informea_role_names_of_every_convention_and_protocol(app, treaty, label, role):
    feed = {
        "d": {
            "results": [
                {
                    "id": "1",
                    "country": "KE",
                    "firstName": "Amina",
                    "lastName": "Otieno",
                    "treaties": [treaty],
                    "roles": [{"treaty": treaty, "roles": [label]}],
                }
            ]
        }
    }
    [row] = importing.read_contacts(json.dumps(feed).encode(), "feed.json")
    assert row.roles == [role] and not row.warnings
