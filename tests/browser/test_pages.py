"""Every main page in every shipped language, in a real browser: no script or CSP error, no
sideways scroll on a laptop, and with --screenshots a screenshot in test-artifacts/ for people to
look at. English and Arabic are walked by the accessibility sweep (test_accessibility.py), which
makes the same checks on the same pages and runs axe-core on each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.steps import log_in
from tests.browser.walk import main_pages, walk

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("language", ["zh", "fr", "ru", "es"])
def test_main_pages_render_cleanly(page: Page, make_user, make_appointment, shot, language):
    admin = make_user(role="admin", country_code=None, language=language)
    urls = main_pages(make_appointment)
    page.goto("/login")
    shot("login")
    log_in(page, admin, language)
    walk(page, urls, lambda url: shot(url.strip("/").replace("/", "-")))
