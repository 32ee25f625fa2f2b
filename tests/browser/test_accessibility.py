"""axe-core on every main page in English and Arabic: no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, sample_positions, sample_working_group

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    "/countries",
    "/countries/KE",
    "/countries/KE/people",
    "/countries/KE/people/new",
    "/countries/KE/roles/CMS-SCC/appoint",
    "/countries/KE/import",
    "/coverage",
    "/exports",
    "/users",
    "/users/invite",
    "/account",
    "/notices",
    "/admin/conventions",
    "/admin/roles/1/edit",
    "/frameworks/GBF",
    "/countries/KE/nbsap",
    "/countries/KE/nbsap/matrix",
    "/reporting",
    "/countries/KE/reporting",
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_main_pages_have_no_serious_accessibility_violations(
    page: Page, make_user, make_appointment, language
):
    appointment = make_appointment("CMS-NFP")
    admin = make_user(role="admin", country_code=None, language=language)
    working_group = {**sample_working_group(), **sample_positions()}
    axe = Axe()
    page.goto("/login")
    problems = {"/login": _serious(axe.run(page))}
    page.locator("#email").fill(admin.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    for url in [
        *PAGES,
        f"/countries/KE/appointments/{appointment.id}",
        f"/countries/KE/people/{appointment.person_id}",
        *working_group.values(),
    ]:
        page.goto(url)
        problems[url] = _serious(axe.run(page))
    found = {url: issues for url, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{u}: {i}" for u, i in found.items())


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_forms_announce_their_errors_to_screen_readers(page: Page, make_user):
    coordinator = make_user(role="coordinator", country_code="KE")
    page.goto("/login")
    page.locator("#email").fill(coordinator.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.goto("/countries/KE/people/new")
    page.get_by_label("Telephone").fill("12345")
    page.get_by_role("button", name="Save").click()
    phone = page.get_by_label("Telephone")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_attribute("aria-describedby", "phone-error")
    expect(page.locator("#phone-error")).to_contain_text("valid phone number")


def test_every_action_is_reachable_by_keyboard(page: Page, make_user):
    user = make_user(role="coordinator", country_code="KE")
    page.goto("/login")
    expect(page.locator("#email")).to_be_focused()  # the form takes the focus on arrival
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/countries/KE$"))
    # Every link and button on the country page is reachable by Tab, with a visible focus.
    focusables = page.locator(
        "a[href]:visible, button:visible, input:not([type=hidden]):visible, select:visible"
    ).count()
    seen = set()
    for _ in range(focusables + 5):
        page.keyboard.press("Tab")
        # The element's place in the document tells apart elements that look the same.
        seen.add(
            page.evaluate(
                "Array.prototype.indexOf.call(document.querySelectorAll('*'),"
                " document.activeElement)"
            )
        )
        visible = page.evaluate(
            "(() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return e === document.body || s.outlineStyle !== 'none'"
            " || s.boxShadow !== 'none'; })()"
        )
        assert visible, page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    assert len(seen) >= focusables
