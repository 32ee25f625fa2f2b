# ruff: noqa: RUF001  (texts in Arabic, Chinese and Russian use their own letters and commas)
"""Demo positions: a realistic share of countries prepare the meetings of the conventions.

Past meetings mostly have agreed positions, coming ones drafts and consultations; some are
shared with the Secretariat; consulted focal points answered (or not yet). Texts are written in
the country's language, some with an English translation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from focalpoints.audit import acting_as
from focalpoints.conventions.models import Role
from focalpoints.countries.models import Country
from focalpoints.countries.queries import active_conventions, party_statuses
from focalpoints.demo_data import names
from focalpoints.demo_data.bulk import insert_rows
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment, Status
from focalpoints.meetings.models import Meeting
from focalpoints.positions.models import Consultation, Position, PositionVersion

SEED = 1021  # Resolution 10.21
# Countries whose demo users log in always have positions.
DEMO_COUNTRIES = ("KE", "FR", "SA", "CN", "RU", "BR", "MX", "EG")
SHARE_OF_COUNTRIES = 0.3
# Share of a country's conventions' meetings it prepares positions for (small demo).
SHARE_OF_MEETINGS = 0.6

# What a country says, by stance, in the languages positions are written in.
TITLES = {
    "support": {
        "en": "Support the draft decision on {item}",
        "fr": "Soutenir le projet de décision sur {item}",
        "es": "Apoyar el proyecto de decisión sobre {item}",
        "pt": "Apoiar o projeto de decisão sobre {item}",
        "ar": "دعم مشروع المقرر بشأن {item}",
        "zh": "支持关于{item}的决定草案",
        "ru": "Поддержать проект решения по вопросу «{item}»",
    },
    "amend": {
        "en": "Support {item}, with amendments",
        "fr": "Soutenir {item}, avec des amendements",
        "es": "Apoyar {item}, con enmiendas",
        "pt": "Apoiar {item}, com emendas",
        "ar": "دعم {item} مع تعديلات",
        "zh": "在修正的前提下支持{item}",
        "ru": "Поддержать вопрос «{item}» с поправками",
    },
    "defer": {
        "en": "Ask to defer {item} to the next meeting",
        "fr": "Demander le report de {item} à la prochaine session",
        "es": "Pedir que {item} se aplace a la próxima reunión",
        "pt": "Pedir o adiamento de {item} para a próxima reunião",
        "ar": "طلب إرجاء {item} إلى الاجتماع القادم",
        "zh": "要求将{item}推迟至下次会议",
        "ru": "Предложить перенести вопрос «{item}» на следующее совещание",
    },
}
TEXTS = {
    "support": {
        "en": "The delegation supports the draft decision as it stands.\n"
        "It will align its statement with its position at the other conventions.",
        "fr": "La délégation soutient le projet de décision en l'état.\n"
        "Elle alignera sa déclaration sur sa position dans les autres conventions.",
        "es": "La delegación apoya el proyecto de decisión tal como está.\n"
        "Alineará su declaración con su posición en las demás convenciones.",
        "pt": "A delegação apoia o projeto de decisão tal como está.\n"
        "Alinhará a sua declaração com a sua posição nas outras convenções.",
        "ar": "يؤيد الوفد مشروع المقرر بصيغته الحالية.\n"
        "وسيوائم بيانه مع موقفه في الاتفاقيات الأخرى.",
        "zh": "代表团支持现有的决定草案。\n其发言将与其在其他公约中的立场保持一致。",
        "ru": "Делегация поддерживает проект решения в нынешнем виде.\n"
        "Её заявление будет согласовано с позицией по другим конвенциям.",
    },
    "amend": {
        "en": "The delegation supports the aim but proposes amendments to paragraphs 2 and 5 "
        "on funding and reporting.\nThe national report must not carry new obligations.",
        "fr": "La délégation soutient l'objectif mais propose de modifier les paragraphes 2 et 5 "
        "sur le financement et les rapports.\nLe rapport national ne doit pas comporter "
        "de nouvelles obligations.",
        "es": "La delegación apoya el objetivo pero propone enmiendas a los párrafos 2 y 5 "
        "sobre financiación e informes.\nEl informe nacional no debe incluir nuevas "
        "obligaciones.",
        "pt": "A delegação apoia o objetivo mas propõe emendas aos parágrafos 2 e 5 sobre "
        "financiamento e relatórios.\nO relatório nacional não deve trazer novas obrigações.",
        "ar": "يؤيد الوفد الهدف لكنه يقترح تعديلات على الفقرتين 2 و5 بشأن التمويل والإبلاغ.\n"
        "ويجب ألا يتضمن التقرير الوطني التزامات جديدة.",
        "zh": "代表团支持其目标，但提议修改关于资金和报告的第2段和第5段。\n"
        "国家报告不应增加新的义务。",
        "ru": "Делегация поддерживает цель, но предлагает поправки к пунктам 2 и 5 "
        "о финансировании и отчётности.\nНациональный доклад не должен содержать "
        "новых обязательств.",
    },
    "defer": {
        "en": "The delegation considers the matter not ready for decision: the scientific review "
        "is incomplete.\nIt will ask for more time and offer to co-lead the intersessional work.",
        "fr": "La délégation estime que la question n'est pas mûre : l'examen scientifique est "
        "incomplet.\nElle demandera un délai et proposera de co-diriger les travaux "
        "intersessions.",
        "es": "La delegación considera que el asunto no está maduro: el examen científico está "
        "incompleto.\nPedirá más tiempo y ofrecerá codirigir el trabajo entre períodos "
        "de sesiones.",
        "pt": "A delegação considera que a questão não está madura: a revisão científica está "
        "incompleta.\nPedirá mais tempo e oferecerá codirigir o trabalho intersessional.",
        "ar": "يرى الوفد أن المسألة غير جاهزة للبت فيها لأن الاستعراض العلمي غير مكتمل.\n"
        "وسيطلب مزيداً من الوقت ويعرض المشاركة في قيادة العمل بين الدورات.",
        "zh": "代表团认为此事尚未成熟，科学审查尚未完成。\n"
        "将要求更多时间，并提出共同主持闭会期间的工作。",
        "ru": "Делегация считает, что вопрос не готов к решению: научный обзор не завершён.\n"
        "Она попросит больше времени и предложит совместно руководить межсессионной работой.",
    },
}
NOTES = {
    "agree": "",
    "comment": "Please mention the national action plan in the statement.",
    "object": "Paragraph 5 conflicts with our position at the other convention.",
}


def _text_language(country: Country) -> str:
    language = names.country_language(country)
    return language if language in TITLES["support"] else "en"


@dataclass
class Planned:
    """One demo position and what goes with it, ready to be written (ORM or bulk)."""

    values: dict[str, Any]
    versions: list[dict[str, Any]]
    consultations: list[dict[str, Any]]


def plan_positions(
    rng: random.Random,
    country: Country,
    conventions: list[Any],
    meetings: list[Meeting],
    holders: dict[int, list[int]],
    today: date,
    items_per_meeting: tuple[int, int] = (1, 2),
    share_of_meetings: float = 1.0,
) -> list[Planned]:
    """The positions one country records for the meetings of the conventions it is a Party to."""
    statuses = party_statuses(country, conventions, today)
    language = _text_language(country)
    planned = []
    for meeting in meetings:
        status_of = statuses.get(meeting.convention_id)
        if status_of is None or not status_of.is_party or rng.random() > share_of_meetings:
            continue
        items = [i for i in meeting.agenda_items if i.is_active]
        if not items:
            continue
        chosen = rng.sample(items, min(len(items), rng.randint(*items_per_meeting)))
        for item in chosen:
            coming = meeting.is_coming(today)
            status = (
                rng.choice(["draft", "draft", "consultation", "consultation", "agreed"])
                if coming
                else rng.choice(["agreed"] * 5 + ["draft"])
            )
            stance = rng.choice(["support", "support", "amend", "defer"])
            item_title = item.titles.get(language) or item.titles.get("en", item.code)
            titles = {language: TITLES[stance][language].format(item=item_title)}
            texts = {language: TEXTS[stance][language]}
            if language != "en" and rng.random() < 0.4:
                titles["en"] = TITLES[stance]["en"].format(item=item.titles.get("en", item.code))
                texts["en"] = TEXTS[stance]["en"]
            leads = holders.get(meeting.convention_id, [])
            agreed_on = None
            if status == "agreed":
                agreed_on = min(today, meeting.start_date - timedelta(days=rng.randint(5, 40)))
            shared = status == "agreed" and rng.random() < 0.35
            created = datetime.combine(
                min(today, meeting.start_date) - timedelta(days=rng.randint(45, 120)), time(9), UTC
            )
            values = {
                "country_id": country.id,
                "meeting_id": meeting.id,
                "agenda_item_id": item.id,
                "issue_id": None,
                "titles": titles,
                "texts": texts,
                "language": language,
                "status": status,
                "lead_person_id": rng.choice(leads) if leads else None,
                "agreed_on": agreed_on,
                "shared": shared,
                "created_at": created,
                "updated_at": created,
            }
            versions = [{**values, "status": "draft", "agreed_on": None, "shared": False}]
            if status != "draft":
                versions.append({**values, "shared": False})
            if shared:
                versions.append(dict(values))
            for number, version in enumerate(versions, start=1):
                version["number"] = number
                version["created_at"] = created + timedelta(days=7 * (number - 1))
            values["version"] = len(versions)
            consultations = []
            if status != "draft":
                others = [
                    person
                    for convention_id, people in holders.items()
                    if convention_id != meeting.convention_id
                    for person in people
                ]
                asked_on = created.date() + timedelta(days=7)
                for person in rng.sample(others, min(len(others), rng.randint(1, 3))):
                    answered = status == "agreed" or rng.random() < 0.5
                    answer = rng.choice(["agree"] * 4 + ["comment", "object"]) if answered else None
                    consultations.append(
                        {
                            "country_id": country.id,
                            "person_id": person,
                            "requested_on": asked_on,
                            "deadline": asked_on + timedelta(days=21),
                            "message": "",
                            "message_language": language,
                            "requested_by": "system:demo-data",
                            "answer": answer,
                            "answer_note": NOTES[answer] if answer else "",
                            "answer_language": "en" if answer else None,
                            "answered_on": min(today, asked_on + timedelta(days=rng.randint(2, 20)))
                            if answer
                            else None,
                            "version": 2 if answer else 1,
                            "created_at": created,
                        }
                    )
            planned.append(Planned(values, versions, consultations))
    return planned


def _holders() -> dict[int, dict[int, list[int]]]:
    """Current role holders: country id -> convention id -> person ids (one query)."""
    rows = db.session.execute(
        select(Appointment.country_id, Appointment.person_id, Appointment.role_id)
        .where(Appointment.status != Status.ENDED.value)
        .order_by(Appointment.id)
    ).all()
    convention_of = dict(db.session.execute(select(Role.id, Role.convention_id)).all())
    holders: dict[int, dict[int, list[int]]] = {}
    for country_id, person_id, role_id in rows:
        people = holders.setdefault(country_id, {}).setdefault(convention_of[role_id], [])
        if person_id not in people:
            people.append(person_id)
    return holders


def _setting() -> tuple[list[Country], list[Any], list[Meeting]]:
    countries = db.session.scalars(
        select(Country).options(selectinload(Country.memberships)).order_by(Country.iso2)
    ).all()
    meetings = db.session.scalars(
        select(Meeting).options(selectinload(Meeting.agenda_items)).order_by(Meeting.start_date)
    ).all()
    return list(countries), active_conventions(), list(meetings)


def demo_positions() -> str:
    """Positions for a realistic share of countries (once: a second run adds nothing)."""
    if db.session.scalar(select(func.count()).select_from(Position)):
        return "Demo positions: exist already, nothing added."
    # Deterministic demo content: randomness here protects nothing.
    rng = random.Random(SEED)  # noqa: S311  # nosec B311
    today = date.today()
    countries, conventions, meetings = _setting()
    holders = _holders()
    positions = consultations = 0
    with acting_as("system:demo-data"):
        for country in countries:
            if country.iso2 not in DEMO_COUNTRIES and rng.random() > SHARE_OF_COUNTRIES:
                continue
            country_holders = holders.get(country.id, {})
            for planned in plan_positions(
                rng,
                country,
                conventions,
                meetings,
                country_holders,
                today,
                share_of_meetings=SHARE_OF_MEETINGS,
            ):
                # Linked through the relationships, not ids: one flush at the commit
                # writes every table in batches (a flush per position cost seconds).
                position = Position(**planned.values)
                position.versions = [PositionVersion(**_version(v)) for v in planned.versions]
                position.consultations = [Consultation(**c) for c in planned.consultations]
                db.session.add(position)
                positions += 1
                consultations += len(planned.consultations)
        db.session.commit()
    return f"Demo positions: {positions} positions and {consultations} consultations added."


VERSION_KEYS = (
    "number",
    "meeting_id",
    "agenda_item_id",
    "issue_id",
    "titles",
    "texts",
    "language",
    "status",
    "lead_person_id",
    "agreed_on",
    "shared",
    "created_at",
)


def _version(values: dict[str, Any]) -> dict[str, Any]:
    return {key: values[key] for key in VERSION_KEYS} | {"author_label": "system:demo-data"}


def full_scale_positions() -> str:
    """Positions of every Party for every meeting, in bulk (thousands of rows)."""
    if db.session.scalar(select(func.count()).select_from(Position)):
        return "Full-scale positions: exist already, nothing added."
    rng = random.Random(SEED + 1)  # noqa: S311  # nosec B311
    today = date.today()
    countries, conventions, meetings = _setting()
    holders = _holders()
    positions: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    consultations: list[dict[str, Any]] = []
    next_id = 1
    for country in countries:
        for planned in plan_positions(
            rng, country, conventions, meetings, holders.get(country.id, {}), today, (2, 3)
        ):
            positions.append({"id": next_id, **planned.values})
            versions += [{"position_id": next_id, **_version(v)} for v in planned.versions]
            consultations += [{"position_id": next_id, **c} for c in planned.consultations]
            next_id += 1
    insert_rows(Position, positions)
    insert_rows(PositionVersion, versions)
    insert_rows(Consultation, consultations)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequence
        db.session.execute(
            func.setval("positions_id_seq", select(func.max(Position.id)).scalar_subquery())
        )
        db.session.commit()
    return (
        f"Full-scale positions: {len(positions)} positions, {len(versions)} versions, "
        f"{len(consultations)} consultations."
    )
