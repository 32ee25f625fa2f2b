"""Personal calendar links: made, renewed and revoked on the account page; read without a log-in."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from focalpoints.audit.models import AuditEntry
from focalpoints.calendar_feeds.models import CalendarFeed
from focalpoints.countries.models import Country, Membership
from focalpoints.extensions import db
from focalpoints.reporting.models import ReportDeadline, ReportStatus
from tests.conftest import PASSWORD, login

URL = re.compile(r'id="calendar-url"[^>]*value="(https?://[^"]+/calendar/([^"/]+)\.ics)"')


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _make_link(client) -> tuple[str, str]:
    """Press "Make my calendar link" (CSRF off); return the address and its token."""
    response = client.post("/account/calendar", data={"action": "new"})
    assert response.status_code == 200
    found = URL.search(response.data.decode())
    assert found, response.data[:2000]
    return found.group(1), found.group(2)


def _path(token: str) -> str:
    return f"/calendar/{token}.ics"


def _events(body: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(body)
    return {
        str(e["UID"]): {
            "summary": str(e["SUMMARY"]),
            "description": str(e.get("DESCRIPTION", "")),
            "start": e["DTSTART"].dt,
            "sequence": int(e.get("SEQUENCE", 0)),
        }
        for e in calendar.walk("VEVENT")
    }


def _group(country_code: str, papers_shared: bool = False):
    from focalpoints.working_groups import operations as groups

    country = db.session.scalar(select(Country).where(Country.iso2 == country_code))
    return groups.create_group(
        country, {"name": f"{country_code} working group", "papers_shared": papers_shared}
    )


def _meeting(group, title: str, days: int, agenda: list[str] | None = None):
    from focalpoints.working_groups import operations as groups

    return groups.create_meeting(
        group,
        {
            "title": title,
            "starts_at": datetime.now().replace(microsecond=0) + timedelta(days=days),
            "timezone": "Africa/Nairobi",
            "agenda": agenda or [],
        },
    )


def _deadline(convention_code: str, code: str, days: int) -> ReportDeadline:
    from focalpoints.conventions.models import Convention

    convention = db.session.scalar(select(Convention).where(Convention.code == convention_code))
    deadline = ReportDeadline(
        convention_id=convention.id,
        code=code,
        titles={"en": f"Report {code}", "fr": f"Rapport {code}"},
        due_date=date.today() + timedelta(days=days),
    )
    db.session.add(deadline)
    db.session.commit()
    return deadline


# Making, renewing and revoking ----------------------------------------------------------------


def test_link_is_made_through_the_account_form_and_stored_only_as_a_hash(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(role="coordinator", country_code="KE")
        client = app.test_client()
        token = _csrf(client.get("/login").data.decode())
        data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 302

        account = client.get("/account").data.decode()
        assert 'action="/account/calendar"' in account
        assert "You have no calendar link." in account
        # Without the form's token nothing is made.
        assert client.post("/account/calendar", data={"action": "new"}).status_code == 400
        assert db.session.scalars(select(CalendarFeed)).all() == []

        response = client.post(
            "/account/calendar", data={"action": "new", "csrf_token": _csrf(account)}
        )
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        html = response.data.decode()
        url, secret = URL.search(html).groups()
        assert url == f"http://focalpoints.test/calendar/{secret}.ics"
        assert f'href="webcal://focalpoints.test/calendar/{secret}.ics"' in html
        assert "readonly" in html

        feed = db.session.scalars(select(CalendarFeed)).one()
        assert feed.user_id == user.id and feed.country_id == user.country_id
        assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert feed.prefix == secret[:12] and feed.revoked_at is None
        # The address is shown once: the account page names the link by its prefix only.
        again = client.get("/account").data.decode()
        assert secret not in again and f"{feed.prefix}…" in again
        assert secret not in client.get("/account/calendar").data.decode()
        assert client.get(_path(secret)).status_code == 200


def test_a_new_link_ends_the_old_one_and_revoking_ends_both(client, login_as):
    login_as(role="editor", country_code="KE")
    _, first = _make_link(client)
    _, second = _make_link(client)
    assert client.get(_path(first)).status_code == 404
    assert client.get(_path(second)).status_code == 200
    response = client.post("/account/calendar", data={"action": "revoke"})
    assert response.headers["Location"] == "/account/calendar"
    assert client.get(_path(second)).status_code == 404
    feeds = db.session.scalars(select(CalendarFeed)).all()
    assert len(feeds) == 2 and all(f.revoked_at is not None for f in feeds)  # kept, revoked
    assert "You have no calendar link." in client.get("/account").data.decode()


@pytest.mark.parametrize("payload", [{}, {"action": "delete"}, {"action": "x" * 5000}])
def test_forged_buttons_are_refused_without_writing(client, login_as, payload):
    login_as()
    assert client.post("/account/calendar", data=payload).status_code == 400
    assert db.session.scalars(select(CalendarFeed)).all() == []


def test_revoking_touches_only_ones_own_link(app, make_user):
    owner, other = make_user(country_code="KE"), make_user(country_code="KE")
    first, second = app.test_client(), app.test_client()
    login(first, owner)
    login(second, other)
    _, token = _make_link(first)
    second.post("/account/calendar", data={"action": "revoke"})
    assert first.get(_path(token)).status_code == 200


def test_group_page_and_account_page_lead_to_the_link(client, login_as):
    login_as()
    _group("KE")
    assert 'href="/account/calendar"' in client.get("/countries/KE/working-group").data.decode()
    assert 'id="calendar"' in client.get("/account").data.decode()


# What a national official's link serves -------------------------------------------------------


def test_national_link_serves_the_countrys_meetings_and_its_conventions_deadlines(
    client, login_as, country
):
    kenya_group = _group("KE")
    coming = _meeting(kenya_group, "Kenya coming", 20, agenda=["Adoption"])
    recent = _meeting(kenya_group, "Kenya recent", -30)
    old = _meeting(kenya_group, "Kenya long ago", -200)
    tanzania = _meeting(_group("TZ"), "Tanzania secret", 10)
    cms = _deadline("CMS", "CMS-TEST", 40)
    ramsar = _deadline("RAMSAR", "RAMSAR-TEST", 50)
    ke = country("KE")
    for membership in db.session.scalars(
        select(Membership).where(Membership.country_id == ke.id)
    ).all():
        if membership.convention.code == "RAMSAR":
            db.session.delete(membership)  # Kenya is no longer a Party to Ramsar
    db.session.add(ReportStatus(country_id=ke.id, deadline_id=cms.id, status="in_preparation"))
    db.session.commit()

    login_as(role="coordinator", country_code="KE")
    _, token = _make_link(client)
    anonymous = client.application.test_client()
    response = anonymous.get(_path(token))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    assert "Set-Cookie" not in response.headers
    events = _events(response.data)

    meeting_uids = {u for u in events if u.startswith("focalpoints-wg-meeting-")}
    assert meeting_uids == {
        f"focalpoints-wg-meeting-{coming.id}",
        f"focalpoints-wg-meeting-{recent.id}",
    }
    assert f"focalpoints-wg-meeting-{old.id}" not in events
    assert f"focalpoints-wg-meeting-{tanzania.id}" not in events
    assert b"Tanzania" not in response.data
    assert "1. Adoption" in events[f"focalpoints-wg-meeting-{coming.id}"]["description"]

    cms_event = events[f"focalpoints-report-deadline-{cms.id}-KE"]
    assert cms_event["summary"] == "CMS: Report CMS-TEST due"
    assert cms_event["start"] == cms.due_date and not isinstance(cms_event["start"], datetime)
    assert "In preparation" in cms_event["description"]
    assert cms_event["sequence"] == 2  # the deadline's version and the status's
    assert f"focalpoints-report-deadline-{ramsar.id}-KE" not in events
    # Deadlines long past are left out.
    assert all(
        e["start"] >= date.today() - timedelta(days=90)
        for e in events.values()
        if not isinstance(e["start"], datetime)
    )

    calendar = Calendar.from_ical(response.data)
    assert "Kenya" in str(calendar["X-WR-CALNAME"])
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.data
    assert b"X-PUBLISHED-TTL:PT1H" in response.data
    assert calendar.walk("VTIMEZONE")  # the meetings' zone is described
    # Stable identifiers: a second fetch gives the same events.
    assert set(_events(anonymous.get(_path(token)).data)) == set(events)


def test_link_titles_follow_the_users_language(client, login_as):
    deadline = _deadline("CMS", "CMS-FR", 10)
    login_as(role="coordinator", country_code="KE", language="fr")
    _, token = _make_link(client)
    body = client.application.test_client().get(_path(token)).data.decode()
    event = _events(body.encode())[f"focalpoints-report-deadline-{deadline.id}-KE"]
    assert "Rapport CMS-FR" in event["summary"]


def test_secretariat_link_serves_every_countrys_meetings_agendas_only_where_shared(
    client, login_as
):
    kenya = _meeting(_group("KE", papers_shared=True), "Kenya meeting", 5, agenda=["Shared"])
    tanzania = _meeting(_group("TZ"), "Tanzania meeting", 6, agenda=["Kept at home"])
    deadline = _deadline("CBD", "CBD-TEST", 30)
    login_as(role="secretariat", country_code=None)
    _, token = _make_link(client)
    assert db.session.scalars(select(CalendarFeed)).one().country_id is None
    body = client.application.test_client().get(_path(token)).data
    events = _events(body)
    ke = events[f"focalpoints-wg-meeting-{kenya.id}"]
    tz = events[f"focalpoints-wg-meeting-{tanzania.id}"]
    assert ke["summary"] == "Kenya: Kenya meeting" and "Shared" in ke["description"]
    assert tz["summary"] == "United Republic of Tanzania: Tanzania meeting"  # the UN name
    assert "Kept at home" not in body.decode()
    secretariat_deadline = events[f"focalpoints-report-deadline-{deadline.id}"]
    assert "Status" not in secretariat_deadline["description"]


# Links that stop working ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"active": False},
        {
            "role": "secretariat",
            "country_id": None,
        },  # a national link never becomes the Secretariat's
        {"country": "TZ"},
    ],
)
def test_link_stops_when_the_user_loses_its_view(client, login_as, country, change):
    _meeting(_group("TZ"), "Tanzania meeting", 5)
    user = login_as(role="coordinator", country_code="KE")
    _, token = _make_link(client)
    assert client.get(_path(token)).status_code == 200
    if "country" in change:
        user.country_id = country(change.pop("country")).id
    for name, value in change.items():
        setattr(user, name, value)
    db.session.commit()
    response = client.application.test_client().get(_path(token))
    assert response.status_code == 404
    assert b"Tanzania meeting" not in response.data


def test_secretariat_link_stops_when_the_user_becomes_national(client, login_as, country):
    user = login_as(role="secretariat", country_code=None)
    _, token = _make_link(client)
    user.role, user.country_id = "coordinator", country("KE").id
    db.session.commit()
    assert client.application.test_client().get(_path(token)).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "fpcal_" + "A" * 43,
        "fpcal_" + "A" * 44,
        "fpcal_" + "é" * 43,
        "' OR 1=1 --",
        "%E2%80%AE" * 10,
        "a" * 5000,
        "fp_abcdef",
    ],
)
def test_junk_tokens_are_404_never_500(client, token):
    response = client.get(_path(token))
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_a_nul_byte_is_refused_cleanly(client):
    assert client.get("/calendar/fpcal_%00.ics").status_code in (400, 404)


# No session, no secret in logs ----------------------------------------------------------------


def test_feed_writes_no_cookie_even_to_a_logged_in_browser(client, login_as):
    login_as()
    _, token = _make_link(client)
    for path in (_path(token), _path("fpcal_" + "B" * 43)):
        response = client.get(path)  # the browser sends its session cookie
        assert "Set-Cookie" not in response.headers, path
        assert "Cookie" not in response.headers.get("Vary", ""), path


def test_token_is_redacted_in_the_request_log(client, login_as, caplog):
    login_as()
    _, token = _make_link(client)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="focalpoints.request"):
        client.get(_path(token))
        client.get(f"/calendar/{token}")  # a mistyped address is redacted as well
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "focalpoints.request"]
    assert [line["path"] for line in lines] == ["/calendar/[redacted]"] * 2
    assert all(token not in r.getMessage() for r in caplog.records)


def test_token_and_hash_stay_out_of_the_audit_log(client, login_as):
    login_as()
    _, token = _make_link(client)
    client.post("/account/calendar", data={"action": "revoke"})
    feed = db.session.scalars(select(CalendarFeed)).one()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "calendar_feeds")
    ).all()
    assert [e.action for e in entries] == ["create", "update"]  # made, then revoked
    logged = json.dumps([[e.before, e.after] for e in entries])
    assert token not in logged and feed.token_hash not in logged
    assert all(e.country_id is None for e in entries)


def test_last_use_is_recorded(client, login_as):
    login_as()
    _, token = _make_link(client)
    assert db.session.scalars(select(CalendarFeed)).one().last_used_at is None
    client.get(_path(token))
    db.session.expire_all()
    assert db.session.scalars(select(CalendarFeed)).one().last_used_at is not None
    assert "last read it on" in client.get("/account/calendar").data.decode()


def test_feed_is_rate_limited(app_factory, make_user):
    app = app_factory(RATELIMIT_ENABLED=True, CALENDAR_FEED_RATE_LIMIT="2 per hour")
    with app.app_context():
        client = app.test_client()
        login(client, make_user())
        _, token = _make_link(client)
        reader = app.test_client()
        assert [reader.get(_path(token)).status_code for _ in range(3)] == [200, 200, 429]
        assert reader.get(_path("fpcal_" + "C" * 43)).status_code == 404  # another link's budget


# Queries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role,country_code", [("coordinator", "KE"), ("secretariat", None)])
def test_feed_reads_in_a_fixed_number_of_queries(
    client, login_as, count_queries, role, country_code
):
    login_as(role=role, country_code=country_code)
    _, token = _make_link(client)
    reader = client.application.test_client()
    _meeting(_group("KE"), "First", 3)
    reader.get(_path(token))  # the first read records the link's use

    def fetch() -> int:
        counter = count_queries()
        assert reader.get(_path(token)).status_code == 200
        return counter.count

    few = fetch()
    groups = {code: _group(code, papers_shared=code == "UG") for code in ("TZ", "UG", "RW")}
    kenya = db.session.scalar(select(Country).where(Country.iso2 == "KE"))
    from focalpoints.working_groups.operations import current_group

    for n in range(8):
        _meeting(current_group(kenya), f"Kenya {n}", 4 + n)
        for group in groups.values():
            _meeting(group, f"Meeting {n}", 4 + n)
    many = fetch()
    assert many == few, (few, many)
