"""Steps the browser tests share."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def log_in(page: Page, user: Any, language: str = "en") -> None:
    """Log in through the form as ``user`` (opening the log-in page unless the browser is on
    it) and wait for the page in the user's language."""
    if urlsplit(page.url).path != "/login":
        page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", language)
