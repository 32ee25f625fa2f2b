"""Demo NBSAPs: national targets and measures aligned with the GBF (and the CMS plan), progress
notes and report statuses, for a realistic share of countries; and their full-scale variant."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from focalpoints.conventions.models import Convention
from focalpoints.countries.models import Country
from focalpoints.countries.queries import active_conventions, party_statuses
from focalpoints.demo_data.bulk import insert_rows
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person
from focalpoints.frameworks.models import FrameworkElement
from focalpoints.nbsap.models import (
    Alignment,
    NationalTarget,
    Nbsap,
    ProgressNote,
    national_target_conventions,
)
from focalpoints.reporting.models import ReportDeadline, ReportStatus

# (GBF target, other global target or None, conventions served, title per language)
THEMES = (
    (
        3,
        "SPMS2015-TARGET-10",
        ("CBD", "CMS", "RAMSAR"),
        {
            "en": "Expand protected and conserved areas",
            "fr": "Étendre les aires protégées et conservées",
            "es": "Ampliar las áreas protegidas y conservadas",
        },
    ),
    (
        2,
        None,
        ("CBD", "RAMSAR"),
        {
            "en": "Restore degraded wetlands and forests",
            "fr": "Restaurer les zones humides et les forêts dégradées",
            "es": "Restaurar los humedales y bosques degradados",
        },
    ),
    (
        6,
        None,
        ("CBD",),
        {
            "en": "Control invasive alien species",
            "fr": "Maîtriser les espèces exotiques envahissantes",
            "es": "Controlar las especies exóticas invasoras",
        },
    ),
    (
        4,
        "SPMS2015-TARGET-08",
        ("CBD", "CMS"),
        {
            "en": "Recover threatened migratory species",
            "fr": "Rétablir les espèces migratrices menacées",
            "es": "Recuperar las especies migratorias amenazadas",
        },
    ),
    (
        5,
        None,
        ("CBD", "CITES"),
        {
            "en": "End illegal wildlife trade",
            "fr": "Mettre fin au commerce illégal d'espèces sauvages",
            "es": "Acabar con el comercio ilegal de vida silvestre",
        },
    ),
    (
        7,
        None,
        ("CBD",),
        {
            "en": "Reduce pesticide and plastic pollution",
            "fr": "Réduire la pollution par les pesticides et les plastiques",
            "es": "Reducir la contaminación por plaguicidas y plásticos",
        },
    ),
    (
        8,
        None,
        ("CBD", "RAMSAR"),
        {
            "en": "Nature-based solutions for climate adaptation",
            "fr": "Solutions fondées sur la nature pour l'adaptation au climat",
            "es": "Soluciones basadas en la naturaleza para la adaptación al clima",
        },
    ),
    (
        10,
        "SPMS2015-TARGET-06",
        ("CBD", "CMS"),
        {
            "en": "Sustainable fisheries and bycatch reduction",
            "fr": "Pêche durable et réduction des prises accessoires",
            "es": "Pesca sostenible y reducción de la captura incidental",
        },
    ),
    (
        14,
        None,
        ("CBD",),
        {
            "en": "Mainstream biodiversity in sector policies",
            "fr": "Intégrer la biodiversité dans les politiques sectorielles",
            "es": "Integrar la biodiversidad en las políticas sectoriales",
        },
    ),
    (
        19,
        "SPMS2015-TARGET-16",
        ("CBD",),
        {
            "en": "Mobilise finance for biodiversity",
            "fr": "Mobiliser des financements pour la biodiversité",
            "es": "Movilizar financiación para la biodiversidad",
        },
    ),
    (
        21,
        "SPMS2015-TARGET-15",
        ("CBD", "CMS", "CITES", "RAMSAR"),
        {
            "en": "National biodiversity monitoring and information system",
            "fr": "Système national de suivi et d'information sur la biodiversité",
            "es": "Sistema nacional de seguimiento e información sobre biodiversidad",
        },
    ),
    (
        22,
        None,
        ("CBD",),
        {
            "en": "Participation of indigenous peoples and local communities",
            "fr": "Participation des peuples autochtones et des communautés locales",
            "es": "Participación de los pueblos indígenas y las comunidades locales",
        },
    ),
)
MEASURES = (
    {
        "en": "Legal and policy review",
        "fr": "Révision juridique et politique",
        "es": "Revisión jurídica y de políticas",
    },
    {"en": "Field programme", "fr": "Programme de terrain", "es": "Programa de campo"},
    {
        "en": "Training of officials",
        "fr": "Formation des agents",
        "es": "Capacitación de funcionarios",
    },
    {"en": "Monitoring survey", "fr": "Enquête de suivi", "es": "Estudio de seguimiento"},
)
NOTES = (
    "Baseline survey completed; results shared with the working group.",
    "Funding secured for the first phase.",
    "Consultation with communities held in two provinces.",
    "Draft regulation submitted to the ministry.",
)
STATUSES = ("planned", "in_progress", "in_progress", "on_track", "delayed", "achieved")
DEGREES = ("high", "medium", "medium", "low")
STATES = ("not_started", "in_preparation")
SEED = 2027


def _texts(texts: dict[str, str], language: str) -> tuple[str, dict[str, str]]:
    """The original language and the versions a demo record carries."""
    if language in ("fr", "es"):
        return language, {language: texts[language], "en": texts["en"]}
    return "en", {"en": texts["en"]}


def _context() -> tuple[list[Country], dict, dict[str, FrameworkElement], list]:
    conventions = active_conventions()
    countries = db.session.scalars(
        select(Country).options(selectinload(Country.memberships)).order_by(Country.iso2)
    ).all()
    cbd = next(c for c in conventions if c.code == "CBD")
    today = date.today()
    parties = [c for c in countries if party_statuses(c, conventions, today)[cbd.id].is_party]
    codes = {c.code: c for c in db.session.scalars(select(Convention))}
    elements = {e.identifier: e for e in db.session.scalars(select(FrameworkElement))}
    deadlines = list(db.session.scalars(select(ReportDeadline).order_by(ReportDeadline.id)))
    return parties, codes, elements, deadlines


def demo_nbsaps(language_of: object) -> str:
    """NBSAPs for about two Parties to the CBD in three, through the ORM (audited)."""
    if db.session.scalar(select(func.count()).select_from(Nbsap)):
        return "Demo NBSAPs: exist already, nothing added."
    # Deterministic demo content: randomness here protects nothing.
    rng = random.Random(SEED)  # noqa: S311  # nosec B311
    parties, codes, elements, deadlines = _context()
    today = date.today()
    people_of: dict[int, list[Person]] = {}
    for person in db.session.scalars(select(Person).where(Person.deleted_at.is_(None))):
        people_of.setdefault(person.country_id, []).append(person)
    nbsaps = targets = statuses = 0
    for country in parties:
        language = language_of(country)  # type: ignore[operator]
        if rng.random() < 0.65:
            staff = people_of.get(country.id, [])
            if rng.random() < 0.4:
                db.session.add(
                    Nbsap(
                        country_id=country.id,
                        title=f"NBSAP 2015-2020 ({country.iso3})",
                        start_year=2015,
                        end_year=2020,
                        adopted_on=date(2015, rng.randint(1, 12), rng.randint(1, 28)),
                        status="superseded",
                    )
                )
                nbsaps += 1
            adopted = rng.random() < 0.7
            nbsap = Nbsap(
                country_id=country.id,
                title=f"NBSAP 2024-2030 ({country.iso3})",
                language="en",
                start_year=2024,
                end_year=2030,
                adopted_on=date(2024, rng.randint(1, 12), rng.randint(1, 28)) if adopted else None,
                status="adopted" if adopted else "in_preparation",
                document_url="https://www.cbd.int/nbsap/" if adopted else "",
            )
            db.session.add(nbsap)
            nbsaps += 1
            for number, theme in enumerate(rng.sample(THEMES, rng.randint(4, 8)), 1):
                gbf, other, served, titles = theme
                original, versions = _texts(titles, language)
                target = NationalTarget(
                    country_id=country.id,
                    nbsap=nbsap,
                    kind="target",
                    code=f"T{number}",
                    titles=versions,
                    descriptions={},
                    language=original,
                    lead_institution="Ministry of Environment",
                    start_date=date(2024, 1, 1),
                    end_date=date(2030, 12, 31),
                    status=rng.choice(STATUSES),
                    indicators="GBF headline indicator" if rng.random() < 0.5 else "",
                    responsible=rng.sample(staff, min(len(staff), rng.randint(0, 2))),
                    conventions=[codes[c] for c in served if rng.random() < 0.8],
                )
                db.session.add(target)
                targets += 1
                target.alignments.append(
                    Alignment(
                        country_id=country.id,
                        element=elements[f"GBF-TARGET-{gbf:02d}"],
                        degree=rng.choice(DEGREES),
                    )
                )
                if other and rng.random() < 0.6:
                    target.alignments.append(
                        Alignment(country_id=country.id, element=elements[other], degree="medium")
                    )
                for n, measure_titles in enumerate(rng.sample(MEASURES, rng.randint(1, 3)), 1):
                    combined = {
                        lang: f"{versions[lang]}: {measure_titles[lang]}" for lang in versions
                    }
                    measure = NationalTarget(
                        country_id=country.id,
                        nbsap=nbsap,
                        parent=target,
                        kind="measure",
                        code=f"T{number}.{n}",
                        titles=combined,
                        descriptions={},
                        language=original,
                        lead_institution="National Parks Agency",
                        start_date=date(2024 + rng.randint(0, 2), rng.randint(1, 12), 1),
                        end_date=date(2028 + rng.randint(0, 2), 12, 31),
                        status=rng.choice(STATUSES),
                        responsible=rng.sample(staff, min(len(staff), 1)),
                        conventions=list(target.conventions),
                    )
                    db.session.add(measure)
                    targets += 1
                    if rng.random() < 0.5:
                        measure.notes.append(
                            ProgressNote(
                                country_id=country.id,
                                noted_on=today - timedelta(days=rng.randint(10, 500)),
                                text=rng.choice(NOTES),
                                language="en",
                            )
                        )
        for deadline in deadlines:
            if deadline.due_date > today + timedelta(days=400) or rng.random() < 0.4:
                continue
            state = rng.choice(("in_preparation", "submitted", "submitted"))
            submitted = deadline.due_date - timedelta(days=rng.randint(-30, 60))
            db.session.add(
                ReportStatus(
                    country_id=country.id,
                    deadline_id=deadline.id,
                    status=state if submitted <= today else "in_preparation",
                    submitted_on=submitted if state == "submitted" and submitted <= today else None,
                )
            )
            statuses += 1
        db.session.flush()
    db.session.commit()
    return (
        f"Demo NBSAPs: {nbsaps} NBSAPs, {targets} national targets and measures, "
        f"{statuses} report statuses."
    )


def full_scale_nbsaps() -> str:
    """Every Party to the CBD: an NBSAP with 12 targets and 3 measures each, in bulk INSERTs."""
    if db.session.scalar(select(func.count()).select_from(Nbsap)):
        return "Full-scale NBSAPs: exist already, nothing added."
    rng = random.Random(SEED)  # noqa: S311  # nosec B311
    parties, codes, elements, deadlines = _context()
    now = datetime.now(UTC)
    next_nbsap = (db.session.scalar(select(func.max(Nbsap.id))) or 0) + 1
    next_target = (db.session.scalar(select(func.max(NationalTarget.id))) or 0) + 1
    nbsaps, targets, alignments, links, notes, statuses = [], [], [], [], [], []
    for country in parties:
        nbsaps.append(
            {
                "id": next_nbsap,
                "country_id": country.id,
                "title": f"NBSAP 2024-2030 ({country.iso3})",
                "language": "en",
                "start_year": 2024,
                "end_year": 2030,
                "status": "adopted",
                "document_url": "",
                "version": 1,
                "created_at": now,
            }
        )
        for number, (gbf, other, served, titles) in enumerate(THEMES, 1):
            parent_id = next_target
            for n in range(4):  # the target, then three measures serving it
                targets.append(
                    {
                        "id": next_target,
                        "country_id": country.id,
                        "nbsap_id": next_nbsap,
                        "kind": "target" if n == 0 else "measure",
                        "parent_id": None if n == 0 else parent_id,
                        "code": f"T{number}" if n == 0 else f"T{number}.{n}",
                        "titles": {"en": titles["en"] if n == 0 else f"{titles['en']}: {n}"},
                        "descriptions": {},
                        "language": "en",
                        "lead_institution": "Ministry of Environment",
                        "status": rng.choice(STATUSES),
                        "indicators": "",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                alignments.append(
                    {
                        "country_id": country.id,
                        "national_target_id": next_target,
                        "element_id": elements[f"GBF-TARGET-{gbf:02d}"].id,
                        "degree": rng.choice(DEGREES),
                    }
                )
                if other:
                    alignments.append(
                        {
                            "country_id": country.id,
                            "national_target_id": next_target,
                            "element_id": elements[other].id,
                            "degree": "medium",
                        }
                    )
                links.extend(
                    {"national_target_id": next_target, "convention_id": codes[c].id}
                    for c in served
                )
                notes.append(
                    {
                        "country_id": country.id,
                        "national_target_id": next_target,
                        "noted_on": date.today() - timedelta(days=rng.randint(1, 700)),
                        "text": rng.choice(NOTES),
                        "language": "en",
                        "created_at": now,
                    }
                )
                next_target += 1
        next_nbsap += 1
        for deadline in deadlines:
            due = deadline.due_date
            submitted = due < date.today() and rng.random() < 0.7
            statuses.append(
                {
                    "country_id": country.id,
                    "deadline_id": deadline.id,
                    "status": "submitted" if submitted else rng.choice(STATES),
                    "submitted_on": due - timedelta(days=10) if submitted else None,
                    "version": 1,
                    "updated_at": now,
                }
            )
    for model, rows in (
        (Nbsap, nbsaps),
        (NationalTarget, targets),
        (Alignment, alignments),
        (national_target_conventions, links),
        (ProgressNote, notes),
        (ReportStatus, statuses),
    ):
        insert_rows(model, rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequences
        for table, model in (("nbsaps", Nbsap), ("national_targets", NationalTarget)):
            db.session.execute(
                func.setval(f"{table}_id_seq", select(func.max(model.id)).scalar_subquery())
            )
        db.session.commit()
    return (
        f"Full-scale NBSAPs: {len(nbsaps)} NBSAPs, {len(targets)} targets and measures, "
        f"{len(alignments)} alignments, {len(statuses)} report statuses."
    )
