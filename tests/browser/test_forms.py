"""Form controls in a browser: check-box lists worked with the keyboard alone, and the live count
of a text with a limit."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
from tests.browser.steps import log_in


def test_check_box_lists_work_with_the_keyboard(page: Page, make_user, shot):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, make_user())
    page.goto("/countries/KE/people/new")
    page.locator("#family_name").fill("Keyboard")
    languages = page.get_by_role("group", name="Correspondence languages")
    expect(languages).to_be_visible()
    # Tab from the field before the list reaches its first box; Space ticks it.
    page.locator("#website").focus()
    page.keyboard.press("Tab")
    first = languages.get_by_role("checkbox").first
    expect(first).to_be_focused()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    third = languages.get_by_role("checkbox").nth(2)
    expect(third).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Space")  # toggled twice: off again
    expect(third).not_to_be_checked()
    page.keyboard.press("Shift+Tab")
    second = languages.get_by_role("checkbox").nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("Space")
    chosen = {first.get_attribute("value"), second.get_attribute("value")}
    shot("languages")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    db.session.rollback()  # end the read begun before the server wrote
    person = db.session.scalar(select(Person).where(Person.family_name == "Keyboard"))
    assert person is not None and set(person.languages) == chosen
    assert not problems, problems


def test_the_live_count_of_a_limited_text(page: Page, make_user, shot):
    log_in(page, make_user())
    page.goto("/countries/KE/people/new")
    count = page.locator("#notes-limit")
    expect(count).to_have_text("0 / 5,000")
    page.locator("#notes").fill("x" * 5001)  # nothing cut: no maxlength
    expect(page.locator("#notes")).to_have_value("x" * 5001)
    expect(count).to_contain_text("5,001 / 5,000")
    expect(count).to_have_class(re.compile("text-danger"))
    shot("over")
