"""The handover pack: what each reader may see of it, the Word file, and the mailed copy."""

from __future__ import annotations

import email
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from focalpoints.extensions import db
from focalpoints.focal_points import operations as registry
from focalpoints.meetings.models import Meeting
from focalpoints.positions import operations as positions
from focalpoints.working_groups import operations as groups
from tests.conftest import login


def _position(country, title: str, shared: bool, consulted=None):
    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    position = positions.create_position(
        country,
        positions.PositionValues(
            meeting, meeting.agenda_items[0], None, "en", title, "Text.", "draft", None, None
        ),
    )
    if consulted:
        positions.request_consultation(
            position, consulted, date(2031, 1, 10), "Your view?", "en", position.version
        )
    if shared:
        positions.toggle_shared(position, position.version)
    db.session.commit()  # operations flush: the test's data is saved, as a request would
    return position


@pytest.fixture
def handover(make_person, make_appointment, make_user, country):
    """Kenya's CMS focal point, who replaced Grace Wanjiku, with the country's other focal
    points, its working group and its positions."""
    kenya = country("KE")
    former = make_person(given_names="Grace", family_name="Wanjiku", visibility="registered")
    first = make_appointment("CMS-NFP", person=former, start=date(2020, 3, 1))
    holder = make_person(
        given_names="Peter", family_name="Mwangi", email="p.mwangi@example.org", languages=["fr"]
    )
    current = registry.replace_holder(first, holder, date(2024, 5, 1), first.version)
    hidden = make_person(given_names="Hidden", family_name="Restricted", visibility="restricted")
    make_appointment("CBD-FP1", person=hidden)
    shown = make_person(given_names="Public", family_name="Cites", visibility="public")
    make_appointment("CITES-MA", person=shown)
    group = groups.create_group(kenya, {"name": "Kenya Biodiversity Group"})
    groups.add_member(group, former)
    past = groups.create_meeting(
        group, {"title": "First meeting", "starts_at": datetime(2025, 6, 3, 10), "timezone": "UTC"}
    )
    groups.add_action(past, {"description": "Draft the CMS report", "owner_id": former.id})
    groups.create_meeting(
        group,
        {
            "title": "Next meeting",
            "starts_at": datetime.now() + timedelta(days=20),
            "timezone": "UTC",
        },
    )
    _position(kenya, "Private line on bycatch", shared=False, consulted=[former])
    _position(kenya, "Shared line on wild meat", shared=True)
    make_user(role="coordinator", country_code="KE", name="Jane Coordinator")
    return current


def _page(client, appointment) -> str:
    response = client.get(f"/countries/KE/appointments/{appointment.id}/handover")
    assert response.status_code == 200
    return response.data.decode()


def test_the_countrys_officials_see_everything_of_the_country(client, login_as, handover):
    login_as(role="editor", country_code="KE")
    page = _page(client, handover)
    for expected in (
        "resolutions ask each Party to designate",  # the role's basis
        "Coming meetings",
        "National report deadlines",
        "Private line on bycatch",
        "awaiting an answer",
        "Shared line on wild meat",
        "Kenya Biodiversity Group",
        "Next meeting",
        "Draft the CMS report",
        "Jane Coordinator",
        "Hidden Restricted",
        "Public Cites",
        "Grace Wanjiku",
        "1 March 2020",
    ):
        assert expected in page, expected
    assert "Send by e-mail" in page


def test_the_secretariat_and_other_countries_see_less(app, client, login_as, handover, make_user):
    login_as(role="secretariat", country_code=None)
    page = _page(client, handover)
    assert "Shared line on wild meat" in page and "Private line on bycatch" not in page
    assert "Draft the CMS report" not in page  # the group's papers are not shared
    assert "Next meeting" in page and "Send by e-mail" not in page
    other = app.test_client()
    login(other, make_user(role="coordinator", country_code="FR"))
    page = other.get(f"/countries/KE/appointments/{handover.id}/handover").data.decode()
    for hidden in (
        "Shared line",
        "Kenya Biodiversity Group",
        "National report deadlines",
        "Jane Coordinator",
        "Hidden Restricted",
    ):
        assert hidden not in page, hidden
    assert "Public Cites" in page and "Grace Wanjiku" in page


def test_the_word_file(client, login_as, handover):
    login_as(role="coordinator", country_code="KE")
    response = client.get(f"/countries/KE/appointments/{handover.id}/handover.docx?language=es")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "República de Kenya" in text
    assert "Grace Wanjiku" in cells and "1 de marzo de 2020" in cells
    assert "Private line on bycatch" in cells
    for wrong in ("&amp;", "{{", "%(", "None"):
        assert wrong not in text + cells
    assert (
        client.get(
            f"/countries/KE/appointments/{handover.id}/handover.docx?language=xx"
        ).status_code
        == 404
    )


def test_the_mailed_pack_holds_only_what_the_holder_may_see(app, client, login_as, handover):
    login_as(role="coordinator", country_code="KE")
    url = f"/countries/KE/appointments/{handover.id}/handover"
    response = client.post(url + "/mail", data={"language": "fr"})
    assert response.headers["Location"].endswith(url)
    [sent] = (Path(app.instance_path) / "outbox").glob("*.eml")
    message = email.message_from_bytes(sent.read_bytes())
    assert message["To"] == "p.mwangi@example.org" and message["Content-Language"] == "fr"
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Shared line on wild meat" in body and "Private line on bycatch" not in body
    assert "Hidden Restricted" not in body and "Public Cites" in body
    assert "Grace Wanjiku" in body and "Jane Coordinator" in body
    assert "Draft the CMS report" not in body
    assert "Kenya Biodiversity Group" in body
    # With the pack, the holder's own link to confirm or correct their record.
    assert "/respond/" in body
    from focalpoints.self_service.models import PersonLink

    [link] = db.session.scalars(select(PersonLink)).all()
    assert link.person_id == handover.person_id and link.sent_at and link.purpose == "confirm"


def test_only_the_countrys_officials_mail_it(client, login_as, handover):
    login_as(role="secretariat", country_code=None)
    url = f"/countries/KE/appointments/{handover.id}/handover/mail"
    assert client.post(url, data={"language": "en"}).status_code == 403
