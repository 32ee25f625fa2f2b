"""Focal points who answer for themselves: the links `notify` mails them, confirming and
correcting their record, saying they no longer hold a role, answering a consultation; the
coordinators' approval; and mail that real servers accept."""

from __future__ import annotations

import email
import re
import smtplib
from datetime import date, timedelta
from email import policy
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from focalpoints.audit.models import AuditEntry
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Person
from focalpoints.positions import operations as positions
from focalpoints.self_service.models import PendingChange, PersonLink
from tests.conftest import in_language, login, sample_positions

LINK = re.compile(r"http://focalpoints\.test(/respond/[A-Za-z0-9_-]+)")


def outbox() -> list[email.message.EmailMessage]:
    folder = Path(current_app.instance_path) / "outbox"
    if not folder.exists():
        return []
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]


def to(address: str) -> list[email.message.EmailMessage]:
    return [m for m in outbox() if m["To"] == address]


def body(message: email.message.EmailMessage, kind: str = "plain") -> str:
    return message.get_body(preferencelist=(kind,)).get_content()


def link_in(message: email.message.EmailMessage) -> str:
    return LINK.search(body(message))[1]


def _reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def _stale(appointment: Appointment, days: int = 400) -> Appointment:
    appointment.last_confirmed_on = date.today() - timedelta(days=days)
    db.session.commit()
    return appointment


@pytest.fixture
def holder(make_person, make_appointment):
    """A Kenyan CMS focal point, without an account, who reads French."""
    person = make_person(
        "KE", given_names="Amina", family_name="Otieno", languages=["fr"], job_title="Director"
    )
    return _stale(make_appointment("CMS-NFP", person=person))


def _ask(runner) -> None:
    result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    return result


# `focalpoints notify` asks each holder -----------------------------------------------------


def test_notify_puts_a_confirmation_request_for_each_holder_in_the_outbox(
    app, runner, holder, make_person, make_appointment, make_user
):
    make_person("KE", family_name="Without role")  # holds nothing: not asked
    no_address = make_person("KE", family_name="Unreachable", email="")
    make_appointment("CBD-FP1", person=no_address)
    result = _ask(runner)
    assert "Requests to confirm a record sent: 1." in result.output
    [message] = to(holder.person.email)
    assert message["Content-Language"] == "fr"
    assert message["Subject"] == in_language(
        "fr", "Please confirm your details as a focal point of %(country)s", country="Kenya"
    )
    assert LINK.search(body(message)) and LINK.search(body(message, "html"))
    assert "Otieno" in body(message)
    [link] = db.session.scalars(select(PersonLink)).all()
    assert link.sent_at is not None and link.language == "fr"
    token = link_in(message).rsplit("/", 1)[1]
    assert token not in repr(db.session.execute(select(PersonLink.__table__)).all())
    # Once a year: a second run asks nobody again.
    assert "Requests to confirm a record sent: 0." in _ask(runner).output
    assert len(outbox()) == 1


def test_a_new_designation_or_a_year_brings_a_new_request(app, runner, holder, make_appointment):
    _ask(runner)
    link = db.session.scalar(select(PersonLink))
    make_appointment("CBD-FP1", person=holder.person)  # designated since asked
    _ask(runner)
    assert len(to(holder.person.email)) == 2
    assert len(to(holder.person.email)) == 2
    for row in db.session.scalars(select(PersonLink)):
        row.sent_at = utcnow() - timedelta(days=366)
    db.session.commit()
    _ask(runner)
    assert len(to(holder.person.email)) == 3
    assert link.id


def test_dry_run_plans_the_links_and_sends_nothing(app, runner, holder):
    result = runner.invoke(args=["notify", "--dry-run"])
    assert f"confirmation request to {holder.person.email}" in result.output
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(PersonLink)) == 0


# Confirming, single use, expiry ------------------------------------------------------------


def test_opening_the_link_and_confirming_sets_last_confirmed_to_today(app, runner, holder):
    _ask(runner)
    path = link_in(to(holder.person.email)[0])
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Otieno" in html and 'lang="fr"' in html
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = client.post(path, data={"action": "confirm"})
    assert response.status_code == 200
    assert _reload(holder).last_confirmed_on == date.today()
    link = db.session.scalar(select(PersonLink))
    assert link.outcome == "confirmed" and link.used_at is not None
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "appointments", AuditEntry.entity_id == str(holder.id))
        .order_by(AuditEntry.id.desc())
    )
    assert entry.actor_label == f"{holder.person.email} (link)"
    # Used once: the link no longer opens, nor acts.
    assert client.get(path).status_code == 410
    assert client.post(path, data={"action": "confirm"}).status_code == 410
    assert "Otieno" not in client.get(path).get_data(as_text=True)


def test_an_expired_or_unknown_link_opens_nothing(app, runner, holder):
    _ask(runner)
    path = link_in(to(holder.person.email)[0])
    link = db.session.scalar(select(PersonLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    client = app.test_client()
    for target in (path, "/respond/fpl_not-a-link", path[:-3]):
        response = client.get(target)
        assert response.status_code in (404, 410), target
        assert "Otieno" not in response.get_data(as_text=True)
    client.post(path, data={"action": "confirm"})
    assert _reload(holder).last_confirmed_on != date.today()


def test_the_link_expires_after_the_configured_days(app, runner, holder):
    app.config["PERSON_LINK_MAX_AGE_DAYS"] = 3
    _ask(runner)
    link = db.session.scalar(select(PersonLink))
    assert (link.expires_at - link.created_at).days == 3


def test_the_page_shows_nothing_of_anyone_else(app, runner, holder, make_appointment, make_person):
    colleague = make_person("KE", family_name="Kamau", email="kamau@example.org")
    make_appointment("CITES-MA", person=colleague)
    _ask(runner)
    html = app.test_client().get(link_in(to(holder.person.email)[0])).get_data(as_text=True)
    assert "Kamau" not in html and "kamau@example.org" not in html
    assert "CITES" not in html


# Corrections and "no longer" go to the coordinators -----------------------------------------


def _correction(person: Person, **changes) -> dict:
    data = {
        "action": "correct",
        "honorific": person.honorific,
        "given_names": person.given_names,
        "family_name": person.family_name,
        "job_title": person.job_title,
        "organisation": person.organisation,
        "email": person.email,
        "address_country": person.address_country or "",
        "languages": person.languages,
    }
    data.update(changes)
    return data


def test_a_correction_is_approved_by_a_coordinator_and_then_applied(app, runner, holder, make_user):
    _ask(runner)
    path = link_in(to(holder.person.email)[0])
    client = app.test_client()
    response = client.post(path, data=_correction(holder.person, job_title="Director General"))
    assert response.status_code == 200, response.get_data(as_text=True)
    person = _reload(holder.person)
    assert person.job_title == "Director"  # never applied silently
    [change] = db.session.scalars(select(PendingChange)).all()
    assert change.proposed == {"job_title": "Director General"}
    assert change.previous == {"job_title": "Director"}

    coordinator = make_user("coordinator", "KE")
    official = app.test_client()
    login(official, coordinator)
    page = official.get("/countries/KE/proposed-changes").get_data(as_text=True)
    assert "Director General" in page and "<del>Director</del>" in page
    assert "Otieno" in official.get(f"/countries/KE/people/{person.id}").get_data(as_text=True)
    response = official.post(f"/countries/KE/proposed-changes/{change.id}/approve")
    assert response.headers["Location"].endswith("/countries/KE/proposed-changes")
    assert _reload(person).job_title == "Director General"
    assert _reload(change).status == "approved"
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "people", AuditEntry.entity_id == str(person.id))
        .order_by(AuditEntry.id.desc())
    )
    assert entry.actor_id == coordinator.id
    assert entry.after["job_title"] == "Director General"
    # Decided once.
    official.post(f"/countries/KE/proposed-changes/{change.id}/reject")
    assert _reload(change).status == "approved"


def test_a_correction_without_a_change_is_refused_and_the_link_stays_usable(app, runner, holder):
    _ask(runner)
    path = link_in(to(holder.person.email)[0])
    client = app.test_client()
    response = client.post(path, data=_correction(holder.person))
    assert response.status_code == 200
    refusal = "Change at least one detail, or confirm the record as it is."
    assert in_language("fr", refusal) in response.get_data(as_text=True)  # their language
    assert db.session.scalar(select(PersonLink)).used_at is None
    client.post(path, data={"action": "confirm"})
    assert _reload(holder).last_confirmed_on == date.today()


def test_no_longer_holding_a_role_ends_it_once_approved(app, runner, holder, make_user):
    _ask(runner)
    path = link_in(to(holder.person.email)[0])
    app.test_client().post(
        path, data={"action": "no_longer", "appointments": [str(holder.id)], "note": "Retired"}
    )
    assert _reload(holder).is_current
    change = db.session.scalar(select(PendingChange))
    assert change.kind == "no_longer" and change.appointment_ids == [holder.id]
    official = app.test_client()
    login(official, make_user("coordinator", "KE"))
    official.post(f"/countries/KE/proposed-changes/{change.id}/approve")
    assert not _reload(holder).is_current


def test_a_rejected_change_leaves_the_record(app, runner, holder, make_user):
    _ask(runner)
    app.test_client().post(
        link_in(to(holder.person.email)[0]), data=_correction(holder.person, family_name="X")
    )
    change = db.session.scalar(select(PendingChange))
    official = app.test_client()
    login(official, make_user("coordinator", "KE"))
    official.post(f"/countries/KE/proposed-changes/{change.id}/reject")
    assert _reload(holder.person).family_name == "Otieno"
    assert _reload(change).status == "rejected"


def test_another_countrys_coordinator_cannot_see_or_approve_a_change(
    app, runner, holder, make_user
):
    _ask(runner)
    app.test_client().post(
        link_in(to(holder.person.email)[0]), data=_correction(holder.person, job_title="Chief")
    )
    change = db.session.scalar(select(PendingChange))
    for role, code in (("coordinator", "TZ"), ("editor", "KE"), ("secretariat", None)):
        client = app.test_client()
        login(client, make_user(role, code))
        assert client.get("/countries/KE/proposed-changes").status_code == 403, role
        assert client.post(f"/countries/KE/proposed-changes/{change.id}/approve").status_code == 403
    tanzanian = app.test_client()
    login(tanzanian, make_user("coordinator", "TZ"))
    assert tanzanian.post(f"/countries/TZ/proposed-changes/{change.id}/approve").status_code == 404
    assert _reload(change).is_pending
    assert _reload(holder.person).job_title == "Director"


def test_coordinators_see_who_was_asked_when_and_what_they_answered(app, runner, holder, make_user):
    _ask(runner)
    app.test_client().post(link_in(to(holder.person.email)[0]), data={"action": "confirm"})
    official = app.test_client()
    login(official, make_user("coordinator", "KE"))
    person_page = official.get(f"/countries/KE/people/{holder.person_id}").get_data(as_text=True)
    assert "Asked to confirm their details" in person_page
    assert "Confirmed on" in person_page
    country_page = official.get("/countries/KE/proposed-changes").get_data(as_text=True)
    assert "Otieno" in country_page and "Confirmed on" in country_page


def test_link_pages_are_rate_limited(app_factory, make_person):
    app = app_factory(RATELIMIT_ENABLED=True, PERSON_LINK_RATE_LIMIT="3 per hour")
    with app.app_context():
        client = app.test_client()
        codes = [client.get("/respond/fpl_unknown").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


# Consultations by link ------------------------------------------------------------------------


@pytest.fixture
def consultation(app, make_person, make_appointment):
    urls = sample_positions("KE")
    position_id = int(urls["position"].rsplit("/", 1)[1])
    from focalpoints.positions.models import Position

    position = db.session.get(Position, position_id)
    person = make_person("KE", family_name="Wanjiru", email="wanjiru@example.org")
    make_appointment("CBD-FP1", person=person)
    [made] = positions.request_consultation(
        position, [person], None, "Please read this.", "en", position.version, share_text=True
    )
    return made


def test_a_consulted_focal_point_without_an_account_answers_through_the_link(
    app, runner, consultation
):
    _ask(runner)
    [message] = [m for m in to("wanjiru@example.org") if "Our line" in m["Subject"]]
    path = link_in(message)
    client = app.test_client()
    page = client.get(path).get_data(as_text=True)
    assert "Our line" in page and "Please read this." in page and "Text." in page
    response = client.post(
        path, data={"answer": "comment", "note": "Add a paragraph.", "language": "en"}
    )
    assert response.status_code == 200
    answered = _reload(consultation)
    assert answered.answer == "comment" and answered.answered_by_self
    assert answered.answered_on == date.today()
    assert client.get(path).status_code == 410


def test_the_link_shows_the_text_only_when_the_country_shares_it(app, runner, consultation):
    consultation.share_text = False
    db.session.commit()
    _ask(runner)
    [message] = [m for m in to("wanjiru@example.org") if "Our line" in m["Subject"]]
    page = app.test_client().get(link_in(message)).get_data(as_text=True)
    assert "Please read this." in page and "Text." not in page


def test_consultation_links_are_mailed_as_soon_as_the_country_asks(
    app, make_user, make_person, make_appointment
):
    urls = sample_positions("KE")
    person = make_person("KE", family_name="Mutua", email="mutua@example.org")
    make_appointment("CBD-FP1", person=person)
    client = app.test_client()
    login(client, make_user("coordinator", "KE"))
    position_id = int(urls["position"].rsplit("/", 1)[1])
    from focalpoints.positions.models import Position

    position = db.session.get(Position, position_id)
    client.post(
        f"{urls['position']}/consult",
        data={
            "version": position.version,
            "people": [str(person.id)],
            "message": "Your view?",
            "language": "en",
            "share_text": "y",
        },
    )
    [message] = to("mutua@example.org")
    assert LINK.search(body(message))


def test_a_focal_point_with_an_account_is_not_sent_a_link(app, runner, consultation, make_user):
    make_user("editor", "KE", email="wanjiru@example.org")
    _ask(runner)
    asked = [m for m in to("wanjiru@example.org") if "Our line" in m["Subject"]]
    assert asked  # the notice, to their account
    assert not any(LINK.search(body(m)) for m in asked)
    assert not db.session.scalars(select(PersonLink).where(PersonLink.purpose == "consult")).all()


def test_the_position_page_labels_who_gave_each_answer(
    app, runner, consultation, make_user, make_person, make_appointment
):
    other = make_person("KE", family_name="Kiprop")
    make_appointment("CITES-MA", person=other)
    position = consultation.position
    [on_behalf] = positions.request_consultation(
        position, [other], None, "", "en", position.version
    )
    positions.record_answer(on_behalf, "agree", "", "en", date.today(), on_behalf.version)
    _ask(runner)
    [message] = [m for m in to("wanjiru@example.org") if "Our line" in m["Subject"]]
    app.test_client().post(link_in(message), data={"answer": "agree", "language": "en"})
    client = app.test_client()
    login(client, make_user("coordinator", "KE"))
    page = client.get(f"/countries/KE/positions/{position.id}").get_data(as_text=True)
    assert "Answered by the focal point" in page
    assert "Recorded on their behalf" in page


# Mail that real servers accept -----------------------------------------------------------------


def test_messages_carry_the_headers_servers_check(app, runner, holder, make_user):
    app.config["MAIL_DEFAULT_SENDER"] = "Focal points <focalpoints@example.int>"
    coordinator = make_user("coordinator", "KE")
    _ask(runner)
    for message in outbox():
        assert message["From"] == "Focal points <focalpoints@example.int>"
        assert message["Message-ID"].endswith("@example.int>")
        assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
        assert message.get_body(preferencelist=("plain",)) is not None
        assert message.get_body(preferencelist=("html",)) is not None
    [notice] = to(coordinator.email)
    assert notice["List-Unsubscribe"] == "<http://focalpoints.test/account#notices>"
    [request] = to(holder.person.email)
    assert request["List-Unsubscribe"] is None  # a request to a focal point is not a list


class RefusingSMTP:
    sent: list = []

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def starttls(self, **kwargs) -> None:
        pass

    def send_message(self, message) -> None:
        if message["To"].endswith("@refused.example"):
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"5.1.1 No such user")})
        RefusingSMTP.sent.append(message)


def test_an_address_the_server_refuses_is_marked_on_the_person(
    app, runner, make_person, make_appointment, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.test")
    monkeypatch.setattr("focalpoints.mail.smtplib.SMTP", RefusingSMTP)
    RefusingSMTP.sent = []
    refused = make_person("KE", family_name="Gone", email="gone@refused.example")
    make_appointment("CMS-NFP", person=refused)
    reachable = make_person("KE", family_name="Here")
    make_appointment("CBD-FP1", person=reachable)
    result = runner.invoke(args=["notify"])
    assert result.exit_code == 1
    assert "Links not delivered: 1" in result.output
    assert [m["To"] for m in RefusingSMTP.sent] == [reachable.email]
    person = _reload(refused)
    assert person.email_refused_at is not None and "No such user" in person.email_refused_reason
    assert _reload(reachable).email_refused_at is None
    client = app.test_client()
    login(client, make_user("coordinator", "KE"))
    page = client.get(f"/countries/KE/people/{person.id}").get_data(as_text=True)
    assert "The mail server refused gone@refused.example" in page
    assert "refused by the mail server" in client.get("/countries/KE/people").get_data(as_text=True)
    # A new address clears the mark.
    from focalpoints.focal_points import operations as registry

    registry.update_person(
        person,
        {"family_name": person.family_name, "email": "back@example.org"},
        person.version,
    )
    assert _reload(person).email_refused_at is None
