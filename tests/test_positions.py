"""National positions: recording, versions, translations, consultation, sharing, coherence,
privacy towards other countries and the Secretariat, and constant query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from focalpoints.extensions import db
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.positions import operations, queries
from focalpoints.positions.models import Consultation, Position, PositionVersion
from tests.conftest import in_language, login


def _meeting(code: str) -> Meeting:
    return db.session.scalar(select(Meeting).where(Meeting.code == code))


def _issue(code: str) -> Issue:
    return db.session.scalar(select(Issue).where(Issue.code == code))


def _item(meeting_code: str, issue_code: str) -> AgendaItem:
    meeting = _meeting(meeting_code)
    return next(i for i in meeting.agenda_items if i.issue and i.issue.code == issue_code)


def _reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _form(item: AgendaItem, **values) -> dict:
    data = {
        "version": "0",
        "meeting": str(item.meeting_id),
        "agenda_item": str(item.id),
        "issue": "",
        "language": "en",
        "title": "Support the draft decision",
        "text": "Kenya supports the draft decision\nwith two amendments.",
        "status": "draft",
        "lead": "",
        "agreed_on": "",
    }
    data.update(values)
    return data


@pytest.fixture
def make_position(app, country):
    """Record a position of a country on an agenda item: make_position("KE", item, ...)."""

    def make(country_code="KE", item=None, status="draft", shared=False, **values):
        item = item or _item("CMS-COP15", "climate-change")
        position = operations.create_position(
            country(country_code),
            operations.PositionValues(
                meeting=item.meeting,
                agenda_item=item,
                issue=values.get("issue"),
                language=values.get("language", "en"),
                title=values.get("title", f"Position of {country_code}"),
                text=values.get("text", "Secret negotiating line"),
                status=status,
                lead=values.get("lead"),
                agreed_on=date(2025, 1, 10) if status == "agreed" else None,
            ),
        )
        if shared:
            operations.toggle_shared(position, position.version)
        db.session.commit()  # operations flush: the test's data is saved, as a request would
        return position

    return make


def test_catalogues_are_loaded_by_init_with_translations(app):
    cop20 = _meeting("CITES-COP20")
    assert cop20.place == "Samarkand" and cop20.start_date == date(2025, 11, 24)
    assert cop20.end_date == date(2025, 12, 5) and len(cop20.agenda_items) >= 3
    assert _meeting("CBD-COP17").host_country == "AM"
    codes = set(db.session.scalars(select(Issue.code)))
    assert {
        "climate-change",
        "bushmeat",
        "invasive-alien-species",
        "ecological-connectivity",
        "illegal-killing-trade",
        "marine-debris-plastics",
        "wildlife-health",
        "renewable-energy",
        "species-listing",
    } <= codes
    for issue in db.session.scalars(select(Issue)):
        assert set(issue.names) == {"ar", "zh", "en", "fr", "ru", "es"}, issue.code
    paragraph_18 = set(db.session.scalars(select(Issue.code).where(Issue.in_resolution)))
    assert paragraph_18 == {"climate-change", "bushmeat", "invasive-alien-species"}
    assert {c.code for c in _issue("species-listing").conventions} == {"CITES", "CMS"}


def test_catalogue_pages_are_read_in_the_readers_language(client, login_as):
    login_as(language="fr")
    page = client.get("/issues").data.decode()
    assert "Espèces exotiques envahissantes" in page
    meeting = _meeting("CITES-COP20")
    page = client.get(f"/meetings/{meeting.id}").data.decode()
    assert "Samarkand" in page and "Commerce des espèces sauvages" in page
    assert "CoP20" in client.get("/meetings").data.decode()


def test_the_secretariat_adds_a_meeting_and_an_agenda_item(client, login_as):
    login_as(role="secretariat", country_code=None)
    data = {
        "version": "0",
        "code": "cms-stc58",
        "convention": "1",
        "body": "standing_committee",
        "number": "58",
        "place": "Bonn",
        "host_country": "DE",
        "start_date": "2027-11-02",
        "end_date": "2027-11-01",
        "name_en": "58th meeting of the Standing Committee",
        "short_name_en": "StC58",
    }
    response = client.post("/meetings/new", data=data)
    assert "The end cannot come before the start." in response.data.decode()
    response = client.post("/meetings/new", data={**data, "end_date": "2027-11-03"})
    meeting = _meeting("CMS-STC58")
    assert response.headers["Location"] == f"/meetings/{meeting.id}"
    item = {
        "version": "0",
        "code": "7.1",
        "issue": str(_issue("bushmeat").id),
        "sort_order": "10",
        "is_active": "y",
        "title_en": "Wild meat",
        "title_fr": "Viande sauvage",
    }
    client.post(f"/meetings/{meeting.id}/items/new", data=item)
    again = client.post(f"/meetings/{meeting.id}/items/new", data=item)
    assert "has an item with this code already" in again.data.decode()
    saved = _reload(meeting).agenda_items
    assert [(i.code, i.titles["fr"], i.issue.code) for i in saved] == [
        ("7.1", "Viande sauvage", "bushmeat")
    ]
    history = client.get(f"/meetings/{meeting.id}").data.decode().split("Change history</h2>")[1]
    assert "Viande sauvage" in history and "StC58" in history


def test_national_users_cannot_edit_catalogues(client, login_as):
    login_as()
    assert client.post("/meetings/new", data={"code": "X"}).status_code == 403
    assert client.post("/issues/new", data={"code": "x"}).status_code == 403


def test_an_admin_adds_an_issue_with_its_conventions(client, login_as):
    login_as(role="admin", country_code=None)
    response = client.post(
        "/issues/new",
        data={
            "version": "0",
            "code": "Light-Pollution",
            "conventions": ["1", "2"],
            "sort_order": "100",
            "is_active": "y",
            "name_en": "Light pollution",
            "name_ar": "التلوث الضوئي",
        },
    )
    assert response.headers["Location"] == "/issues"
    issue = _issue("light-pollution")
    assert issue.names["ar"] == "التلوث الضوئي" and len(issue.conventions) == 2


def test_record_a_position_and_its_versions(client, login_as, make_person):
    login_as()
    lead = make_person("KE", family_name="Leader")
    item = _item("CBD-SBSTTA-28", "climate-change")
    response = client.post("/countries/KE/positions/new", data=_form(item, lead=str(lead.id)))
    assert re.fullmatch(r"/countries/KE/positions/\d+", response.headers["Location"])
    position = db.session.scalar(select(Position))
    assert position.language == "en" and position.lead_person_id == lead.id
    page = client.get(response.headers["Location"]).data.decode()
    assert "with two amendments." in page and 'lang="en"' in page and "Leader" in page
    url = response.headers["Location"]
    edit = _form(item, version="1", status="agreed", agreed_on="")
    response = client.post(f"{url}/edit", data=edit)
    assert "Enter the date the position was agreed." in response.data.decode()
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(f"{url}/edit", data={**edit, "agreed_on": future})
    assert "cannot be in the future" in response.data.decode()
    client.post(f"{url}/edit", data={**edit, "agreed_on": "2026-11-02", "title": "Agreed line"})
    position = _reload(position)
    assert position.status == "agreed" and position.version == 2
    versions = db.session.scalars(select(PositionVersion).order_by(PositionVersion.number)).all()
    assert [(v.number, v.status, v.titles["en"]) for v in versions] == [
        (1, "draft", "Support the draft decision"),
        (2, "agreed", "Agreed line"),
    ]
    old = client.get(f"{url}/versions/1").data.decode()
    assert "Support the draft decision" in old and "Version 1, saved" in old
    assert client.get(f"{url}/versions/9").status_code == 404


def test_translations_are_shown_in_the_readers_language(client, login_as, make_position):
    user = login_as(language="en")
    position = make_position("KE", language="fr", title="Position française", text="Texte")
    url = f"/countries/KE/positions/{position.id}"
    page = client.get(url).data.decode()
    assert "Position française" in page and 'lang="fr"' in page
    response = client.post(
        f"{url}/edit?language=en",
        data=_form(
            position.agenda_item, version="1", language="en", title="English line", text="Text"
        ),
    )
    assert response.status_code == 302
    assert _reload(position).titles == {"fr": "Position française", "en": "English line"}
    assert _reload(position).language == "fr"  # the original stays the author's
    assert "English line" in client.get(url).data.decode()
    user.language = "fr"
    db.session.commit()
    assert "Position française" in client.get(url).data.decode()
    # emptying a translation removes it; the original's title cannot be emptied
    client.post(
        f"{url}/edit",
        data=_form(position.agenda_item, version="2", language="en", title="", text=""),
    )
    assert set(_reload(position).titles) == {"fr"}
    response = client.post(
        f"{url}/edit",
        data=_form(position.agenda_item, version="3", language="fr", title="", text=""),
    )
    assert in_language("fr", "Give the position a title.") in response.data.decode()


def test_the_agenda_item_must_belong_to_the_meeting(client, login_as):
    login_as()
    item = _item("CBD-COP17", "climate-change")
    other = _meeting("CMS-COP15")
    response = client.post("/countries/KE/positions/new", data=_form(item, meeting=str(other.id)))
    assert "Choose an item of the agenda of this meeting." in response.data.decode()
    response = client.post("/countries/KE/positions/new", data=_form(item, agenda_item=""))
    assert "Choose an agenda item or a cross-cutting issue." in response.data.decode()
    assert _count(Position) == 0


def test_agenda_items_name_their_meeting_for_the_script_that_filters_them(client, login_as):
    login_as()
    page = client.get("/countries/KE/positions/new").data.decode()
    select = re.search(r'<select[^>]*id="agenda_item"[^>]*>(.*?)</select>', page, re.S)
    assert select and 'data-meeting-field="meeting"' in select.group(0)
    options = {
        re.search(r'value="([^"]*)"', attrs).group(1): attrs
        for attrs in re.findall(r"<option([^>]*)>", select.group(1))
    }
    assert "data-meeting" not in options[""]  # none: offered whatever the meeting
    for meeting_code in ("CMS-COP15", "CBD-COP17"):
        meeting = _meeting(meeting_code)
        for item in meeting.agenda_items:
            if item.is_active:
                assert f'data-meeting="{meeting.id}"' in options[str(item.id)]
    script = re.search(r'<script src="(/static/js/agenda_items\.js[^"]*)"', page)
    with client.get(script.group(1)) as asset:
        assert asset.status_code == 200 and "javascript" in asset.content_type
        assert b"data-meeting-field" in asset.data


def test_the_lead_must_be_a_person_of_the_country(client, login_as, make_person):
    login_as()
    foreign = make_person("TZ")
    item = _item("CBD-COP17", "climate-change")
    response = client.post("/countries/KE/positions/new", data=_form(item, lead=str(foreign.id)))
    assert response.status_code == 200 and _count(Position) == 0


def test_national_users_cannot_write_another_countrys_positions(client, login_as, make_position):
    position = make_position("KE")
    login_as(country_code="TZ")
    item = _item("CBD-COP17", "climate-change")
    assert client.post("/countries/KE/positions/new", data=_form(item)).status_code == 403
    # their own country in the URL, Kenya's position id: not found
    url = f"/countries/TZ/positions/{position.id}"
    assert client.post(f"{url}/edit", data=_form(item, version="1")).status_code == 404
    assert client.post(f"{url}/share", data={"version": "1"}).status_code == 404
    assert client.get(url).status_code == 404
    assert not _reload(position).shared


def test_other_countries_see_nothing_and_the_secretariat_only_what_is_shared(
    app, make_user, make_position
):
    private = make_position("KE", title="Private line", text="Kenya's fallback position")
    shared = make_position("KE", title="Shared line", text="Kenya's public line", shared=True)
    agreed = make_position("KE", status="agreed", title="Agreed private")
    other = app.test_client()
    login(other, make_user(country_code="TZ"))
    for url in (
        "/countries/KE/positions",
        f"/countries/KE/positions/{private.id}",
        f"/countries/KE/positions/{shared.id}",
        f"/countries/KE/positions/{shared.id}/versions/1",
        "/countries/KE/positions/coherence",
    ):
        assert other.get(url).status_code == 403, url
    meeting = private.meeting
    for url in (f"/meetings/{meeting.id}", "/meetings", "/issues", "/countries/KE"):
        page = other.get(url).data.decode()
        for secret in ("Private line", "Shared line", "Agreed private", "Kenya&#39;s"):
            assert secret not in page, url
    secretariat = app.test_client()
    login(secretariat, make_user(role="secretariat", country_code=None))
    page = secretariat.get("/countries/KE/positions").data.decode()
    assert "Shared line" in page and "Private line" not in page and "Agreed private" not in page
    assert "2 positions are not shared" in page
    assert secretariat.get(f"/countries/KE/positions/{private.id}").status_code == 404
    assert secretariat.get(f"/countries/KE/positions/{private.id}/versions/1").status_code == 404
    assert (
        "Kenya&#39;s public line"
        in secretariat.get(f"/countries/KE/positions/{shared.id}").data.decode()
    )
    assert secretariat.get("/countries/KE/positions/coherence").status_code == 403
    # drafts written before sharing, and the national consultation's notes, stay home
    assert secretariat.get(f"/countries/KE/positions/{shared.id}/versions/1").status_code == 404
    assert secretariat.get(f"/countries/KE/positions/{shared.id}/versions/2").status_code == 200
    counts = secretariat.get(f"/meetings/{meeting.id}").data.decode()
    assert "3 positions" in counts and "1 shared" in counts and "Private line" not in counts
    assert "Shared line" in counts and f"/countries/KE/positions/{shared.id}" in counts
    assert agreed


def test_sharing_is_recorded_as_a_version_and_can_be_withdrawn(client, login_as, make_position):
    login_as()
    position = make_position("KE")
    url = f"/countries/KE/positions/{position.id}/share"
    client.post(url, data={"version": "1"})
    assert _reload(position).shared and _reload(position).version == 2
    # a second click from the same (now outdated) page changes nothing
    client.post(url, data={"version": "1"})
    assert _reload(position).shared
    client.post(url, data={"version": "2"})
    assert not _reload(position).shared
    assert [v.shared for v in _reload(position).versions] == [False, True, False]


def test_delete_and_restore(client, login_as, make_position, make_user, app):
    login_as()
    position = make_position("KE", title="To be deleted")
    url = f"/countries/KE/positions/{position.id}"
    client.post(f"{url}/delete", data={"version": "1"})
    assert _reload(position).is_deleted
    assert client.get(url).status_code == 404
    assert "To be deleted" in client.get("/countries/KE/positions").data.decode()
    client.post(f"{url}/restore")
    assert not _reload(position).is_deleted
    editor = app.test_client()
    login(editor, make_user(role="editor"))
    operations.delete_position(_reload(position), 2)
    assert editor.post(f"{url}/restore").status_code == 403


def test_consultation_with_answers(client, login_as, make_position, make_appointment):
    login_as()
    cms = make_appointment("CMS-NFP")
    cbd = make_appointment("CBD-FP1")
    position = make_position("KE")
    url = f"/countries/KE/positions/{position.id}"
    page = client.get(f"{url}/consult").data.decode()
    assert cms.person.display_name in page and "(CMS · National Focal Point)" in page
    assert "(CBD · National Focal Point)" in page  # each role with its instrument
    past = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"{url}/consult",
        data={"version": "1", "people": [str(cms.person_id)], "deadline": past, "language": "en"},
    )
    assert "The deadline cannot be in the past." in response.data.decode()
    deadline = (date.today() + timedelta(days=10)).isoformat()
    client.post(
        f"{url}/consult",
        data={
            "version": "1",
            "people": [str(cms.person_id), str(cbd.person_id)],
            "deadline": deadline,
            "message": "Your view by next week, please.",
            "language": "en",
        },
    )
    position = _reload(position)
    assert position.status == "consultation" and len(position.consultations) == 2
    # asking again does not duplicate an unanswered request
    client.post(
        f"{url}/consult",
        data={"version": "2", "people": [str(cms.person_id)], "language": "en"},
    )
    assert _count(Consultation) == 2
    first = position.consultations[0]
    answer_url = f"{url}/consultations/{first.id}/answer"
    response = client.post(
        answer_url,
        data={
            "version": "1",
            "answer": "object",
            "note": "",
            "language": "fr",
            "answered_on": date.today().isoformat(),
        },
    )
    assert "Write down the comment or the objection." in response.data.decode()
    client.post(
        answer_url,
        data={
            "version": "1",
            "answer": "object",
            "note": "Pas d'accord sur le point 3",
            "language": "fr",
            "answered_on": date.today().isoformat(),
        },
    )
    first = _reload(first)
    assert first.answer == "object" and first.answer_language == "fr"
    page = client.get(url).data.decode()
    assert "Objects" in page and "Pas d&#39;accord" in page and 'lang="fr"' in page
    assert "Awaited" in page


def test_consulting_someone_of_another_country_is_refused(app, make_position, make_appointment):
    position = make_position("KE")
    foreign = make_appointment("CMS-NFP", country_code="TZ")
    with pytest.raises(operations.PositionError):
        operations.request_consultation(position, [foreign.person], None, "", "en", 1)
    assert _count(Consultation) == 0


def test_a_position_is_recorded_with_its_consultation_or_not_at_all(app, country, make_appointment):
    from focalpoints.audit.models import AuditEntry

    consulted = make_appointment("CMS-NFP", country_code="KE").person
    item = _item("CMS-COP15", "climate-change")
    values = operations.PositionValues(
        item.meeting, item, None, "en", "Our line", "Text.", "draft", None, None
    )
    position = operations.create_position(country("KE"), values)
    with pytest.raises(operations.PositionError):  # a deadline in the past: the second step
        operations.request_consultation(
            position, [consulted], date.today() - timedelta(days=1), "", "en", position.version
        )
    db.session.rollback()  # as the request, command or job that combined them does
    assert _count(Position) == 0 and _count(PositionVersion) == 0 and _count(Consultation) == 0
    logged = db.session.scalars(select(AuditEntry.entity_type)).all()
    assert not {"positions", "position_versions", "consultations"} & set(logged)
    position = operations.create_position(country("KE"), values)
    [consultation] = operations.request_consultation(
        position, [consulted], None, "", "en", position.version
    )
    db.session.commit()
    assert _reload(position).status == "consultation" and _count(PositionVersion) == 2
    assert _reload(consultation).person_id == consulted.id


def test_coherence_flags(client, login_as, make_position, make_appointment):
    login_as()
    cms_nfp = make_appointment("CMS-NFP")
    cbd_fp = make_appointment("CBD-FP1")
    # an agreed position for CMS (COP15), none for the coming CBD SBSTTA-28 nor CITES SC81
    agreed = make_position("KE", _item("CMS-COP15", "climate-change"), status="agreed")
    operations.request_consultation(agreed, [cms_nfp.person], None, "", "en", agreed.version)
    issue = _issue("climate-change")
    page = client.get(f"/countries/KE/positions/coherence?issue={issue.id}").data.decode()
    assert "no position yet for the coming CBD SBSTTA-28" in page
    assert "no position yet for the coming CITES SC81" in page
    assert "No focal point of CBD was consulted on this issue" in page
    assert cbd_fp.person.display_name in page
    assert "No focal point of CMS was consulted" not in page
    # a draft for SBSTTA-28 is still flagged; consulting the CBD focal point clears that flag
    draft = make_position("KE", _item("CBD-SBSTTA-28", "climate-change"))
    operations.request_consultation(draft, [cbd_fp.person], None, "", "en", draft.version)
    page = client.get(f"/countries/KE/positions/coherence?issue={issue.id}").data.decode()
    assert "no position yet for the coming CBD SBSTTA-28" not in page
    assert "No focal point of CBD was consulted" not in page
    # in consultation now, not a draft: no longer flagged
    assert "only a draft for the coming CBD SBSTTA-28" not in page
    bare = make_position("KE", _item("CBD-SBSTTA-28", "wildlife-health"))
    assert bare


def test_shared_positions_for_the_reporting_pack(app, make_position, country):
    from focalpoints.conventions.models import Convention

    cms = db.session.scalar(select(Convention).where(Convention.code == "CMS"))
    cbd = db.session.scalar(select(Convention).where(Convention.code == "CBD"))
    shared = make_position("KE", _item("CMS-COP15", "bushmeat"), shared=True)
    make_position("KE", _item("CMS-COP15", "climate-change"))
    make_position("KE", _item("CBD-COP17", "bushmeat"), shared=True)
    make_position("TZ", _item("CMS-COP15", "bushmeat"), shared=True)
    assert [p.id for p in queries.shared_positions(country("KE"), cms)] == [shared.id]
    assert len(queries.shared_positions(country("KE"), cbd)) == 1


def test_every_write_is_in_the_audit_log(client, login_as, make_position):
    from focalpoints.audit.models import AuditEntry

    login_as()
    position = make_position("KE")
    client.post(f"/countries/KE/positions/{position.id}/share", data={"version": "1"})
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "positions", AuditEntry.entity_id == str(position.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].after["shared"] is True


@pytest.mark.parametrize("who", ["coordinator", "secretariat"])
def test_pages_take_a_fixed_number_of_queries(
    app, make_user, make_position, make_appointment, count_queries, who
):
    client = app.test_client()
    login(client, make_user(role=who, country_code="KE" if who == "coordinator" else None))
    first = make_position("KE", shared=True)
    consulted = make_appointment("CMS-NFP")
    operations.request_consultation(first, [consulted.person], None, "", "en", first.version)
    issue = _issue("climate-change")
    meeting = first.meeting
    urls = [
        "/countries/KE/positions",
        f"/countries/KE/positions/{first.id}",
        f"/meetings/{meeting.id}",
        "/meetings",
        "/issues",
    ]
    if who == "coordinator":
        urls += [
            f"/countries/KE/positions/coherence?issue={issue.id}",
            "/countries/KE/positions/new",
            f"/countries/KE/positions/{first.id}/edit",
            f"/countries/KE/positions/{first.id}/consult",
            f"/countries/KE/positions/{first.id}/versions/1",
        ]

    def counts() -> list[int]:
        result = []
        for url in urls:
            counter = count_queries()
            assert client.get(url).status_code == 200, url
            result.append(counter.count)
        return result

    counts()  # the first requests read the reference data (meetings name their host) into the cache
    before = counts()
    for code in ("CBD-FP1", "CITES-MA", "RAMSAR-NFP"):
        person = make_appointment(code).person
        operations.request_consultation(
            _reload(first), [person], None, "", "en", _reload(first).version
        )
    for code in ("CMS-COP15", "CBD-COP17", "CBD-SBSTTA-28", "CITES-SC81"):
        for issue_code in ("climate-change", "wildlife-health"):
            try:
                item = _item(code, issue_code)
            except StopIteration:
                continue
            make_position("KE", item, status="agreed", shared=True)
            make_position("KE", item, status="draft")
    make_position("TZ", shared=True)
    assert counts() == before


def test_a_version_beyond_a_database_integer_is_refused_cleanly(client, login_as, make_position):
    login_as()
    position = make_position("KE")
    url = f"/countries/KE/positions/{position.id}"
    for version in ("99999999999999999999999", "-1"):
        assert client.post(f"{url}/share", data={"version": version}).status_code == 400
        response = client.post(f"{url}/edit", data=_form(position.agenda_item, version=version))
        assert "Reload the page." in response.data.decode()
    assert _reload(position).version == 1


def test_concurrent_edits_of_a_position_keep_both_versions_apart(app, make_user, make_position):
    position = make_position("KE")
    first, second = app.test_client(), app.test_client()
    login(first, make_user())
    login(second, make_user(role="editor"))
    url = f"/countries/KE/positions/{position.id}/edit"
    item = position.agenda_item
    assert first.post(url, data=_form(item, version="1", title="First")).status_code == 302
    response = second.post(
        url, data=_form(item, version="1", title="Second"), follow_redirects=True
    )
    page = response.data.decode()
    assert "Someone else saved this record" in page and 'value="First"' in page
    assert _reload(position).titles["en"] == "First" and _count(PositionVersion) == 2


def test_no_position_text_in_exports_or_the_api(app, make_user, make_position):
    make_position("KE", title="Confidential line", text="Fallback text", shared=True)
    for role, code in (("coordinator", "TZ"), ("secretariat", None)):
        client = app.test_client()
        login(client, make_user(role=role, country_code=code))
        for url in (
            "/exports/contacts.csv",
            "/exports/directory",
            "/api/v1/focal-points",
            "/api/v1/countries",
            "/admin/audit",
        ):
            body = client.get(url).get_data(as_text=True)
            assert "Confidential line" not in body and "Fallback text" not in body, url


def test_catalogues_come_back_after_the_migration_is_undone(app):
    from flask_migrate import downgrade, upgrade

    from focalpoints.initialise import apply_reference_data

    db.session.commit()
    db.engine.dispose()
    # To just before the catalogues' migration, whatever later migrations follow it.
    downgrade(revision="86e6e64bf50a")
    upgrade()
    reports = {r.dataset: r for r in apply_reference_data()}
    assert reports["meetings"].applied and not reports["countries"].applied
    assert _meeting("CITES-COP20") is not None


def test_the_secretariat_reads_the_outcome_of_a_consultation_not_its_notes(
    app, make_user, make_position, make_appointment
):
    position = make_position("KE")
    holder = make_appointment("CBD-FP1")
    consultation = operations.request_consultation(
        position, [holder.person], None, "Private question", "en", 1
    )[0]
    operations.record_answer(consultation, "object", "Internal disagreement", "en", date.today(), 1)
    operations.toggle_shared(_reload(position), 2)
    secretariat = app.test_client()
    login(secretariat, make_user(role="secretariat", country_code=None))
    page = secretariat.get(f"/countries/KE/positions/{position.id}").data.decode()
    assert "1 focal point consulted" in page and "Objects 1" in page
    assert "Internal disagreement" not in page and holder.person.family_name not in page
    assert "Change history" not in page
    country_user = app.test_client()
    login(country_user, make_user())
    page = country_user.get(f"/countries/KE/positions/{position.id}").data.decode()
    assert "Internal disagreement" in page and "Change history" in page


def test_a_position_on_a_withdrawn_item_can_still_be_saved(client, login_as, make_position):
    login_as()
    position = make_position("KE")
    position.agenda_item.is_active = False
    db.session.commit()
    item = position.agenda_item
    response = client.post(
        f"/countries/KE/positions/{position.id}/edit",
        data=_form(item, version="1", title="Still stands"),
    )
    assert response.status_code == 302 and _reload(position).titles["en"] == "Still stands"


@pytest.mark.parametrize("query", ["meeting=²", "issue=99999999999", "status=<b>", "meeting=-1"])
def test_odd_filters_are_ignored(client, login_as, query):
    login_as()
    assert client.get(f"/countries/KE/positions?{query}").status_code == 200
    assert client.get(f"/countries/KE/positions/new?item=²&{query}").status_code == 200
    assert client.get(f"/countries/KE/positions/coherence?issue=²&{query}").status_code == 200


def test_meetings_are_offered_with_their_dates_coming_first(app):
    from focalpoints.positions.views import meeting_choices

    meetings = list(db.session.scalars(select(Meeting)))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        offered = meeting_choices(meetings, date(2026, 1, 1))
    groups = [c.optgroup for c in offered]
    assert groups == sorted(groups, key=lambda g: g != "Coming meetings")  # coming, then past
    coming = [c for c in offered if c.optgroup == "Coming meetings"]
    past = [c for c in offered if c.optgroup == "Past meetings"]
    by_id = {str(m.id): m for m in meetings}
    starts = [by_id[c.value].start_date for c in coming]
    assert starts == sorted(starts) and starts[0] >= date(2026, 1, 1)  # the soonest first
    ends = [by_id[c.value].start_date for c in past]
    assert ends == sorted(ends, reverse=True)  # the latest first
    assert all(c.render_kw == {"data-ended": "1"} for c in past)
    assert not any(c.render_kw for c in coming)
    cms = next(c for c in offered if by_id[c.value].code == "CMS-COP15")
    assert "CMS" in cms.label and "Mar" in cms.label and "2026" in cms.label
    with app.test_request_context(), force_locale("fr"):
        french = meeting_choices(meetings, date(2026, 1, 1))
    assert "mars" in next(c.label for c in french if c.value == cms.value)


def test_the_form_groups_meetings_and_warns_about_one_that_has_ended(client, login_as):
    login_as()
    page = client.get("/countries/KE/positions/new").data.decode()
    select_ = re.search(r'<select[^>]*id="meeting"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert select_.index('<optgroup label="Coming meetings">') < select_.index(
        '<optgroup label="Past meetings">'
    )
    past = _meeting("CMS-COP14")
    assert re.search(rf'<option data-ended="1"[^>]*value="{past.id}"', select_)
    warning = re.search(r"<div[^>]*data-ended-warning-for=\"meeting\"[^>]*>", page).group(0)
    assert " hidden" in warning  # no meeting chosen yet
    page = client.get(f"/countries/KE/positions/new?meeting={past.id}").data.decode()
    warning = re.search(r"<div[^>]*data-ended-warning-for=\"meeting\"[^>]*>", page).group(0)
    assert " hidden" not in warning
    assert "/static/js/ended_meeting.js" in page


def test_a_draft_for_a_meeting_that_has_ended_is_saved_with_a_warning(client, login_as):
    login_as()
    item = _item("CMS-COP14", "climate-change")
    response = client.post("/countries/KE/positions/new", data=_form(item), follow_redirects=True)
    page = response.data.decode()
    assert "The position has been recorded." in page
    assert "CMS COP14 ended on February 17, 2024" in page and "alert-warning" in page
    coming = _item("CBD-SBSTTA-28", "climate-change")
    page = client.post(
        "/countries/KE/positions/new", data=_form(coming), follow_redirects=True
    ).data.decode()
    assert "The position has been recorded." in page and "ended on" not in page
    agreed = _form(item, status="agreed", agreed_on="2024-02-16")
    page = client.post(
        "/countries/KE/positions/new", data=agreed, follow_redirects=True
    ).data.decode()
    assert "ended on" not in page  # an agreed position of a past meeting is the record


def test_long_text_is_refused_with_its_count_never_cut(client, login_as):
    login_as()
    page = client.get("/countries/KE/positions/new").data.decode()
    textarea = re.search(r"<textarea[^>]*id=\"text\"[^>]*>", page).group(0)
    assert "maxlength" not in page  # the browser would drop pasted text silently
    assert 'data-limit="20000"' in textarea
    assert re.search(r'aria-describedby="[^"]*text-limit', textarea)
    assert 'id="text-limit"' in page and "At most 20,000 characters." in page
    assert "/static/js/text_limits.js" in page
    item = _item("CBD-SBSTTA-28", "climate-change")
    response = client.post("/countries/KE/positions/new", data=_form(item, text="x" * 20_001))
    assert "Enter at most 20,000 characters: this text has 20,001." in response.data.decode()
    assert _count(Position) == 0
    # Line breaks arrive as CR LF and count as one character, as the page's count shows them.
    lines = "\r\n".join(["y" * 99] * 200)  # 19,800 + 199 line breaks
    response = client.post("/countries/KE/positions/new", data=_form(item, text=lines))
    assert response.status_code == 302
    assert db.session.scalar(select(Position)).texts["en"] == lines.replace("\r\n", "\n")


def test_the_list_is_cut_into_pages_that_keep_the_filters(
    client, login_as, make_position, monkeypatch
):
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    login_as()
    titles = [f"Line {n}" for n in range(5)]
    for title in titles:
        make_position("KE", status="agreed", title=title)
    make_position("KE", status="draft", title="A draft")
    ids = {
        t: db.session.scalar(select(Position.id).where(Position.titles["en"].as_string() == t))
        for t in titles
    }
    shown = []
    for page in (1, 2, 3):
        body = client.get(f"/countries/KE/positions?status=agreed&page={page}").data.decode()
        assert f"<span>{page} / 3</span>" in body
        shown += [t for t in titles if f'/positions/{ids[t]}"' in body]
        assert "A draft" not in body
        if page < 3:  # the next page's link keeps the filter
            assert re.search(rf'href="/countries/KE/positions\?[^"]*page={page + 1}', body)
            link = re.search(rf'href="(/countries/KE/positions\?[^"]*page={page + 1}[^"]*)"', body)
            assert "status=agreed" in link.group(1)
        else:
            assert "page=4" not in body
    assert sorted(shown) == titles  # every position once, none twice
    unpaged = client.get("/countries/KE/positions").data.decode()
    assert "<span>1 / 3</span>" in unpaged  # six positions, two a page


# Not named "page": that is pytest-playwright's fixture, which made each case a browser test.
@pytest.mark.parametrize("number", ["9", "0", "-1", "x", "²", "99999999999"])
def test_a_page_out_of_range_is_not_found(client, login_as, make_position, number):
    login_as()
    make_position("KE")
    assert client.get(f"/countries/KE/positions?page={number}").status_code == 404
    assert client.get("/countries/KE/positions?page=1").status_code == 200


def test_page_links_are_translated(client, login_as, make_position, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 1)
    login_as(language="fr")
    make_position("KE", title="One")
    make_position("KE", title="Two")
    first = client.get("/countries/KE/positions").data.decode()
    second = client.get("/countries/KE/positions?page=2").data.decode()
    assert in_language("fr", "Older") in first and in_language("fr", "Newer") in second


def test_the_list_reads_as_many_rows_whatever_the_number_of_positions(
    app, make_user, make_position, count_queries, monkeypatch
):
    monkeypatch.setattr(queries, "PER_PAGE", 3)
    client = app.test_client()
    login(client, make_user(role="coordinator", country_code="KE"))
    make_position("KE")
    client.get("/countries/KE/positions")  # the reference data into the cache
    counter = count_queries()
    assert client.get("/countries/KE/positions").status_code == 200
    few = counter.count
    for n in range(8):
        make_position("KE", title=f"Line {n}", shared=bool(n % 2))
    counter = count_queries()
    body = client.get("/countries/KE/positions").data.decode()
    assert counter.count == few <= 10
    assert len(re.findall(r'href="/countries/KE/positions/\d+"', body)) == 3
