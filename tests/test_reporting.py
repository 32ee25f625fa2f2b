"""The reporting calendar: deadlines kept by the Secretariat, each country's status on them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from focalpoints.conventions.models import Convention
from focalpoints.extensions import db
from focalpoints.reporting import queries
from focalpoints.reporting.models import ReportDeadline, ReportStatus
from tests.conftest import login


def _deadline(code: str) -> ReportDeadline:
    return db.session.scalar(select(ReportDeadline).where(ReportDeadline.code == code))


def _statuses() -> int:
    return db.session.scalar(select(func.count()).select_from(ReportStatus))


def test_deadlines_are_seeded(app):
    assert _deadline("CBD-NR7").due_date == date(2026, 2, 28)
    assert _deadline("CITES-AR-2025").due_date == date(2026, 10, 31)
    assert _deadline("RAMSAR-NR-COP15").convention.code == "RAMSAR"
    for deadline in db.session.scalars(select(ReportDeadline)):
        assert set(deadline.titles) == {"en", "fr", "es", "ru", "ar", "zh"}, deadline.code


def test_calendar_flags_overdue_reports_and_records_submissions(client, login_as):
    login_as(role="editor")
    ramsar = _deadline("RAMSAR-NR-COP15")  # due January 2025: overdue unless submitted
    page = client.get("/countries/KE/reporting").data.decode()
    row = page.split(ramsar.titles["en"])[0].rsplit("<tr>", 1)[1]
    assert "overdue" in row
    url = f"/countries/KE/reporting/{ramsar.id}"
    response = client.post(url, data={"version": "0", "status": "submitted"})
    assert "Give the date the report was submitted." in response.data.decode()
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(
        url, data={"version": "0", "status": "submitted", "submitted_on": future}
    )
    assert "cannot be dated in the future" in response.data.decode() and _statuses() == 0
    response = client.post(
        url, data={"version": "0", "status": "submitted", "submitted_on": "2025-01-20"}
    )
    assert response.headers["Location"] == "/countries/KE/reporting"
    page = client.get("/countries/KE/reporting").data.decode()
    row = page.split(ramsar.titles["en"])[0].rsplit("<tr>", 1)[1]
    assert "overdue" not in row
    # a second first-save of the same status is refused, not duplicated
    response = client.post(
        url, data={"version": "0", "status": "in_preparation"}, follow_redirects=True
    )
    assert "Someone else saved this record" in response.data.decode() and _statuses() == 1
    client.post(
        url, data={"version": "1", "status": "in_preparation", "submitted_on": "2025-01-20"}
    )
    status = db.session.scalar(select(ReportStatus))
    db.session.refresh(status)
    assert status.status == "in_preparation" and status.submitted_on is None


def test_statuses_stay_with_the_country_and_the_secretariat(app, make_user):
    deadline = _deadline("CBD-NR7")
    other = app.test_client()
    login(other, make_user(role="coordinator", country_code="TZ"))
    assert other.get("/countries/KE/reporting").status_code == 403
    assert (
        other.post(
            f"/countries/KE/reporting/{deadline.id}",
            data={"version": "0", "status": "in_preparation"},
        ).status_code
        == 403
    )
    secretariat = app.test_client()
    login(secretariat, make_user(role="secretariat", country_code=None))
    assert secretariat.get("/countries/KE/reporting").status_code == 200
    assert (
        secretariat.post(
            f"/countries/KE/reporting/{deadline.id}",
            data={"version": "0", "status": "in_preparation"},
        ).status_code
        == 403
    )
    assert _statuses() == 0


def test_the_secretariat_keeps_the_deadlines(app, client, login_as, make_user):
    login_as(role="coordinator")
    cms = db.session.scalar(select(Convention).where(Convention.code == "CMS"))
    data = {
        "version": "0",
        "convention": str(cms.id),
        "code": "cms-nr-cop17",
        "due_date": "2031-06-30",
        "title_en": "National report to COP17",
        "is_active": "y",
    }
    assert client.post("/reporting/new", data=data).status_code == 403
    secretariat = app.test_client()
    login(secretariat, make_user(role="secretariat", country_code=None))
    assert "Seventh national report" in secretariat.get("/reporting").data.decode()
    assert (
        "already"
        in secretariat.post("/reporting/new", data={**data, "code": "CBD-NR7"}).data.decode()
    )
    assert secretariat.post("/reporting/new", data=data).headers["Location"] == "/reporting"
    created = _deadline("CMS-NR-COP17")
    assert created.due_date == date(2031, 6, 30) and created.titles == {
        "en": "National report to COP17"
    }
    response = secretariat.post(
        f"/reporting/{created.id}/edit", data={**data, "version": "1", "due_date": "2031-07-31"}
    )
    assert response.status_code == 302
    db.session.refresh(created)
    assert created.due_date == date(2031, 7, 31)


def test_calendar_for_one_convention(app, country):
    cites = db.session.scalar(select(Convention).where(Convention.code == "CITES"))
    lines = queries.calendar_for_convention(country("KE"), cites)
    assert [line.deadline.code for line in lines][:2] == ["CITES-AR-2024", "CITES-AR-2025"]
    assert all(line.state == "not_started" for line in lines)


def test_calendar_takes_a_fixed_number_of_queries(client, login_as, count_queries):
    from focalpoints.reporting import operations
    from focalpoints.reporting.models import ReportState

    user = login_as()
    counter = count_queries()
    client.get("/countries/KE/reporting")
    baseline = counter.count
    for deadline in db.session.scalars(select(ReportDeadline)).all():
        operations.set_status(user.country, deadline, ReportState.IN_PREPARATION, None, 0)
    counter.statements.clear()
    client.get("/countries/KE/reporting")
    assert counter.count == baseline
    counter.statements.clear()
    client.get("/reporting")
    baseline = counter.count
    db.session.add(
        ReportDeadline(
            convention_id=1, code="EXTRA", titles={"en": "Extra"}, due_date=date(2030, 1, 1)
        )
    )
    db.session.commit()
    counter.statements.clear()
    client.get("/reporting")
    assert counter.count == baseline


def test_the_country_is_offered_to_update_its_statuses_and_no_one_else(app, make_user):
    """Each row links to its status form for the country's officials only."""
    ramsar = _deadline("RAMSAR-NR-COP15")
    link = f'href="/countries/KE/reporting/{ramsar.id}"'
    for role, country_code, offered in (
        ("editor", "KE", True),
        ("coordinator", "KE", True),
        ("admin", None, True),
        ("secretariat", None, False),
    ):
        client = app.test_client()
        login(client, make_user(role=role, country_code=country_code))
        page = client.get("/countries/KE/reporting").data.decode()
        assert (link in page) is offered, role
