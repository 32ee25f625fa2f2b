"""Coverage over time and the Secretariat's report: the state of any past day, from the audit
trail, and the generated files read back."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from focalpoints.coverage.history import FILLED, STALE, holdings_on, timelines
from focalpoints.coverage.queries import CoverageData, _holdings, counted_role_ids, coverage
from focalpoints.extensions import db
from focalpoints.focal_points import operations as registry


def _confirm_on(appointment, day: date) -> None:
    """A confirmation of ``day``, written through the ORM so that the audit trail keeps it."""
    appointment.last_confirmed_on = day
    db.session.commit()


@pytest.fixture
def kenya_history(make_appointment):
    """Kenya's CMS focal point from 2022, confirmed in January 2023 and June 2024, replaced at
    the end of 2024; Tanzania's from 2024, never confirmed."""
    kenya = make_appointment("CMS-NFP", country_code="KE", start=date(2022, 1, 10))
    _confirm_on(kenya, date(2023, 1, 5))
    _confirm_on(kenya, date(2024, 6, 1))
    registry.end_appointment(kenya, date(2024, 12, 31), "left", kenya.version)
    tanzania = make_appointment("CMS-NFP", country_code="TZ", start=date(2024, 2, 1))
    return kenya, tanzania


def test_a_past_day_is_read_from_the_audit_trail(app, kenya_history):
    kenya, tanzania = kenya_history
    with app.test_request_context():
        lines = timelines(counted_role_ids())

        def state(day: date):
            held = holdings_on(day, lines)
            return held.get((kenya.country_id, kenya.role_id)), held.get(
                (tanzania.country_id, tanzania.role_id)
            )

        assert state(date(2021, 12, 31)) == (None, None)
        assert state(date(2022, 6, 1))[0].level == FILLED
        assert state(date(2023, 2, 1))[0].level == FILLED  # confirmed on 5 January 2023
        stale, _ = state(date(2024, 3, 1))  # a year and more after that confirmation
        assert stale.level == STALE and stale.last_confirmed == date(2023, 1, 5)
        assert state(date(2024, 7, 1))[0].level == FILLED  # the row keeps only this one
        assert state(date(2024, 7, 1))[1].level == FILLED
        assert state(date(2025, 1, 15))[0] is None  # ended on 31 December 2024


def test_today_from_the_history_is_todays_coverage(app, make_appointment, kenya_history):
    make_appointment("CBD-FP1", country_code="UG", start=date.today() + timedelta(days=20))
    old = make_appointment("CITES-MA", country_code="FR", start=date(2019, 5, 1))
    future_end = make_appointment("RAMSAR-NFP", country_code="DE", start=date(2023, 5, 1))
    registry.end_appointment(future_end, date.today() + timedelta(days=30), "", future_end.version)
    _confirm_on(old, date(2020, 2, 1))  # stale
    registry.confirm(make_appointment("CMS-NFP", country_code="UG", start=date(2018, 1, 1)))
    with app.test_request_context():
        today = date.today()
        counted = counted_role_ids()
        expected = _holdings(today, counted)
        held = {k: h.level for k, h in holdings_on(today, timelines(counted)).items()}
        assert held == expected and len(expected) >= 4


def test_history_page_chart_table_and_csv(client, login_as, kenya_history, count_queries):
    login_as(role="secretariat", country_code=None)
    query = "?convention=CMS&role=CMS-NFP&region=africa&from=2022-01&to=2025-02"
    page = client.get("/coverage/history" + query)
    assert page.status_code == 200
    html = page.data.decode()
    assert 'src="/coverage/history.svg?' in html and "<table" in html
    chart = client.get("/coverage/history.svg" + query)
    assert chart.mimetype == "image/svg+xml"
    svg = chart.data.decode()
    assert "<script" not in svg and "CMS" in svg
    assert "script-src" not in chart.headers["Content-Security-Policy"]
    data = client.get("/coverage/history.csv" + query).data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    by_month = {r["month"]: r for r in rows}
    assert set(by_month) >= {"2022-01", "2024-03", "2025-02"} and len(rows) == 38
    assert by_month["2022-06"]["confirmed"] == "1"  # Kenya
    assert by_month["2024-03"]["confirmed"] == "1"  # Tanzania; Kenya's is stale
    assert by_month["2024-07"]["confirmed"] == "2"
    assert by_month["2025-01"]["confirmed"] == "1"
    parties = int(by_month["2024-07"]["parties"])
    assert abs(float(by_month["2024-07"]["share"]) - 2 / parties) < 1e-4
    # The figures of the same day on the coverage page
    with client.application.test_request_context():
        report = coverage("africa", "CMS", "CMS-NFP", data=CoverageData.as_of(date(2024, 7, 31)))
    assert report.roles[0].filled == 2 and report.roles[0].parties == parties
    # One pass: the number of queries does not grow with the number of months.
    counter = count_queries()
    client.get("/coverage/history.csv?from=2024-01")
    few = counter.count
    counter.statements.clear()
    client.get("/coverage/history.csv?from=2005-01")
    assert counter.count == few


def test_history_in_arabic_and_for_a_national_user(client, login_as, kenya_history):
    login_as(role="coordinator", country_code="KE", language="ar")
    page = client.get("/coverage/history?convention=CMS&from=2022-01&to=2023-01").data.decode()
    assert 'dir="rtl"' in page and "/coverage/history.svg" in page
    svg = client.get("/coverage/history.svg?convention=CMS&from=2022-01&to=2023-01").text
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert any("٢٠٢٢" in label or "2022" in label for label in labels)
    assert client.get("/coverage/report").status_code == 403


def test_bad_months_get_a_400(client, login_as):
    login_as(role="secretariat", country_code=None)
    assert client.get("/coverage/history?from=2030-01").status_code == 400
    assert client.get("/coverage/history?from=2025-05&to=2024-01").status_code == 400
    assert client.get("/coverage/history.csv?from=nope").status_code == 400


HEADINGS = (
    "Totals by region",
    "Roles",
    "Parties without",
    "New designations",
    "Roles vacant",
    "Stale designations",
)


def _docx_tables(data: bytes) -> list[list[list[str]]]:
    """The six sections of an English report in order, each its table's rows (none if empty)."""
    document = Document(io.BytesIO(data))
    tables = iter(document.tables)
    sections: list[list[list[str]]] = []
    for element in document.element.body:
        if element.tag.endswith("}tbl"):
            sections[-1] = [[c.text for c in row.cells] for row in next(tables).rows]
        elif element.xpath("string(.)").startswith(HEADINGS):
            sections.append([])
    return sections


def test_report_figures_match_the_coverage_page_of_the_same_day(
    client, login_as, kenya_history, make_appointment
):
    make_appointment("CMS-NFP", country_code="FR", start=date(2023, 6, 1))
    login_as(role="secretariat", country_code=None)
    day = "2024-03-01"
    args = f"instrument=CMS&on={day}&since=2023-01-01"
    response = client.get(f"/coverage/report.docx?{args}&language=en")
    assert response.status_code == 200 and response.mimetype.endswith("document")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "National focal points: Convention on the Conservation of Migratory Species" in text
    assert "1 March 2024" in text
    regions, roles, missing, new, vacancies, stale = _docx_tables(response.data)
    with client.application.test_request_context():
        report = coverage(convention_code="CMS", data=CoverageData.as_of(date(2024, 3, 1)))
    entry = next(e for e in report.roles if e.role.code == "CMS-NFP")
    row = next(r for r in roles if r[0] == "National Focal Point")
    assert row[2:] == [str(entry.parties), str(entry.filled), str(entry.stale), str(entry.vacant)]
    assert entry.filled == 2 and entry.stale == 1  # Tanzania and France; Kenya's stale
    # The coverage page of the same day shows the same figures
    page = client.get(f"/coverage?convention=CMS&role=CMS-NFP&on={day}").data.decode()
    assert f">{entry.filled}<span" in page and f">{entry.stale}<span" in page
    africa = next(r for r in regions if r[0] == "Africa")
    assert africa[3] == "1" and africa[4] == "1"  # Tanzania confirmed, Kenya stale
    assert [r[0] for r in stale[1:]] == ["Kenya"]
    assert {r[0] for r in new[1:]} == {"United Republic of Tanzania", "France"}
    assert "Kenya" not in missing[1 + [r[0] for r in missing[1:]].index("National Focal Point")][2]
    assert vacancies[1:] == []
    later = client.get("/coverage/report.docx?instrument=CMS&on=2025-02-01&since=2024-07-01")
    _r, _roles, _m, _n, vacancies, _s = _docx_tables(later.data)
    assert ["Kenya", "National Focal Point"] in vacancies


def test_report_workbook_and_languages(client, login_as, kenya_history):
    login_as(role="secretariat", country_code=None)
    response = client.get(
        "/coverage/report.xlsx?instrument=CMS&on=2024-07-01&since=2023-01-01&language=fr"
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) == 7
    regions = workbook.worksheets[1]
    values = {row[0]: row for row in regions.iter_rows(min_row=2, values_only=True)}
    assert values["Afrique"][3] == 2 and isinstance(values["Afrique"][6], float)
    assert "Convention sur la conservation" in workbook.worksheets[0]["A2"].value
    # CMS works in English, French and Spanish; the CBD in the six languages.
    assert client.get("/coverage/report.docx?instrument=CMS&language=ru").status_code == 400
    russian = client.get("/coverage/report.docx?instrument=CBD&language=ru&since=2023-01-01")
    assert russian.status_code == 200
    assert "Конвенция о биологическом" in Document(io.BytesIO(russian.data)).paragraphs[1].text  # noqa: RUF001
    arabic = client.get("/coverage/report.xlsx?instrument=CBD&language=ar&since=2023-01-01")
    assert load_workbook(io.BytesIO(arabic.data)).worksheets[1].sheet_view.rightToLeft
    assert client.get("/coverage/report").status_code == 200


def test_report_is_for_the_secretariat(client, login_as):
    login_as(role="coordinator", country_code="KE")
    assert client.get("/coverage/report.docx?instrument=CMS").status_code == 403
