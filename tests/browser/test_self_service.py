"""A focal point without an account, with the link they were mailed: confirming and correcting
their record, answering a consultation; and the coordinator who approves what they propose."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
from flask import current_app
from playwright.sync_api import Page, expect

from focalpoints.extensions import db
from focalpoints.positions import operations as positions
from focalpoints.positions.models import Position
from focalpoints.self_service.operations import send_links
from tests.browser.steps import log_in
from tests.conftest import sample_positions

LINK = re.compile(r"https?://[^/\s]+(/respond/[A-Za-z0-9_-]+)")


def _link_to(address: str) -> str:
    """The path of the personal link in the latest message to ``address``."""
    folder = Path(current_app.instance_path) / "outbox"
    for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            return LINK.search(message.get_body(preferencelist=("plain",)).get_content())[1]
    raise AssertionError(f"no message to {address}")


def _accessible(axe) -> None:
    problems = axe()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def holder(make_person, make_appointment):
    person = make_person(
        "KE",
        given_names="Amina",
        family_name="Otieno",
        job_title="Director",
        email="amina.otieno@environment.go.ke",
    )
    make_appointment("CMS-NFP", person=person)
    return person


def test_a_focal_point_corrects_their_record_and_a_coordinator_approves_it(
    page: Page, shot, axe, holder, make_user
):
    coordinator = make_user(role="coordinator", country_code="KE")
    send_links()
    path = _link_to(holder.email)
    db.session.commit()  # no read transaction left open while the server writes
    page.goto(path)
    expect(
        page.get_by_role("heading", name="Your details as a focal point of Kenya", level=1)
    ).to_be_visible()
    expect(page.get_by_text("Amina Otieno")).to_be_visible()
    _accessible(axe)
    shot("record")
    page.get_by_text("Correct your details").click()
    page.get_by_label("Job title").fill("Director General")
    page.get_by_role("button", name="Send the corrections to my coordinators").click()
    expect(page.get_by_role("status")).to_contain_text("sent to your country's coordinators")
    _accessible(axe)
    page.goto(path)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    _accessible(axe)

    log_in(page, coordinator)
    page.goto("/countries/KE/people")
    page.get_by_role("link", name="Changes proposed by focal points").click()
    row = page.get_by_role("row").filter(has_text="Job title")
    expect(row).to_contain_text("Director General")
    _accessible(axe)
    shot("changes")
    page.get_by_role("button", name="Approve (Amina Otieno)").click()
    expect(page.get_by_text("The change has been applied to the record.")).to_be_visible()
    page.get_by_role("link", name="Amina Otieno").first.click()
    expect(page.get_by_role("paragraph").filter(has_text="Director General")).to_be_visible()
    expect(page.get_by_text("Proposed corrections on")).to_be_visible()


def test_a_focal_point_confirms_their_record_in_their_language(page: Page, axe, holder):
    holder.languages = ["fr"]
    db.session.commit()
    send_links()
    path = _link_to(holder.email)
    db.session.commit()
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="Tout est exact : confirmer").click()
    expect(page.get_by_role("status")).to_be_visible()
    _accessible(axe)


def test_a_focal_point_without_an_account_answers_a_consultation(
    page: Page, shot, axe, make_person, make_appointment, make_user
):
    coordinator = make_user(role="coordinator", country_code="KE")
    urls = sample_positions("KE")
    position = db.session.get(Position, int(urls["position"].rsplit("/", 1)[1]))
    person = make_person("KE", given_names="Joseph", family_name="Mutua", email="mutua@kws.go.ke")
    make_appointment("CBD-FP1", person=person)
    positions.request_consultation(
        position, [person], None, "Your view, please.", "en", position.version, share_text=True
    )
    send_links(confirmations=False)
    db.session.commit()
    page.goto(_link_to("mutua@kws.go.ke"))
    expect(page.get_by_role("heading", name="Our line", level=1)).to_be_visible()
    expect(page.get_by_text("Your view, please.")).to_be_visible()
    _accessible(axe)
    shot("consultation")
    page.get_by_label("Answer", exact=True).select_option("comment")
    page.get_by_label("Comment or objection").fill("Add a paragraph on migratory species.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("recorded as yours")

    log_in(page, coordinator)
    page.goto(urls["position"])
    row = page.get_by_role("row").filter(has_text="Joseph Mutua")
    expect(row).to_contain_text("Answered by the focal point")
    expect(row).to_contain_text("Add a paragraph on migratory species.")
