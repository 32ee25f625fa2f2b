"""The main journeys, as an official meets them in a browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from focalpoints.auth import tokens
from focalpoints.auth.models import UserRole
from focalpoints.auth.operations import create_user
from focalpoints.extensions import db
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


def test_coordinator_adds_replaces_confirms_and_sees_history(
    page: Page, make_user, make_appointment, shot
):
    from datetime import date

    old = make_appointment("CMS-NFP", start=date(2019, 3, 1))
    other = make_appointment("CBD-FP1", start=date(2020, 1, 1))
    other.last_confirmed_on = date(2024, 6, 1)  # stale
    db.session.commit()
    coordinator = make_user(role="coordinator", country_code="KE")
    page.goto("/login")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/countries/KE$"))

    # Add a focal point
    page.get_by_role("link", name="Add a person or institution").first.click()
    page.get_by_label("Given name(s)").fill("Achieng")
    page.get_by_label("Family name").fill("Odhiambo")
    page.get_by_label("E-mail address (primary)").fill("a.odhiambo@environment.go.ke")
    page.get_by_label("Telephone").fill("020 2730808")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Achieng Odhiambo")).to_be_visible()
    expect(page.get_by_text("+254 20 2730808")).to_be_visible()
    shot("person")

    # Replace the CMS National Focal Point
    page.goto(f"/countries/KE/appointments/{old.id}")
    page.get_by_role("link", name="Replace the holder").click()
    page.get_by_label("New holder").select_option(label="Achieng Odhiambo")
    page.get_by_label("From").fill("2025-09-01")
    page.get_by_role("button", name="Replace").click()
    expect(page.get_by_text("replaces")).to_be_visible()
    page.goto("/countries/KE")
    cms = page.locator("section", has=page.locator("#conv-CMS"))
    expect(cms.get_by_role("link", name="Achieng Odhiambo")).to_be_visible()
    expect(cms.get_by_text("1 former holder")).to_be_visible()
    shot("country")

    # Confirm another holder as still current
    page.goto(f"/countries/KE/appointments/{other.id}")
    page.get_by_role("button", name="Confirm still current").click()
    expect(page.get_by_text("The appointment has been updated.")).to_be_visible()

    # See the history
    history = page.locator("table", has=page.get_by_text("Last confirmed"))
    expect(history.get_by_text(coordinator.email).first).to_be_visible()
    shot("history")
