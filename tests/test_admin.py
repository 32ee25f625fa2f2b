"""Administrators keep conventions, roles and Party membership without touching code."""

from __future__ import annotations

from sqlalchemy import select

from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Membership
from focalpoints.extensions import db

NAMES = {
    "name_en": "World Heritage Convention",
    "name_fr": "Convention du patrimoine mondial",
    "acronym_en": "WHC",
}


def test_admin_adds_a_convention_and_a_role(client, login_as):
    login_as(role="admin", country_code=None)
    response = client.post(
        "/admin/conventions/new",
        data={"code": "whc", "sort_order": "50", "is_active": "y", **NAMES},
    )
    assert response.headers["Location"] == "/admin/conventions"
    convention = db.session.scalar(select(Convention).where(Convention.code == "WHC"))
    assert convention.names == {
        "en": "World Heritage Convention",
        "fr": "Convention du patrimoine mondial",
    }
    response = client.post(
        f"/admin/conventions/{convention.id}/roles/new",
        data={
            "code": "WHC-FP",
            "holder_kind": "person",
            "sort_order": "10",
            "is_active": "y",
            "requirement": "required",
            "name_en": "World Heritage focal point",
        },
    )
    assert response.headers["Location"] == "/admin/conventions"
    page = client.get("/countries/KE").data.decode()
    assert "World Heritage focal point" in page


def test_duplicate_codes_are_refused(client, login_as):
    login_as(role="admin", country_code=None)
    response = client.post(
        "/admin/conventions/new", data={"code": "CMS", "sort_order": "50", **NAMES}
    )
    assert b"This code is in use already." in response.data
    response = client.post(
        "/admin/conventions/1/roles/new",
        data={"code": "cbd-fp1", "holder_kind": "person", "sort_order": "10", "name_en": "X"},
    )
    assert b"This code is in use already." in response.data


def test_primary_needs_several_holders(client, login_as):
    login_as(role="admin", country_code=None)
    role = db.session.scalar(select(Role).where(Role.code == "CMS-NFP"))
    response = client.post(
        f"/admin/roles/{role.id}/edit",
        data={
            "code": "CMS-NFP",
            "holder_kind": "person",
            "sort_order": "10",
            "name_en": "NFP",
            "has_primary": "y",
        },
    )
    assert b"Only a role with several holders" in response.data


def test_editing_a_role_keeps_other_translations(client, login_as):
    login_as(role="admin", country_code=None)
    role = db.session.scalar(select(Role).where(Role.code == "CMS-NFP"))
    form = {f"name_{k}": v for k, v in role.names.items()}
    form.update(
        code="CMS-NFP",
        holder_kind="person",
        sort_order="10",
        is_active="y",
        requirement="expected",
        name_en="National Focal Point (CMS)",
    )
    client.post(f"/admin/roles/{role.id}/edit", data=form)
    db.session.expire_all()
    role = db.session.get(Role, role.id)
    assert role.names["en"] == "National Focal Point (CMS)" and role.names["fr"]


def test_membership_periods_are_validated(client, login_as, country):
    login_as(role="admin", country_code=None)
    cms = db.session.scalar(select(Convention).where(Convention.code == "CMS"))
    us = country("US")
    base = {"convention": str(cms.id), "kind": "accession"}
    response = client.post(
        "/admin/countries/US/memberships",
        data={**base, "entry_into_force": "2030-01-01", "ended": "2029-01-01"},
    )
    assert b"The end must come after the entry into force." in response.data
    response = client.post(
        "/admin/countries/US/memberships",
        data={**base, "deposited": "2030-05-01", "entry_into_force": "2030-01-01"},
    )
    assert b"Entry into force cannot come before the deposit." in response.data
    response = client.post(
        "/admin/countries/US/memberships",
        data={**base, "deposited": "2029-10-01", "entry_into_force": "2030-01-01"},
    )
    assert response.headers["Location"] == "/admin/countries/US/memberships"
    response = client.post(
        "/admin/countries/US/memberships", data={**base, "entry_into_force": "2031-01-01"}
    )
    assert b"overlaps" in response.data
    periods = db.session.scalars(
        select(Membership).where(Membership.country_id == us.id, Membership.convention_id == cms.id)
    ).all()
    assert len(periods) == 1


def test_membership_correction_is_shown_on_the_country_page(client, login_as, country):
    login_as(role="admin", country_code=None)
    kenya = country("KE")
    membership = next(m for m in kenya.memberships if m.entry_into_force)
    client.post(
        f"/admin/memberships/{membership.id}/edit",
        data={
            "convention": str(membership.convention_id),
            "kind": membership.kind,
            "entry_into_force": membership.entry_into_force.isoformat(),
            "ended": "2024-01-01",
        },
    )
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).ended.isoformat() == "2024-01-01"
    assert "No longer a Party" in client.get("/countries/KE").data.decode()


def test_official_names_replace_un_names_per_language(client, login_as):
    login_as(role="admin", country_code=None, language="fr")
    response = client.post(
        "/admin/countries/KP",
        data={
            "official_en": "Democratic People's Republic of Korea",
            # Differs from the UN's short name, so that the page shows which one wins.
            "official_fr": "RPD de Corée",
        },
    )
    assert response.headers["Location"] == "/countries/KP"
    page = client.get("/countries/KP").data.decode()
    assert "RPD de Corée" in page
    client.post("/language", data={"language": "es"})
    # No official name in Spanish: the UN's short name (CLDR's would be "Corea del Norte").
    assert "República Popular Democrática de Corea" in client.get("/countries/KP").data.decode()
