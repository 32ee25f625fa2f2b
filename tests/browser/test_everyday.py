"""Everyday use in a real browser: the language switcher of the top bar, long words and narrow
screens."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def _log_in(page: Page, user) -> None:
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_top_bar_switcher_changes_the_language_by_keyboard_and_arabic_is_right_to_left(
    page: Page, make_user, shot
):
    # Given French by an administrator, as the demo accounts are: the browser's English wins.
    user = make_user(role="editor", country_code="FR", language="fr", language_chosen=False)
    _log_in(page, user)
    expect(page).to_have_url(re.compile(r"/countries/FR$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    bar = page.get_by_role("banner")
    menu = bar.get_by_role("button", name="Language: English")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    arabic = bar.get_by_role("button", name="العربية")
    expect(arabic).to_have_attribute("lang", "ar")
    for _ in range(6):  # Bootstrap's menu: the arrow keys move between the languages
        page.keyboard.press("ArrowDown")
        if arabic.evaluate("element => element === document.activeElement"):
            break
    expect(arabic).to_be_focused()
    shot("menu-open")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/countries/FR$"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # Right to left, the switcher sits at the left end of the bar and its menu opens inwards.
    menu = bar.get_by_role("button", name=re.compile("العربية"))
    brand = bar.get_by_role("link", name="focalpoints")
    assert menu.bounding_box()["x"] < brand.bounding_box()["x"]
    menu.click()
    english = bar.get_by_role("button", name="English")
    expect(english).to_be_visible()
    box = english.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    shot("arabic")
    english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The footer keeps its switcher.
    expect(page.get_by_role("contentinfo").get_by_role("button", name="Français")).to_be_visible()
