"""Everyday use in a real browser: the language switcher of the top bar, long words and narrow
screens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import log_in
from tests.conftest import sample_working_group


def test_top_bar_switcher_changes_the_language_by_keyboard_and_arabic_is_right_to_left(
    page: Page, make_user, shot
):
    # Given French by an administrator, as the demo accounts are: the browser's English wins.
    user = make_user(role="editor", country_code="FR", language="fr", language_chosen=False)
    log_in(page, user)
    expect(page).to_have_url(re.compile(r"/countries/FR$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The menu opens by Bootstrap's script: press Enter only once it has run.
    page.wait_for_load_state("load")
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


PHONE = {"width": 390, "height": 844}


def _page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _overflowing(page: Page) -> list[str]:
    """The outermost elements that reach past the screen's edges, to say what to fix."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")].filter(e => {
            const out = x => x.right > innerWidth + 1 || x.left < -1;
            if (!out(e.getBoundingClientRect())) return false;
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                if (getComputedStyle(a).overflowX !== "visible") return false;
                if (out(a.getBoundingClientRect())) return false;
            }
            return true;
        }).slice(0, 8).map(e => `${e.tagName}.${e.className} ${e.textContent.slice(0, 40)}`)"""
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_long_words_and_wide_tables_stay_inside_a_phone_screen(
    page: Page, make_user, make_person, make_appointment, shot, language
):
    """A 5,000-character note without a space and a pasted address wrap; wide tables scroll
    inside their own box: the page itself is never wider than the phone."""
    person = make_person(
        "KE",
        notes="n" * 5000,
        website="https://example.org/" + "very-long-path-" * 20,
        organisation="Ministry-of-Environment-Climate-Change-and-Forestry-" * 3,
    )
    make_appointment("CMS-NFP", person=person)
    working_group = sample_working_group()
    user = make_user(role="secretariat", country_code=None, language=language)
    page.set_viewport_size(PHONE)
    log_in(page, user, language)
    for url in (
        f"/countries/KE/people/{person.id}",
        "/countries/KE/people",
        "/coverage",
        "/countries/KE",
        working_group["group"],
    ):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert _page_width(page) == PHONE["width"], (url, _overflowing(page))
        shot(url.strip("/").replace("/", "-"))
    # The note is all there, wrapped within the screen.
    page.goto(f"/countries/KE/people/{person.id}")
    note = page.get_by_role("definition").filter(has_text="n" * 100)
    box = note.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
