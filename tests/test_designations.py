"""Designations reach the Secretariat at once: its queue, and notices recorded with the event."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Status
from focalpoints.notifications.models import Notice
from tests.conftest import login
from tests.test_notifications import body, notices_of, to


def _notify_on_the_web(client, appointment, reference="REF/KEN/7"):
    return client.post(
        f"/countries/KE/appointments/{appointment.id}/advance",
        data={
            "status": "notified",
            "version": str(appointment.version),
            "letter_reference": reference,
            "letter_date": (date.today() - timedelta(days=3)).isoformat(),
        },
    )


def test_a_designation_marked_notified_is_in_the_queue_and_told_at_once(
    app, client, make_user, make_appointment
):
    secretariat = make_user("secretariat", None)
    coordinator = make_user("coordinator", "KE")
    appointment = make_appointment("CMS-NFP")
    login(client, coordinator)
    response = _notify_on_the_web(client, appointment)
    assert response.status_code == 302
    # No `focalpoints notify` has run: the notice was recorded with the event, and mailed.
    [notice] = notices_of(secretariat)
    assert notice.kind == "designations_notified" and notice.items == [appointment.id]
    [mail] = to(secretariat.email)
    assert "REF/KEN/7" in body(mail)
    assert notices_of(coordinator) == []

    reader = app.test_client()
    login(reader, secretariat)
    page = reader.get("/designations").get_data(as_text=True)
    assert "REF/KEN/7" in page and "Kenya" in page
    assert "1 designation waiting." in page


def test_a_failed_event_leaves_no_notice(app, client, make_user, make_appointment):
    secretariat = make_user("secretariat", None)
    appointment = make_appointment("CMS-NFP")
    login(client, make_user("coordinator", "KE"))
    response = _notify_on_the_web(client, appointment, reference="")  # no letter: refused
    assert response.status_code == 200
    assert db.session.get(Appointment, appointment.id).status == "proposed"
    assert notices_of(secretariat) == []


def test_a_notice_recorded_by_a_concurrent_request_is_not_an_error(
    app, client, make_user, make_appointment, monkeypatch
):
    """Two confirmations at once both find the Secretariat's next notice due, with one key: the
    second request's event is saved all the same (it was a 500: UniqueViolation)."""
    from focalpoints.notifications import events

    secretariat = make_user("secretariat", None)
    appointment = make_appointment("CMS-NFP")
    find_due = events.find_due

    def raced(today, only=None):
        found = find_due(today, only=only)
        for notice in found:  # the winner's copy, committed while this request was working
            db.session.execute(
                Notice.__table__.insert().values(
                    user_id=notice.user_id,
                    kind=notice.kind,
                    subject=notice.subject,
                    key=notice.key,
                    items=[],
                    params={},
                    email_state="sent",
                )
            )
        return found

    monkeypatch.setattr(events, "find_due", raced)
    login(client, make_user("coordinator", "KE"))
    assert _notify_on_the_web(client, appointment).status_code == 302
    assert db.session.get(Appointment, appointment.id).status == "notified"
    [notice] = notices_of(secretariat)
    assert notice.items == []  # the winner's; this request recorded no second one


def test_a_step_undone_by_a_later_failure_leaves_no_notice_and_no_mail(
    app, client, make_user, make_appointment, monkeypatch
):
    """The lifecycle step and its letter are one unit of work: the step's notice is recorded
    by the request's one commit, and mailed only after it."""
    import io

    from focalpoints.focal_points import operations as registry

    def refuse_letter(*args, **kwargs):
        raise registry.RegistryError("The letter could not be stored.", "letter_file")

    monkeypatch.setattr(registry, "store_letter", refuse_letter)
    secretariat = make_user("secretariat", None)
    appointment = make_appointment("CMS-NFP")
    login(client, make_user("coordinator", "KE"))
    response = client.post(
        f"/countries/KE/appointments/{appointment.id}/advance",
        data={
            "status": "notified",
            "version": str(appointment.version),
            "letter_reference": "REF/KEN/8",
            "letter_date": (date.today() - timedelta(days=3)).isoformat(),
            "letter_file": (io.BytesIO(b"%PDF-1.4 letter"), "letter.pdf"),
        },
    )
    assert "The letter could not be stored." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "proposed"
    assert notices_of(secretariat) == [] and to(secretariat.email) == []


def test_the_queue_is_oldest_first_and_filtered(client, login_as, make_appointment):
    older = make_appointment(
        "CBD-FP1", status=Status.NOTIFIED, letter_reference="OLD", letter_date=date(2026, 1, 5)
    )
    newer = make_appointment(
        "AEWA-NFP", status=Status.NOTIFIED, letter_reference="NEW", letter_date=date(2026, 3, 1)
    )
    french = make_appointment(
        "CMS-NFP",
        country_code="FR",
        status=Status.NOTIFIED,
        letter_reference="FRA",
        letter_date=date(2026, 2, 1),
    )
    login_as("secretariat", None)
    page = client.get("/designations").get_data(as_text=True)
    assert page.index("OLD") < page.index("FRA") < page.index("NEW")
    cms = client.get("/designations?convention=CMS").get_data(as_text=True)
    assert "NEW" in cms and "FRA" in cms and "OLD" not in cms  # AEWA comes under CMS
    africa = client.get("/designations?convention=CMS&region=africa").get_data(as_text=True)
    assert "NEW" in africa and "FRA" not in africa
    assert {older.id, newer.id, french.id}
    bad = client.get("/designations?convention=NOPE&region=mars")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "Unknown convention or instrument: NOPE" in text and "Unknown region: mars" in text


def test_several_acknowledged_at_once_and_the_country_told(client, make_user, make_appointment):
    coordinator = make_user("coordinator", "KE")
    first, second, third = (
        make_appointment(
            code, status=Status.NOTIFIED, letter_reference=code, letter_date=date(2026, 1, 5)
        )
        for code in ("CMS-NFP", "CBD-FP1", "CITES-MA")
    )
    login(client, make_user("secretariat", None))
    response = client.post(
        "/designations/acknowledge",
        data={
            "appointment": [
                f"{first.id}:{first.version}",
                f"{second.id}:{second.version + 5}",  # someone changed it since
            ]
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    statuses = {
        a.id: a.status
        for a in db.session.scalars(
            select(Appointment).where(Appointment.id.in_([first.id, second.id, third.id]))
        )
    }
    assert statuses == {first.id: "acknowledged", second.id: "notified", third.id: "notified"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 designation acknowledged." in page
    assert "changed by someone else" in page
    # One row's own button acknowledges that row alone, whatever else is ticked.
    client.post(
        "/designations/acknowledge",
        data={"one": f"{third.id}:{third.version}", "appointment": f"{second.id}:1"},
    )
    db.session.expire_all()
    assert db.session.get(Appointment, third.id).status == "acknowledged"
    assert db.session.get(Appointment, second.id).status == "notified"
    told = notices_of(coordinator, "designations_acknowledged")
    assert told and set(told[-1].items) == {first.id, third.id}


def test_only_the_secretariat_sees_and_acknowledges(client, make_user, make_appointment):
    appointment = make_appointment(
        "CMS-NFP", status=Status.NOTIFIED, letter_reference="X", letter_date=date(2026, 1, 5)
    )
    login(client, make_user("coordinator", "KE"))
    assert client.get("/designations").status_code == 403
    response = client.post(
        "/designations/acknowledge", data={"one": f"{appointment.id}:{appointment.version}"}
    )
    assert response.status_code == 403
    assert db.session.get(Appointment, appointment.id).status == "notified"
    assert db.session.scalar(select(Notice.id)) is None
