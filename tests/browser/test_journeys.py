"""The main journeys, as an official meets them in a browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from focalpoints.auth import tokens
from focalpoints.auth.models import UserRole
from focalpoints.auth.operations import create_user
from focalpoints.extensions import db
from tests.browser.steps import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_invited_coordinator_sets_a_password_and_lands_on_their_country(
    app, page: Page, shot, country
):
    invited = create_user("amina@example.org", UserRole.COORDINATOR, country("KE"), name="Amina")
    db.session.commit()
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
    # Until its style sheet has loaded, the top bar's closed language menu shows its buttons too.
    page.wait_for_load_state()
    page.get_by_role("group", name="Language").get_by_role("button", name="Français").click()
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


@pytest.mark.parametrize("language", ["en", "ar", "zh"])
def test_coordinator_adds_replaces_confirms_and_sees_history(
    page: Page, make_user, make_appointment, shot, language
):
    """Journey 2, in English and again right to left in Arabic and in Chinese."""
    from datetime import date

    old = make_appointment("CMS-NFP", start=date(2019, 3, 1))
    other = make_appointment("CBD-FP1", start=date(2020, 1, 1))
    other.last_confirmed_on = date(2024, 6, 1)  # stale
    db.session.commit()
    coordinator = make_user(role="coordinator", country_code="KE", language=language)
    log_in(page, coordinator, language)
    expect(page).to_have_url(re.compile(r"/countries/KE$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")

    # Add a focal point
    page.locator("main a[href$='/people/new']").first.click()
    page.locator("#given_names").fill("Achieng")
    page.locator("#family_name").fill("Odhiambo")
    page.locator("#email").fill("a.odhiambo@environment.go.ke")
    page.locator("#phone").fill("020 2730808")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Achieng Odhiambo")
    expect(page.get_by_text("+254 20 2730808")).to_be_visible()
    shot("person")

    # Replace the CMS National Focal Point
    page.goto(f"/countries/KE/appointments/{old.id}")
    page.locator("a[href$='/replace']").click()
    page.locator("#person").select_option(label="Achieng Odhiambo")
    page.locator("#start_date").fill("2025-09-01")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto("/countries/KE")
    cms = page.locator("section", has=page.locator("#conv-CMS"))
    expect(cms.get_by_role("link", name="Achieng Odhiambo")).to_be_visible()
    expect(cms.locator("details")).to_have_count(1)  # the former holder, folded away
    shot("country")

    # Confirm another holder as still current
    page.goto(f"/countries/KE/appointments/{other.id}")
    page.locator("form[action$='/confirm'] button").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # See the history
    expect(page.locator("main table").last.get_by_text(coordinator.email).first).to_be_visible()
    shot("history")


def test_secretariat_filters_coverage_opens_a_country_and_downloads_exports(
    page: Page, make_user, make_appointment, make_person, shot
):
    import io
    from datetime import date

    import vobject
    from openpyxl import load_workbook

    from focalpoints.focal_points.models import Status

    holder = make_person("KE", given_names="Wanjiru", family_name="Kamau", visibility="public")
    # Officially notified: the contact lists hold notified and acknowledged designations unless
    # the reader ticks other statuses.
    notified = {
        "status": Status.NOTIFIED,
        "letter_reference": "R/1",
        "letter_date": date(2026, 1, 5),
    }
    make_appointment("CMS-NFP", person=holder, **notified)
    make_appointment("CBD-FP1", country_code="FR", **notified)
    secretariat = make_user(role="secretariat", country_code=None)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Coverage").click()
    page.get_by_label("Region").select_option("africa")
    page.get_by_role("button", name="Apply the filters").click()
    expect(page).to_have_url(re.compile(r"region=africa"))
    table = page.locator("table.coverage-table")
    expect(table.get_by_role("link", name="Kenya")).to_be_visible()
    expect(table.get_by_role("link", name="France")).to_have_count(0)
    shot("coverage")
    table.get_by_role("link", name="Kenya").click()
    expect(page.get_by_role("link", name="Wanjiru Kamau")).to_be_visible()

    page.get_by_role("link", name="Contact lists").click()
    page.get_by_label("Country", exact=True).select_option("KE")
    page.get_by_role("button", name="Apply the filters").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Excel (XLSX)").click()
    sheet = load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("country", "country_name", "convention", "role")
    family = rows[0].index("family_name")
    assert [r[family] for r in rows[1:]] == ["Kamau"]  # Kenya only
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Address book (vCard)").click()
    [card] = list(vobject.readComponents(download_info.value.path().read_text()))
    assert card.fn.value == "Wanjiru Kamau"
    shot("exports")


def test_coordinator_sets_up_the_working_group_and_records_a_meeting_with_an_action(
    page: Page, make_user, make_appointment, shot
):
    """Journey 3: set up the group, add all focal points, record a meeting with an action."""
    nfp = make_appointment("CMS-NFP")
    cbd = make_appointment("CBD-FP1")
    coordinator = make_user(role="coordinator", country_code="KE")
    page.goto("/login")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("button", name="Kenya").click()
    navigation.get_by_role("link", name="Working group").click()
    page.get_by_role("link", name="Set up the working group").click()
    page.get_by_label("Name of the group").fill("Kenya National Biodiversity Working Group")
    page.get_by_label("Mandate or terms of reference").fill(
        "Coordinates the focal points of **CMS, CBD, CITES and Ramsar**."
    )
    page.get_by_label("Date established").fill("2021-03-01")
    page.get_by_label("Coordinating ministry or institution").fill("Ministry of Environment")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name="Kenya National Biodiversity Working Group")
    ).to_be_visible()
    expect(page.get_by_text(nfp.person.display_name)).to_be_visible()  # missing from the group

    page.get_by_role("button", name="Add all current focal points").click()
    expect(page.get_by_text("2 focal points have been added to the group.")).to_be_visible()
    members = page.locator("table").first
    for holder in (nfp.person, cbd.person):
        expect(members.get_by_role("link", name=holder.display_name, exact=True)).to_be_visible()
    shot("group")

    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_label("Title").fill("Preparing CMS COP15")
    page.get_by_label("Starts").fill("2025-10-02T10:00")
    page.get_by_label("Time zone").select_option("Africa/Nairobi")
    page.get_by_label("Place").fill("NHIF Building, Nairobi")
    page.get_by_label("Agenda").fill("Adoption of the agenda\nNational position on bushmeat")
    page.get_by_label(nfp.person.display_name).check()
    page.get_by_label("Minutes", exact=True).fill("The chair opened the meeting. **Agreed**.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Preparing CMS COP15")).to_be_visible()
    expect(page.locator(".rich-text strong")).to_have_text("Agreed")

    page.get_by_role("link", name="Record an action").click()
    page.get_by_label("Action").fill("Circulate the draft national position")
    page.get_by_label("Owner").select_option(label=cbd.person.display_name)
    page.get_by_label("Due date").fill("2025-10-20")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("cell", name="Circulate the draft national position", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("overdue")).to_be_visible()
    shot("meeting")

    page.get_by_role("link", name="Working group").last.click()
    expect(page.get_by_text("1 overdue")).to_be_visible()
    expect(page.get_by_text("Oct 2, 2025").first).to_be_visible()  # the last meeting
    shot("group-after")


def test_a_position_is_drafted_consulted_across_two_conventions_and_agreed(
    page: Page, make_user, make_appointment, shot
):
    """Journey 4: draft a position, consult the CMS and CITES focal points, agree it."""
    from sqlalchemy import select

    from focalpoints.meetings.models import Meeting

    cms = make_appointment("CMS-NFP")
    cites = make_appointment("CITES-MA", is_primary=True)
    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    coordinator = make_user(role="coordinator", country_code="KE")
    page.goto("/login")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    elsewhere = db.session.scalar(select(Meeting).where(Meeting.code == "CITES-COP20"))
    its_items, other_items = (
        [str(i.id) for i in m.agenda_items if i.is_active] for m in (meeting, elsewhere)
    )

    page.goto("/countries/KE/positions")
    page.get_by_role("link", name="Record a position").click()
    meeting_select = page.get_by_label("Meeting", exact=True)
    items = page.get_by_label("Agenda item")
    # The agenda items follow the meeting chosen: only its items are offered.
    meeting_select.select_option(str(elsewhere.id))
    expect(items.locator("option[data-meeting]")).to_have_count(len(other_items))
    items.select_option(other_items[0])
    meeting_select.select_option(str(meeting.id))
    expect(items).to_have_value("")  # the other meeting's item is no longer chosen
    expect(items.locator("option[data-meeting]")).to_have_count(len(its_items))
    expect(items.locator(f'option[data-meeting="{meeting.id}"]')).to_have_count(len(its_items))
    items.select_option(its_items[-1])
    page.get_by_label("Title", exact=True).fill("Listing of the Sand Tiger Shark")
    page.get_by_label("Position", exact=True).fill("Kenya supports the listing in Appendix II.")
    page.get_by_label("Lead focal point").select_option(label=cms.person.display_name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Listing of the Sand Tiger Shark")).to_be_visible()
    expect(page.get_by_text("Draft", exact=True).first).to_be_visible()

    page.get_by_role("link", name="Consult focal points").click()
    consulted = page.get_by_role("group", name="Focal points to consult")
    for person_id in (cms.person_id, cites.person_id):
        consulted.locator(f"input[value='{person_id}']").check()
    page.get_by_role("button", name="Ask for their view").click()
    expect(page.get_by_text("In consultation").first).to_be_visible()
    shot("consulted")

    for holder in (cms.person, cites.person):
        page.get_by_role("link", name=f"Record the answer ({holder.display_name})").click()
        page.get_by_label("Answer", exact=True).select_option("agree")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("heading", name="Listing of the Sand Tiger Shark")).to_be_visible()
    consultation = page.locator("table").first
    expect(consultation.get_by_text("Agrees")).to_have_count(2)

    page.get_by_role("link", name="Edit or translate").click()
    page.get_by_label("Status").select_option("agreed")
    page.get_by_label("Agreed on").fill("2026-03-10")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Agreed", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"Version 3"))).to_be_visible()
    shot("agreed")
