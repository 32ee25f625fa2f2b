"""Instruments with their own membership: protocols, agreements and memoranda under a convention.

A country is offered a role, shown as vacant and counted in coverage only for the instruments it
has joined; a focal point recorded for another instrument is shown as such and never counted.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from focalpoints.audit.models import AuditEntry
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Membership
from focalpoints.coverage.queries import coverage
from focalpoints.extensions import db
from focalpoints.reference.snapshot import reference_version

TODAY = date(2026, 12, 1)
# Current Parties or signatories per instrument in the shipped data, and the Secretariats'
# published totals where they were read. Where the two differ, reference/data/NOTES.md says
# which members could not be identified and what was tried.
RECORDED = {
    "CBD": 196,
    "CITES": 185,
    "RAMSAR": 173,
    "CMS": 132,
    "CARTAGENA": 172,
    "NAGOYA": 140,
    "AEWA": 84,
    "EUROBATS": 37,
    "ASCOBANS": 10,
    "ACAP": 13,
    "ACCOBAMS": 24,
    "GORILLA": 8,
    "SHARKS-MOU": 44,
    "RAPTORS-MOU": 64,
    "IOSEA-MOU": 35,
    "DUGONG-MOU": 25,
}


def members(code: str, on: date = TODAY) -> set[str]:
    instrument = db.session.scalar(select(Convention).where(Convention.code == code))
    rows = db.session.scalars(select(Membership).where(Membership.convention_id == instrument.id))
    return {m.country.iso2 for m in rows if m.is_current(on)}


def test_every_instrument_has_its_own_members(app):
    counts = {code: len(members(code)) for code in RECORDED}
    assert counts == RECORDED
    instruments = {c.code: c for c in db.session.scalars(select(Convention))}
    for code in ("CBD", "CITES", "AEWA", "ACAP", "ASCOBANS", "GORILLA", "RAPTORS-MOU"):
        assert counts[code] == instruments[code].published_total, code
    assert instruments["AEWA"].parent.code == "CMS" and instruments["AEWA"].kind == "agreement"
    assert instruments["NAGOYA"].parent.code == "CBD" and instruments["NAGOYA"].kind == "protocol"
    assert instruments["SHARKS-MOU"].has_signatories
    # Only Parties to the CBD can be Parties to its protocols.
    assert members("CARTAGENA") <= members("CBD") and members("NAGOYA") <= members("CBD")


def test_every_membership_names_its_source(app):
    from focalpoints.reference.operations import load_file

    data, _ = load_file("memberships")
    for entry in data["memberships"]:
        assert entry["source"] in data["sources"] or not entry["confirmed"], entry
    for code, about in data["instruments"].items():
        assert about["as_of"] and about["sources"], code
    unconfirmed = db.session.scalar(
        select(func.count()).select_from(Membership).where(Membership.confirmed.is_(False))
    )
    assert unconfirmed  # said in the data, and shown on the admin pages below


def test_roles_belong_to_their_instrument_with_a_requirement_and_basis(app):
    roles = {r.code: r for r in db.session.scalars(select(Role))}
    assert roles["AEWA-NFP"].convention.code == "AEWA"
    assert roles["CPB-FP1"].convention.code == "CARTAGENA"
    assert roles["ABS-FP"].convention.code == "NAGOYA"
    assert roles["ACCOBAMS-FP"].convention.code == "ACCOBAMS"
    assert roles["GORILLA-FP"].convention.code == "GORILLA"
    assert roles["CITES-MA"].requirement == "required" and "IX" in roles["CITES-MA"].basis["en"]
    assert roles["CMS-SCC"].requirement == "optional"  # "may appoint", Article VIII
    assert roles["RAMSAR-CEPA-NGO"].requirement == "optional"
    assert {r.requirement for r in roles.values()} == {"required", "expected", "optional"}


def test_kenya_sees_no_vacancy_for_an_instrument_it_has_not_joined(client, login_as):
    login_as("coordinator", "KE")
    page = client.get("/countries/KE").get_data(as_text=True)
    assert "AEWA National Focal Point" in page  # Kenya is an AEWA Party
    assert "EUROBATS" not in page and "ASCOBANS" not in page and "ACAP Focal Point" not in page


def test_a_focal_point_for_an_instrument_not_joined_is_shown_and_never_counted(
    client, login_as, make_appointment
):
    make_appointment("EUROBATS-FP", country_code="KE")
    login_as("coordinator", "KE")
    page = client.get("/countries/KE").get_data(as_text=True)
    assert "EUROBATS Focal Point" in page
    assert "Recorded though the country is not a member" in page
    with client.application.test_request_context():
        report = coverage(convention_code="EUROBATS")
    [entry] = [r for r in report.roles if r.role.code == "EUROBATS-FP"] or [None]
    assert entry is None or entry.parties == len(members("EUROBATS"))


def test_coverage_of_an_agreement_counts_its_parties_only(app):
    with app.test_request_context():
        report = coverage(convention_code="AEWA")
    by_role = {r.role.code: r for r in report.roles}
    assert by_role["AEWA-NFP"].parties == len(members("AEWA", date.today()))
    assert all(c.iso2 in members("AEWA", date.today()) for c in by_role["AEWA-NFP"].missing)
    required, _, _ = report.totals("required")
    expected, _, _ = report.totals("expected")
    assert required and expected  # counted separately


def test_coverage_page_separates_required_and_expected_roles(client, login_as):
    login_as("secretariat", None)
    page = client.get("/coverage").get_data(as_text=True)
    assert "Required roles (a treaty article or decision requires them)" in page
    assert "Expected roles (decisions invite Parties to designate them)" in page


def test_the_api_reports_membership_of_every_instrument(client, login_as):
    login_as("secretariat", None)
    items = [
        item
        for page in (1, 2)
        for item in client.get(f"/api/v1/countries?per_page=100&page={page}").get_json()["items"]
    ]
    kenya = next(c for c in items if c["iso2"] == "KE")
    current = {m["convention"] for m in kenya["memberships"] if m["is_party"]}
    assert {"CMS", "AEWA", "CBD", "CARTAGENA", "NAGOYA", "RAPTORS-MOU"} <= current
    assert "EUROBATS" not in current
    assert all("confirmed" in m and "source" in m for m in kenya["memberships"])
    instruments = {c["code"]: c for c in client.get("/api/v1/conventions").get_json()["items"]}
    assert instruments["AEWA"]["parent"] == "CMS"
    aewa_nfp = next(r for r in instruments["AEWA"]["roles"] if r["code"] == "AEWA-NFP")
    assert aewa_nfp["requirement"] == "required" and aewa_nfp["instrument"] == "AEWA"


def test_admin_pages_show_each_list_with_its_date_sources_and_gaps(client, login_as):
    login_as("admin", None)
    page = client.get("/admin/conventions").get_data(as_text=True)
    assert "132 Parties" in page and "the Secretariat publishes 133" in page  # CMS
    assert "64 signatories" in page  # Raptors MOU
    assert "not confirmed against a source" in page
    assert "Sources" in page
    page = client.get("/admin/countries/KE/memberships").get_data(as_text=True)
    assert "unconfirmed" in page


@pytest.fixture
def party_list(tmp_path):
    def write(rows: list[str]) -> str:
        path = tmp_path / "parties.csv"
        path.write_text(
            "instrument,country,kind,signed,deposited,entry_into_force,ended,source,confirmed,note\n"
        )
        with path.open("a") as handle:
            handle.writelines(f"{row}\n" for row in rows)
        return str(path)

    return write


def test_reference_diff_and_apply_a_party_list(app, runner, party_list):
    gorilla = db.session.scalar(select(Convention).where(Convention.code == "GORILLA"))
    recorded = db.session.scalars(
        select(Membership).where(Membership.convention_id == gorilla.id)
    ).all()
    rows = [
        ",".join(
            (
                "GORILLA",
                m.country.iso2,
                m.kind,
                *(d.isoformat() if d else "" for d in (m.signed, m.deposited)),
                m.entry_into_force.isoformat() if m.entry_into_force else "",
                m.ended.isoformat() if m.ended else "",
                m.source or "",
                "true" if m.confirmed else "false",
                m.note or "",
            )
        )
        for m in recorded
        if m.country.iso2 != "UG"
    ]
    rows.append("GORILLA,KE,accession,,2026-09-01,2026-12-01,,,true,")
    file = party_list(rows)
    before = {
        "audit": db.session.scalar(select(func.count()).select_from(AuditEntry)),
        "version": reference_version(),
    }
    db.session.commit()
    result = runner.invoke(args=["reference", "diff", file])
    assert result.exit_code == 0, result.output
    assert "+ GORILLA KE 2026-12-01" in result.output
    assert "- GORILLA UG" in result.output
    assert "1 to add" in result.output and "1 to remove" in result.output
    assert "GORILLA" in {m.convention.code for m in db.session.scalars(select(Membership))}
    assert "KE" not in members("GORILLA")  # diff changes nothing

    result = runner.invoke(args=["reference", "apply", file, "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert "KE" in members("GORILLA") and "UG" not in members("GORILLA")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) > before["audit"]
    assert reference_version() != before["version"]
    again = runner.invoke(args=["reference", "apply", file, "--yes"])
    assert "Nothing to do" in again.output


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("WHC,KE,accession,,,2020-01-01,,,,", "unknown instrument"),
        ("CMS,XX,accession,,,2020-01-01,,,,", "unknown country code"),
        ("CMS,KE,bought,,,2020-01-01,,,,", "unknown kind of membership"),
        ("CMS,KE,accession,,,2020-13-01,,,,", "not a date"),
        ("CMS,KE,accession,,,2020-01-01,2019-01-01,,,", "the end comes before"),
    ],
)
def test_a_bad_party_list_is_refused_and_changes_nothing(app, runner, party_list, row, message):
    before = db.session.scalar(select(func.count()).select_from(Membership))
    db.session.commit()
    result = runner.invoke(args=["reference", "apply", party_list([row]), "--yes"])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(func.count()).select_from(Membership)) == before


def test_shipped_conventions_file_lists_instruments_under_their_convention():
    from focalpoints.reference.operations import DATA_DIR

    data = json.loads((DATA_DIR / "conventions.json").read_text())
    codes = {c["code"]: c for c in data["conventions"]}
    for entry in data["conventions"]:
        assert (entry["parent"] is None) == (entry["kind"] == "convention"), entry["code"]
        if entry["parent"]:
            assert codes[entry["parent"]]["parent"] is None
        for role in entry["roles"]:
            assert role["requirement"] in ("required", "expected", "optional"), role["code"]
            if role["requirement"] != "optional":
                assert role["basis"].get("en"), role["code"]


def test_shipped_party_lists_fit_their_columns():
    """PostgreSQL refuses a value longer than its column, SQLite keeps it: this test fails on
    both, so that a long note in a Party list cannot pass on SQLite and break `init` on
    PostgreSQL."""
    from focalpoints.reference.operations import DATA_DIR

    data = json.loads((DATA_DIR / "memberships.json").read_text())
    limits = {
        column.name: column.type.length
        for column in Membership.__table__.columns
        if getattr(column.type, "length", None)
    }
    too_long = [
        (entry["instrument"], entry["country"], field, len(value), limits[field])
        for entry in data["memberships"]
        for field, value in entry.items()
        if field in limits and isinstance(value, str) and len(value) > limits[field]
    ]
    assert too_long == []
