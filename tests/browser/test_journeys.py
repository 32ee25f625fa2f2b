"""The main journeys, as an official meets them in a browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from focalpoints.auth import tokens
from focalpoints.auth.models import UserRole
from focalpoints.auth.operations import create_user
from tests.conftest import PASSWORD


def test_invited_coordinator_sets_a_password_and_lands_on_their_country(
    app, page: Page, shot, country
):
    invited = create_user("amina@example.org", UserRole.COORDINATOR, country("KE"), name="Amina")
    with app.test_request_context():
        token = tokens.make_token(invited, tokens.INVITATION)
    page.goto(f"/invitation/{token}")
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("short")
    page.get_by_role("button", name="Save the password").click()
    expect(page.locator("#password-error")).to_contain_text("at least 12 characters")
    expect(page.get_by_label("New password", exact=True)).to_have_attribute("aria-invalid", "true")
    shot("error")
    page.get_by_label("New password", exact=True).fill("a long and private passphrase")
    page.get_by_label("Repeat the new password").fill("a long and private passphrase")
    page.get_by_role("button", name="Save the password").click()
    expect(page).to_have_url(re.compile(r"/countries/KE$"))
    expect(page.get_by_role("heading", name="Kenya", exact=True)).to_be_visible()
    shot("country")


def test_official_logs_in_switches_language_and_logs_out(page: Page, make_user, shot):
    user = make_user(role="editor", country_code="FR")
    page.goto("/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/countries/FR$"))
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Statut de Partie")).to_be_visible()
    shot("french")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/countries/FR")
    expect(page).to_have_url(re.compile(r"/login"))


def test_keyboard_user_can_skip_to_the_content(page: Page):
    page.goto("/password/reset/no-such-link")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
