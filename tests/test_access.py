"""Every endpoint of app.url_map for anonymous, own-country, other-country, Secretariat, admin.

A new endpoint fails this test until its expected statuses are written down here.
"""

from __future__ import annotations

from datetime import datetime

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
    # Two-step log-in: with no log-in between its steps, the code page sends users on; in
    # TEST_CONFIG nobody must use it, so everyone may set it up; nothing to renew or forget.
    "two_factor.verify": (
        "GET",
        dict(anonymous=LOGIN, own=302, other=302, secretariat=302, admin=302),
    ),
    "two_factor.enrol": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200),
    ),
    # A passkey is added or removed only with the authenticator set up (nobody here): each
    # goes back to the account page. Its log-in steps, like the code page, send users on.
    **{
        endpoint: ("POST", dict(anonymous=LOGIN, own=302, other=302, secretariat=302, admin=302))
        for endpoint in (
            "two_factor.renew_recovery_codes",
            "two_factor.turn_off",
            "two_factor.forget_device",
            "two_factor.passkey_creation_options",
            "two_factor.add_passkey",
            "two_factor.remove_passkey",
            "two_factor.passkey_challenge",
            "two_factor.verify_passkey",
        )
    },
    "two_factor.reset": (
        "POST",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=302),
    ),
    "two_factor.requirement": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403, admin=200),
    ),
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
    # Each user's own notices and choice of notices.
    "notifications.index": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200),
    ),
    "notifications.mark_read": (
        "POST",
        dict(anonymous=LOGIN, own=302, other=302, secretariat=302, admin=302),
    ),
    # Administrators receive no kind of notice: their empty choice is saved as it is.
    "notifications.preferences": (
        "POST",
        dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=302),
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
    # The public directory answers everyone alike, logged in or not (tests/test_directory.py).
    **{
        endpoint: ("GET", dict.fromkeys(WHO, 200))
        for endpoint in (
            "directory.index",
            "directory.country",
            "directory.country_json",
            "directory.robots",
            "directory.sitemap",
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
    # Each user's own calendar link; the feed answers a made-up token with 404, whoever asks.
    "calendar_feeds.index": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200),
    ),
    "calendar_feeds.feed": ("GET", dict.fromkeys(WHO, 404)),
    # A focal point's personal link (an unknown one here), and what coordinators approve.
    "self_service.respond": ("GET", dict.fromkeys(WHO, 404)),
    "self_service.changes": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    **{
        endpoint: ("POST", dict(anonymous=LOGIN, own=302, other=403, secretariat=403, admin=302))
        for endpoint in ("self_service.approve", "self_service.reject")
    },
    # The Secretariat's queue of designations to acknowledge.
    "designations.queue": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=200, admin=200),
    ),
    "designations.acknowledge": (
        "POST",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=302, admin=302),
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
            "exports.count",
            "coverage.index",
            "coverage.missing_csv",
            "coverage.missing_count",
            "coverage.history_page",
            "coverage.history_svg",
            "coverage.history_csv",
        )
    },
    # The page's download buttons name a format; without one there is nothing to download.
    "exports.download": (
        "GET",
        dict(anonymous=LOGIN, own=404, other=404, secretariat=404, admin=404),
    ),
    # The Secretariat's report; without an instrument chosen, the files are a bad request.
    "coverage.report_page": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=200, admin=200),
    ),
    "coverage.report_docx": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=400, admin=400),
    ),
    "coverage.report_xlsx": (
        "GET",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=400, admin=400),
    ),
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
    # The page a reminder's link opens; its button posts to the same address.
    "focal_points.confirm": (
        "GET",
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
    # Designation letters: the country's officials, the Secretariat and administrators; the
    # download without any appointment chosen is a bad request.
    "letters.appointment_letter": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200),
    ),
    "letters.download": (
        "GET",
        dict(anonymous=LOGIN, own=400, other=403, secretariat=400, admin=400),
    ),
    "letters.new": ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200)),
    # The handover pack: whoever may see the holder (restricted here); mailed by the country's
    # officials and administrators (no language chosen: a bad request).
    "handover.page": ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200)),
    "handover.docx": ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200)),
    "handover.mail": (
        "POST",
        dict(anonymous=LOGIN, own=400, other=403, secretariat=403, admin=400),
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
    # The working group: the country and the Secretariat see the group, its members and its
    # meeting dates; only the country (and administrators) change it; its papers are not shared.
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200))
        for endpoint in (
            "working_groups.index",
            "working_groups.group",
            "working_groups.meeting",
            "working_groups.meeting_ics",
            "working_groups.calendar_feed",
        )
    },
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200))
        for endpoint in (
            "working_groups.new_group",
            "working_groups.edit_group",
            "working_groups.close_group",
            "working_groups.add_member",
            "working_groups.add_stakeholder",
            "working_groups.edit_member",
            "working_groups.new_meeting",
            "working_groups.edit_meeting",
            "working_groups.new_action",
            "working_groups.edit_action",
            "working_groups.document",
        )
    },
    **{
        endpoint: ("POST", dict(anonymous=LOGIN, own=302, other=403, secretariat=403, admin=302))
        for endpoint in (
            "working_groups.reopen_group",
            "working_groups.add_focal_points",
            "working_groups.remove_member",
            "working_groups.restore_member",
            "working_groups.delete_meeting",
            "working_groups.restore_meeting",
            "working_groups.attach_document",
            "working_groups.delete_document",
            "working_groups.restore_document",
        )
    },
    # Frameworks: read by every official, kept by the Secretariat and administrators.
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=200, secretariat=200, admin=200))
        for endpoint in (
            "frameworks.index",
            "frameworks.detail",
            "nbsap.index",
            "nbsap.target",
            "nbsap.matrix",
            "reporting.index",
        )
    },
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=403, other=403, secretariat=200, admin=200))
        for endpoint in ("frameworks.edit", "frameworks.edit_element", "reporting.edit_deadline")
    },
    # NBSAPs: written by the country's own officials and administrators only.
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200))
        for endpoint in ("nbsap.edit_nbsap", "nbsap.new_target", "nbsap.edit_target")
    },
    # The KE NBSAP has no document.
    "nbsap.document": (
        "GET",
        dict(anonymous=LOGIN, own=404, other=404, secretariat=404, admin=404),
    ),
    # Deleted, then restored by the next endpoint: both redirect.
    **{
        endpoint: ("POST", dict(anonymous=LOGIN, own=302, other=403, secretariat=403, admin=302))
        for endpoint in ("nbsap.delete_target", "nbsap.restore_target", "nbsap.unalign")
    },
    # Empty forms are shown again with their errors.
    **{
        endpoint: ("POST", dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200))
        for endpoint in ("nbsap.align", "nbsap.add_note")
    },
    # Report statuses: seen by the country and the Secretariat, set by the country.
    "reporting.calendar": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200),
    ),
    "reporting.set_status": (
        "GET",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=403, admin=200),
    ),
    # Reporting packs: the country and the Secretariat (shared positions only).
    **{
        endpoint: ("GET", dict(anonymous=LOGIN, own=200, other=403, secretariat=200, admin=200))
        for endpoint in (
            "reporting.reporting_pack",
            "reporting.reporting_pack_xlsx",
            "reporting.reporting_pack_json",
        )
    },
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


@pytest.mark.slow
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
    from focalpoints.frameworks.models import FrameworkElement
    from focalpoints.meetings.models import Meeting
    from focalpoints.nbsap import operations as nbsap_operations
    from focalpoints.nbsap.models import Degree
    from focalpoints.positions import operations as positions

    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    item = meeting.agenda_items[1]
    position = positions.create_position(
        kenya,
        positions.PositionValues(meeting, item, None, "en", "Line", "Text", "draft", None, None),
    )
    consultation = positions.request_consultation(position, [person], None, "", "en", 1)[0]
    from focalpoints.self_service.models import PendingChange

    change = PendingChange(
        country_id=kenya.id,
        person_id=person.id,
        kind="correction",
        proposed={"job_title": "Director"},
        previous={"job_title": ""},
        appointment_ids=[],
    )
    db.session.add(change)
    db.session.commit()

    nbsap = nbsap_operations.save_nbsap(kenya, None, {"title": "NBSAP"})
    target = nbsap_operations.save_target(
        kenya, nbsap, None, {"code": "T1", "title": "Target", "language": "en"}
    )
    gbf3 = db.session.scalar(
        select(FrameworkElement).where(FrameworkElement.identifier == "GBF-TARGET-03")
    )
    alignment = nbsap_operations.align(target, gbf3, Degree.HIGH)
    db.session.commit()
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
        "framework_code": "GBF",
        "element_id": gbf3.id,
        "nbsap_id": nbsap.id,
        "target_id": target.id,
        "alignment_id": alignment.id,
        "deadline_id": 1,
        "meeting_id": meeting.id,
        "item_id": item.id,
        "issue_id": item.issue_id,
        "position_id": position.id,
        "consultation_id": consultation.id,
        "change_id": change.id,
        "number": 1,
        "convention_code": "CMS",
        "device_id": 1,
        "passkey_id": 1,
    }
    fresh = _working_group_records(kenya)
    # One log-in per role, through the real form; each endpoint gets a fresh client carrying its
    # session cookie. Logging out ends the session server-side: log in again after it.
    session_cookie = app.config["SESSION_COOKIE_NAME"]
    cookie = None
    failures = []
    for rule in _rules(app):
        method, expected_by_who = EXPECTED[rule.endpoint]
        expected = expected_by_who[who]
        # A fresh target for each write, managed by the KE coordinator.
        target = make_user(role="editor", country_code="KE")
        args = {
            name: target.id
            if name == "user_id"
            else fresh[name]()
            if name in fresh and rule.endpoint.startswith("working_groups.")
            else values[name]
            for name in rule.arguments
        }
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        client = app.test_client()
        if who != "anonymous":
            if cookie is None:
                assert login(client, users[who]).status_code == 302
                cookie = client.get_cookie(session_cookie, domain=app.config["SERVER_NAME"]).value
            else:
                client.set_cookie(session_cookie, cookie, domain=app.config["SERVER_NAME"])
        response = client.open(url, method=method)
        if rule.endpoint == "auth.logout":
            cookie = None
        if expected == LOGIN:
            ok = response.status_code == 302 and response.headers["Location"].startswith("/login")
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append((rule.endpoint, method, url, expected, response.status_code))
    assert failures == []


def _working_group_records(kenya):
    """Kenya's working group, and a fresh meeting, member, action or document for each call."""
    from focalpoints.working_groups import operations as groups

    group = groups.create_group(kenya, {"name": "Kenya Biodiversity Working Group"})

    def meeting():
        return groups.create_meeting(
            group, {"title": "Meeting", "starts_at": datetime(2030, 1, 1, 9), "timezone": "UTC"}
        )

    def member():
        from focalpoints.focal_points import operations as registry

        person = registry.create_person(kenya, {"family_name": "Member"})
        return groups.add_member(group, person)

    def action():
        return groups.add_action(meeting(), {"description": "Circulate the draft"})

    def document():
        return groups.attach_document(group, None, b"%PDF-1.4 minutes", "minutes.pdf")

    return {
        "group_id": lambda: group.id,
        "meeting_id": lambda: meeting().id,
        "member_id": lambda: member().id,
        "action_id": lambda: action().id,
        "document_id": lambda: document().id,
    }
