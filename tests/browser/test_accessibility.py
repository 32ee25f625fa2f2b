"""axe-core on every main page in English and Arabic: no serious or critical violation. The
same walk checks what the page sweep checks in the other languages (tests/browser/walk.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import log_in
from tests.browser.walk import main_pages, walk
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_main_pages_have_no_serious_accessibility_violations(
    page: Page, make_user, make_appointment, shot, axe, language
):
    admin = make_user(role="admin", country_code=None, language=language)
    urls = main_pages(make_appointment)
    page.goto("/login")
    shot("login")
    problems = {"/login": axe()}
    log_in(page, admin, language)

    def check(url: str) -> None:
        shot(url.strip("/").replace("/", "-"))
        problems[url] = axe()

    walk(page, urls, check)
    found = {url: issues for url, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{u}: {i}" for u, i in found.items())


def test_forms_announce_their_errors_to_screen_readers(page: Page, make_user):
    coordinator = make_user(role="coordinator", country_code="KE")
    log_in(page, coordinator)
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
