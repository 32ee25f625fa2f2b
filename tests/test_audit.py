"""Every write leaves an audit row with its values before and after; secrets never enter it."""

from __future__ import annotations

from sqlalchemy import select

from focalpoints.audit.models import AuditEntry
from focalpoints.extensions import db


def _entries(entity_type: str, entity_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)
        )
    )


def test_update_records_who_and_before_after(client, login_as, make_user):
    coordinator = login_as(role="coordinator")
    editor = make_user(role="editor", name="Old Name")
    client.post(
        f"/users/{editor.id}/edit",
        data={"name": "New Name", "role": "editor", "country": "KE", "language": "en"},
    )
    update = [e for e in _entries("users", editor.id) if e.action == "update"][-1]
    assert update.actor_id == coordinator.id
    assert update.before["name"] == "Old Name" and update.after["name"] == "New Name"
    assert update.country_id == editor.country_id


def test_creation_is_recorded_without_secrets(client, login_as, make_user):
    editor = make_user(role="editor")
    [create] = [e for e in _entries("users", editor.id) if e.action == "create"]
    assert "password_hash" not in create.after and "session_token" not in create.after
    assert create.after["email"] == editor.email


def test_password_change_is_recorded_as_changed_not_its_value(client, login_as):
    me = login_as(role="editor")
    client.post(
        "/account/password",
        data={
            "current": "correct horse battery staple",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    updates = [e for e in _entries("users", me.id) if e.action == "update"]
    assert any(e.after.get("password_hash") == "[changed]" for e in updates)
    assert all("argon2" not in str(e.after) + str(e.before) for e in updates)


def test_reference_data_changes_are_recorded(client, login_as, country):
    login_as(role="admin", country_code=None)
    kenya = country("KE")
    membership = next(m for m in kenya.memberships if m.entry_into_force)
    client.post(
        f"/admin/memberships/{membership.id}/edit",
        data={
            "convention": str(membership.convention_id),
            "kind": "accession",
            "entry_into_force": membership.entry_into_force.isoformat(),
        },
    )
    [update] = [e for e in _entries("memberships", membership.id) if e.action == "update"]
    assert update.after["kind"] == "accession" and update.country_id == kenya.id


def test_admins_filter_and_export_the_audit_log(client, login_as, make_person):
    import csv
    import io

    admin = login_as(role="admin", country_code=None)
    person = make_person("KE", family_name="Audited")
    page = client.get(f"/admin/audit?entity_type=people&entity_id={person.id}").data.decode()
    assert "Audited" in page and "1 entry" in page
    page = client.get(f"/admin/audit?actor={admin.email}").data.decode()
    assert "login" in page
    assert client.get("/admin/audit?country=ZZZ").status_code == 400
    assert client.get("/admin/audit?date_from=yesterday").status_code == 400
    data = client.get("/admin/audit.csv?country=KE").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows and any("Audited" in r["after"] for r in rows)
    assert all(not r["after"].startswith(("=", "+", "-", "@")) for r in rows)


def test_no_route_can_change_or_delete_audit_rows(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.audit"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_a_scripted_session_leaves_one_audit_row_per_act(client, login_as, count_queries):
    """Log-in, a write, an export and a refused access: the audit rows equal what was done."""
    user = login_as(role="coordinator", country_code="KE")
    start = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    client.post(
        "/countries/KE/people/new",
        data={
            "version": "0",
            "kind": "person",
            "family_name": "Scripted",
            "visibility": "registered",
        },
    )
    client.get("/exports/contacts.csv")
    client.get("/countries/TZ/people/new")  # another country: refused
    client.post("/logout")
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.id > start).order_by(AuditEntry.id)
    ).all()
    assert [(r.action, r.entity_type) for r in rows] == [
        ("create", "people"),
        ("export", "exports"),
        ("refused", "requests"),
        ("logout", "users"),
    ]
    assert all(r.actor_id == user.id for r in rows)
    assert rows[2].after["path"] == "/countries/TZ/people/new"


def test_the_audit_log_filters_by_country_code(client, login_as, make_person):
    login_as(role="admin", country_code=None)
    make_person("KE", family_name="Kenyan")
    make_person("TZ", family_name="Tanzanian")
    page = client.get("/admin/audit?entity_type=people&country=KE").data.decode()
    assert "Kenyan" in page and "Tanzanian" not in page
    page = client.get("/admin/audit?entity_type=people&country=QQ").data.decode()
    assert "Kenyan" not in page and "Tanzanian" not in page


def test_the_trail_of_a_set_of_records_is_one_query_newest_first(
    app, make_person, make_appointment, count_queries
):
    from sqlalchemy import cast

    from focalpoints.audit.queries import trail
    from focalpoints.focal_points.models import Person

    kenyan = make_appointment("CMS-NFP")
    other = make_person("TZ")
    db.session.commit()
    people = select(cast(Person.id, AuditEntry.entity_id.type)).where(
        Person.id.in_([kenyan.person_id, other.id])
    )
    counter = count_queries()
    entries = trail({"people": people.scalar_subquery(), "appointments": [kenyan.id]})
    assert counter.count == 1
    assert [(e.entity_type, e.entity_id) for e in entries] == [
        ("people", str(other.id)),
        ("appointments", str(kenyan.id)),
        ("people", str(kenyan.person_id)),
    ]
    kenya = kenyan.country_id
    assert [e.entity_type for e in trail({"people": [other.id]}, country_id=kenya)] == []
    assert len(trail({"people": [other.id], "appointments": [kenyan.id]}, limit=1)) == 1
    assert trail({"people": [], "appointments": ()}) == [] and counter.count == 3
