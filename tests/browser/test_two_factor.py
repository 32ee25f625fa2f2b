"""Two-step log-in in a browser: an administrator sets it up, logs out, logs in with a code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Iterator[Flask]:
    """As in production: administrators must use two-step log-in."""
    application = app_factory(TWO_FACTOR_REQUIRED_ROLES=["admin", "secretariat"])
    with application.app_context():
        yield application


def test_administrator_sets_up_two_step_log_in_and_logs_in_with_a_code(page: Page, make_user, shot):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    admin = make_user(role="admin", country_code=None)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/two-step/setup$"))
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code for your authenticator application")
    ).to_be_visible()
    shot("setup")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shot("recovery-codes")
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page).to_have_url(re.compile(r"/countries$"))
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    page.goto("/countries")  # no way around the second step
    expect(page).to_have_url(re.compile(r"/login/code$"))
    shot("code")
    # The code used to set up is spent: the next period's code is accepted too.
    page.get_by_label("Code").fill(totp.at(datetime.now().timestamp() + 30))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/countries$"))
    expect(page.get_by_role("heading", name="Countries", exact=True)).to_be_visible()
    assert problems == []


@pytest.fixture
def browser_context_args(live_server: str, app: Flask) -> dict[str, Any]:
    """The site as http://localhost:port: WebAuthn takes a domain, never an IP address, as the
    RP ID, and BASE_URL names the site the passkeys belong to."""
    base = live_server.replace("127.0.0.1", "localhost")
    app.config["BASE_URL"] = base
    return {"base_url": base, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


def test_a_passkey_is_added_and_passes_the_second_step(page: Page, make_user, shot):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Chromium's virtual authenticator: a platform passkey that always answers.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    admin = make_user(role="admin", country_code=None)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step verification").click()
    page.get_by_role("link", name="I have kept my recovery codes").click()

    page.goto("/account#two-step")
    expect(page.get_by_text("This browser cannot add passkeys.")).to_be_hidden()
    page.get_by_label("Name of the passkey").fill("Virtual authenticator")
    page.locator("#passkey-current").fill(PASSWORD)
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("The passkey has been added.")).to_be_visible()
    expect(page.locator("#passkey-list")).to_contain_text("Virtual authenticator")
    expect(page.locator("#passkey-list")).to_contain_text("never used")
    shot("passkey-added")
    page.get_by_role("button", name="Log out").click()

    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    shot("use-a-passkey")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(re.compile(r"/countries$"))
    page.goto("/account#two-step")
    expect(page.locator("#passkey-list")).to_contain_text("last used on")
    assert problems == []


def test_without_webauthn_no_passkey_button_is_shown(page: Page, make_user):
    page.add_init_script("delete window.PublicKeyCredential;")
    admin = make_user(role="admin", country_code=None)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step verification").click()
    page.get_by_role("link", name="I have kept my recovery codes").click()
    page.goto("/account#two-step")
    expect(page.get_by_role("button", name="Add a passkey")).to_be_hidden()
    expect(page.get_by_text("This browser cannot add passkeys.")).to_be_visible()
