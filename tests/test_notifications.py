"""Notices and reminders: who receives what, in which language, once, and never another
country's data."""

from __future__ import annotations

import email
import smtplib
from datetime import date, timedelta
from email import policy
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.focal_points import operations as registry
from focalpoints.focal_points.models import Status
from focalpoints.notifications import operations
from focalpoints.notifications.kinds import KINDS
from focalpoints.notifications.models import Delivery, EmailState, Notice
from tests.conftest import in_language, login


def outbox() -> list[email.message.EmailMessage]:
    folder = Path(current_app.instance_path) / "outbox"
    if not folder.exists():
        return []
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def to(address: str) -> list[email.message.EmailMessage]:
    return [m for m in outbox() if m["To"] == address]


def body(message: email.message.EmailMessage, kind: str = "plain") -> str:
    return message.get_body(preferencelist=(kind,)).get_content()


def notices_of(user, kind: str | None = None) -> list[Notice]:
    query = select(Notice).where(Notice.user_id == user.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return list(db.session.scalars(query.order_by(Notice.id)))


def make_stale(appointment, days: int = 400):
    appointment.last_confirmed_on = date.today() - timedelta(days=days)
    db.session.commit()
    return appointment


def only(*codes: str):
    """Keep only these kinds in the registry for a test (vacancies are everywhere)."""
    return {code: kind for code, kind in KINDS.items() if code in codes}


@pytest.fixture
def kinds(monkeypatch):
    def keep(*codes: str) -> None:
        monkeypatch.setattr(
            "focalpoints.notifications.operations.KINDS", only(*codes), raising=True
        )

    return keep


# Who receives what ------------------------------------------------------------------------


def test_stale_digest_goes_to_each_countrys_coordinators_only(
    app, make_user, make_appointment, make_person, kinds
):
    kinds("stale_appointments")
    ke_coordinator = make_user("coordinator", "KE")
    ke_editor = make_user("editor", "KE")
    tz_coordinator = make_user("coordinator", "TZ")
    secretariat = make_user("secretariat", None)
    kenyan = make_person("KE", family_name="Otieno", visibility="restricted")
    stale = make_stale(make_appointment("CMS-NFP", person=kenyan))
    make_appointment("CBD-FP1", country_code="KE")  # confirmed today: not listed
    tz_stale = make_stale(make_appointment("CMS-NFP", country_code="TZ"))

    report = operations.notify()

    assert report.sent == 2 and report.failed == 0
    [notice] = notices_of(ke_coordinator)
    assert notice.items == [stale.id] and notice.email_state == EmailState.SENT
    assert notices_of(ke_editor) == [] and notices_of(secretariat) == []
    assert [n.items for n in notices_of(tz_coordinator)] == [[tz_stale.id]]
    [mail] = to(ke_coordinator.email)
    text = body(mail)
    assert "Otieno" in text
    assert f"/countries/KE/appointments/{stale.id}/confirm" in text
    assert "http://focalpoints.test/" in text  # absolute links
    tz_mail = to(tz_coordinator.email)[0]
    assert "Otieno" not in body(tz_mail) and "Otieno" not in body(tz_mail, "html")


def test_vacancies_are_told_once_then_after_the_interval(app, make_user, kinds):
    kinds("vacancies")
    coordinator = make_user("coordinator", "KE")
    american = make_user("coordinator", "US")  # not a CMS or CBD Party

    operations.notify()
    [notice] = notices_of(coordinator)
    assert "CMS-NFP" in notice.items and "CBD-FP1" in notice.items
    [notice] = notices_of(american)
    assert "CITES-MA" in notice.items and "CMS-NFP" not in notice.items
    assert "vacancies" not in {n.kind for n in notices_of(make_user("editor", "KE"))}
    for days in (0, 1, 8, 89):  # never daily, and not before the interval
        report = operations.notify(today=date.today() + timedelta(days=days))
        assert sum(report.recorded.values()) == 0, days
    report = operations.notify(today=date.today() + timedelta(days=90))
    assert report.recorded["vacancies"] == 2
    assert len(to(coordinator.email)) == 2


def test_a_new_vacancy_is_told_at_the_next_run_after_the_minimum_gap(
    app, make_user, make_appointment, kinds
):
    kinds("vacancies")
    coordinator = make_user("coordinator", "KE")
    appointment = make_appointment("CMS-NFP")
    operations.notify()
    assert "CMS-NFP" not in notices_of(coordinator)[0].items
    registry.end_appointment(appointment, date.today(), "retired", appointment.version)
    assert sum(operations.notify(today=date.today() + timedelta(days=3)).recorded.values()) == 0
    operations.notify(today=date.today() + timedelta(days=7))
    latest = notices_of(coordinator)[-1]
    assert "CMS-NFP" in latest.items and latest.params["new"] == ["CMS-NFP"]


def test_secretariat_is_told_of_official_notifications_and_the_country_of_acknowledgement(
    app, make_user, make_appointment, kinds
):
    kinds("designations_notified", "designations_acknowledged")
    secretariat = make_user("secretariat", None, language="fr")
    admin = make_user("admin", None)
    ke_coordinator = make_user("coordinator", "KE")
    ke_editor = make_user("editor", "KE")
    tz_coordinator = make_user("coordinator", "TZ")
    appointment = make_appointment("CMS-NFP")
    operations.notify()
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0

    registry.advance(
        appointment,
        Status.NOTIFIED,
        appointment.version,
        "REF/KEN/1",
        date.today() - timedelta(days=2),
    )
    operations.notify()
    [notice] = notices_of(secretariat)
    assert notice.kind == "designations_notified" and notice.items == [appointment.id]
    assert notices_of(admin) == [] and notices_of(ke_coordinator) == []
    mail = to(secretariat.email)[0]
    assert "REF/KEN/1" in body(mail)
    assert mail["Content-Language"] == "fr"

    registry.acknowledge(appointment, appointment.version)
    operations.notify()
    for user in (ke_coordinator, ke_editor):
        [notice] = notices_of(user)
        assert notice.kind == "designations_acknowledged"
    assert notices_of(tz_coordinator) == []
    assert len(notices_of(secretariat)) == 1
    assert sum(operations.notify().recorded.values()) == 0


def test_a_second_notification_of_one_country_tells_the_secretariat_again(
    app, make_user, make_appointment, kinds
):
    kinds("designations_notified")
    secretariat = make_user("secretariat", None)
    first = make_appointment(
        "CMS-NFP", status=Status.NOTIFIED, letter_reference="A", letter_date=date.today()
    )
    operations.notify()
    second = make_appointment(
        "CBD-FP1", status=Status.NOTIFIED, letter_reference="B", letter_date=date.today()
    )
    operations.notify()  # the same day: a designation is news whatever the day
    assert [n.items for n in notices_of(secretariat)] == [[first.id], [first.id, second.id]]


def test_old_acknowledgements_are_not_announced(app, make_user, make_appointment, kinds):
    kinds("designations_acknowledged")
    coordinator = make_user("coordinator", "KE")
    appointment = make_appointment(
        "CMS-NFP", status=Status.NOTIFIED, letter_reference="A", letter_date=date.today()
    )
    registry.acknowledge(appointment, appointment.version)
    appointment.acknowledged_at = utcnow() - timedelta(days=200)
    db.session.commit()
    operations.notify()
    assert notices_of(coordinator) == []


def test_inactive_users_and_pending_invitations_receive_nothing(
    app, make_user, make_appointment, kinds
):
    kinds("stale_appointments")
    inactive = make_user("coordinator", "KE", active=False)
    invited = make_user("coordinator", "KE", password=False)
    make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    assert notices_of(inactive) == [] and notices_of(invited) == []


# Language ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "es", "ar", "zh", "ru", "en"])
def test_each_message_is_in_its_recipients_language(
    app, make_user, make_appointment, kinds, language
):
    kinds("stale_appointments")
    user = make_user("coordinator", "TZ", name="Amani", language=language)
    appointment = make_stale(make_appointment("CMS-NFP", country_code="TZ"))
    operations.notify()
    [mail] = to(user.email)
    assert mail["Content-Language"] == language
    html = body(mail, "html")
    assert f'lang="{language}"' in html
    assert ('dir="rtl"' in html) == (language == "ar")
    if language != "en":
        assert in_language(language, "Hello %(name)s,", name="Amani") in html
    assert appointment.role.names.get(language, appointment.role.names["en"]) in body(mail)
    assert user.country.name_in(language) in mail["Subject"]  # the UN name in that language


def test_a_user_without_a_language_gets_the_default(app, make_user, make_appointment, kinds):
    kinds("stale_appointments")
    user = make_user("coordinator", "KE", language=None)
    make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    assert to(user.email)[0]["Content-Language"] == "en"


def test_mail_says_why_and_how_to_change_it(app, make_user, make_appointment, kinds):
    kinds("stale_appointments")
    user = make_user("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    mail = to(user.email)[0]
    text = body(mail)
    assert "focalpoints" in text
    assert "You receive this message because" in text
    assert "http://focalpoints.test/account#notices" in text
    assert "http://focalpoints.test/notices" in text
    assert "What to do:" in text


def test_notice_links_start_with_base_url(app, make_user, make_appointment, kinds):
    kinds("stale_appointments")
    app.config.update(BASE_URL="https://www.example.org/focalpoints", SERVER_NAME=None)
    user = make_user("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    with app.test_request_context(base_url="http://evil.example/"):
        operations.notify()  # even from inside a request with a forged host
    text = body(to(user.email)[0])
    assert "evil.example" not in text
    assert "https://www.example.org/focalpoints/account#notices" in text
    assert "https://www.example.org/focalpoints/countries/KE/appointments/" in text


def test_notify_outside_development_needs_base_url(app, make_user, runner):
    make_user("coordinator", "KE")
    app.config["TESTING"] = False
    refused = runner.invoke(args=["notify"])
    assert refused.exit_code != 0 and "BASE_URL" in refused.output
    assert runner.invoke(args=["notify", "--dry-run"]).exit_code == 0
    app.config["BASE_URL"] = "https://focalpoints.example.org"
    assert runner.invoke(args=["notify"]).exit_code == 0


# Idempotence, digests and preferences -------------------------------------------------------


def test_a_second_run_sends_nothing_twice(app, make_user, make_appointment, runner):
    make_user("coordinator", "KE")
    make_user("secretariat", None)
    make_stale(
        make_appointment(
            "CMS-NFP", status=Status.NOTIFIED, letter_reference="A", letter_date=date.today()
        )
    )
    first = runner.invoke(args=["notify"])
    assert first.exit_code == 0, first.output
    assert "E-mails sent: 2." in first.output
    sent = len(outbox())
    count = db.session.scalar(select(func.count()).select_from(Notice))
    second = runner.invoke(args=["notify"])
    assert second.exit_code == 0
    assert "Notices recorded: 0." in second.output and "E-mails sent: 0." in second.output
    assert len(outbox()) == sent
    assert db.session.scalar(select(func.count()).select_from(Notice)) == count


def test_dry_run_writes_and_sends_nothing(app, make_user, make_appointment, runner):
    user = make_user("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    result = runner.invoke(args=["notify", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"stale_appointments to {user.email}" in result.output
    assert "Dry run" in result.output
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    assert outbox() == []


def test_stale_digest_repeats_monthly_and_comes_sooner_with_something_new(
    app, make_user, make_appointment, kinds
):
    kinds("stale_appointments")
    user = make_user("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    assert sum(operations.notify(today=date.today() + timedelta(days=20)).recorded.values()) == 0
    make_stale(make_appointment("CBD-FP1"), days=366)
    assert sum(operations.notify(today=date.today() + timedelta(days=5)).recorded.values()) == 0
    assert (
        operations.notify(today=date.today() + timedelta(days=8)).recorded["stale_appointments"]
        == 1
    )
    assert (
        operations.notify(today=date.today() + timedelta(days=40)).recorded["stale_appointments"]
        == 1
    )
    assert len(notices_of(user)) == 3


def test_weekly_digest_gathers_a_weeks_notices_in_one_mail(app, make_user, make_appointment, kinds):
    kinds("stale_appointments", "vacancies")
    user = make_user("coordinator", "KE")
    operations.save_preferences(
        user, {"stale_appointments": Delivery.WEEKLY, "vacancies": Delivery.WEEKLY}
    )
    make_stale(make_appointment("CMS-NFP"))
    report = operations.notify()
    assert report.sent == 0 and report.waiting == 2
    assert outbox() == []
    report = operations.notify(now=utcnow() + timedelta(days=7, minutes=1))
    assert report.sent == 1
    [mail] = to(user.email)
    assert mail["Subject"] == "Your weekly digest of focalpoints notices"
    assert {n.email_state for n in notices_of(user)} == {EmailState.SENT}


def test_in_app_only_and_off(app, make_user, make_appointment, kinds):
    kinds("stale_appointments", "vacancies")
    user = make_user("coordinator", "KE")
    operations.save_preferences(
        user, {"stale_appointments": Delivery.APP, "vacancies": Delivery.OFF}
    )
    make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    [notice] = notices_of(user)
    assert notice.kind == "stale_appointments" and notice.email_state == EmailState.NOT_SENT
    assert outbox() == []


def test_preferences_for_kinds_a_user_cannot_receive_are_ignored(app, make_user):
    user = make_user("editor", "KE")
    operations.save_preferences(user, {"stale_appointments": Delivery.OFF})
    assert operations.preferences([user.id]) == {}


# Delivery failures --------------------------------------------------------------------------


class FakeSMTP:
    """Stands in for smtplib.SMTP; fails while ``failing`` is set."""

    failing = True
    sent: list = []
    in_transaction: list = []

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def starttls(self, **kwargs) -> None:
        pass

    def send_message(self, message) -> None:
        FakeSMTP.in_transaction.append(db.session().in_transaction())
        if FakeSMTP.failing:
            raise smtplib.SMTPServerDisconnected("connection lost")
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.test")
    monkeypatch.setattr("focalpoints.mail.smtplib.SMTP", FakeSMTP)
    FakeSMTP.failing, FakeSMTP.sent, FakeSMTP.in_transaction = True, [], []
    return app


def test_a_failed_delivery_is_logged_and_retried_on_the_next_run(
    smtp, make_user, make_appointment, kinds, caplog
):
    kinds("stale_appointments")
    user = make_user("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    report = operations.notify()
    assert report.failed == 1 and report.sent == 0
    [notice] = notices_of(user)
    assert notice.email_state == EmailState.PENDING and notice.email_attempts == 1
    assert "connection lost" in notice.email_error
    assert any("connection lost" in r.getMessage() for r in caplog.records)
    assert FakeSMTP.in_transaction == [False]  # nothing held open while talking to the server

    FakeSMTP.failing = False
    report = operations.notify()
    assert report.sent == 1 and report.failed == 0 and sum(report.recorded.values()) == 0
    assert FakeSMTP.sent[0]["To"] == user.email
    db.session.refresh(notice)
    assert notice.email_state == EmailState.SENT
    assert operations.notify().sent == 0
    assert len(FakeSMTP.sent) == 1


def test_failing_command_exits_with_an_error(smtp, make_user, make_appointment, kinds):
    kinds("stale_appointments")
    make_user("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    result = smtp.test_cli_runner().invoke(args=["notify"])
    assert result.exit_code == 1
    assert "tried again on the next run" in result.output


def test_delivery_is_given_up_after_the_last_attempt(
    smtp, make_user, make_appointment, kinds, caplog
):
    kinds("stale_appointments")
    smtp.config["NOTIFY_MAX_ATTEMPTS"] = 2
    user = make_user("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    operations.notify()
    [notice] = notices_of(user)
    assert notice.email_state == EmailState.FAILED and notice.email_attempts == 2
    assert any(r.levelname == "ERROR" and "given up" in r.getMessage() for r in caplog.records)
    assert operations.notify().failed == 0
    client = smtp.test_client()
    login(client, user)
    assert b"could not be delivered by e-mail" in client.get("/notices").data


def test_a_failure_for_one_user_does_not_stop_the_others(
    smtp, make_user, make_appointment, kinds, monkeypatch
):
    kinds("stale_appointments")
    refused = make_user("coordinator", "KE")
    accepted = make_user("coordinator", "TZ")
    make_stale(make_appointment("CMS-NFP"))
    make_stale(make_appointment("CMS-NFP", country_code="TZ"))

    def send_message(self, message):
        if message["To"] == refused.email:
            raise smtplib.SMTPRecipientsRefused({refused.email: (550, b"no such user")})
        FakeSMTP.sent.append(message)

    monkeypatch.setattr(FakeSMTP, "send_message", send_message)
    report = operations.notify()
    assert (report.sent, report.failed) == (1, 1)
    assert [m["To"] for m in FakeSMTP.sent] == [accepted.email]


# Never another country's data ---------------------------------------------------------------


def test_a_user_moved_to_another_country_no_longer_gets_or_sees_the_old_notices(
    app, make_user, make_appointment, kinds, country
):
    kinds("stale_appointments")
    user = make_user("coordinator", "KE")
    operations.save_preferences(user, {"stale_appointments": Delivery.WEEKLY})
    make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    user.country = country("TZ")
    db.session.commit()
    operations.notify(now=utcnow() + timedelta(days=8))
    assert outbox() == []
    assert notices_of(user)[0].email_state == EmailState.NOT_SENT
    client = app.test_client()
    login(client, user)
    page = client.get("/notices").get_data(as_text=True)
    assert "/countries/KE/" not in page and "You have no notices yet." in page
    assert 'href="/notices">Notices <span' not in page  # nor counted


APPOINTMENT_KINDS = {"stale_appointments", "designations_notified", "designations_acknowledged"}


def test_no_notice_lists_another_countrys_appointments(app, make_user, make_appointment):
    """Whatever the kinds, every appointment a national user's notice lists is their own."""
    from focalpoints.focal_points.models import Appointment

    users = [make_user("coordinator", code) for code in ("KE", "TZ", "FR")]
    users += [make_user("editor", code) for code in ("KE", "TZ")]
    make_user("secretariat", None)
    for code in ("KE", "TZ", "FR"):
        make_stale(make_appointment("CMS-NFP", country_code=code))
        registry_appointment = make_appointment(
            "CBD-FP1",
            country_code=code,
            status=Status.NOTIFIED,
            letter_reference="R",
            letter_date=date.today(),
        )
        registry.acknowledge(registry_appointment, registry_appointment.version)
    operations.notify()
    for user in users:
        for notice in notices_of(user):
            assert notice.country_id == user.country_id
            if notice.kind not in APPOINTMENT_KINDS:
                continue  # they list meetings, actions or deadlines, not appointments
            for item in notice.items:
                assert db.session.get(Appointment, item).country_id == user.country_id
        for mail in to(user.email):
            others = {"KE": "Kenya", "TZ": "Tanzania", "FR": "France"}
            others.pop(user.country.iso2)
            for name in others.values():
                assert name not in body(mail) and name not in body(mail, "html")


# Pages ------------------------------------------------------------------------------------


def test_notices_page_lists_the_users_own_notices_and_counts_unread(
    app, client, login_as, make_user, make_appointment, kinds
):
    kinds("stale_appointments")
    user = login_as("coordinator", "KE")
    other = make_user("coordinator", "TZ")
    make_stale(make_appointment("CMS-NFP", country_code="TZ"))
    appointment = make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    page = client.get("/notices").get_data(as_text=True)
    assert f"/countries/KE/appointments/{appointment.id}/confirm" in page
    assert "/countries/TZ/" not in page
    assert 'href="/notices">Notices <span class="badge' in page
    response = client.post("/notices/read")
    assert response.headers["Location"].endswith("/notices")
    assert all(n.read_at for n in notices_of(user))
    assert not any(n.read_at for n in notices_of(other))
    assert 'href="/notices">Notices <span' not in client.get("/notices").get_data(as_text=True)


def test_notices_page_takes_a_fixed_number_of_queries(
    app, client, login_as, make_appointment, count_queries
):
    user = login_as("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    client.get("/notices")  # the menus are rendered once, then kept
    counter = count_queries()
    client.get("/notices")
    baseline = counter.count
    for role in ("CBD-FP1", "CITES-MA", "RAMSAR-NFP"):
        make_stale(make_appointment(role))
    operations.notify(today=date.today() + timedelta(days=40))
    assert len(notices_of(user)) > 2
    counter.statements.clear()
    client.get("/notices")
    assert counter.count == baseline


def test_confirm_link_opens_a_page_whose_button_confirms(app, client, make_user, make_appointment):
    user = make_user("coordinator", "KE")
    appointment = make_stale(make_appointment("CMS-NFP"))
    url = f"/countries/KE/appointments/{appointment.id}/confirm"
    response = client.get(url)
    assert response.headers["Location"].startswith("/login")
    login(client, user)
    page = client.get(url).get_data(as_text=True)
    assert "autofocus" in page and f'action="{url}"' in page
    assert appointment.last_confirmed_on < date.today()  # a GET changes nothing
    response = client.post(url, data={"version": appointment.version})
    assert response.status_code == 302
    db.session.refresh(appointment)
    assert appointment.last_confirmed_on == date.today()


def test_a_confirmed_appointment_shows_as_done_in_the_list(
    app, client, login_as, make_appointment, kinds
):
    kinds("stale_appointments")
    login_as("coordinator", "KE")
    appointment = make_stale(make_appointment("CMS-NFP"))
    operations.notify()
    url = f"/countries/KE/appointments/{appointment.id}/confirm"
    assert url in client.get("/notices").get_data(as_text=True)
    client.post(url, data={"version": appointment.version})
    page = client.get("/notices").get_data(as_text=True)
    assert url not in page and "confirmed on" in page


def test_confirm_link_refuses_another_countrys_official(app, client, login_as, make_appointment):
    appointment = make_stale(make_appointment("CMS-NFP"))
    login_as("coordinator", "TZ")
    assert client.get(f"/countries/KE/appointments/{appointment.id}/confirm").status_code == 403


def test_account_page_saves_the_choice_of_notices(app, client, login_as):
    user = login_as("coordinator", "KE")
    page = client.get("/account").get_data(as_text=True)
    assert 'name="stale_appointments"' in page and 'name="vacancies"' in page
    assert 'name="designations_notified"' not in page
    response = client.post(
        "/account/notices",
        data={
            "stale_appointments": "weekly",
            "vacancies": "off",
            "designations_acknowledged": "app",
            "working_group_meeting": "immediate",
            "working_group_overdue_actions": "weekly",
            "report_deadline": "app",
            "consultation_requested": "immediate",
            "consultation_outcome": "off",
        },
    )
    assert response.headers["Location"].endswith("/account#notices")
    assert operations.preferences([user.id]) == {
        (user.id, "stale_appointments"): Delivery.WEEKLY,
        (user.id, "vacancies"): Delivery.OFF,
        (user.id, "designations_acknowledged"): Delivery.APP,
        (user.id, "working_group_meeting"): Delivery.IMMEDIATE,
        (user.id, "working_group_overdue_actions"): Delivery.WEEKLY,
        (user.id, "report_deadline"): Delivery.APP,
        (user.id, "consultation_requested"): Delivery.IMMEDIATE,
        (user.id, "consultation_outcome"): Delivery.OFF,
    }
    page = client.get("/account").get_data(as_text=True)
    assert '<option selected value="weekly">' in page


def test_account_page_refuses_an_unknown_choice(app, client, login_as):
    user = login_as("coordinator", "KE")
    response = client.post("/account/notices", data={"stale_appointments": "hourly"})
    assert response.status_code == 200 and b"invalid-feedback" in response.data
    assert operations.preferences([user.id]) == {}


def test_secretariat_is_offered_only_its_kinds(app, client, login_as):
    login_as("secretariat", None)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="designations_notified"' in page and 'name="stale_appointments"' not in page


def test_finding_what_is_due_takes_a_fixed_number_of_queries(
    app, make_user, make_appointment, count_queries
):
    make_user("coordinator", "KE")
    make_user("secretariat", None)
    make_stale(make_appointment("CMS-NFP"))
    operations.find_due(date.today())  # fills the per-process reference data cache
    counter = count_queries()
    operations.find_due(date.today())
    baseline = counter.count
    for code in ("TZ", "FR", "UG", "BR"):
        make_user("coordinator", code)
        make_user("editor", code)
        make_stale(make_appointment("CMS-NFP", country_code=code))
        notified = make_appointment(
            "CBD-FP1",
            country_code=code,
            status=Status.NOTIFIED,
            letter_reference="R",
            letter_date=date.today(),
        )
        if code == "FR":
            registry.acknowledge(notified, notified.version)
    operations.notify()
    counter.statements.clear()
    operations.find_due(date.today() + timedelta(days=40))
    assert counter.count == baseline


def test_planted_markup_is_inert_in_mail_and_in_the_list(
    app, client, login_as, make_person, make_appointment, kinds
):
    kinds("stale_appointments")
    user = login_as("coordinator", "KE")
    planted = make_person("KE", family_name="<script>alert(1)</script>")
    make_stale(make_appointment("CMS-NFP", person=planted))
    operations.notify()
    html = body(to(user.email)[0], "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = client.get("/notices").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_two_runs_racing_record_nothing_twice(app, make_user, make_appointment, monkeypatch):
    make_user("coordinator", "KE")
    make_stale(make_appointment("CMS-NFP"))
    first, second = operations.find_due(date.today()), operations.find_due(date.today())
    db.session.add_all(first)
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Notice))
    monkeypatch.setattr(operations, "find_due", lambda today: second)
    with pytest.raises(operations.NotifyError):
        operations.record_due(date.today())
    assert db.session.scalar(select(func.count()).select_from(Notice)) == count


# Working groups ---------------------------------------------------------------------------


def _group_with_meeting(country, days_ahead: int, owner=None):
    from datetime import datetime, time

    from focalpoints.working_groups import operations as groups

    group = groups.create_group(country, {"name": "Working group"})
    meeting = groups.create_meeting(
        group,
        {
            "title": "Preparing COP15",
            "starts_at": datetime.combine(date.today() + timedelta(days=days_ahead), time(10)),
            "timezone": "UTC",
            "place": "Nairobi",
        },
    )
    return group, meeting


def test_coming_meetings_are_announced_once_to_the_country_and_again_when_moved(
    app, make_user, make_person, country, kinds
):
    from datetime import datetime, time

    from focalpoints.working_groups import operations as groups

    kinds("working_group_meeting")
    coordinator = make_user("coordinator", "KE")
    member_editor = make_user("editor", "KE", email="wanjiru@example.org")
    other_editor = make_user("editor", "KE")
    tanzanian = make_user("coordinator", "TZ")
    group, meeting = _group_with_meeting(country("KE"), days_ahead=5)
    groups.add_member(group, make_person("KE", email="wanjiru@example.org"))
    later = datetime.combine(date.today() + timedelta(days=30), time(10))
    groups.create_meeting(group, {"title": "Later", "starts_at": later, "timezone": "UTC"})

    operations.notify()
    assert len(notices_of(coordinator)) == 1 and len(notices_of(member_editor)) == 1
    assert notices_of(other_editor) == [] and notices_of(tanzanian) == []
    [mail] = to(coordinator.email)
    assert "Preparing COP15" in mail["Subject"]
    assert "Check the agenda and add the meeting to your calendar." in body(mail)
    assert sum(operations.notify().recorded.values()) == 0
    # Moved by a day: told again at the next run.
    moved = datetime.combine(date.today() + timedelta(days=6), time(10))
    groups.update_meeting(
        meeting,
        {"title": meeting.title, "starts_at": moved, "timezone": "UTC"},
        meeting.version,
    )
    assert operations.notify().recorded["working_group_meeting"] == 2


def test_overdue_actions_go_to_their_owner_and_the_coordinators(
    app, make_user, make_person, country, kinds
):
    from focalpoints.working_groups import operations as groups

    kinds("working_group_overdue_actions")
    coordinator = make_user("coordinator", "KE")
    owner = make_user("editor", "KE", email="achieng@example.org")
    bystander = make_user("editor", "KE")
    _group, meeting = _group_with_meeting(country("KE"), days_ahead=-40)
    person = make_person("KE", email="Achieng@example.org")
    late = groups.add_action(
        meeting,
        {
            "description": "Circulate the draft",
            "owner_id": person.id,
            "due_on": date.today() - timedelta(days=3),
        },
    )
    groups.add_action(
        meeting, {"description": "Not due yet", "due_on": date.today() + timedelta(days=3)}
    )
    unowned = groups.add_action(
        meeting, {"description": "Book the room", "due_on": date.today() - timedelta(days=1)}
    )

    operations.notify()
    assert notices_of(coordinator)[0].items == [late.id, unowned.id]
    assert notices_of(owner)[0].items == [late.id]
    assert notices_of(bystander) == []
    assert "Circulate the draft" in body(to(owner.email)[0])


# National report deadlines ----------------------------------------------------------------


def test_report_deadlines_are_told_at_two_months_two_weeks_and_when_overdue(
    app, make_user, country, kinds
):
    from sqlalchemy import update

    from focalpoints.conventions.models import Convention
    from focalpoints.reporting import operations as reporting
    from focalpoints.reporting.models import ReportDeadline, ReportState

    kinds("report_deadline")
    db.session.execute(update(ReportDeadline).values(is_active=False))
    cbd = db.session.scalar(select(Convention).where(Convention.code == "CBD"))
    deadline = reporting.save_deadline(
        None,
        0,
        convention_id=cbd.id,
        code="CBD-TEST",
        titles={"en": "Test national report"},
        due_date=date.today() + timedelta(days=50),
    )
    kenyan = make_user("coordinator", "KE")
    american = make_user("coordinator", "US")  # not a CBD Party
    editor = make_user("editor", "KE")

    operations.notify()
    [notice] = notices_of(kenyan)
    assert notice.items == [deadline.id, "coming"]
    assert notices_of(american) == [] and notices_of(editor) == []
    assert "Test national report" in to(kenyan.email)[0]["Subject"]
    assert sum(operations.notify(today=date.today() + timedelta(days=10)).recorded.values()) == 0
    assert (
        operations.notify(today=date.today() + timedelta(days=40)).recorded["report_deadline"] == 1
    )
    assert (
        operations.notify(today=date.today() + timedelta(days=51)).recorded["report_deadline"] == 1
    )
    assert [n.items[1] for n in notices_of(kenyan)] == ["coming", "soon", "overdue"]
    # A country that submitted is not reminded.
    tanzanian = make_user("coordinator", "TZ")
    reporting.set_status(country("TZ"), deadline, ReportState.SUBMITTED, date.today(), 0)
    operations.notify(today=date.today() + timedelta(days=52))
    assert notices_of(tanzanian) == []


# Consultations on positions ---------------------------------------------------------------


def _position_in_consultation(country, lead, people, deadline=None):
    from focalpoints.meetings.models import Meeting
    from focalpoints.positions import operations as positions

    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    position = positions.create_position(
        country,
        positions.PositionValues(
            meeting, meeting.agenda_items[0], None, "en", "Shark listing", "", "draft", lead, None
        ),
    )
    positions.request_consultation(position, people, deadline, "", "en", position.version)
    return position


def test_a_consulted_focal_point_is_told_and_the_lead_hears_the_outcome(
    app, make_user, make_person, country, kinds
):
    from focalpoints.positions import operations as positions
    from focalpoints.positions.models import Answer, Consultation

    kinds("consultation_requested", "consultation_outcome")
    lead_user = make_user("coordinator", "KE", email="lead@example.org")
    consulted_user = make_user("editor", "KE", email="cites@example.org")
    bystander = make_user("editor", "KE")
    secretariat = make_user("secretariat", None)
    lead = make_person("KE", email="lead@example.org")
    cites = make_person("KE", email="CITES@example.org")
    other = make_person("KE", email="nobody@example.org")
    position = _position_in_consultation(country("KE"), lead, [cites, other])

    operations.notify()
    [asked] = notices_of(consulted_user)
    assert asked.kind == "consultation_requested"
    assert "Shark listing" in to(consulted_user.email)[0]["Subject"]
    assert notices_of(lead_user) == [] and notices_of(bystander) == []
    assert notices_of(secretariat) == []  # positions are private to the country

    for consultation in db.session.scalars(select(Consultation)):
        positions.record_answer(
            consultation, Answer.AGREE, "", "en", date.today(), consultation.version
        )
    operations.notify()
    [outcome] = notices_of(lead_user)
    assert outcome.kind == "consultation_outcome" and outcome.items == [position.id, "answered"]
    assert "Every focal point has answered" in to(lead_user.email)[0]["Subject"]
    assert sum(operations.notify().recorded.values()) == 0


def test_a_passed_deadline_is_told_to_the_coordinators_when_the_lead_is_no_user(
    app, make_user, make_person, country, kinds
):
    kinds("consultation_outcome")
    coordinator = make_user("coordinator", "KE")
    tanzanian = make_user("coordinator", "TZ")
    position = _position_in_consultation(
        country("KE"), None, [make_person("KE")], deadline=date.today() + timedelta(days=2)
    )
    assert operations.notify().recorded.get("consultation_outcome", 0) == 0
    operations.notify(today=date.today() + timedelta(days=3))
    [notice] = notices_of(coordinator)
    assert notice.items == [position.id, "deadline"]
    assert notices_of(tanzanian) == []


def test_a_person_merged_from_two_records_asked_together_is_counted_once(
    app, make_user, make_person, country, kinds
):
    from focalpoints.positions import operations as positions
    from focalpoints.positions.models import Answer, Consultation

    kinds("consultation_requested", "consultation_outcome")
    lead_user = make_user("coordinator", "KE", email="lead@example.org")
    focal_point = make_user("editor", "KE", email="amina@example.org")
    keep = make_person("KE", email="amina@example.org")
    duplicate = make_person("KE", email="a.hassan@example.org")
    lead = make_person("KE", email="lead@example.org")
    position = _position_in_consultation(country("KE"), lead, [keep, duplicate])
    answered = db.session.scalar(select(Consultation).where(Consultation.person_id == duplicate.id))
    positions.record_answer(answered, Answer.AGREE, "", "en", date.today(), answered.version)
    operations.notify()
    assert [n.kind for n in notices_of(focal_point)] == ["consultation_requested"]
    assert notices_of(lead_user) == []  # Amina's view is awaited on her other record

    registry.merge_people(keep, duplicate)  # she has answered, on the duplicate's request
    operations.notify()
    [outcome] = notices_of(lead_user)
    assert outcome.items == [position.id, "answered"]
    message = body(to(lead_user.email)[0])
    assert "Agrees: 1" in message and "Awaited: 0" in message
    assert len(notices_of(focal_point)) == 1  # not asked again for the request superseded
