"""Two-step log-in in a browser: an administrator sets it up, logs out, logs in with a code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

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
