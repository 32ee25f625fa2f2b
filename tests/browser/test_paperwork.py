"""The paperwork in a browser: a letter downloaded from an appointment, the coverage history
chart, the handover pack and the Secretariat's report, axe clean in English and Arabic."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.browser.steps import log_in


def test_letter_download_and_history_chart(page: Page, make_user, make_appointment, shot):
    appointment = make_appointment("CMS-NFP", start=date(2023, 2, 1))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, make_user(role="coordinator", country_code="KE"))
    page.goto(f"/countries/KE/appointments/{appointment.id}")
    page.get_by_label("Language of the letter").select_option("fr")
    with page.expect_download() as download:
        page.get_by_role("button", name="Draft the letter (Word)").click()
    data = Path(download.value.path()).read_bytes()
    assert (
        "Note verbale".upper()
        in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs).upper()
    )
    page.get_by_role("link", name="Handover pack").click()
    expect(page.get_by_role("heading", name="The role")).to_be_visible()
    page.goto("/coverage")
    page.get_by_role("link", name="Coverage over time").click()
    chart = page.get_by_role("img", name="Share of Parties with a confirmed holder")
    expect(chart).to_be_visible()
    # The chart is drawn on request: wait for the image to load (or fail), then check it drew.
    width = chart.evaluate(
        """image => image.complete ? image.naturalWidth : new Promise(done => {
            image.addEventListener("load", () => done(image.naturalWidth));
            image.addEventListener("error", () => done(0));
        })"""
    )
    assert width > 0
    expect(page.get_by_role("region").get_by_role("table")).to_be_visible()
    shot("history")
    assert errors == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_new_pages_are_axe_clean(page: Page, make_user, make_appointment, axe, language):
    appointment = make_appointment("CMS-NFP")
    log_in(page, make_user(role="admin", country_code=None, language=language), language)
    problems = {}
    for url in (
        "/coverage/history",
        "/coverage/history?convention=CMS&from=2024-01",
        "/coverage/report",
        "/coverage?on=2025-01-31",
        f"/countries/KE/appointments/{appointment.id}/handover",
    ):
        page.goto(url)
        problems[url] = axe()
    found = {url: issues for url, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{u}: {i}" for u, i in found.items())
