"""Markup and script planted in every text a person can type are shown inert everywhere:
pages, exports, vCards and JSON."""

from __future__ import annotations

import json
from datetime import date

import vobject

from focalpoints.extensions import db
from focalpoints.focal_points.models import Status

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'


def test_planted_markup_is_inert_everywhere(client, login_as, make_person, make_appointment):
    person = make_person(
        "KE",
        given_names=IMG,
        family_name=SCRIPT,
        visibility="public",
        job_title=f"{SCRIPT}job",
        organisation=f'{IMG}" autofocus onfocus="x',
        notes=f"{SCRIPT}notes",
        email="evil@example.org",
    )
    appointment = make_appointment(
        "CMS-NFP",
        person=person,
        status=Status.NOTIFIED,
        letter_reference=SCRIPT,
        letter_date=date(2024, 1, 10),
    )
    appointment.end_reason = SCRIPT
    db.session.commit()
    login_as(role="admin", country_code=None)
    pages = [
        "/countries/KE",
        "/countries/KE/people",
        f"/countries/KE/people/{person.id}",
        f"/countries/KE/people/{person.id}/edit",
        f"/countries/KE/appointments/{appointment.id}",
        "/exports/directory?country=KE",
        f"/admin/audit?entity_type=people&entity_id={person.id}",
    ]
    for url in pages:
        html = client.get(url).data.decode()
        assert SCRIPT not in html and IMG not in html, url
        assert "&lt;script&gt;" in html or "&lt;img" in html, url
    csv_text = client.get("/exports/contacts.csv?country=KE").data.decode("utf-8-sig")
    assert SCRIPT in csv_text  # plain text, inert in a spreadsheet; never a formula
    card = next(
        vobject.readComponents(client.get("/exports/contacts.vcf?country=KE").data.decode())
    )
    assert card.n.value.family == SCRIPT  # the value survives as text, unchanged
    body = client.get("/api/v1/focal-points?country=KE").data.decode()
    parsed = json.loads(body)["items"][0]
    assert parsed["lastName"] == SCRIPT  # data, served as JSON with nosniff: never rendered
    response = client.get("/api/v1/focal-points?country=KE")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
