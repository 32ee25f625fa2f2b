"""The public directory as a visitor without an account meets it in a browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from focalpoints.focal_points.models import Status


@pytest.fixture
def public_contacts(make_person, make_appointment):
    """A public Kenyan National Focal Point of CMS, and a restricted one of CITES."""
    public = make_person(
        "KE",
        given_names="Amina",
        family_name="Otieno",
        organisation="Ministry of Environment",
        email="amina.otieno@environment.go.ke",
        visibility="public",
    )
    make_appointment("CMS-NFP", person=public, status=Status.ENDORSED)
    restricted = make_person("KE", given_names="Hidden", family_name="Person")
    make_appointment("CITES-MA", person=restricted, status=Status.ENDORSED)
    return public


def test_a_visitor_finds_a_countrys_focal_points_and_an_instruments_list(
    page: Page, context, shot, public_contacts
):
    page.goto("/directory")
    expect(page.get_by_role("heading", name="Directory of focal points", level=1)).to_be_visible()
    page.get_by_label("Name, country or institution").fill("Kenya")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Kenya", exact=True).click()
    expect(page).to_have_url(re.compile(r"/directory/KE\?lang=en$"))
    expect(page.get_by_role("heading", name="Kenya", level=1)).to_be_visible()
    expect(page.get_by_text("Amina Otieno")).to_be_visible()
    expect(page.get_by_role("link", name="amina.otieno@environment.go.ke")).to_be_visible()
    expect(page.get_by_text("Hidden Person")).to_have_count(0)
    shot("country")
    page.emulate_media(media="print")
    expect(page.locator("footer")).to_be_hidden()
    expect(page.get_by_text("Amina Otieno")).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(re.compile(r"/directory/KE\?lang=fr$"))
    expect(page.get_by_role("heading", name="Kenya", level=1)).to_be_visible()

    page.goto("/directory?lang=en")
    page.get_by_label("Instrument").select_option("CMS")
    page.get_by_label("Role").select_option("CMS-NFP")
    page.get_by_label("Region").select_option("africa")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"convention=CMS&role=CMS-NFP&region=africa"))
    row = page.get_by_role("row").filter(has_text="Kenya")
    expect(row).to_contain_text("Amina Otieno")
    shot("listing")
    assert context.cookies() == []  # no page of the directory set one

    page.goto("/login")  # which sets the session's cookie, for its form
    page.get_by_role("link", name="Open the public directory").click()
    expect(page).to_have_url(re.compile(r"/directory$"))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_directory_has_no_serious_accessibility_violations(
    page: Page, public_contacts, axe, language
):
    problems = {}
    for url in ("/directory", "/directory/KE", "/directory?convention=CMS&role=CMS-NFP"):
        address = f"{url}{'&' if '?' in url else '?'}lang={language}"
        page.goto(address)
        expect(page.locator("html")).to_have_attribute("lang", language)
        problems[address] = axe()
    found = {url: issues for url, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{u}: {i}" for u, i in found.items())
