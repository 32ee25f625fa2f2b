"""The national working group: set-up, members, meetings, actions, documents, calendars, rules."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from focalpoints.extensions import db
from focalpoints.working_groups import operations as groups
from focalpoints.working_groups.models import (
    ActionItem,
    Document,
    GroupMeeting,
    GroupMember,
    WorkingGroup,
)
from tests.conftest import in_language

WG = "/countries/KE/working-group"
PDF = b"%PDF-1.4\n% minutes of the meeting\n"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


@pytest.fixture
def group(country):
    record = groups.create_group(
        country("KE"),
        {"name": "Kenya National Biodiversity Working Group", "established_on": date(2020, 5, 4)},
    )
    db.session.commit()
    return record


def _meeting(group, when=None, **values):
    return groups.create_meeting(
        group,
        {
            "title": "Second meeting",
            "starts_at": when or datetime(2030, 3, 2, 10, 0),
            "timezone": "Africa/Nairobi",
            **values,
        },
    )


# The group ----------------------------------------------------------------------------------


def test_a_coordinator_sets_up_the_group(client, login_as):
    login_as()
    page = client.get(WG).data.decode()
    assert "Set up the working group" in page
    response = client.post(
        f"{WG}/new",
        data={
            "version": "0",
            "name": "Kenya National Biodiversity Working Group",
            "mandate": "Coordinates the **focal points**.",
            "mandate_language": "en",
            "legal_basis": "Gazette notice 1234",
            "established_on": "2021-03-01",
            "coordinating_institution": "Ministry of Environment",
        },
    )
    assert response.status_code == 302
    record = db.session.scalar(select(WorkingGroup))
    assert record.legal_basis == "Gazette notice 1234" and record.is_open
    page = client.get(WG).data.decode()
    assert "Kenya National Biodiversity Working Group" in page
    assert "<strong>focal points</strong>" in page  # the mandate's Markdown is rendered


def test_a_second_open_group_is_refused_and_junk_writes_nothing(client, login_as, group):
    login_as()
    response = client.post(f"{WG}/new", data={"version": "0", "name": "Another group"})
    assert "Close the current working group" in response.data.decode()
    response = client.post(f"{WG}/{group.id}/edit", data={"version": "1", "name": ""})
    assert (
        "Give the group&#39;s name." in response.data.decode()
        or "Give the group's name." in response.data.decode()
    )
    response = client.post(
        f"{WG}/{group.id}/edit",
        data={"version": "1", "name": "Renamed", "established_on": "2999-01-01"},
    )
    assert "cannot be in the future" in response.data.decode()
    assert _count(WorkingGroup) == 1
    assert _reload(group).name == "Kenya National Biodiversity Working Group"


def test_a_group_is_set_up_with_its_mandate_or_not_at_all(app, client, login_as):
    from focalpoints.audit.models import AuditEntry

    app.config["DOCUMENT_MAX_BYTES"] = 1000
    login_as()
    values = {"version": "0", "name": "Kenya National Biodiversity Working Group"}
    for upload, message in (
        (b"MZ\x90\x00 not a pdf", "Attach a PDF, Word, Excel or OpenDocument file."),
        (PDF + b"x" * 1000, "The file is too large."),
    ):
        response = client.post(
            f"{WG}/new", data={**values, "mandate_file": (io.BytesIO(upload), "mandate.pdf")}
        )
        assert message in response.data.decode()
        assert _count(WorkingGroup) == 0 and _count(Document) == 0
    logged = db.session.scalars(select(AuditEntry.entity_type)).all()
    assert "working_groups" not in logged and "working_group_documents" not in logged
    response = client.post(
        f"{WG}/new", data={**values, "mandate_file": (io.BytesIO(PDF), "mandate.pdf")}
    )
    assert response.status_code == 302
    record = db.session.scalar(select(WorkingGroup))
    [document] = db.session.scalars(select(Document)).all()
    assert document.group_id == record.id and document.filename == "mandate.pdf"
    created = db.session.scalars(
        select(AuditEntry.entity_type).where(AuditEntry.action == "create")
    ).all()
    assert created.count("working_groups") == 1 and created.count("working_group_documents") == 1


def test_an_edit_made_on_an_old_version_is_refused(client, login_as, group):
    login_as()
    client.post(f"{WG}/{group.id}/edit", data={"version": "1", "name": "First edit"})
    response = client.post(f"{WG}/{group.id}/edit", data={"version": "1", "name": "Second edit"})
    assert response.status_code == 302
    assert _reload(group).name == "First edit"


def test_a_closed_group_stays_readable_and_a_new_one_can_be_set_up(client, login_as, group):
    login_as()
    _meeting(group)
    response = client.post(
        f"{WG}/{group.id}/close",
        data={"version": "1", "closed_on": date.today().isoformat(), "closing_note": "Replaced"},
    )
    assert response.status_code == 302
    assert "has no open working group" in client.get(WG).data.decode()
    old = client.get(f"{WG}/{group.id}").data.decode()
    assert "closed on" in old and "Second meeting" in old
    # Nothing in a closed group can change.
    meeting = db.session.scalar(select(GroupMeeting))
    response = client.post(
        f"{WG}/meetings/{meeting.id}/edit",
        data={"version": "1", "title": "Changed", "starts_at": "2030-03-02T10:00"},
    )
    assert "can only be read" in response.data.decode()
    client.post(f"{WG}/new", data={"version": "0", "name": "New group"})
    assert _count(WorkingGroup) == 2
    assert "New group" in client.get(WG).data.decode()
    # The old group cannot be reopened while the new one is open.
    client.post(f"{WG}/{group.id}/reopen")
    assert _reload(group).closed_on is not None


# Members ------------------------------------------------------------------------------------


def test_one_action_adds_every_current_focal_point(client, login_as, group, make_appointment):
    nfp = make_appointment("CMS-NFP")
    make_appointment("CBD-FP1", person=nfp.person)  # one person, two conventions: added once
    ma = make_appointment("CITES-MA", is_primary=True)
    make_appointment("CMS-STC")  # not a required role
    login_as()
    page = client.get(WG).data.decode()
    assert nfp.person.display_name in page and "Add all current focal points" in page
    client.post(f"{WG}/{group.id}/members/focal-points")
    members = {m.person_id for m in db.session.scalars(select(GroupMember))}
    assert members == {nfp.person_id, ma.person_id}
    page = client.get(WG).data.decode()
    assert "Every current focal point of a required role is a member." in page
    assert re.search(r"✓ CMS<span class=\"visually-hidden\">: represented", page)
    assert re.search(r"✗ Ramsar<span class=\"visually-hidden\">: not represented", page)
    response = client.post(f"{WG}/{group.id}/members/focal-points", follow_redirects=True)
    assert "is a member already" in response.data.decode()
    assert _count(GroupMember) == 2


def test_a_stakeholder_is_created_on_the_spot(client, login_as, group):
    login_as()
    response = client.post(
        f"{WG}/{group.id}/members/new-stakeholder",
        data={
            "new-kind": "institution",
            "new-organisation": "Kenya Wildlife Conservancies Association",
            "new-email": "Info@KWCA.example",
            "new-category": "ngo",
            "new-group_role": "observer",
            "new-visibility": "restricted",
        },
    )
    assert response.status_code == 302
    member = db.session.scalar(select(GroupMember))
    assert member.category == "ngo" and member.group_role == "observer"
    assert member.person.is_institution and member.person.email == "info@kwca.example"
    page = client.get(WG).data.decode()
    assert "Kenya Wildlife Conservancies Association" in page and "Observer" in page


def test_a_member_cannot_join_twice_nor_come_from_another_country(
    client, login_as, group, make_person
):
    kenyan, tanzanian = make_person("KE"), make_person("TZ")
    login_as()
    data = {"existing-person": str(kenyan.id), "existing-category": "ministry"}
    assert client.post(f"{WG}/{group.id}/members/new", data=data).status_code == 302
    response = client.post(f"{WG}/{group.id}/members/new", data=data)
    assert "Not a valid choice" in response.data.decode() or "already" in response.data.decode()
    response = client.post(
        f"{WG}/{group.id}/members/new", data={"existing-person": str(tanzanian.id)}
    )
    assert response.status_code == 200
    assert _count(GroupMember) == 1


def test_members_leave_with_a_date_and_removals_are_recoverable(
    client, login_as, group, make_person
):
    person = make_person("KE")
    member = groups.add_member(group, person, joined_on=date(2022, 1, 1))
    login_as()
    client.post(
        f"{WG}/members/{member.id}/edit",
        data={
            "version": "1",
            "category": "ministry",
            "group_role": "vice_chair",
            "joined_on": "2022-01-01",
            "left_on": (date.today() - timedelta(days=1)).isoformat(),
        },
    )
    page = client.get(WG).data.decode()
    assert "1 former member" in page
    response = client.post(
        f"{WG}/members/{member.id}/edit",
        data={"version": "2", "joined_on": "2022-01-01", "left_on": "2021-01-01"},
    )
    assert "cannot be before the date joined" in response.data.decode()
    client.post(f"{WG}/members/{member.id}/remove")
    assert _reload(member).deleted_at is not None
    assert "removed by mistake" in client.get(WG).data.decode()
    client.post(f"{WG}/members/{member.id}/restore")
    assert _reload(member).deleted_at is None


# Meetings -----------------------------------------------------------------------------------


def test_a_meeting_keeps_its_time_zone_attendance_and_safe_minutes(
    client, login_as, group, make_person
):
    present, absent = make_person("KE"), make_person("KE")
    for person in (present, absent):
        groups.add_member(group, person)
    login_as()
    response = client.post(
        f"{WG}/{group.id}/meetings/new",
        data={
            "version": "0",
            "title": "Preparing CMS COP15",
            "starts_at": "2030-03-02T10:00",
            "ends_at": "2030-03-02T13:00",
            "timezone": "Africa/Nairobi",
            "place": "NHIF Building, Nairobi",
            "agenda": "Adoption of the agenda\n\nNational position on bushmeat\n",
            "attendees": [str(present.id)],
            "guests": "Dr Amina Said, University of Nairobi",
            "minutes": "Opened at 10:05. <script>alert('x')</script> "
            "[link](javascript:alert(1)) **Agreed**.",
            "decisions": "- Consult the CITES focal point",
            "text_language": "fr",
        },
    )
    assert response.status_code == 302, response.data.decode()[:2000]
    meeting = db.session.scalar(select(GroupMeeting))
    assert meeting.starts_at.replace(tzinfo=UTC) == datetime(2030, 3, 2, 7, 0, tzinfo=UTC)
    assert meeting.agenda == ["Adoption of the agenda", "National position on bushmeat"]
    assert meeting.attendee_ids == [present.id]
    page = client.get(response.headers["Location"]).data.decode()
    assert "10:00" in page and "Africa/Nairobi" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert "<strong>Agreed</strong>" in page and 'lang="fr"' in page
    assert present.display_name in page and "Dr Amina Said" in page
    # The edit form shows the meeting on its own clock again.
    form = client.get(f"{WG}/meetings/{meeting.id}/edit").data.decode()
    assert 'value="2030-03-02T10:00"' in form


@pytest.mark.parametrize(
    "change,message",
    [
        ({"ends_at": "2030-03-02T09:00"}, "must end after it starts"),
        ({"timezone": "Mars/Olympus_Mons"}, "Not a valid choice"),
        ({"online_url": "javascript:alert(1)"}, "starting with https://"),
        ({"attendees": ["999999"]}, "not a valid choice"),
        ({"starts_at": "next tuesday"}, "Not a valid datetime value"),
    ],
)
def test_bad_meeting_input_is_refused(client, login_as, group, change, message):
    login_as()
    data = {
        "version": "0",
        "title": "Meeting",
        "starts_at": "2030-03-02T10:00",
        "timezone": "Africa/Nairobi",
        **change,
    }
    response = client.post(f"{WG}/{group.id}/meetings/new", data=data)
    assert response.status_code == 200
    assert message in response.data.decode()
    assert _count(GroupMeeting) == 0


def test_the_group_page_shows_last_meeting_and_open_and_overdue_actions(
    client, login_as, group, make_person
):
    owner = make_person("KE", given_names="Achieng", family_name="Odhiambo")
    past = _meeting(group, when=datetime(2024, 6, 3, 9, 0))
    _meeting(group, when=datetime.now() + timedelta(days=20))
    groups.add_action(
        past,
        {"description": "Circulate the draft", "owner_id": owner.id, "due_on": date(2024, 7, 1)},
    )
    login_as()
    page = client.get(WG).data.decode()
    assert "Last meeting" in page and "Jun 3, 2024" in page
    assert "1 overdue" in page and "Circulate the draft" in page
    action = db.session.scalar(select(ActionItem))
    client.post(
        f"{WG}/actions/{action.id}/edit",
        data={
            "version": "1",
            "description": "Circulate the draft",
            "owner_id": str(owner.id),
            "status": "done",
        },
    )
    action = _reload(action)
    assert action.status == "done" and action.completed_on == date.today()
    assert "1 overdue" not in client.get(WG).data.decode()


def test_an_action_owner_must_be_of_the_country(client, login_as, group, make_person):
    meeting = _meeting(group)
    foreigner = make_person("TZ")
    login_as()
    response = client.post(
        f"{WG}/meetings/{meeting.id}/actions/new",
        data={"version": "0", "description": "Do it", "owner_id": str(foreigner.id)},
    )
    assert response.status_code == 200
    assert _count(ActionItem) == 0


def test_removed_meetings_are_recoverable(client, login_as, group):
    meeting = _meeting(group)
    login_as()
    client.post(f"{WG}/meetings/{meeting.id}/delete")
    assert "1 removed meeting" in client.get(WG).data.decode()
    assert client.get(f"{WG}/meetings/{meeting.id}.ics").status_code == 404
    client.post(f"{WG}/meetings/{meeting.id}/restore")
    assert _reload(meeting).deleted_at is None


# Calendars ----------------------------------------------------------------------------------


def test_a_meeting_downloads_as_an_icalendar_event(client, login_as, group):
    meeting = _meeting(group, agenda=["National position on bushmeat"], place="Nairobi")
    login_as()
    response = client.get(f"{WG}/meetings/{meeting.id}.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start.astimezone(UTC) == datetime(2030, 3, 2, 7, 0, tzinfo=UTC)
    assert str(start.tzinfo) == "Africa/Nairobi"
    assert str(event["summary"]) == "Second meeting" and str(event["location"]) == "Nairobi"
    assert "National position on bushmeat" in str(event["description"])


def test_the_feed_lists_coming_meetings_and_hides_agendas_from_the_secretariat(
    client, login_as, group
):
    _meeting(group, when=datetime(2020, 1, 1, 9), title="Old meeting")
    _meeting(group, agenda=["Secret agenda item"])
    login_as()
    events = Calendar.from_ical(client.get(f"{WG}/meetings.ics").data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Second meeting"]
    assert "Secret agenda item" in str(events[0]["description"])
    client.post("/logout")
    login_as(role="secretariat", country_code=None)
    events = Calendar.from_ical(client.get(f"{WG}/meetings.ics").data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Second meeting"]
    assert "Secret agenda item" not in str(events[0]["description"])


# Documents ----------------------------------------------------------------------------------


def test_documents_are_checked_by_content_and_served_as_attachments(client, login_as, group):
    meeting = _meeting(group)
    login_as()
    url = f"{WG}/meetings/{meeting.id}/documents"
    client.post(url, data={"title": "Minutes", "file": (io.BytesIO(PDF), "minutes.pdf")})
    response = client.post(
        url,
        data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "report.pdf")},
        follow_redirects=True,
    )
    assert "Attach a PDF, Word, Excel or OpenDocument file." in response.data.decode()
    document = db.session.scalar(select(Document))
    assert _count(Document) == 1
    assert document.stored_name != "minutes.pdf" and document.content_type == "application/pdf"
    response = client.get(f"{WG}/documents/{document.id}")
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    client.post(f"{WG}/documents/{document.id}/delete")
    assert "1 removed document" in client.get(f"{WG}/meetings/{meeting.id}").data.decode()
    client.post(f"{WG}/documents/{document.id}/restore")
    assert _reload(document).deleted_at is None


def test_office_documents_are_recognised(app):
    from openpyxl import Workbook

    from focalpoints.documents import XLSX, content_type

    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert content_type(buffer.getvalue()) == XLSX
    assert content_type(b"PK\x03\x04 broken zip") is None


def zip_of(members: dict[str, bytes], inflated: tuple[str, bytes, int] | None = None) -> bytes:
    """A zip of ``members``, plus one whose ``inflated`` = (name, start, n) is ``start`` and n MB
    of spaces: a thousandfold compression, written without holding those megabytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if inflated:
            name, start, megabytes = inflated
            with archive.open(name, "w") as member:
                member.write(start)
                chunk = b" " * (1 << 20)
                for _ in range(megabytes):
                    member.write(chunk)
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ODT_TYPE = b"application/vnd.oasis.opendocument.text"


def test_a_zip_bomb_is_refused_without_being_inflated(client, login_as, group):
    """An OpenDocument file whose small mimetype entry inflates to 100 MB."""
    import tracemalloc

    from focalpoints.documents import content_type

    bomb = zip_of({"content.xml": b"<office:document-content/>"}, ("mimetype", ODT_TYPE, 100))
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        assert content_type(bomb) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024
    meeting = _meeting(group)
    login_as()
    response = client.post(
        f"{WG}/meetings/{meeting.id}/documents",
        data={"file": (io.BytesIO(bomb), "agenda.odt")},
        follow_redirects=True,
    )
    assert "Attach a PDF, Word, Excel or OpenDocument file." in response.data.decode()
    assert _count(Document) == 0


def test_archives_are_read_within_bounds(app):
    from focalpoints.documents import content_type

    odt = {"mimetype": ODT_TYPE, "content.xml": b"<office:document-content/>"}
    assert content_type(zip_of(odt)) == ODT_TYPE.decode()
    # A mimetype entry longer than any media type is not read to its end.
    assert content_type(zip_of({**odt, "mimetype": ODT_TYPE + b" " * 1000})) is None
    many = {**odt, **{f"pictures/{n}.png": b"x" for n in range(app.config["ARCHIVE_MAX_ENTRIES"])}}
    assert content_type(zip_of(many)) is None
    # Members that inflate moderately, but beyond the total allowed.
    app.config["ARCHIVE_MAX_BYTES"] = 2 * 1024 * 1024
    assert content_type(zip_of(odt, ("content2.xml", b"<x/>", 3))) is None


def test_a_too_large_document_is_refused(app_factory, country):
    app = app_factory(DOCUMENT_MAX_BYTES=100)
    with app.app_context():
        group = groups.create_group(country("KE"), {"name": "Group"})
        with pytest.raises(groups.RegistryError):
            groups.attach_document(group, None, PDF + b"x" * 200, "big.pdf")
        assert _count(Document) == 0


# Who sees what ------------------------------------------------------------------------------


def test_the_secretariat_sees_composition_and_dates_but_not_unshared_papers(
    client, login_as, group, make_person
):
    member = groups.add_member(group, make_person("KE", family_name="Kiprono"))
    meeting = _meeting(group, minutes="Confidential **minutes**")
    groups.add_action(meeting, {"description": "Confidential action"})
    document = groups.attach_document(group, meeting, PDF, "minutes.pdf")
    login_as(role="secretariat", country_code=None)
    page = client.get(WG).data.decode()
    assert member.person.display_name in page and "Second meeting" in page
    assert "Confidential action" not in page
    page = client.get(f"{WG}/meetings/{meeting.id}").data.decode()
    assert "Confidential" not in page and "have not been shared" in page
    assert client.get(f"{WG}/documents/{document.id}").status_code == 403
    # Once the country shares its papers, the Secretariat reads them.
    group = _reload(group)
    group.papers_shared = True
    db.session.commit()
    page = client.get(f"{WG}/meetings/{meeting.id}").data.decode()
    assert "Confidential <strong>minutes</strong>" in page
    assert client.get(f"{WG}/documents/{document.id}").status_code == 200


def test_another_country_sees_nothing_and_changes_nothing(client, login_as, group, make_person):
    meeting = _meeting(group, minutes="Kenyan minutes")
    member = groups.add_member(group, make_person("KE"))
    document = groups.attach_document(group, meeting, PDF, "minutes.pdf")
    login_as(country_code="TZ")
    for url in (
        WG,
        f"{WG}/{group.id}",
        f"{WG}/meetings/{meeting.id}",
        f"{WG}/meetings/{meeting.id}.ics",
        f"{WG}/meetings.ics",
        f"{WG}/documents/{document.id}",
    ):
        assert client.get(url).status_code == 403, url
    for url, data in (
        (f"{WG}/{group.id}/edit", {"version": "1", "name": "Hijacked"}),
        (f"{WG}/members/{member.id}/remove", {}),
        (f"{WG}/meetings/{meeting.id}/delete", {}),
        (f"{WG}/documents/{document.id}/delete", {}),
        # The Tanzanian group's URL with Kenya's meeting: refused as well.
        (f"/countries/TZ/working-group/meetings/{meeting.id}/delete", {}),
    ):
        assert client.post(url, data=data).status_code in (403, 404), url
    assert _reload(group).name.startswith("Kenya")
    assert _reload(member).deleted_at is None and _reload(meeting).deleted_at is None


def test_posted_ids_and_countries_are_ignored(client, login_as, group, country):
    login_as()
    client.post(
        f"{WG}/{group.id}/edit",
        data={"version": "1", "name": "Renamed", "country_id": country("TZ").id, "id": 999},
    )
    record = _reload(group)
    assert record.name == "Renamed" and record.country_id == country("KE").id
    assert record.id == group.id


# History and queries ------------------------------------------------------------------------


def test_every_change_is_in_the_history(client, login_as, group, make_person):
    user = login_as()
    client.post(
        f"{WG}/{group.id}/edit",
        data={"version": "1", "name": "Renamed group", "legal_basis": "Decree 7"},
    )
    groups.add_member(group, make_person("KE"))
    page = client.get(WG).data.decode()
    history = page.split("Change history", 1)[1]
    assert "Decree 7" in history
    assert user.display_name in history or user.email in history
    assert "Kenya National Biodiversity Working Group" in history  # the value before


def test_pages_load_in_a_fixed_number_of_queries(
    client, login_as, group, make_person, make_appointment, count_queries
):
    login_as()

    def load() -> tuple[int, int]:
        counter = count_queries()
        assert client.get(WG).status_code == 200
        group_queries = counter.count
        meeting = db.session.scalars(select(GroupMeeting)).first()
        counter = count_queries()
        assert client.get(f"{WG}/meetings/{meeting.id}").status_code == 200
        return group_queries, counter.count

    def grow(n: int) -> None:
        for _ in range(n):
            person = make_appointment("CBD-FP1" if n % 2 else "CITES-SA").person
            groups.add_member(group, person)
            meeting = _meeting(group, attendee_ids=[person.id])
            groups.add_action(meeting, {"description": "Act", "owner_id": person.id})
            groups.attach_document(group, meeting, PDF, "doc.pdf")

    grow(1)
    load()  # the first request reads the reference data into the cache
    small = load()
    grow(12)
    assert load() == small
    assert small[0] <= 14


def test_the_country_page_links_the_working_group(client, login_as, group):
    login_as()
    assert f'href="{WG}"' in client.get("/countries/KE").data.decode()
    client.post("/logout")
    login_as(country_code="TZ")
    assert f'href="{WG}"' not in client.get("/countries/KE").data.decode()


def test_group_pages_are_translated(client, login_as, group):
    login_as(language="fr")
    page = client.get(WG).data.decode()
    assert in_language("fr", "Focal points not in the group") in page


def test_merging_duplicates_keeps_their_place_in_the_group(app, group, make_person):
    from focalpoints.focal_points import operations as registry

    keep, duplicate = make_person("KE"), make_person("KE")
    groups.add_member(group, duplicate, group_role="chair")
    meeting = _meeting(group, attendee_ids=[duplicate.id])
    groups.add_action(meeting, {"description": "Act", "owner_id": duplicate.id})
    registry.merge_people(keep, duplicate)
    member = db.session.scalar(select(GroupMember))
    assert member.person_id == keep.id and member.group_role == "chair"
    assert _reload(meeting).attendee_ids == [keep.id]
    assert db.session.scalar(select(ActionItem)).owner_id == keep.id


def test_a_persons_data_includes_their_working_groups(client, login_as, group, make_person):
    person = make_person("KE")
    groups.add_member(group, person, group_role="secretary")
    login_as()
    data = client.get(f"/countries/KE/people/{person.id}/data.json").get_json()
    assert data["working_groups"] == [
        {
            "group": "Kenya National Biodiversity Working Group",
            "category": "other",
            "role_in_group": "secretary",
            "joined_on": date.today().isoformat(),
            "left_on": None,
            "removed": False,
        }
    ]


def test_time_zones_are_canonical_with_offsets_and_the_countrys_first(app):
    from datetime import UTC, datetime

    from focalpoints.working_groups import calendar

    moment = datetime(2026, 1, 15, 12, tzinfo=UTC)
    with app.test_request_context():
        options = calendar.zone_options("KE", moment=moment)
        kept = calendar.zone_options("US", keep="US/Eastern", moment=moment)
        # New York moves to summer time at 07:00 UTC on 8 March 2026: the labels, worked out
        # once a minute, follow at once.
        spring = [
            calendar.zone_options("US", moment=datetime(2026, 3, 8, 6, 59, 59, tzinfo=UTC))[0],
            calendar.zone_options("US", moment=datetime(2026, 3, 8, 7, 0, 0, tzinfo=UTC))[0],
        ]
    assert [o.label for o in spring] == [
        "America/New York (UTC-05:00)",
        "America/New York (UTC-04:00)",
    ]
    values = [o.value for o in options]
    assert values[0] == "Africa/Nairobi" and options[0].optgroup == "Zones of this country"
    assert options[0].label == "Africa/Nairobi (UTC+03:00)"
    assert {o.optgroup for o in options[1:]} == {"Other zones"} and values[1] == "UTC"
    for alias in ("US/Eastern", "Asia/Calcutta", "Europe/Kiev", "GB", "Etc/GMT+3"):
        assert alias not in values
    assert "Asia/Kolkata" in values and "Europe/Kyiv" in values
    labels = {o.value: o.label for o in options}
    assert labels["America/New_York"] == "America/New York (UTC-05:00)"
    assert labels["Asia/Kathmandu"] == "Asia/Kathmandu (UTC+05:45)"
    assert len(values) == len(set(values)) < 450
    # A meeting saved with an old alias keeps it offered.
    assert "US/Eastern" in [o.value for o in kept]
    assert kept[0].value == "America/New_York"


def test_a_role_of_an_instrument_no_longer_in_use_still_shows_on_its_holder(
    client, login_as, group, make_appointment
):
    """Members' roles come from the cached reference data, which leaves out instruments no
    longer in use: such a role is read from the database, as before."""
    from focalpoints.conventions.models import Convention

    nfp = make_appointment("CMS-NFP")
    groups.add_member(group, nfp.person)
    db.session.commit()
    login_as()
    assert 'me-1">CMS</span>' in client.get(WG).data.decode()
    cms = db.session.scalar(select(Convention).where(Convention.code == "CMS"))
    cms.is_active = False
    db.session.commit()
    page = client.get(WG).data.decode()
    assert 'me-1">CMS</span>' in page  # the member's role
    assert "✓ CMS" not in page and "✗ CMS" not in page  # no longer among those represented
