"""Merging duplicate people carries every reference to them, a person's data export lists them,
and erasing a person erases what positions and consultations hold of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select

from focalpoints.audit.models import AuditEntry
from focalpoints.extensions import db
from focalpoints.focal_points import operations as registry
from focalpoints.meetings.models import Meeting
from focalpoints.nbsap import operations as nbsap
from focalpoints.nbsap.models import national_target_people
from focalpoints.positions import operations as positions
from focalpoints.positions import queries as position_queries
from focalpoints.positions.models import Consultation, Position, PositionVersion, standing
from tests.conftest import login


def _position(country, lead=None, title="Shark listing", text="Secret negotiating line"):
    meeting = db.session.scalar(select(Meeting).where(Meeting.code == "CMS-COP15"))
    item = next(i for i in meeting.agenda_items if i.issue and i.issue.code == "climate-change")
    position = positions.create_position(
        country("KE"),
        positions.PositionValues(meeting, item, None, "en", title, text, "draft", lead, None),
    )
    db.session.commit()  # operations flush: the test's data is saved, as a request would
    return position


def _consult(position, people, message="", deadline=None):
    db.session.refresh(position)
    consultations = positions.request_consultation(
        position, people, deadline, message, "en", position.version
    )
    db.session.commit()
    return consultations


def _entries(entity_type: str, entity_id) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)
        )
    )


def _reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# Positions and consultations --------------------------------------------------------------------


def test_merging_moves_the_positions_led_and_the_requests_for_a_view(app, country, make_person):
    keep, duplicate, colleague = make_person("KE"), make_person("KE"), make_person("KE")
    position = _position(country, lead=duplicate)
    [asked] = _consult(position, [duplicate, colleague])[:1]
    registry.merge_people(keep, duplicate)

    position = _reload(position)
    assert position.lead_person_id == keep.id and position.version == 2
    assert _reload(asked).person_id == keep.id
    # the versions kept already still name whom they named then
    versions = db.session.scalars(select(PositionVersion).order_by(PositionVersion.number)).all()
    assert {v.lead_person_id for v in versions} == {duplicate.id}
    # both moves are in the audit log, from the duplicate to the person kept
    [*_, moved] = _entries("positions", position.id)
    assert moved.before == {"lead_person_id": duplicate.id}
    assert moved.after == {"lead_person_id": keep.id}
    [*_, moved] = _entries("consultations", asked.id)
    assert moved.before == {"person_id": duplicate.id} and moved.after == {"person_id": keep.id}
    # the next version names the person kept
    positions.update_position(
        position,
        positions.PositionValues(
            position.meeting,
            position.agenda_item,
            None,
            "en",
            "Shark listing",
            "",
            "consultation",
            position.lead,
            None,
        ),
        position.version,
    )
    latest = db.session.scalar(select(PositionVersion).order_by(PositionVersion.number.desc()))
    assert latest.number == 3 and latest.lead_person_id == keep.id


def test_a_person_asked_twice_is_counted_once_after_a_merge(
    app, client, country, make_person, make_user
):
    keep, duplicate = make_person("KE"), make_person("KE")
    position = _position(country)
    _mine, theirs = _consult(position, [keep, duplicate])
    positions.record_answer(theirs, "agree", "", "en", date.today(), theirs.version)
    registry.merge_people(keep, duplicate)

    position = _reload(position)
    assert [c.person_id for c in position.consultations] == [keep.id, keep.id]  # both kept
    assert [c.id for c in position.standing_consultations] == [theirs.id]  # the answered one
    login(client, make_user("coordinator", "KE"))
    page = client.get(f"/countries/KE/positions/{position.id}").data.decode()
    assert "Superseded by another request" in page and "Agrees" in page
    issue = position.agenda_item.issue
    coherence = client.get(f"/countries/KE/positions/coherence?issue={issue.id}").data.decode()
    assert "1 consulted" in coherence and "2 consulted" not in coherence
    positions.toggle_shared(position, position.version)
    secretariat = app.test_client()
    login(secretariat, make_user("secretariat", None))
    page = secretariat.get(f"/countries/KE/positions/{position.id}").data.decode()
    assert "1 focal point consulted" in page and "Agrees 1" in page and "Awaited" not in page
    # the person can still be asked again: nothing of theirs is awaited
    assert _consult(_reload(position), [_reload(keep)])


def test_the_standing_request_is_the_latest_and_an_answered_one_among_the_same_day():
    def request(id_, person, requested_on, answer=None):
        return SimpleNamespace(
            id=id_, person_id=person, requested_on=requested_on, answer=answer, answered_on=None
        )

    earlier = date.today() - timedelta(days=10)
    answered = request(1, 7, earlier, "agree")
    asked_again = request(2, 7, date.today())
    assert standing([answered, asked_again]) == [asked_again]  # asked again: awaited again
    same_day = request(3, 8, date.today())
    merged_answer = request(4, 8, date.today(), "object")
    assert standing([same_day, merged_answer]) == [merged_answer]
    assert standing([merged_answer, same_day, asked_again, answered]) == [
        asked_again,
        merged_answer,
    ]


# NBSAP ------------------------------------------------------------------------------------------


def test_merging_moves_the_responsible_people_of_targets_without_duplicates(
    app, country, make_person
):
    keep, duplicate, colleague = make_person("KE"), make_person("KE"), make_person("KE")
    plan = nbsap.save_nbsap(country("KE"), None, {"title": "NBSAP 2025-2030"})

    def target(code, people):
        values = {"code": code, "title": f"Target {code}", "language": "en"}
        return nbsap.save_target(
            country("KE"), plan, None, {**values, "responsible": [p.id for p in people]}
        )

    alone = target("T1", [duplicate, colleague])
    both = target("T2", [keep, duplicate])
    untouched = target("T3", [colleague])
    logged = len(_entries("national_targets", untouched.id))
    registry.merge_people(keep, duplicate)

    links = db.session.execute(
        select(national_target_people.c.national_target_id, national_target_people.c.person_id)
    ).all()
    assert sorted(links) == sorted(
        [
            (alone.id, keep.id),
            (alone.id, colleague.id),
            (both.id, keep.id),
            (untouched.id, colleague.id),
        ]
    )
    [*_, moved] = _entries("national_targets", alone.id)
    assert moved.action == "update"
    assert moved.before == {"responsible": sorted([duplicate.id, colleague.id])}
    assert moved.after == {"responsible": sorted([keep.id, colleague.id])}
    [*_, moved] = _entries("national_targets", both.id)
    assert moved.before == {"responsible": sorted([keep.id, duplicate.id])}
    assert moved.after == {"responsible": [keep.id]}
    assert len(_entries("national_targets", untouched.id)) == logged


# A person's data --------------------------------------------------------------------------------


def test_a_persons_data_lists_positions_consultations_and_targets(
    client, login_as, country, make_person
):
    person = make_person("KE")
    position = _position(country, lead=person, text="Kenya will object in private")
    [asked] = _consult(position, [person], deadline=date.today() + timedelta(days=5))
    positions.record_answer(
        asked, "comment", "Add a reservation", "fr", date.today(), asked.version
    )
    plan = nbsap.save_nbsap(country("KE"), None, {"title": "Kenya NBSAP"})
    nbsap.save_target(
        country("KE"),
        plan,
        None,
        {"code": "T3", "title": "Protected areas", "language": "en", "responsible": [person.id]},
    )
    login_as()
    response = client.get(f"/countries/KE/people/{person.id}/data.json")
    data = response.get_json()
    assert data["positions_led"] == [
        {
            "id": position.id,
            "meeting": "CMS-COP15",
            "title": "Shark listing",
            "language": "en",
            "status": "consultation",
            "removed": False,
        }
    ]
    assert data["consultations"] == [
        {
            "position": position.id,
            "requested_on": date.today().isoformat(),
            "deadline": (date.today() + timedelta(days=5)).isoformat(),
            "answer": "comment",
            "answered_on": date.today().isoformat(),
            "answer_note": "Add a reservation",
        }
    ]
    assert data["national_targets"] == [
        {
            "nbsap": "Kenya NBSAP",
            "kind": "target",
            "code": "T3",
            "title": "Protected areas",
            "removed": False,
        }
    ]
    assert "Kenya will object in private" not in response.get_data(as_text=True)


# Erasure ----------------------------------------------------------------------------------------


def test_erasure_removes_the_messages_and_notes_of_a_persons_consultations(
    app, client, country, make_person, make_user, make_appointment
):
    grace = make_person("KE", given_names="Grace", family_name="Wanjiku", email="grace@example.org")
    colleague = make_person("KE", family_name="Otieno")
    make_appointment("CMS-NFP", person=grace)
    make_appointment("CBD-FP1", person=colleague)
    position = _position(country)
    login(client, make_user("coordinator", "KE"))
    url = f"/countries/KE/positions/{position.id}"
    client.post(
        f"{url}/consult",
        data={
            "version": "1",
            "people": [str(grace.id), str(colleague.id)],
            "message": "Dear Grace Wanjiku, your view please.",
            "language": "en",
        },
    )
    hers, his = db.session.scalars(select(Consultation).order_by(Consultation.id)).all()
    assert hers.person_id == grace.id
    client.post(
        f"{url}/consultations/{hers.id}/answer",
        data={
            "version": "1",
            "answer": "object",
            "note": "Grace Wanjiku objects to paragraph 3.",
            "language": "en",
            "answered_on": date.today().isoformat(),
        },
    )
    # Grace is also a user of the country, and asks someone else's view herself.
    asker = make_user("editor", "KE", email="grace@example.org")
    other = _position(country, title="Bushmeat")
    asked_by_her = app.test_client()
    login(asked_by_her, asker)
    response = asked_by_her.post(
        f"/countries/KE/positions/{other.id}/consult",
        data={"version": "1", "people": [str(colleague.id)], "language": "en"},
    )
    assert response.status_code == 302
    by_her = db.session.scalar(select(Consultation).where(Consultation.position_id == other.id))
    assert by_her.requested_by == "grace@example.org"

    client.post(f"/countries/KE/people/{grace.id}/erase")

    hers, his, by_her = (_reload(c) for c in (hers, his, by_her))
    assert hers.answer == "object" and hers.answered_on == date.today()  # what she answered stays
    assert hers.message == registry.ERASED and hers.answer_note == registry.ERASED
    assert his.message == "Dear Grace Wanjiku, your view please."  # written to him
    assert by_her.requested_by == registry.ERASED
    for consultation in (hers, by_her):
        for entry in _entries("consultations", consultation.id):
            trail = str(entry.before) + str(entry.after)
            assert "Wanjiku" not in trail and "grace@" not in trail.lower()
    assert any(
        e.after and e.after.get("answer") == "object" for e in _entries("consultations", hers.id)
    )
    page = client.get(url).data.decode()
    assert "Wanjiku objects" not in page and "Objects" in page
    assert all(
        "Wanjiku" not in str(e.before) + str(e.after)
        for e in position_queries.history(_reload(position))
        if e.entity_id == str(hers.id)
    )
    exported = client.get(f"/countries/KE/people/{grace.id}/data.json").get_data(as_text=True)
    assert "Wanjiku" not in exported and "grace@example.org" not in exported.lower()
    assert db.session.scalar(select(func.count()).select_from(Position)) == 2


# Without the blueprints -------------------------------------------------------------------------

WITHOUT_BLUEPRINTS = Path(__file__).parent / "fixtures" / "merge_without_blueprints.py"


def test_merging_and_erasing_cover_every_feature_without_any_blueprint(databases, tmp_path):
    """The features act on the registry's signals from their operations modules: an app that
    registers no blueprint (a worker, a script) merges and erases completely."""
    url = databases.copy()
    try:
        result = subprocess.run(  # noqa: S603  (this interpreter, a script of the tests)
            [sys.executable, str(WITHOUT_BLUEPRINTS), url, str(tmp_path / "instance")],
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        databases.drop(url)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["merged"] == dict.fromkeys(
        ("working_groups", "positions", "consultations", "national_targets", "person_links"), True
    )
    assert {"working_groups", "positions_led", "consultations", "national_targets"} <= set(
        outcome["sections"]
    )
    assert outcome["erased"] == {"consultations": True, "person_links": True}
    assert outcome["labels"] == ["Mandate or terms of reference", "Objects"]
