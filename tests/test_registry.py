"""The focal point registry: people, appointments, the designation lifecycle, history, conflicts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from focalpoints.conventions.models import Role
from focalpoints.extensions import db
from focalpoints.focal_points import operations
from focalpoints.focal_points.models import Appointment, Person, Status

PERSON = {
    "version": "0",
    "kind": "person",
    "honorific": "Dr",
    "given_names": "Wangari",
    "family_name": "Muta",
    "job_title": "Director of Biodiversity",
    "organisation": "Kenya Wildlife Service",
    "email": "W.Muta@KWS.go.ke",
    "phone": "020 6000800",
    "mobile": "+254 722 000 111",
    "languages": ["en", "fr"],
    "visibility": "registered",
}


def _people() -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def _role(code: str) -> Role:
    return db.session.scalar(select(Role).where(Role.code == code))


def _reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def test_add_a_person_with_normalised_contacts(client, login_as):
    login_as()
    response = client.post("/countries/KE/people/new", data=PERSON)
    assert re.fullmatch(r"/countries/KE/people/\d+", response.headers["Location"])
    person = db.session.scalar(select(Person).where(Person.family_name == "Muta"))
    assert person.email == "w.muta@kws.go.ke"
    assert person.phone == "+254206000800"  # a national number read as Kenyan
    assert person.mobile == "+254722000111"
    assert person.languages == ["en", "fr"]
    page = client.get(response.headers["Location"]).data.decode()
    assert "+254 20 6000800" in page  # shown in international format


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("phone", "12345", "Enter a valid phone number"),
        ("email", "not an address", "Enter a valid e-mail address."),
        ("other_emails", "ok@example.org\nbroken@", "This is not a valid e-mail address: broken@"),
        ("family_name", '=HYPERLINK("http://evil")', "Text may not start with"),
        ("given_names", "Ada\x07", "Remove the control characters."),
    ],
)
def test_bad_contact_details_are_refused(client, login_as, field, value, message):
    login_as()
    response = client.post("/countries/KE/people/new", data={**PERSON, field: value})
    assert response.status_code == 200
    assert message in response.data.decode()
    assert _people() == 0


def test_a_person_needs_a_name_and_an_institution_its_name(client, login_as):
    login_as()
    response = client.post(
        "/countries/KE/people/new", data={**PERSON, "given_names": "", "family_name": ""}
    )
    assert "Give at least a given name or a family name." in response.data.decode()
    response = client.post(
        "/countries/KE/people/new", data={**PERSON, "kind": "institution", "organisation": ""}
    )
    assert "Give the institution&#39;s name." in response.data.decode()
    assert _people() == 0


def test_duplicates_are_flagged_by_email_or_folded_name(client, login_as, make_person):
    login_as()
    existing = make_person("KE", given_names="Wangarí", family_name="MUTA ", email="other@x.org")
    response = client.post("/countries/KE/people/new", data=PERSON)
    page = response.data.decode()
    assert response.status_code == 200 and f"/people/{existing.id}" in page
    assert _people() == 1
    response = client.post("/countries/KE/people/new", data={**PERSON, "confirm_new": "y"})
    assert response.status_code == 302 and _people() == 2
    # same e-mail, different name
    response = client.post(
        "/countries/KE/people/new",
        data={**PERSON, "given_names": "Someone", "family_name": "Else", "email": "OTHER@x.org"},
    )
    assert f"/people/{existing.id}" in response.data.decode() and _people() == 2


def test_people_of_another_country_are_not_duplicates(client, login_as, make_person):
    login_as()
    make_person("TZ", given_names="Wangari", family_name="Muta")
    assert client.post("/countries/KE/people/new", data=PERSON).status_code == 302


def test_national_users_cannot_write_to_another_country(client, login_as, make_person):
    login_as(role="coordinator", country_code="TZ")
    person = make_person("KE")
    assert client.post("/countries/KE/people/new", data=PERSON).status_code == 403
    assert client.post(f"/countries/KE/people/{person.id}/edit", data=PERSON).status_code == 403
    assert client.post(f"/countries/TZ/people/{person.id}/edit", data=PERSON).status_code == 404
    assert _reload(person).family_name != "Muta"


def test_appoint_and_show_on_the_country_page(client, login_as, make_person):
    login_as()
    person = make_person("KE", family_name="Otieno")
    response = client.post(
        "/countries/KE/roles/CMS-NFP/appoint",
        data={"person": str(person.id), "start_date": "2025-02-01", "status": "endorsed"},
    )
    assert response.headers["Location"] == "/countries/KE"
    page = client.get("/countries/KE").data.decode()
    section = page.split('id="conv-CMS"')[1].split("</section>")[0]
    assert "Otieno" in section and "Nationally endorsed" in section


def test_single_holder_roles_refuse_a_second_holder(
    client, login_as, make_appointment, make_person
):
    login_as()
    make_appointment("CMS-NFP")
    second = make_person("KE")
    response = client.post(
        "/countries/KE/roles/CMS-NFP/appoint",
        data={"person": str(second.id), "start_date": "2025-02-01", "status": "proposed"},
    )
    assert "replace the holder instead" in response.data.decode()
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_several_holders_with_one_primary(app, make_appointment):
    first = make_appointment("CITES-MA")
    second = make_appointment("CITES-MA", is_primary=True)
    third = make_appointment("CITES-MA")
    assert not _reload(first).is_primary and _reload(second).is_primary
    assert not _reload(third).is_primary


def test_make_another_holder_primary(client, login_as, make_appointment):
    first = make_appointment("CITES-MA")
    second = make_appointment("CITES-MA")
    login_as()
    client.post(f"/countries/KE/appointments/{second.id}/primary", data={"version": "1"})
    assert _reload(second).is_primary and not _reload(first).is_primary


def test_a_person_cannot_hold_an_institution_role(app, make_person):
    person = make_person("KE")
    cna = _role("CPB-CNA")
    with pytest.raises(operations.RegistryError, match="held by an institution"):
        operations.appoint(person.country, person, cna, date(2025, 1, 1))


def test_a_role_cannot_be_given_to_someone_of_another_country(app, make_person, country):
    person = make_person("TZ")
    with pytest.raises(operations.RegistryError):
        operations.appoint(country("KE"), person, _role("CMS-NFP"), date(2025, 1, 1))


def test_lifecycle_to_acknowledgement(client, app, login_as, make_appointment, make_user):
    appointment = make_appointment("CMS-NFP")
    login_as()
    url = f"/countries/KE/appointments/{appointment.id}"
    response = client.post(f"{url}/advance", data={"status": "notified", "version": "1"})
    assert "needs the letter" in response.data.decode()
    assert _reload(appointment).status == "proposed"
    client.post(
        f"{url}/advance",
        data={
            "status": "notified",
            "version": "1",
            "letter_reference": "MENR/CMS/2025/14",
            "letter_date": "2025-03-01",
        },
    )
    assert _reload(appointment).status == "notified"
    # a national coordinator cannot acknowledge
    assert client.post(f"{url}/acknowledge", data={"version": "2"}).status_code == 403
    secretariat = app.test_client()
    from tests.conftest import login

    login(secretariat, make_user(role="secretariat", country_code=None))
    secretariat.post(f"{url}/acknowledge", data={"version": "2"})
    record = _reload(appointment)
    assert record.status == "acknowledged" and record.acknowledged_at is not None


def test_the_lifecycle_never_goes_back(app, make_appointment):
    appointment = make_appointment("CMS-NFP", status=Status.ENDORSED)
    with pytest.raises(operations.RegistryError, match="later step"):
        operations.advance(appointment, Status.ENDORSED, appointment.version)


def test_ending_keeps_the_record_and_shows_former_holders(client, login_as, make_appointment):
    appointment = make_appointment("CMS-NFP", start=date(2020, 5, 1))
    login_as()
    url = f"/countries/KE/appointments/{appointment.id}/end"
    response = client.post(
        url, data={"end_date": "2019-01-01", "reason": "retired", "version": "1"}
    )
    assert "The end cannot come before the start." in response.data.decode()
    client.post(url, data={"end_date": "2025-06-30", "reason": "retired", "version": "1"})
    record = _reload(appointment)
    assert record.status == "ended" and record.end_date == date(2025, 6, 30)
    page = client.get("/countries/KE").data.decode()
    assert "1 former holder" in page


def test_the_country_page_lists_the_latest_former_holders_and_counts_them_all(
    client, login_as, make_appointment, count_queries
):
    """A country's history grows with the years, the page does not: each role lists its five
    latest former holders, counts them all and points to the people list, in the same queries."""
    from focalpoints.focal_points.queries import FORMER_HOLDERS_SHOWN

    login_as()
    client.get("/countries/KE")  # reference data cached
    counter = count_queries()
    client.get("/countries/KE")
    queries = counter.count
    for year in range(2010, 2017):  # seven holders of CMS-NFP, one after the other
        appointment = make_appointment("CMS-NFP", start=date(year, 1, 1), person=None)
        operations.end_appointment(appointment, date(year, 12, 31), "", appointment.version)
        db.session.commit()
    counter = count_queries()
    page = client.get("/countries/KE").data.decode()
    assert counter.count == queries, counter.statements
    assert "7 former holders" in page
    assert page.count("Dec 31, 2016") == 1 and page.count("Dec 31, 2012") == 1
    assert "Dec 31, 2011" not in page and "Dec 31, 2010" not in page  # the two oldest
    assert FORMER_HOLDERS_SHOWN == 5 and "The latest 5 are listed" in page
    assert "/countries/KE/people" in page


def test_replace_in_one_step(client, login_as, make_appointment, make_person):
    old = make_appointment("CMS-NFP", start=date(2020, 1, 1))
    successor = make_person("KE", family_name="Kamau")
    login_as()
    response = client.post(
        f"/countries/KE/appointments/{old.id}/replace",
        data={"person": str(successor.id), "start_date": "2025-07-01", "version": "1"},
    )
    assert response.status_code == 302
    old = _reload(old)
    assert old.status == "ended" and old.end_date == date(2025, 7, 1)
    new = db.session.scalar(select(Appointment).where(Appointment.predecessor_id == old.id))
    assert new.person_id == successor.id and new.start_date == date(2025, 7, 1)


def _newcomer(**values) -> dict:
    """The new holder's details as the replacement form posts them."""
    fields = {k: v for k, v in PERSON.items() if k != "version"}
    fields.update(values)
    return {f"new-{k}": v for k, v in fields.items()}


def test_replace_with_someone_new_and_the_letter_in_one_step(
    client, app, login_as, make_appointment
):
    import io

    old = make_appointment("CMS-NFP", start=date(2020, 1, 1))
    login_as()
    url = f"/countries/KE/appointments/{old.id}/replace"
    page = client.get(url).data.decode()
    assert 'value="new"' in page and 'name="new-family_name"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="letter_file"' in page
    people = _people()
    response = client.post(
        url,
        data={
            "version": "1",
            "person": "new",
            "start_date": "2025-07-01",
            "status": "notified",
            "letter_reference": "MENR/CMS/2025/14",
            "letter_date": "2025-06-20",
            "letter_file": (io.BytesIO(b"%PDF-1.7 scan"), "designation.pdf"),
            **_newcomer(),
        },
    )
    assert response.status_code == 302
    new = db.session.scalar(select(Appointment).where(Appointment.predecessor_id == old.id))
    assert response.headers["Location"] == f"/countries/KE/appointments/{new.id}"
    assert _people() == people + 1
    assert new.person.family_name == "Muta" and new.person.email == "w.muta@kws.go.ke"
    assert new.person.phone == "+254206000800"  # the person form's own checks and clean-up
    assert new.person.languages == ["en", "fr"]
    assert (new.status, new.letter_reference, new.letter_date) == (
        "notified",
        "MENR/CMS/2025/14",
        date(2025, 6, 20),
    )
    assert new.letter_filename == "designation.pdf"
    assert operations.letter_path(new).read_bytes() == b"%PDF-1.7 scan"
    assert _reload(old).status == "ended"


def test_a_refused_replacement_leaves_no_new_person_nor_letter(
    client, app, login_as, make_appointment, make_person
):
    import io
    from pathlib import Path

    old = make_appointment("CMS-NFP", start=date(2020, 1, 1))
    login_as()
    url = f"/countries/KE/appointments/{old.id}/replace"
    letters = Path(app.instance_path) / "letters"
    before = set(letters.glob("*")) if letters.exists() else set()
    people = _people()
    base = {"version": "1", "person": "new", "start_date": "2025-07-01", **_newcomer()}
    # Refused by the operation after the person was added: the start is not after the old one's.
    response = client.post(
        url,
        data={
            **base,
            "start_date": "2019-01-01",
            "letter_file": (io.BytesIO(b"%PDF-1.7 scan"), "designation.pdf"),
        },
    )
    assert "must start after the current holder started" in response.data.decode()
    # A notification without its letter's reference and date.
    response = client.post(url, data={**base, "status": "notified"})
    assert "needs the letter" in response.data.decode()
    # The new person's details are checked as on the person form.
    response = client.post(url, data={**base, "new-email": "not an address"})
    assert "Enter a valid e-mail address." in response.data.decode()
    response = client.post(url, data={**base, "new-given_names": "", "new-family_name": ""})
    assert "Give at least a given name or a family name." in response.data.decode()
    assert _people() == people
    assert (set(letters.glob("*")) if letters.exists() else set()) == before
    assert _reload(old).status != "ended" and _reload(old).version == 1
    # Someone recorded already is chosen as before, and the new person's fields are ignored.
    known = make_person("KE", family_name="Kamau")
    response = client.post(url, data={**base, "person": str(known.id), "new-email": "junk"})
    assert response.status_code == 302 and _people() == people + 1


def test_a_new_holder_who_may_be_recorded_already_is_pointed_out(
    client, login_as, make_appointment, make_person
):
    old = make_appointment("CMS-NFP", start=date(2020, 1, 1))
    twin = make_person("KE", given_names="Wangari", family_name="Muta", email="other@example.org")
    login_as()
    url = f"/countries/KE/appointments/{old.id}/replace"
    people = _people()
    data = {"version": "1", "person": "new", "start_date": "2025-07-01", **_newcomer()}
    page = client.post(url, data=data).data.decode()
    assert "look like the same person" in page and f"/people/{twin.id}" in page
    assert _people() == people
    response = client.post(url, data={**data, "new-confirm_new": "y"})
    assert response.status_code == 302 and _people() == people + 1


def test_an_operation_failing_after_the_new_person_is_added_saves_nothing(
    app, make_appointment, monkeypatch
):
    old = make_appointment("CMS-NFP", start=date(2020, 1, 1))
    people = _people()

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(operations, "_keep_letter", fail)
    with pytest.raises(RuntimeError):
        operations.replace_in_one_step(
            old,
            {"kind": "person", "family_name": "Otieno"},
            date(2025, 7, 1),
            1,
            letter=(b"%PDF-1.7", "scan.pdf"),
        )
    assert _people() == people
    assert _reload(old).status == "proposed" and _reload(old).version == 1
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_confirm_and_stale(client, app, login_as, make_appointment):
    appointment = make_appointment("CMS-NFP", start=date(2020, 1, 1))
    appointment.last_confirmed_on = date.today() - timedelta(days=400)
    db.session.commit()
    login_as()
    assert "stale" in client.get("/countries/KE").data.decode()
    client.post(f"/countries/KE/appointments/{appointment.id}/confirm", data={"version": "1"})
    assert _reload(appointment).last_confirmed_on == date.today()
    section = client.get("/countries/KE").data.decode().split('id="conv-CMS"')[1]
    assert "badge text-bg-danger" not in section.split("</section>")[0]


def test_second_of_two_concurrent_edits_is_refused(app, make_user, make_person):
    from tests.conftest import login

    person = make_person("KE", family_name="Original")
    first, second = app.test_client(), app.test_client()
    login(first, make_user())
    login(second, make_user())
    form = {**PERSON, "version": "1"}
    assert (
        first.post(
            f"/countries/KE/people/{person.id}/edit", data={**form, "family_name": "First"}
        ).status_code
        == 302
    )
    response = second.post(
        f"/countries/KE/people/{person.id}/edit",
        data={**form, "family_name": "Second"},
        follow_redirects=True,
    )
    page = response.data.decode()
    assert "Someone else saved this record" in page
    assert 'value="First"' in page  # the newer values are shown
    assert _reload(person).family_name == "First"


def test_a_save_racing_past_the_version_check_is_refused_by_the_mapper(app, make_person):
    """The version is the mapper's version_id_col: an UPDATE is conditional on the version read,
    so a save that lands between the check and the write is still refused."""
    from sqlalchemy import event, inspect, update

    from focalpoints.concurrency import StaleRecord

    assert inspect(Person).version_id_col is Person.__table__.c.version
    person = make_person("KE", family_name="Original")

    saved: list[int] = []

    def other_request_saves(session, flush_context, instances):
        if not saved:  # once, just before the claim's UPDATE
            saved.append(person.id)
            session.execute(
                update(Person)
                .where(Person.id == person.id)
                .values(version=Person.version + 1, family_name="Theirs")
                .execution_options(synchronize_session=False)  # as another session would
            )

    event.listen(db.session, "before_flush", other_request_saves)
    values = {"given_names": "Grace", "family_name": "Mine"}
    try:
        with pytest.raises(StaleRecord):
            operations.update_person(person, values, seen_version=1)
    finally:
        event.remove(db.session, "before_flush", other_request_saves)
    assert saved
    assert _reload(person).family_name == "Original"  # theirs was rolled back with the test's


def test_delete_and_restore(client, login_as, make_person, make_appointment):
    login_as(role="coordinator")
    held = make_appointment("CMS-NFP")
    response = client.post(f"/countries/KE/people/{held.person_id}/delete", follow_redirects=True)
    assert "End this person" in response.data.decode()
    person = make_person("KE", family_name="Gone")
    client.post(f"/countries/KE/people/{person.id}/delete")
    assert _reload(person).is_deleted
    assert client.get(f"/countries/KE/people/{person.id}").status_code == 404
    client.post(f"/countries/KE/people/{person.id}/restore")
    assert not _reload(person).is_deleted


def test_editors_cannot_restore(client, login_as, make_person):
    login_as(role="editor")
    person = make_person("KE")
    operations.delete_person(person)
    assert client.post(f"/countries/KE/people/{person.id}/restore").status_code == 403


def test_merge_moves_appointments_and_keeps_history(
    client, login_as, make_person, make_appointment
):
    login_as(role="coordinator")
    keep = make_person("KE", family_name="Keep", phone="")
    duplicate = make_person("KE", family_name="Keep2", phone="+254206000800")
    appointment = make_appointment("CBD-FP1", person=duplicate)
    client.post(f"/countries/KE/people/{keep.id}/merge", data={"other": str(duplicate.id)})
    assert _reload(appointment).person_id == keep.id
    assert _reload(keep).phone == "+254206000800"
    assert _reload(duplicate).merged_into_id == keep.id and _reload(duplicate).is_deleted


def test_history_shows_who_changed_what(client, login_as, make_person):
    login_as()
    person = make_person("KE", family_name="Before")
    client.post(
        f"/countries/KE/people/{person.id}/edit",
        data={**PERSON, "family_name": "After", "version": "1"},
    )
    page = client.get(f"/countries/KE/people/{person.id}").data.decode()
    history = page.split("Change history</h2>")[1]
    assert "Family name" in history and "Before" in history and "After" in history


def test_restricted_people_stay_with_their_country(
    app, client, login_as, make_person, make_appointment, make_user
):
    from tests.conftest import login

    secret = make_person("KE", family_name="Secretive", visibility="restricted")
    open_person = make_person("KE", family_name="Open", visibility="registered")
    make_appointment("CMS-NFP", person=secret)
    login_as(role="coordinator", country_code="TZ")
    page = client.get("/countries/KE").data.decode()
    assert "Secretive" not in page and "Designated (details shared only" in page
    people = client.get("/countries/KE/people").data.decode()
    assert "Secretive" not in people and "Open" in people
    assert client.get(f"/countries/KE/people/{secret.id}").status_code == 403
    secretariat = app.test_client()
    login(secretariat, make_user(role="secretariat", country_code=None))
    assert "Secretive" in secretariat.get("/countries/KE").data.decode()
    assert open_person


def test_letter_upload_checks_content_and_size(client, login_as, make_appointment, app):
    import io

    appointment = make_appointment("CMS-NFP")
    login_as()
    url = f"/countries/KE/appointments/{appointment.id}/advance"
    data = {
        "status": "notified",
        "version": "1",
        "letter_reference": "REF-1",
        "letter_date": "2025-03-01",
    }
    response = client.post(
        url,
        data={**data, "letter_file": (io.BytesIO(b"MZ\x90 not a pdf"), "letter.pdf")},
        content_type="multipart/form-data",
    )
    assert "must be a PDF" in response.data.decode()
    assert _reload(appointment).status == "proposed"
    client.post(
        url,
        data={**data, "letter_file": (io.BytesIO(b"%PDF-1.7 fake"), "scan.pdf")},
        content_type="multipart/form-data",
    )
    record = _reload(appointment)
    assert record.status == "notified" and record.letter_filename == "scan.pdf"
    with client.get(f"/countries/KE/appointments/{appointment.id}/letter") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
        assert "attachment" in download.headers["Content-Disposition"]
        assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_people_view_lists_each_person_once_with_all_roles(
    client, login_as, make_person, make_appointment
):
    login_as()
    person = make_person("KE", family_name="Manyroles")
    for code in ("CMS-NFP", "CBD-FP1", "RAMSAR-NFP"):
        make_appointment(code, person=person)
    page = client.get("/countries/KE/people").data.decode()
    assert page.count("Manyroles") == 1
    for name in ("CMS", "CBD", "Ramsar"):
        assert name in page


def test_people_page_takes_a_fixed_number_of_queries(
    client, login_as, make_appointment, count_queries
):
    login_as()
    make_appointment("CMS-NFP")
    counter = count_queries()
    client.get("/countries/KE/people")
    baseline = counter.count
    for code in ("CBD-FP1", "CITES-MA", "CITES-SA", "RAMSAR-NFP", "CHM-FP"):
        make_appointment(code)
    counter.statements.clear()
    client.get("/countries/KE/people")
    assert counter.count == baseline


def test_personal_data_export_and_erasure(client, login_as, make_person, make_appointment):
    login_as(role="coordinator")
    person = make_person(
        "KE", given_names="Grace", family_name="Wanjiku", email="grace@example.org"
    )
    make_appointment("CMS-NFP", person=person)
    client.post(
        f"/countries/KE/people/{person.id}/edit",
        data={**PERSON, "family_name": "Wanjiku-Otieno", "version": "1"},
    )
    data = client.get(f"/countries/KE/people/{person.id}/data.json").get_json()
    assert data["person"]["family_name"] == "Wanjiku-Otieno"
    assert data["appointments"][0]["role"] == "CMS-NFP"
    assert any(
        e["after"] and e["after"].get("family_name") == "Wanjiku-Otieno" for e in data["history"]
    )
    assert "cannot be undone" in client.get(f"/countries/KE/people/{person.id}/erase").data.decode()
    client.post(f"/countries/KE/people/{person.id}/erase")
    erased = _reload(person)
    assert "Wanjiku" not in erased.family_name and erased.email == "" and erased.is_deleted
    assert erased.appointments[0].status == "ended"  # the role stays, with its dates
    trail = client.get(f"/countries/KE/people/{person.id}/data.json").get_data(as_text=True)
    assert "Wanjiku" not in trail and "grace@example.org" not in trail
    assert '"erase"' in trail
