"""The per-convention reporting pack: gathered from data entered once, as a page, XLSX and JSON."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from focalpoints.working_groups import operations as groups


def _kenya_data(country, make_appointment, make_person):
    nfp = make_appointment("CMS-NFP")
    make_appointment("CBD-FP1")
    group = groups.create_group(
        country("KE"), {"name": "Kenya Working Group", "legal_basis": "=HYPERLINK(1)"}
    )
    groups.add_member(group, nfp.person, category="focal_point")
    groups.add_member(group, make_person("KE", organisation="Nature Kenya"), category="ngo")
    groups.create_meeting(
        group, {"title": "First meeting", "starts_at": datetime(2025, 3, 4, 9), "timezone": "UTC"}
    )
    return nfp


def test_the_pack_gathers_focal_points_group_measures_positions_and_deadlines(
    client, login_as, country, make_appointment, make_person
):
    nfp = _kenya_data(country, make_appointment, make_person)
    login_as()
    page = client.get("/countries/KE/reporting/pack/CMS").data.decode()
    assert "Reporting pack for" in page
    focal_points = page.split('id="section-focal_points"')[1].split("</section>")[0]
    assert nfp.person.display_name in focal_points and "CBD" not in focal_points
    group = page.split('id="section-working_group"')[1].split("</section>")[0]
    assert "Kenya Working Group" in group and "Mar 4, 2025" in group
    assert "Nature Kenya" in page
    for section in ("measures", "positions", "deadlines"):
        assert f'id="section-{section}"' in page


def test_the_pack_downloads_as_xlsx_without_formulas_and_as_json(
    client, login_as, country, make_appointment, make_person
):
    _kenya_data(country, make_appointment, make_person)
    login_as()
    response = client.get("/countries/KE/reporting/pack/CMS.xlsx")
    assert response.headers["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.data))
    assert {"focal_points", "working_group", "measures", "positions", "deadlines"} <= set(
        book.sheetnames
    )
    legal_basis = [
        r for r in book["working_group"].iter_rows(values_only=True) if r[0] == "Legal basis"
    ]
    assert legal_basis[0][1] == "'=HYPERLINK(1)"  # never a formula
    data = client.get("/countries/KE/reporting/pack/cms.json").get_json()
    assert data["country"] == "KE" and data["convention"] == "CMS"
    assert data["sections"]["working_group_meetings"][0]["date"] == "2025-03-04"


def test_the_pack_is_for_the_country_and_the_secretariat(client, login_as, make_appointment):
    make_appointment("CMS-NFP")
    login_as(country_code="TZ")
    assert client.get("/countries/KE/reporting/pack/CMS").status_code == 403
    assert client.get("/countries/KE/reporting/pack/CMS.json").status_code == 403
    client.post("/logout")
    login_as(role="secretariat", country_code=None)
    assert client.get("/countries/KE/reporting/pack/CMS").status_code == 200
    assert client.get("/countries/KE/reporting/pack/NOPE").status_code == 404


def test_the_pack_leaves_out_what_the_country_did_not_share(
    client, login_as, country, make_appointment, make_person
):
    from sqlalchemy import select

    from focalpoints.extensions import db
    from focalpoints.meetings.models import Meeting
    from focalpoints.positions import operations as positions

    appointment = make_appointment("CMS-NFP")
    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    positions.create_position(
        country("KE"),
        positions.PositionValues(
            meeting, meeting.agenda_items[0], None, "en", "Secret line", "", "draft", None, None
        ),
    )
    shared = positions.create_position(
        country("KE"),
        positions.PositionValues(
            meeting, meeting.agenda_items[1], None, "en", "Public line", "", "draft", None, None
        ),
    )
    positions.toggle_shared(shared, shared.version)
    login_as(role="secretariat", country_code=None)
    page = client.get("/countries/KE/reporting/pack/CMS").data.decode()
    assert "Secret line" not in page
    assert "Public line" in page.split('id="section-positions"')[1]
    assert appointment.person.display_name in page


def test_the_pack_takes_a_fixed_number_of_queries(
    client, login_as, country, make_appointment, make_person, count_queries
):
    login_as()
    counter = count_queries()
    client.get("/countries/KE/reporting/pack/CMS")
    few = counter.count
    _kenya_data(country, make_appointment, make_person)
    for code in ("CMS-SCC", "CMS-STC"):
        make_appointment(code)
    counter = count_queries()
    client.get("/countries/KE/reporting/pack/CMS")
    assert counter.count <= few + 6  # the group's members and meetings, loaded once each
    many = counter.count
    groups.create_meeting(
        groups.current_group(country("KE")),
        {"title": "Second meeting", "starts_at": datetime(2025, 6, 4, 9), "timezone": "UTC"},
    )
    counter = count_queries()
    client.get("/countries/KE/reporting/pack/CMS")
    assert counter.count == many
