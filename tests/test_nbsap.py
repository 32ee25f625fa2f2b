"""Target frameworks, NBSAPs with national targets and measures, alignments, the matrix."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from focalpoints.audit.models import AuditEntry
from focalpoints.conventions.models import Convention
from focalpoints.extensions import db
from focalpoints.frameworks.models import Framework, FrameworkElement
from focalpoints.nbsap import operations, queries
from focalpoints.nbsap.models import Alignment, Degree, NationalTarget, Nbsap
from tests.conftest import login

NBSAP = {
    "version": "0",
    "title": "Kenya NBSAP 2025-2030",
    "language": "en",
    "start_year": "2025",
    "end_year": "2030",
    "adopted_on": "2025-03-01",
    "status": "adopted",
}


def _element(identifier: str) -> FrameworkElement:
    return db.session.scalar(
        select(FrameworkElement).where(FrameworkElement.identifier == identifier)
    )


def _convention(code: str) -> Convention:
    return db.session.scalar(select(Convention).where(Convention.code == code))


def _nbsap(country, code="KE", title="NBSAP 2025-2030"):
    nbsap = operations.save_nbsap(
        country(code), None, {"title": title, "start_year": 2025, "end_year": 2030}
    )
    db.session.commit()  # operations flush: the test's data is saved, as a request would
    return nbsap


def _target(country, nbsap, code="T1", **values):
    values = {"code": code, "title": f"Target {code}", "language": "en", **values}
    target = operations.save_target(country(nbsap.country.iso2), nbsap, None, values)
    db.session.commit()
    return target


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_frameworks_are_loaded_with_translations_and_conventions(app):
    gbf = db.session.scalar(select(Framework).where(Framework.code == "GBF"))
    goals = [e for e in gbf.elements if e.is_goal]
    sections = [e for e in gbf.elements if e.is_section]
    targets = [e for e in gbf.elements if not e.is_goal and not e.is_section]
    assert [g.identifier for g in goals] == [f"GBF-GOAL-{c}" for c in "ABCD"]
    assert [t.identifier for t in targets] == [f"GBF-TARGET-{n:02d}" for n in range(1, 24)]
    assert [c.code for c in gbf.conventions] == ["CBD"]
    assert gbf.adopted_by.startswith("CBD decision 15/4")
    # Decision 15/4 groups its targets in three sections, not under the goals.
    assert [s.titles["en"] for s in sections] == [
        "Reducing threats to biodiversity",
        "Meeting people's needs through sustainable use and benefit-sharing",
        "Tools and solutions for implementation and mainstreaming",
    ]
    assert [int(t.code) for t in targets if t.parent == sections[1]] == [9, 10, 11, 12, 13]
    assert all(t.parent.is_section for t in targets)
    # The CBD's own short title, and the adopted text in each language read.
    assert _element("GBF-TARGET-03").titles["en"] == "Conserve 30% of Land, Waters and Seas"
    assert _element("GBF-TARGET-03").texts["en"].startswith("Ensure and enable that by 2030")
    assert all({"en", "fr", "es"} <= set(t.texts) for t in targets)
    for framework in db.session.scalars(select(Framework)):
        for element in framework.elements:
            assert element.titles.get("en") or element.texts.get("en"), element.identifier
    aichi = db.session.scalar(select(Framework).where(Framework.code == "AICHI"))
    assert sum(not e.is_goal for e in aichi.elements) == 20
    cms = db.session.scalar(select(Framework).where(Framework.code == "SPMS-2015"))
    assert sum(e.is_goal for e in cms.elements) == 5 and len(cms.elements) == 21
    samarkand = db.session.scalar(select(Framework).where(Framework.code == "SPMS-2024"))
    assert samarkand.supersedes_id == cms.id and samarkand.conventions[0].code == "CMS"
    assert _element("GBF-TARGET-13").parent.code == "2"


def test_frameworks_are_browsed_by_all_and_titles_edited_by_the_secretariat(
    app, client, login_as, make_user
):
    login_as(role="editor")
    page = client.get("/frameworks").data.decode()
    assert "Kunming-Montreal Global Biodiversity Framework" in page
    detail = client.get("/frameworks/GBF").data.decode()
    assert "Invasive Alien Species" in detail and "/frameworks/elements/" not in detail
    assert "Adopted by CBD decision 15/4" in detail and "Sources of these texts" in detail
    element = _element("GBF-TARGET-06")
    url = f"/frameworks/elements/{element.id}/edit"
    assert client.post(url, data={"version": "1", "title_en": "x"}).status_code == 403
    secretariat = app.test_client()
    login(secretariat, make_user(role="secretariat", country_code=None))
    data = {"version": "1", **{f"title_{k}": v for k, v in element.titles.items()}}
    data["title_en"] = "Invasive alien species (revised)"
    assert secretariat.post(url, data=data).headers["Location"] == "/frameworks/GBF"
    assert "Invasive alien species (revised)" in secretariat.get("/frameworks/GBF").data.decode()
    # the second save of the same version is refused
    response = secretariat.post(url, data={**data, "title_en": "Lost"}, follow_redirects=True)
    assert "Someone else saved this record" in response.data.decode()
    db.session.expire_all()
    assert _element("GBF-TARGET-06").titles["en"] == "Invasive alien species (revised)"
    # Where the CBD publishes no French short title, the French adopted text is shown.
    fr = client.get("/frameworks/GBF", headers={"Accept-Language": "fr"}).data.decode()
    assert "espèces exotiques envahissantes" in fr


def test_framework_edit_links_conventions(app, client, login_as):
    login_as(role="admin", country_code=None)
    framework = db.session.scalar(select(Framework).where(Framework.code == "GBF"))
    cbd, cms = _convention("CBD"), _convention("CMS")
    data = {
        "version": "1",
        "start_year": "2022",
        "end_year": "2030",
        "conventions": [str(cbd.id), str(cms.id)],
        "is_active": "y",
        **{f"name_{k}": v for k, v in framework.names.items()},
        **{f"short_{k}": v for k, v in framework.short_names.items()},
    }
    assert client.post("/frameworks/GBF/edit", data={**data, "end_year": "2020"}).status_code == 200
    assert client.post("/frameworks/GBF/edit", data=data).status_code == 302
    db.session.expire_all()
    assert {c.code for c in db.session.get(Framework, framework.id).conventions} == {"CBD", "CMS"}
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "frameworks").order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.before == {"conventions": ["CBD"]} and entry.after == {
        "conventions": ["CBD", "CMS"]
    }


def test_record_an_nbsap_with_its_document(app, client, login_as, make_user):
    login_as()
    response = client.post(
        "/countries/KE/nbsap/new",
        data={**NBSAP, "document_file": (io.BytesIO(b"MZ not a document"), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert "must be a PDF or Word file" in response.data.decode() and _count(Nbsap) == 0
    response = client.post(
        "/countries/KE/nbsap/new",
        data={**NBSAP, "document_file": (io.BytesIO(b"%PDF-1.7 plan"), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == "/countries/KE/nbsap"
    page = client.get("/countries/KE/nbsap").data.decode()
    # An adopted plan says so once, with its date ("Adopted · 1 Mar 2025").
    assert "Adopted" in page and "adopted Mar" not in page and "Mar 1, 2025" in page
    nbsap = db.session.scalar(select(Nbsap))
    assert nbsap.document_filename == "plan.pdf" and re.fullmatch(
        r"[0-9a-f]{32}\.pdf", nbsap.document_file
    )
    other = app.test_client()
    login(other, make_user(role="editor", country_code="TZ"))
    with other.get(f"/countries/KE/nbsap/{nbsap.id}/document") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
        assert "attachment" in download.headers["Content-Disposition"]
    # another country's officials read it but do not change it
    assert other.post(f"/countries/KE/nbsap/{nbsap.id}/edit", data=NBSAP).status_code == 403
    assert app.test_client().get(f"/countries/KE/nbsap/{nbsap.id}/document").status_code == 302


def test_an_nbsap_is_saved_with_its_document_or_not_at_all(client, login_as, country, monkeypatch):
    monkeypatch.setattr(operations, "MAX_DOCUMENT_BYTES", 1000)
    login_as()
    nbsap = _nbsap(country)
    for upload, message in (
        (b"MZ not a document", "must be a PDF or Word file"),
        (b"%PDF-" + b"x" * 1000, "at most 20 MB"),
    ):
        response = client.post(
            f"/countries/KE/nbsap/{nbsap.id}/edit",
            data={**NBSAP, "version": "1", "document_file": (io.BytesIO(upload), "plan.pdf")},
            content_type="multipart/form-data",
        )
        assert message in response.data.decode()
        db.session.refresh(nbsap)
        assert (nbsap.title, nbsap.version, nbsap.document_file) == ("NBSAP 2025-2030", 1, None)
        logged = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_type == "nbsaps")
        ).all()
        assert logged == ["create"]
    response = client.post(
        f"/countries/KE/nbsap/{nbsap.id}/edit",
        data={**NBSAP, "version": "1", "document_file": (io.BytesIO(b"%PDF-1.7"), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == "/countries/KE/nbsap"
    db.session.refresh(nbsap)
    assert nbsap.title == NBSAP["title"] and nbsap.version == 2
    assert nbsap.document_filename == "plan.pdf"
    logged = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "nbsaps").order_by(AuditEntry.id)
    ).all()
    assert logged[0] == "create" and set(logged[1:]) == {"update"}


def test_an_nbsap_and_a_refused_document_are_undone_together(app, country):
    nbsap = operations.save_nbsap(country("KE"), None, {"title": "Kenya NBSAP"})
    with pytest.raises(operations.NbsapError):
        operations.store_document(nbsap, b"MZ not a document", "plan.exe")
    db.session.rollback()  # as the request or command that combined them does
    assert _count(Nbsap) == 0
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "nbsaps")
    ).all()


def test_national_targets_with_people_conventions_and_languages(
    app, client, login_as, country, make_person
):
    user = login_as()
    nbsap = _nbsap(country)
    person = make_person("KE", family_name="Otieno")
    foreigner = make_person("TZ", family_name="Foreign")
    cms = _convention("CMS")
    data = {
        "version": "0",
        "nbsap": str(nbsap.id),
        "kind": "target",
        "code": "NT3",
        "language": "en",
        "title": "Protect 30% of land and sea",
        "description": "Expand the protected area network.",
        "lead_institution": "Kenya Wildlife Service",
        "responsible": [str(person.id), str(foreigner.id)],
        "status": "in_progress",
        "conventions": [str(cms.id)],
    }
    response = client.post("/countries/KE/nbsap/targets/new", data=data)
    assert 'id="responsible-error"' in response.data.decode()  # not a person of Kenya
    assert _count(NationalTarget) == 0
    response = client.post(
        "/countries/KE/nbsap/targets/new", data={**data, "responsible": [str(person.id)]}
    )
    target = db.session.scalar(select(NationalTarget))
    assert response.headers["Location"] == f"/countries/KE/nbsap/targets/{target.id}"
    assert [p.id for p in target.responsible] == [person.id] and target.conventions[0].code == "CMS"
    # a French version of the title, shown to French readers; the English one stays
    client.post(
        f"/countries/KE/nbsap/targets/{target.id}/edit",
        data={
            **data,
            "version": "1",
            "responsible": [str(person.id)],
            "language": "fr",
            "title": "Protéger 30 % des terres et des mers",
            "description": "",
        },
    )
    db.session.expire_all()
    target = db.session.get(NationalTarget, target.id)
    assert target.titles == {
        "en": "Protect 30% of land and sea",
        "fr": "Protéger 30 % des terres et des mers",
    }
    assert target.language == "en"
    user.language, user.language_chosen = "fr", True  # as if chosen on the switcher
    db.session.commit()
    page = client.get(f"/countries/KE/nbsap/targets/{target.id}").data.decode()
    assert '<span lang="fr">Protéger 30 % des terres et des mers</span>' in page
    assert '<p lang="en" class="text-prewrap">Expand the protected area network.</p>' in page
    user.language = "es"
    db.session.commit()
    page = client.get(f"/countries/KE/nbsap/targets/{target.id}").data.decode()
    assert '<span lang="en">Protect 30% of land and sea</span>' in page


def test_a_national_user_cannot_write_to_another_countrys_nbsap(client, login_as, country):
    login_as(role="coordinator", country_code="TZ")
    nbsap = _nbsap(country, "KE")
    tz_nbsap = _nbsap(country, "TZ")
    data = {
        "version": "0",
        "nbsap": str(nbsap.id),
        "kind": "target",
        "code": "X",
        "language": "en",
        "title": "X",
        "status": "planned",
    }
    assert client.post("/countries/KE/nbsap/targets/new", data=data).status_code == 403
    # the own country's form with another country's NBSAP id writes nothing
    response = client.post("/countries/TZ/nbsap/targets/new", data=data)
    assert response.status_code == 200 and _count(NationalTarget) == 0
    response = client.post(
        "/countries/TZ/nbsap/targets/new", data={**data, "nbsap": str(tz_nbsap.id)}
    )
    assert response.status_code == 302
    target = db.session.scalar(select(NationalTarget))
    assert target.country_id == country("TZ").id
    assert (
        client.post(f"/countries/KE/nbsap/targets/{target.id}/edit", data=data).status_code == 403
    )
    assert client.get(f"/countries/KE/nbsap/targets/{target.id}").status_code == 404


def test_alignments_matrix_and_uncovered_targets(client, login_as, country):
    login_as()
    nbsap = _nbsap(country)
    t1 = _target(country, nbsap, "T1")
    t2 = _target(country, nbsap, "T2")
    url = f"/countries/KE/nbsap/targets/{t1.id}/alignments"
    gbf3, gbf6 = _element("GBF-TARGET-03"), _element("GBF-TARGET-06")
    assert client.post(url, data={"element": str(gbf3.id), "degree": "high"}).status_code == 302
    client.post(url, data={"element": str(gbf6.id), "degree": "low"})
    client.post(
        f"/countries/KE/nbsap/targets/{t2.id}/alignments",
        data={"element": str(gbf6.id), "degree": "medium"},
    )
    goal = _element("GBF-GOAL-A")
    response = client.post(url, data={"element": str(goal.id), "degree": "high"})
    assert response.status_code == 200 and _count(Alignment) == 3
    client.post(url, data={"element": str(gbf3.id), "degree": "medium"})  # changes the degree
    assert _count(Alignment) == 3
    page = client.get("/countries/KE/nbsap/matrix?framework=GBF").data.decode()
    assert "21 global targets are covered by no national target." in page
    row = page.split(f'/targets/{t1.id}"')[1].split("</tr>")[0]
    assert row.count("degree-medium") == 1 and row.count("degree-low") == 1
    aichi = client.get("/countries/KE/nbsap/matrix?framework=AICHI").data.decode()
    assert "20 global targets are covered by no national target." in aichi
    alignment = db.session.scalar(
        select(Alignment).where(
            Alignment.element_id == gbf6.id, Alignment.national_target_id == t1.id
        )
    )
    client.post(f"/countries/KE/nbsap/targets/{t1.id}/alignments/{alignment.id}/delete")
    assert _count(Alignment) == 2
    history = (
        client.get(f"/countries/KE/nbsap/targets/{t1.id}")
        .data.decode()
        .split("Change history</h2>")[1]
    )
    assert "Degree of alignment" in history and "Medium" in history


def test_measures_serving_a_convention_directly_or_through_framework_targets(app, country):
    nbsap = _nbsap(country)
    _target(country, nbsap, "M1", kind="measure", conventions=[_convention("CMS").id])
    through = _target(country, nbsap, "M2", kind="measure")
    operations.align(through, _element("SPMS2015-TARGET-10"), Degree.HIGH)
    gbf_only = _target(country, nbsap, "M3", kind="measure")
    operations.align(gbf_only, _element("GBF-TARGET-03"), Degree.LOW)
    cms = _convention("CMS")
    assert [t.code for t in queries.measures_for_convention(country("KE"), cms)] == ["M1", "M2"]
    grouped = queries.measures_by_convention(country("KE"))
    assert [t.code for t in grouped[cms.id]] == ["M1", "M2"]
    assert [t.code for t in grouped[_convention("CBD").id]] == ["M3"]


def test_progress_notes_delete_and_restore(client, login_as, country):
    login_as()
    nbsap = _nbsap(country)
    target = _target(country, nbsap, "T1")
    url = f"/countries/KE/nbsap/targets/{target.id}"
    response = client.post(
        f"{url}/notes", data={"noted_on": "2999-01-01", "language": "en", "text": "Future"}
    )
    assert "cannot be dated in the future" in response.data.decode()
    client.post(
        f"{url}/notes",
        data={"noted_on": "2025-06-01", "language": "fr", "text": "Deux aires créées."},
    )
    assert (
        '<p class="mb-0 text-prewrap" lang="fr">Deux aires créées.</p>'
        in client.get(url).data.decode()
    )
    client.post(f"{url}/delete")
    assert client.get(url).status_code == 404
    assert "T1" in client.get("/countries/KE/nbsap").data.decode()  # in the deleted list
    client.post(f"{url}/restore")
    assert client.get(url).status_code == 200


def test_editors_of_other_countries_and_the_secretariat_only_read(app, make_user, country):
    nbsap = _nbsap(country)
    target = _target(country, nbsap, "T1")
    for role, code in (("secretariat", None), ("editor", "TZ")):
        client = app.test_client()
        login(client, make_user(role=role, country_code=code))
        assert client.get(f"/countries/KE/nbsap/targets/{target.id}").status_code == 200
        assert (
            client.post(
                f"/countries/KE/nbsap/targets/{target.id}/notes",
                data={"noted_on": "2025-01-01", "text": "x", "language": "en"},
            ).status_code
            == 403
        )


def test_nbsap_pages_take_a_fixed_number_of_queries(
    client, login_as, country, make_person, count_queries
):
    login_as()
    nbsap = _nbsap(country)
    first = _target(country, nbsap, "T0", responsible=[make_person("KE").id])
    operations.add_note(first, first.created_at.date(), "note", "en")
    urls = [
        "/countries/KE/nbsap",
        "/countries/KE/nbsap/matrix",
        f"/countries/KE/nbsap/targets/{first.id}",
        f"/countries/KE/nbsap/targets/{first.id}/edit",
    ]
    counter = count_queries()
    baseline = {}
    for url in urls:
        counter.statements.clear()
        assert client.get(url).status_code == 200
        baseline[url] = counter.count
    people = [make_person("KE") for _ in range(3)]
    for n in range(1, 8):
        target = _target(
            country,
            nbsap,
            f"T{n}",
            kind="measure" if n % 2 else "target",
            parent_id=None,
            responsible=[p.id for p in people],
            conventions=[_convention("CMS").id, _convention("CBD").id],
        )
        operations.align(target, _element(f"GBF-TARGET-{n:02d}"), Degree.HIGH)
        operations.align(target, _element(f"AICHI-TARGET-{n:02d}"), Degree.LOW)
        operations.add_note(target, target.created_at.date(), "note", "en")
        operations.align(first, _element(f"GBF-TARGET-{n + 10:02d}"), Degree.MEDIUM)
        operations.add_note(first, first.created_at.date(), f"note {n}", "en")
    for url in urls:
        counter.statements.clear()
        assert client.get(url).status_code == 200
        assert counter.count == baseline[url], url


def test_planted_markup_is_inert_on_nbsap_pages(client, login_as, country):
    script = "<script>alert('x')</script>"
    login_as()
    nbsap = _nbsap(country, title=script)
    target = _target(country, nbsap, "T1", description=script, lead_institution=script)
    target.titles = {"en": script}
    db.session.commit()
    operations.add_note(target, target.created_at.date(), script, "en")
    for url in (
        "/countries/KE/nbsap",
        f"/countries/KE/nbsap/targets/{target.id}",
        f"/countries/KE/nbsap/targets/{target.id}/edit",
        "/countries/KE/nbsap/matrix",
    ):
        html = client.get(url).data.decode()
        assert script not in html and "&lt;script&gt;" in html, url
    response = client.post(
        f"/countries/KE/nbsap/{nbsap.id}/edit",
        data={**NBSAP, "version": "1", "document_url": "javascript:alert(1)"},
    )
    assert "https://" in response.data.decode()
    db.session.refresh(nbsap)
    assert nbsap.document_url == ""


def test_the_second_of_two_concurrent_edits_is_refused(app, make_user, country):
    nbsap = _nbsap(country)
    target = _target(country, nbsap, "T1")
    first, second = app.test_client(), app.test_client()
    login(first, make_user())
    login(second, make_user(role="editor"))
    form = {**NBSAP, "version": "1"}
    url = f"/countries/KE/nbsap/{nbsap.id}/edit"
    assert first.post(url, data={**form, "title": "First"}).status_code == 302
    page = second.post(url, data={**form, "title": "Second"}, follow_redirects=True).data.decode()
    assert "Someone else saved this record" in page and 'value="First"' in page
    assert "Second" not in page.split("Change history")[1]  # the history shows the saved change
    data = {"version": "1", "nbsap": str(nbsap.id), "kind": "target", "code": "T1"}
    data |= {"language": "en", "title": "Mine", "status": "planned"}
    url = f"/countries/KE/nbsap/targets/{target.id}/edit"
    assert first.post(url, data=data).status_code == 302
    page = second.post(url, data={**data, "title": "Theirs"}, follow_redirects=True).data.decode()
    assert "Someone else saved this record" in page
    db.session.expire_all()
    assert db.session.get(NationalTarget, target.id).titles == {"en": "Mine"}


def test_the_country_page_and_navigation_lead_to_nbsap_and_reports(client, login_as):
    login_as()
    page = client.get("/countries/KE").data.decode()
    for url in ("/countries/KE/nbsap", "/countries/KE/nbsap/matrix", "/countries/KE/reporting"):
        assert f'href="{url}"' in page
    assert 'href="/frameworks"' in page and 'href="/reporting"' in page
    other = client.get("/countries/TZ").data.decode()
    assert 'href="/countries/TZ/nbsap"' in other and 'href="/countries/TZ/reporting"' not in other


def test_changes_of_people_and_conventions_are_in_the_history(
    client, login_as, country, make_person
):
    login_as()
    nbsap = _nbsap(country)
    person = make_person("KE", family_name="Achieng")
    target = _target(country, nbsap, "T1", conventions=[_convention("CBD").id])
    data = {"version": "1", "nbsap": str(nbsap.id), "kind": "target", "code": "T1"}
    data |= {"language": "en", "title": "Target T1", "status": "planned"}
    data |= {"responsible": [str(person.id)], "conventions": [str(_convention("CMS").id)]}
    assert (
        client.post(f"/countries/KE/nbsap/targets/{target.id}/edit", data=data).status_code == 302
    )
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "national_targets", AuditEntry.entity_id == str(target.id))
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.before == {"responsible": [], "conventions": ["CBD"]}
    assert entry.after == {"responsible": [person.id], "conventions": ["CMS"]}
    history = client.get(f"/countries/KE/nbsap/targets/{target.id}").data.decode()
    assert "Conventions served" in history.split("Change history</h2>")[1]


def test_measures_for_a_convention_take_a_fixed_number_of_queries(app, country, count_queries):
    nbsap = _nbsap(country)
    cms = _convention("CMS")
    _target(country, nbsap, "T0", conventions=[cms.id])
    counter = count_queries()
    queries.measures_for_convention(country("KE"), cms)
    baseline = counter.count
    for n in range(1, 6):
        target = _target(country, nbsap, f"T{n}", conventions=[cms.id])
        operations.align(target, _element(f"SPMS2015-TARGET-{n:02d}"), Degree.LOW)
        db.session.commit()
    counter.statements.clear()
    assert len(queries.measures_for_convention(country("KE"), cms)) == 6
    assert counter.count == baseline


def test_several_global_targets_are_linked_at_once(client, login_as, country):
    login_as()
    target = _target(country, _nbsap(country), "T1")
    url = f"/countries/KE/nbsap/targets/{target.id}/alignments"
    page = client.get(f"/countries/KE/nbsap/targets/{target.id}").data.decode()
    fieldset = re.search(r'<fieldset[^>]*id="element"[^>]*>', page).group(0)
    assert "data-filter" in fieldset  # dozens of targets: a filter box
    gbf3, gbf6, gbf8 = (_element(f"GBF-TARGET-0{n}") for n in (3, 6, 8))
    ids = [str(gbf3.id), str(gbf6.id), str(gbf8.id)]
    assert client.post(url, data={"element": ids, "degree": "high"}).status_code == 302
    assert _count(Alignment) == 3
    # A goal among them: nothing is linked.
    goal = _element("GBF-GOAL-A")
    other = _target(country, _nbsap(country), "T2")
    response = client.post(
        f"/countries/KE/nbsap/targets/{other.id}/alignments",
        data={"element": [str(gbf3.id), str(goal.id)], "degree": "low"},
    )
    assert response.status_code == 200 and _count(Alignment) == 3
    response = client.post(url, data={"degree": "low"})
    assert "Choose at least one global target." in response.data.decode()


def test_the_kept_matrix_shows_each_change_at_once(client, login_as, country):
    """The matrix's table is kept rendered: a change of degree, title or target shows at once."""
    login_as()
    nbsap = _nbsap(country)
    t1 = _target(country, nbsap, "T1")
    gbf3 = _element("GBF-TARGET-03")
    operations.align(t1, gbf3, Degree.HIGH)
    db.session.commit()
    url = "/countries/KE/nbsap/matrix?framework=GBF"

    def row() -> str:
        page = client.get(url).data.decode()
        return page.split(f'/targets/{t1.id}"')[1].split("</tr>")[0]

    assert row().count("degree-high") == 1
    assert row().count("degree-high") == 1  # from the kept table
    alignment = db.session.scalar(select(Alignment).where(Alignment.national_target_id == t1.id))
    alignment.degree = Degree.LOW.value  # as another worker's request would
    db.session.commit()
    assert row().count("degree-low") == 1 and "degree-high" not in row()
    t1.titles = {"en": "Restore wetlands"}
    db.session.commit()
    assert "Restore wetlands" in row()
    t2 = _target(country, nbsap, "T2")
    db.session.commit()
    assert f'/targets/{t2.id}"' in client.get(url).data.decode()
    t2.deleted_at = t2.created_at
    db.session.commit()
    assert f'/targets/{t2.id}"' not in client.get(url).data.decode()


def test_the_matrix_takes_few_queries_whatever_the_number_of_targets(
    client, login_as, country, count_queries
):
    login_as()
    nbsap = _nbsap(country)
    client.get("/countries/KE/nbsap/matrix")  # the reference data into the cache
    counter = count_queries()
    assert client.get("/countries/KE/nbsap/matrix").status_code == 200
    empty = counter.count
    for n in range(1, 12):
        target = _target(country, nbsap, f"T{n}", kind="measure" if n % 3 == 0 else "target")
        operations.align(target, _element(f"GBF-TARGET-{n:02d}"), Degree.MEDIUM)
    db.session.commit()
    counter = count_queries()
    assert client.get("/countries/KE/nbsap/matrix").status_code == 200
    assert counter.count == empty <= 8
