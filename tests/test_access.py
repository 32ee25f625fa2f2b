"""Every endpoint of app.url_map for anonymous, own-country, other-country, Secretariat, admin.

A new endpoint fails this test until its expected statuses are written down here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from focalpoints.countries.models import Membership
from focalpoints.extensions import db
from tests.conftest import login

LOGIN = "login"  # anonymous users are sent to the log-in page
WHO = ("anonymous", "own", "other", "secretariat", "admin")

# endpoint: (method, {who: expected status or LOGIN})
EXPECTED = {
    "auth.login": ("GET", dict(anonymous=200, own=302, other=302, secretariat=302, admin=302)),
    "auth.logout": ("POST", dict(anonymous=LOGIN, own=302, other=302, secretariat=302, admin=302)),
    "auth.accept_invitation": ("GET", dict.fromkeys(WHO, 400)),
    "auth.forgot_password": ("GET", dict.fromkeys(WHO, 200)),
    "auth.reset_password": ("GET", dict.fromkeys(WHO, 400)),
    "auth.account": ("GET", dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200)),
    "auth.change_password": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200),
    ),
    "auth.set_language": ("POST", dict.fromkeys(WHO, 400)),
    "countries.home": (
        "GET",
        dict(anonymous=LOGIN, own=302, other=302, secretariat=302, admin=302),
    ),
    "countries.index": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200),
    ),
    "countries.detail": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200),
    ),
    "users.index": ("GET", dict(anonymous=LOGIN, own=200, other=200, secretariat=403, admin=200)),
    "users.invite": ("GET", dict(anonymous=LOGIN, own=200, other=200, secretariat=403, admin=200)),
    "users.edit": ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200)),
    "users.deactivate": (
        "POST",
        dict(anonymous=LOGIN, own=302, other=403, secretariat=403, admin=302),
    ),
    "users.reactivate": (
        "POST",
        dict(anonymous=LOGIN, own=302, other=403, secretariat=403, admin=302),
    ),
    "users.resend_invitation": (
        "POST",
        dict(anonymous=LOGIN, own=302, other=403, secretariat=403, admin=302),
    ),
    "admin.conventions": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
    "admin.edit_convention": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
    "admin.edit_role": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
    "admin.memberships": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
    "admin.edit_membership": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
    "admin.audit_log": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
    "admin.audit_csv": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
    "admin.official_names": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
    "health.healthz": ("GET", dict.fromkeys(WHO, 200)),
    # The read API answers everyone; what it shows depends on who asks (tests/test_api.py).
    **{
        endpoint: ("GET", dict.fromkeys(WHO, 200))
        for endpoint in (
            "api.openapi",
            "api.countries",
            "api.conventions",
            "api.focal_points",
            "api.coverage_figures",
        )
    },
    "api_tokens.index": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=200, admin=200),
    ),
    # The token belongs to an administrator: the Secretariat may not revoke it.
    "api_tokens.revoke": (
        "POST",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=302),
    ),
    # Exports: every logged-in official, national users limited to their own country.
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200))
        for endpoint in (
            "exports.index",
            "exports.contacts_csv",
            "exports.contacts_xlsx",
            "exports.contacts_vcf",
            "exports.contacts_txt",
            "exports.directory",
            "coverage.index",
            "coverage.missing_csv",
        )
    },
    # The registry; the KE person is restricted to Kenya and the Secretariat.
    "focal_points.people": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200),
    ),
    "focal_points.new_person": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.person": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200),
    ),
    "focal_points.edit_person": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.delete_person": (
        "POST",
        dict(anonymous=LOGIN, own=302, other=403, secretariat=403, admin=302),
    ),
    "focal_points.restore_person": (
        "POST",
        dict(anonymous=LOGIN, own=404, other=403, secretariat=403, admin=404),
    ),
    "focal_points.personal_data": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.erase_person": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.merge_person": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.appoint": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.appointment": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200),
    ),
    "focal_points.advance": (
        "POST",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.end": (
        "POST",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.confirm": (
        "POST",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.acknowledge": (
        "POST",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=302, admin=302),
    ),
    "focal_points.replace": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.letter": (
        "GET",
        dict(anonymous=LOGIN, own=404, other=403, secretariat=404, admin=404),
    ),
    "focal_points.make_primary": (
        "POST",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    "focal_points.import_contacts": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200),
    ),
    "focal_points.confirm_import": (
        "POST",
        dict(anonymous=LOGIN, own=302, other=403, secretariat=302, admin=302),
    ),
    # Catalogues: read by every logged-in user, kept by the Secretariat and administrators.
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200))
        for endpoint in ("meetings.index", "meetings.detail", "meetings.issues")
    },
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=403, other=403, secretariat=200, admin=200))
        for endpoint in ("meetings.edit_meeting", "meetings.edit_item", "meetings.edit_issue")
    },
    # Positions are private to the country; the KE position is not shared with the Secretariat.
    "positions.index": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200),
    ),
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=404, admin=200))
        for endpoint in ("positions.detail", "positions.version")
    },
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200))
        for endpoint in (
            "positions.new",
            "positions.edit",
            "positions.coherence",
            "positions.consult",
            "positions.answer",
        )
    },
    # Buttons posted without a version (or CSRF token) are refused as bad requests.
    **{
        endpoint: ("POST", dict(anonymous=LOGIN, own=400, other=403, secretariat=403, admin=400))
        for endpoint in ("positions.share", "positions.delete")
    },
    # The position is not deleted: there is nothing to restore.
    "positions.restore": (
        "POST",
        dict(anonymous=LOGIN, own=404, other=403, secretariat=403, admin=404),
    ),
}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_endpoint_is_in_the_matrix(app):
    assert {rule.endpoint for rule in _rules(app)} == set(EXPECTED)


@pytest.mark.parametrize("who", WHO)
def test_access_matrix(app, make_user, country, who, make_person, make_appointment):
    users = {
        "own": make_user(role="coordinator", country_code="KE"),
        "other": make_user(role="coordinator", country_code="TZ"),
        "secretariat": make_user(role="secretariat", country_code=None),
        "admin": make_user(role="admin", country_code=None),
    }
    kenya = country("KE")
    membership = db.session.scalars(
        select(Membership).where(Membership.country_id == kenya.id)
    ).first()
    person = make_person("KE", visibility="restricted")
    appointment = make_appointment("CMS-NFP", person=person)
    from focalpoints.api import tokens
    from focalpoints.api.models import ApiToken
    from focalpoints.meetings.models import Meeting
    from focalpoints.positions import operations as positions

    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    item = meeting.agenda_items[1]
    position = positions.create_position(
        kenya,
        positions.PositionValues(meeting, item, None, "en", "Line", "Text", "draft", None, None),
    )
    consultation = positions.request_consultation(position, [person], None, "", "en", 1)[0]

    tokens.create_token(users["admin"], "matrix")
    api_token = db.session.scalars(select(ApiToken)).first()
    values = {
        "code": "KE",
        "token": "not-a-token",
        "convention_id": 1,
        "role_id": 1,
        "membership_id": membership.id,
        "person_id": person.id,
        "appointment_id": appointment.id,
        "role_code": "CMS-SCC",
        "token_id": api_token.id,
        "meeting_id": meeting.id,
        "item_id": item.id,
        "issue_id": item.issue_id,
        "position_id": position.id,
        "consultation_id": consultation.id,
        "number": 1,
    }
    failures = []
    for rule in _rules(app):
        method, expected_by_who = EXPECTED[rule.endpoint]
        expected = expected_by_who[who]
        # A fresh target for each write, managed by the KE coordinator.
        target = make_user(role="editor", country_code="KE")
        args = {name: (target.id if name == "user_id" else values[name]) for name in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        client = app.test_client()
        if who != "anonymous":
            assert login(client, users[who]).status_code == 302
        response = client.open(url, method=method)
        if expected == LOGIN:
            ok = response.status_code == 302 and response.headers["Location"].startswith("/login")
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append((rule.endpoint, method, url, expected, response.status_code))
    assert failures == []
