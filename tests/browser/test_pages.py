"""Every main page in every shipped language, in a real browser: no script or CSP error, and
with --screenshots a screenshot in test-artifacts/ for people to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, sample_positions, sample_working_group

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    "/countries",
    "/countries/KE",
    "/countries/KE/people",
    "/coverage",
    "/exports",
    "/api-tokens",
    "/admin/audit",
    "/users",
    "/users/invite",
    "/account",
    "/notices",
    "/account/password",
    "/admin/conventions",
    "/admin/conventions/1/edit",
    "/admin/roles/1/edit",
    "/admin/countries/FR/memberships",
    "/frameworks",
    "/frameworks/GBF",
    "/frameworks/GBF/edit",
    "/countries/KE/nbsap",
    "/countries/KE/nbsap/new",
    "/countries/KE/nbsap/matrix",
    "/reporting",
    "/countries/KE/reporting",
]


@pytest.mark.parametrize("language", ["ar", "zh", "en", "fr", "ru", "es"])
def test_main_pages_render_cleanly(page: Page, make_user, shot, language):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    admin = make_user(role="admin", country_code=None, language=language)
    working_group = {**sample_working_group(), **sample_positions()}
    page.goto("/login")
    shot("login")
    page.locator("#email").fill(admin.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    for url in [*PAGES, *working_group.values()]:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        shot(url.strip("/").replace("/", "-"))
    assert problems == []


@pytest.mark.parametrize("language", ["ar", "zh", "en", "fr", "ru", "es"])
def test_the_navigation_never_pushes_the_page_sideways(page: Page, make_user, language):
    """On a laptop's width, in every language, the bar wraps or collapses: no sideways scroll."""
    admin = make_user(role="admin", country_code=None, language=language)
    page.goto("/login")
    page.locator("#email").fill(admin.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    for width in (1000, 1200, 1280, 1440):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/countries/KE")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
