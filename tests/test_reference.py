"""Reference data: countries, conventions and roles, Party membership; init is idempotent."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from focalpoints.audit.models import AuditEntry
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country, Membership
from focalpoints.countries.queries import party_statuses
from focalpoints.extensions import db
from focalpoints.initialise import apply_reference_data
from focalpoints.reference import operations

AS_OF = date(2025, 12, 1)


def parties(code: str) -> set[str]:
    convention = db.session.scalar(select(Convention).where(Convention.code == code))
    members = db.session.scalars(
        select(Membership).where(Membership.convention_id == convention.id)
    )
    return {m.country.iso2 for m in members if m.is_current(AS_OF)}


def test_every_possible_party_is_there(app):
    codes = set(db.session.scalars(select(Country.iso2)))
    assert len(codes) == 198
    assert {"VA", "PS", "CK", "NU", "EU", "SS", "SD", "TV", "KI"} <= codes
    eu = db.session.scalar(select(Country).where(Country.iso2 == "EU"))
    assert eu.kind == "reio" and eu.mea_region == "europe"


def test_country_names_are_the_uns_in_the_readers_language(app):
    from flask_babel import force_locale

    egypt = db.session.scalar(select(Country).where(Country.iso2 == "EG"))
    korea = db.session.scalar(select(Country).where(Country.iso2 == "KR"))
    with app.test_request_context(), force_locale("fr"):
        assert egypt.name == "Égypte" and korea.name == "République de Corée"
    with app.test_request_context(), force_locale("es"):
        assert egypt.name == "Egipto" and korea.name == "República de Corea"


def test_party_membership_matches_known_facts(app):
    cbd, cites, ramsar, cms = parties("CBD"), parties("CITES"), parties("RAMSAR"), parties("CMS")
    assert len(cbd) == 196
    assert "US" not in cbd and "VA" not in cbd and {"EU", "PS", "CK", "NU"} <= cbd
    assert "US" in cites and "EU" in cites
    assert "US" in ramsar and "EU" not in ramsar
    assert "US" not in cms and "EU" in cms
    assert 180 <= len(cites) <= 185
    assert 165 <= len(ramsar) <= 173  # 173 Contracting Parties (Ramsar Secretariat, 2025)
    assert 120 <= len(cms) <= 133


def test_entry_into_force_rules_hold(app):
    for membership in db.session.scalars(select(Membership)):
        if (
            membership.deposited
            and membership.entry_into_force
            and membership.kind not in ("succession", "continuation")
        ):
            assert membership.entry_into_force >= membership.deposited, membership.country.iso2


def test_role_taxonomy(app):
    roles = {r.code: r for r in db.session.scalars(select(Role))}
    assert {
        "CMS-NFP",
        "CMS-SCC",
        "CBD-FP1",
        "SBSTTA-FP",
        "CHM-FP",
        "ABS-FP",
        "BCH-FP",
        "CITES-MA",
        "CITES-SA",
        "CITES-EA",
        "RAMSAR-AA",
        "RAMSAR-NFP",
        "RAMSAR-STRP-FP",
    } <= set(roles)
    assert roles["CITES-MA"].multiple_holders and roles["CITES-MA"].has_primary
    assert not roles["CMS-NFP"].multiple_holders
    for role in roles.values():
        assert all(role.names.get(lang) for lang in ("en", "fr", "es")), role.code


def test_init_twice_changes_nothing_and_says_so(app, runner):
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    db.session.commit()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "already up to date" in result.output
    assert "Nothing to do" in result.output
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_a_newer_file_updates_and_admin_edits_survive_until_then(app, monkeypatch, tmp_path):
    kenya = db.session.scalar(select(Country).where(Country.iso2 == "KE"))
    kenya.mea_region = "asia"  # an administrator's (odd) correction
    db.session.commit()
    assert not any(r.applied for r in apply_reference_data())
    assert db.session.get(Country, kenya.id).mea_region == "asia"

    data, _ = operations.load_file("countries")
    data["as_of"] = "2026-06-01"
    for entry in data["countries"]:
        if entry["iso2"] == "KE":
            entry["m49"] = "404"
    for name in operations.DATASETS[1:]:
        (tmp_path / f"{name}.json").write_bytes((operations.DATA_DIR / f"{name}.json").read_bytes())
    (tmp_path / "countries.json").write_text(json.dumps(data))
    monkeypatch.setattr(operations, "DATA_DIR", tmp_path)
    reports = {r.dataset: r for r in apply_reference_data()}
    assert reports["countries"].applied and reports["countries"].updated == 1
    assert not reports["memberships"].applied
    assert db.session.get(Country, kenya.id).mea_region == "africa"


def test_party_status_on_a_date(app):
    conventions = list(db.session.scalars(select(Convention)))
    eu = db.session.scalar(select(Country).where(Country.iso2 == "EU"))
    statuses = party_statuses(eu, conventions, date(2010, 1, 1))
    cites = next(c for c in conventions if c.code == "CITES")
    assert not statuses[cites.id].is_party  # the EU joined CITES in 2015
    assert party_statuses(eu, conventions, AS_OF)[cites.id].is_party


def test_cached_reference_data_follows_an_edit_made_by_another_process(
    app, client, login_as, country, tmp_path
):
    """Pages read reference data from a per-process cache: an edit by another worker process
    (here another app on the same database) shows at the next request."""
    from focalpoints import create_app
    from tests.conftest import TEST_CONFIG

    login_as(role="secretariat", country_code=None)
    assert "Kenya" in client.get("/coverage").data.decode()  # the cache is filled
    assert "No longer a Party" not in client.get("/countries/KE").data.decode()
    other = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": str(tmp_path / "other"),
        }
    )
    with other.app_context():
        kenya = db.session.scalar(select(Country).where(Country.iso2 == "KE"))
        kenya.official_names = {"en": "Republic of Kenya"}
        kenya.memberships[0].ended = date(2024, 1, 1)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    page = client.get("/countries/KE").data.decode()
    assert "Republic of Kenya" in page and "No longer a Party" in page
    assert "Republic of Kenya" in client.get("/coverage").data.decode()


def test_a_request_that_may_write_never_caches_reference_data(app, country):
    """It may see its own uncommitted edits; they must not reach other requests."""
    from flask import g

    from focalpoints.reference.snapshot import reference_snapshot

    kenya = country("KE")
    with app.test_request_context("/countries/KE"):
        assert reference_snapshot().countries[kenya.id].name_in("en") == "Kenya"
    g.pop("reference_snapshot", None)
    with app.test_request_context("/admin/countries/KE", method="POST"):
        kenya.official_names = {"en": "Not saved"}
        db.session.flush()
        assert reference_snapshot().countries[kenya.id].name_in("en") == "Not saved"
        db.session.rollback()
    g.pop("reference_snapshot", None)
    with app.test_request_context("/countries/KE"):
        assert reference_snapshot().countries[kenya.id].name_in("en") == "Kenya"


def test_applying_a_data_file_is_recorded(app):
    """Also what tells other processes that their cached reference data is out of date."""
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    apply_reference_data(force=True)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "reference_datasets")
    ).all()
    assert {e.entity_id for e in entries} >= {"countries", "conventions", "memberships"}
    assert all(e.action == "apply" and e.after["sha256"] for e in entries)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) > before
