"""The export page in a browser: downloads follow the form as shown, and the count follows it."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from focalpoints.focal_points.models import Status
from tests.browser.steps import log_in


def test_excel_follows_the_visible_filters_without_apply(
    page: Page, make_user, make_appointment, shot
):
    notified = {
        "status": Status.NOTIFIED,
        "letter_reference": "NV/1",
        "letter_date": date(2024, 1, 2),
    }
    for country in ("KE", "TZ"):
        make_appointment("RAMSAR-NFP", country_code=country, **notified)
        make_appointment("CMS-NFP", country_code=country, **notified)
    make_appointment("RAMSAR-NFP", country_code="FR", **notified)  # Europe
    make_appointment("RAMSAR-STRP-FP", country_code="KE", **notified)  # another Ramsar role
    make_appointment("RAMSAR-NFP", country_code="UG")  # only proposed
    secretariat = make_user(role="secretariat", country_code=None)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, secretariat)
    page.goto("/exports")
    count = page.locator("#export-count")
    expect(count).to_contain_text("The files will hold 6 designations")

    page.get_by_label("Convention or instrument").select_option("RAMSAR")
    page.get_by_label("Role", exact=True).select_option("RAMSAR-NFP")
    page.get_by_label("Region").select_option("africa")
    # The count follows the form before anything is applied.
    expect(count).to_contain_text("The files will hold 2 designations")
    expect(page).to_have_url(re.compile(r"/exports$"))
    shot("chosen")

    with page.expect_download() as download:
        page.get_by_role("button", name="Excel (XLSX)").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]
    assert sorted((r["country"], r["role"], r["status"]) for r in rows) == [
        ("KE", "RAMSAR-NFP", "notified"),
        ("TZ", "RAMSAR-NFP", "notified"),
    ]
    assert [r["country_name"] for r in rows] == ["Kenya", "United Republic of Tanzania"]
    assert "ramsar" in download.value.suggested_filename

    # Ticking "Proposed" counts and downloads Uganda's proposal too, still without "Apply".
    page.get_by_label("Proposed").check()
    expect(count).to_contain_text("The files will hold 3 designations")
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV (UTF-8)").click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted((r["country"], r["status"]) for r in rows) == [
        ("KE", "notified"),
        ("TZ", "notified"),
        ("UG", "proposed"),
    ]
    assert not problems  # no script, CSP or network error
