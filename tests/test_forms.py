"""Junk in every form: a translated error, nothing written, never a 500."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from sqlalchemy import event, select, text

from focalpoints.extensions import db
from focalpoints.focal_points import operations
from tests.conftest import in_language, login

TABLES = (
    "users",
    "countries",
    "conventions",
    "roles",
    "memberships",
    "reference_datasets",
    "people",
    "appointments",
    "api_tokens",
    "calendar_feeds",
    "working_groups",
    "working_group_members",
    "working_group_meetings",
    "working_group_actions",
    "working_group_documents",
    "notices",
    "notification_preferences",
    "frameworks",
    "framework_elements",
    "framework_conventions",
    "nbsaps",
    "national_targets",
    "national_target_people",
    "national_target_conventions",
    "alignments",
    "progress_notes",
    "report_deadlines",
    "report_statuses",
    "meetings",
    "agenda_items",
    "issues",
    "issue_conventions",
    "positions",
    "position_versions",
    "consultations",
)
WG = "/countries/KE/working-group"
GROUP_FIELDS = [
    "version",
    "name",
    "mandate",
    "mandate_language",
    "legal_basis",
    "established_on",
    "coordinating_institution",
    "secretariat_contact_id",
    "papers_shared",
    "mandate_file",
]
MEETING_FIELDS = [
    "version",
    "title",
    "starts_at",
    "ends_at",
    "timezone",
    "place",
    "online_url",
    "agenda",
    "attendees",
    "guests",
    "minutes",
    "decisions",
    "text_language",
]
STAKEHOLDER_FIELDS = [
    "new-kind",
    "new-honorific",
    "new-given_names",
    "new-family_name",
    "new-job_title",
    "new-organisation",
    "new-email",
    "new-category",
    "new-group_role",
    "new-joined_on",
    "new-visibility",
]
PERSON_FIELDS = ["version", *operations.PERSON_FIELDS, "confirm_new"]

CONVENTION_FIELDS = [
    "code",
    "kind",
    "parent",
    "website",
    "sort_order",
    "is_active",
    "name_en",
    "acronym_en",
]
ROLE_FIELDS = [
    "code",
    "holder_kind",
    "multiple_holders",
    "has_primary",
    "requirement",
    "sort_order",
    "name_en",
    "basis_en",
]

NBSAP_FIELDS = [
    "version",
    "title",
    "language",
    "start_year",
    "end_year",
    "adopted_on",
    "status",
    "document_url",
]
TARGET_FIELDS = [
    "version",
    "nbsap",
    "kind",
    "parent",
    "code",
    "language",
    "title",
    "description",
    "lead_institution",
    "responsible",
    "start_date",
    "end_date",
    "status",
    "indicators",
    "conventions",
]
DEADLINE_FIELDS = ["version", "convention", "code", "due_date", "notes", "is_active", "title_en"]
POSITION_FIELDS = [
    "version",
    "meeting",
    "agenda_item",
    "issue",
    "language",
    "title",
    "text",
    "status",
    "lead",
    "agreed_on",
]
BODY_MEETING_FIELDS = [
    "version",
    "code",
    "convention",
    "body",
    "number",
    "place",
    "host_country",
    "start_date",
    "end_date",
    "tentative",
    "name_en",
    "short_name_en",
]
ITEM_FIELDS = ["version", "code", "issue", "sort_order", "is_active", "title_en"]
ISSUE_FIELDS = ["version", "code", "conventions", "in_resolution", "sort_order", "name_en"]

# (url, the role allowed to post it, the form's field names)
FORMS = [
    ("/countries/KE/people/new", "coordinator", PERSON_FIELDS),
    ("/countries/KE/people/{person}/edit", "coordinator", PERSON_FIELDS),
    ("/countries/KE/people/{person}/merge", "coordinator", ["other"]),
    (
        "/countries/KE/roles/CMS-SCC/appoint",
        "coordinator",
        ["person", "start_date", "status", "is_primary", "letter_reference", "letter_date"],
    ),
    (
        "/countries/KE/appointments/{appointment}/advance",
        "coordinator",
        ["status", "version", "letter_reference", "letter_date"],
    ),
    (
        "/countries/KE/appointments/{appointment}/end",
        "coordinator",
        ["end_date", "reason", "version"],
    ),
    (
        "/countries/KE/appointments/{appointment}/replace",
        "coordinator",
        ["person", "start_date", "version"],
    ),
    ("/countries/KE/appointments/{appointment}/confirm", "coordinator", ["version"]),
    ("/countries/KE/import", "coordinator", ["file"]),
    ("/countries/KE/appointments/{appointment}/primary", "coordinator", ["version"]),
    ("/login", None, ["email", "password"]),
    ("/password/forgot", None, ["email"]),
    ("/account", "coordinator", ["name", "language"]),
    ("/account/password", "coordinator", ["current", "password", "confirm"]),
    ("/account/calendar", "coordinator", ["action"]),
    (
        "/account/notices",
        "coordinator",
        ["stale_appointments", "vacancies", "designations_acknowledged"],
    ),
    ("/users/invite", "coordinator", ["email", "name", "role", "country", "language"]),
    ("/users/{editor}/edit", "coordinator", ["name", "role", "country", "language"]),
    (
        "/admin/conventions/new",
        "admin",
        CONVENTION_FIELDS,
    ),
    (
        "/admin/conventions/1/edit",
        "admin",
        CONVENTION_FIELDS,
    ),
    (
        "/admin/conventions/1/roles/new",
        "admin",
        ROLE_FIELDS,
    ),
    (
        "/admin/roles/1/edit",
        "admin",
        ROLE_FIELDS,
    ),
    (
        "/admin/countries/KE/memberships",
        "admin",
        [
            "convention",
            "kind",
            "signed",
            "deposited",
            "entry_into_force",
            "ended",
            "source",
            "confirmed",
            "note",
        ],
    ),
    ("/language", None, ["language", "next"]),
    (f"{WG}/new", "coordinator", GROUP_FIELDS),
    (f"{WG}/{{group}}/edit", "coordinator", GROUP_FIELDS),
    (f"{WG}/{{group}}/close", "coordinator", ["version", "closed_on", "closing_note"]),
    (
        f"{WG}/{{group}}/members/new",
        "coordinator",
        ["existing-person", "existing-category", "existing-group_role", "existing-joined_on"],
    ),
    (f"{WG}/{{group}}/members/new-stakeholder", "coordinator", STAKEHOLDER_FIELDS),
    (
        f"{WG}/members/{{member}}/edit",
        "coordinator",
        ["version", "category", "group_role", "joined_on", "left_on"],
    ),
    (f"{WG}/{{group}}/meetings/new", "coordinator", MEETING_FIELDS),
    (f"{WG}/meetings/{{meeting}}/edit", "coordinator", MEETING_FIELDS),
    (
        f"{WG}/meetings/{{meeting}}/actions/new",
        "coordinator",
        ["version", "description", "owner_id", "due_on", "status"],
    ),
    (
        f"{WG}/actions/{{action}}/edit",
        "coordinator",
        ["version", "description", "owner_id", "due_on", "status"],
    ),
    (
        "/countries/KE/nbsap/new",
        "coordinator",
        NBSAP_FIELDS,
    ),
    (
        "/countries/KE/nbsap/{nbsap}/edit",
        "editor",
        NBSAP_FIELDS,
    ),
    ("/countries/KE/nbsap/targets/new", "coordinator", TARGET_FIELDS),
    ("/countries/KE/nbsap/targets/{target}/edit", "coordinator", TARGET_FIELDS),
    ("/countries/KE/nbsap/targets/{target}/alignments", "coordinator", ["element", "degree"]),
    ("/countries/KE/nbsap/targets/{target}/notes", "editor", ["noted_on", "language", "text"]),
    (
        "/frameworks/GBF/edit",
        "secretariat",
        ["version", "start_year", "end_year", "conventions", "is_active", "name_en", "short_en"],
    ),
    ("/frameworks/elements/1/edit", "admin", ["version", "title_en", "title_ar"]),
    ("/reporting/new", "secretariat", DEADLINE_FIELDS),
    ("/reporting/1/edit", "admin", DEADLINE_FIELDS),
    ("/countries/KE/reporting/1", "coordinator", ["version", "status", "submitted_on"]),
    ("/countries/KE/positions/new", "coordinator", POSITION_FIELDS),
    ("/countries/KE/positions/{position}/edit", "coordinator", POSITION_FIELDS),
    (
        "/countries/KE/positions/{position}/consult",
        "coordinator",
        ["version", "people", "deadline", "message", "language"],
    ),
    (
        "/countries/KE/positions/{position}/consultations/{consultation}/answer",
        "coordinator",
        ["version", "answer", "note", "language", "answered_on"],
    ),
    ("/countries/KE/positions/{position}/share", "coordinator", ["version"]),
    ("/countries/KE/positions/{position}/delete", "coordinator", ["version"]),
    ("/meetings/new", "secretariat", BODY_MEETING_FIELDS),
    ("/meetings/{body_meeting}/edit", "secretariat", BODY_MEETING_FIELDS),
    ("/meetings/{body_meeting}/items/new", "secretariat", ITEM_FIELDS),
    ("/meetings/{body_meeting}/items/{item}/edit", "admin", ITEM_FIELDS),
    ("/issues/new", "admin", ISSUE_FIELDS),
    ("/issues/1/edit", "secretariat", ISSUE_FIELDS),
]

JUNK = {
    "empty": "",
    "huge": "x" * 20_000,
    "control": "ab\x00c\x1b[31m\x07",
    "wrong type": "[1, 2]",
    "unicode": "\U0001f600\u202e\ufeff",
    "sql": "' OR 1=1 --",
}


def _working_group(person):
    """Kenya's working group with a member, a meeting and an action."""
    from datetime import datetime

    from focalpoints.working_groups import operations as groups

    group = groups.create_group(person.country, {"name": "Working group"})
    groups.add_member(group, person)
    meeting = groups.create_meeting(
        group, {"title": "Meeting", "starts_at": datetime(2030, 1, 1, 9), "timezone": "UTC"}
    )
    groups.add_action(meeting, {"description": "Circulate the draft"})
    db.session.refresh(group)
    return group


def snapshot() -> dict[str, str]:
    """A digest of each business table's rows, by table: a difference names the table.

    Rows are sorted here on all their columns: ``ORDER BY 1`` leaves the rows of a link table
    (whose first column repeats) in whatever order the database reads them.
    """
    digests = {}
    for table in TABLES:
        rows = db.session.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608
        content = json.dumps(sorted(list(map(str, row)) for row in rows)).encode()
        digests[table] = hashlib.sha256(content).hexdigest()
    db.session.commit()
    return digests


_WRITE = re.compile(
    r'\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)


class WriteDetector:
    """Record the business tables written by transactions committed on an engine.

    A cheaper test than two ``snapshot()`` digests around each request, and one that names the
    table: every INSERT, UPDATE or DELETE the engine sends to one of TABLES is noted on its
    connection, and kept when that connection's transaction commits.
    """

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.pending: dict[int, list[str]] = {}
        self.written: list[str] = []

    def __enter__(self) -> WriteDetector:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine, "rollback", self._rollback)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)

    def _statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        match = _WRITE.match(statement)
        if match and match.group(1).lower() in TABLES:
            self.pending.setdefault(id(conn), []).append(match.group(1).lower())

    def _commit(self, conn: Any) -> None:
        self.written += self.pending.pop(id(conn), [])

    def _rollback(self, conn: Any) -> None:
        self.pending.pop(id(conn), None)


def url_values(make_user, make_appointment) -> dict:
    """Records the FORMS' urls point at: an editor, an appointment, an NBSAP with a target, a
    working group with a member, a meeting and an action, a position with a consultation on a
    meeting of a convention body."""
    from focalpoints.meetings.models import Meeting
    from focalpoints.nbsap import operations as nbsap_operations
    from focalpoints.positions import operations as positions

    editor = make_user(role="editor", country_code="KE")
    appointment = make_appointment("CMS-NFP")
    kenya = appointment.country
    nbsap = nbsap_operations.save_nbsap(kenya, None, {"title": "NBSAP"})
    target = nbsap_operations.save_target(
        kenya, nbsap, None, {"code": "T1", "title": "Target", "language": "en"}
    )
    group = _working_group(appointment.person)
    meeting = group.meetings[0]
    body_meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    item = body_meeting.agenda_items[0]
    position = positions.create_position(
        kenya,
        positions.PositionValues(body_meeting, item, None, "en", "Line", "", "draft", None, None),
    )
    consultation = positions.request_consultation(
        position, [appointment.person], None, "", "en", 1
    )[0]
    db.session.commit()
    return {
        "editor": editor.id,
        "person": appointment.person_id,
        "appointment": appointment.id,
        "nbsap": nbsap.id,
        "target": target.id,
        "group": group.id,
        "member": group.members[0].id,
        "meeting": meeting.id,
        "action": meeting.actions[0].id,
        "position": position.id,
        "consultation": consultation.id,
        "body_meeting": body_meeting.id,
        "item": item.id,
    }


@pytest.mark.parametrize("url,role,fields", FORMS, ids=[f[0] for f in FORMS])
def test_junk_is_refused_without_writing(app, make_user, make_appointment, url, role, fields):
    values = url_values(make_user, make_appointment)
    client = app.test_client()
    if role:
        login(client, make_user(role=role, country_code="KE" if role != "admin" else None))
    url = url.format(**values)
    with WriteDetector(db.engine) as writes:
        for name, value in JUNK.items():
            for payload in (dict.fromkeys(fields, value), {}, {f: [value, value] for f in fields}):
                response = client.post(url, data=payload)
                assert response.status_code in (200, 400, 429), (name, response.status_code)
                if response.status_code == 200:
                    assert (
                        b"invalid-feedback" in response.data or b'role="alert"' in response.data
                    ), name
    assert writes.written == []


@pytest.mark.parametrize(
    "url,field", [("/admin/countries/KE", "official_en"), ("/api-tokens", "name")]
)
def test_free_text_forms_refuse_control_characters_and_overlong_text(client, login_as, url, field):
    """Forms of free text accept any wording, but not controls, bidi overrides or 20,000 chars."""
    login_as(role="admin", country_code=None)
    before = snapshot()
    for junk in (JUNK["control"], JUNK["huge"], JUNK["unicode"]):
        response = client.post(url, data={field: junk})
        # A NUL byte is refused before the form (400); other junk at the field (200).
        assert response.status_code == 400 or b"invalid-feedback" in response.data
    assert snapshot() == before


def test_invalid_utf8_body_is_refused_cleanly(client):
    response = client.post(
        "/login",
        data=b"email=%FF%FE%00&password=%C3",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)


def test_errors_are_shown_in_the_readers_language(client):
    response = client.post(
        "/login", data={"email": "", "password": ""}, headers={"Accept-Language": "fr"}
    )
    assert in_language("fr", "Enter an e-mail address.").encode() in response.data
    response = client.post(
        "/login",
        data={"email": "not an address", "password": "x"},
        headers={"Accept-Language": "es"},
    )
    assert in_language("es", "Enter a valid e-mail address.").encode() in response.data


def test_errors_are_announced_to_screen_readers(client):
    response = client.post("/login", data={"email": "", "password": ""})
    html = response.data.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="email-error"' in html and 'id="email-error"' in html


def test_oversized_request_is_refused_with_413(app_factory):
    app = app_factory(MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        response = app.test_client().post(
            "/login", data={"email": "a@b.org", "password": "x" * 5000}
        )
        assert response.status_code == 413


def test_csrf_token_is_required_for_every_post(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods:
                continue
            url = re.sub(r"<int:\w+>", "1", rule.rule.replace("<code>", "KE"))
            url = re.sub(r"<\w+>", "x", url)
            response = client.post(url, data={"email": "a@b.org", "password": "x"})
            assert response.status_code == 400, (url, response.status_code)


BAD_LINKS = (
    "javascript:alert(1)",
    " JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "https://",
    "https://example.org/a b",
)


def test_every_link_field_takes_http_and_https_only(app, make_user, make_appointment):
    """Person websites, convention websites, meeting links and NBSAP links alike."""
    values = url_values(make_user, make_appointment)
    group = f"/countries/KE/working-group/{values['group']}"
    forms = [
        (
            "coordinator",
            "/countries/KE/people/new",
            {"version": "0", "kind": "person", "family_name": "Linked", "visibility": "public"},
            "website",
        ),
        (
            "admin",
            "/admin/conventions/new",
            {"code": "WHC", "sort_order": "50", "name_en": "World Heritage", "acronym_en": "WHC"},
            "website",
        ),
        (
            "coordinator",
            f"{group}/meetings/new",
            {"version": "0", "title": "Met", "starts_at": "2031-05-01T09:00", "timezone": "UTC"},
            "online_url",
        ),
        (
            "coordinator",
            "/countries/KE/nbsap/new",
            {"version": "0", "title": "NBSAP 2", "language": "en", "status": "adopted"},
            "document_url",
        ),
    ]
    refusal = "Enter a web address starting with https://."
    for role, url, payload, field in forms:
        client = app.test_client()
        login(client, make_user(role=role, country_code="KE" if role != "admin" else None))
        before = snapshot()
        for link in BAD_LINKS:
            response = client.post(url, data={**payload, field: link})
            assert response.status_code == 200, (url, link)
            assert refusal.encode() in response.data, (url, link)
            assert snapshot() == before, (url, link)
        response = client.post(url, data={**payload, field: "https://example.org/page?a=1"})
        assert response.status_code == 302, (url, response.data[-3000:])
    assert snapshot() != before


def test_operations_refuse_a_script_link_whatever_calls_them(app, country):
    """Imports and any other caller go through the operations, which refuse it too."""
    from focalpoints.nbsap import operations as nbsap_operations

    with pytest.raises(operations.RegistryError):
        operations.create_person(
            country("KE"), {"family_name": "X", "website": "javascript:alert(1)"}
        )
    with pytest.raises(nbsap_operations.NbsapError):
        nbsap_operations.save_nbsap(
            country("KE"), None, {"title": "N", "document_url": "javascript:alert(1)"}
        )


@pytest.mark.parametrize(
    "url,name",
    [
        ("/countries/KE/people/new", "languages"),
        ("/countries/KE/nbsap/targets/new", "responsible"),
        ("/countries/KE/nbsap/targets/new", "conventions"),
    ],
)
def test_several_choices_are_check_boxes_in_a_fieldset(client, login_as, make_person, url, name):
    """No Ctrl-click multiple select: a fieldset whose legend is the label, one box per choice."""
    login_as()
    make_person("KE")
    page = client.get(url).data.decode()
    assert "<select multiple" not in page and " multiple" not in page.split("<form")[1]
    fieldset = re.search(rf'<fieldset[^>]*id="{name}"[^>]*>(.*?)</fieldset>', page, re.S)
    assert fieldset and "<legend" in fieldset.group(1)
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', fieldset.group(1))
    assert boxes and all(f'name="{name}"' in box for box in boxes)
    for box in boxes:
        box_id = re.search(r'id="([^"]+)"', box).group(1)
        assert f'for="{box_id}"' in fieldset.group(1)  # each box has its own label
    assert "/static/js/checkbox_lists.js" in page


def test_a_long_check_box_list_gets_a_filter_and_languages_are_marked(client, login_as):
    login_as()
    page = client.get("/countries/KE/people/new").data.decode()
    fieldset = re.search(r'<fieldset[^>]*id="languages"[^>]*>', page).group(0)
    assert "data-filter" not in fieldset  # six languages: no filter box needed
    assert re.search(r'<label class="form-check-label" for="languages-\d+" lang="ar">', page)
    from focalpoints.forms import BaseForm as Base
    from focalpoints.forms import CheckboxList, CheckboxListField, choices

    class Form(Base):
        many = CheckboxListField("Many", choices=choices((i, f"Option {i}") for i in range(12)))

    with client.application.test_request_context():
        html = str(Form(meta={"csrf": False}).many())
    assert CheckboxList.LONG <= 12 and 'data-filter="Filter the list"' in html
    assert 'class="checkbox-list-options"' in html


def test_control_characters_and_lone_surrogates_are_refused_but_any_script_is_not():
    from focalpoints.forms import has_control_characters

    for refused in ("a\x00b", "bell\x07", "\u202eevil", "half \udc80 a pair", "\ud83d"):
        assert has_control_characters(refused), repr(refused)
    for kept in ("Kenya", "مرحبا\u200dبكم", "中华人民共和国", "Côte d'Ivoire", "😀 emoji"):
        assert not has_control_characters(kept), kept
    assert has_control_characters("two\nlines") and not has_control_characters("a\nb", True)
