"""Demo working groups: for a realistic share of countries, with members, past meetings,
minutes written in the country's language, open and overdue actions, and coming meetings."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from focalpoints.audit import acting_as
from focalpoints.countries.models import Country
from focalpoints.demo_data import names
from focalpoints.extensions import db
from focalpoints.focal_points.contacts import name_key
from focalpoints.focal_points.models import Person
from focalpoints.working_groups import operations
from focalpoints.working_groups.calendar import default_zone
from focalpoints.working_groups.models import (
    ActionItem,
    ActionStatus,
    GroupMeeting,
    GroupMember,
    GroupRole,
    MemberCategory,
    WorkingGroup,
)

SEED = 4021
# Countries of the demo accounts: all have a group but Mexico, which shows the empty page.
ALWAYS = {"KE", "FR", "SA", "CN", "RU", "BR", "EG"}
NEVER = {"MX"}
SHARE = 0.45

TEXTS = {
    "en": {
        "name": "National Biodiversity Working Group",
        "mandate": "Coordinates the national focal points of **CMS, CBD, CITES and Ramsar** "
        "and other stakeholders, as urged by CMS Resolution 10.21:\n\n"
        "- harmonised national positions before each meeting of the conventions;\n"
        "- measures of the National Biodiversity Strategy and Action Plan;\n"
        "- harmonised national reporting.",
        "agenda": [
            "Adoption of the agenda",
            "Preparation of the national position for the coming COP",
            "Progress on the NBSAP targets",
            "National reports: timetable and shared data",
            "Any other business",
        ],
        "minutes": "The chair opened the meeting and welcomed the members.\n\n"
        "1. The agenda was adopted.\n2. Members reviewed the draft national position; the "
        "CITES and CMS focal points will align the text on species listing proposals.\n"
        "3. The NBSAP secretariat presented progress on targets 3 and 6.",
        "decisions": "- The draft position is sent for consultation to all focal points.\n"
        "- The next meeting reviews the national report data.",
        "actions": [
            "Circulate the draft national position",
            "Collect data for the national report",
            "Update the list of focal points",
            "Prepare the briefing on invasive alien species",
        ],
        "title": "Meeting of the working group",
    },
    "fr": {
        "name": "Groupe de travail national sur la biodiversité",
        "mandate": "Coordonne les correspondants nationaux de la **CMS, de la CDB, de la "
        "CITES et de Ramsar** et les autres parties prenantes, comme le demande la "
        "résolution 10.21 de la CMS.",
        "agenda": [
            "Adoption de l'ordre du jour",
            "Préparation de la position nationale pour la prochaine COP",
            "Avancement des objectifs de la SPANB",
            "Questions diverses",
        ],
        "minutes": "Le président a ouvert la séance.\n\n1. L'ordre du jour a été adopté.\n"
        "2. Les membres ont examiné le projet de position nationale.",
        "decisions": "- Le projet de position est soumis à la consultation des correspondants.",
        "actions": [
            "Diffuser le projet de position nationale",
            "Rassembler les données du rapport national",
            "Mettre à jour la liste des correspondants",
        ],
        "title": "Réunion du groupe de travail",
    },
    "es": {
        "name": "Grupo de trabajo nacional sobre biodiversidad",
        "mandate": "Coordina a los puntos focales nacionales de la **CMS, el CDB, la CITES y "
        "Ramsar** y a otras partes interesadas, como insta la Resolución 10.21 de la CMS.",
        "agenda": [
            "Aprobación del orden del día",
            "Preparación de la posición nacional para la próxima COP",
            "Avances en las metas de la EPANB",
            "Otros asuntos",
        ],
        "minutes": "La presidencia abrió la reunión.\n\n1. Se aprobó el orden del día.\n"
        "2. Los miembros examinaron el proyecto de posición nacional.",
        "decisions": "- El proyecto de posición se somete a consulta de los puntos focales.",
        "actions": [
            "Distribuir el proyecto de posición nacional",
            "Reunir los datos del informe nacional",
            "Actualizar la lista de puntos focales",
        ],
        "title": "Reunión del grupo de trabajo",
    },
    "ar": {
        "name": "الفريق العامل الوطني المعني بالتنوع البيولوجي",
        "mandate": "ينسق عمل جهات الاتصال الوطنية لاتفاقية الأنواع المهاجرة واتفاقية التنوع "
        "البيولوجي واتفاقية سايتس واتفاقية رامسار وسائر أصحاب المصلحة، وفقاً للقرار 10.21.",
        "agenda": [
            "إقرار جدول الأعمال",
            "إعداد الموقف الوطني لمؤتمر الأطراف المقبل",
            "التقدم المحرز في أهداف الاستراتيجية الوطنية",
            "مسائل أخرى",
        ],
        "minutes": "افتتح الرئيس الاجتماع.\n\n1. أُقر جدول الأعمال.\n"
        "2. ناقش الأعضاء مشروع الموقف الوطني.",
        "decisions": "- يُعرض مشروع الموقف على جهات الاتصال للتشاور.",
        "actions": [
            "تعميم مشروع الموقف الوطني",
            "جمع بيانات التقرير الوطني",
            "تحديث قائمة جهات الاتصال",
        ],
        "title": "اجتماع الفريق العامل",
    },
    "zh": {
        "name": "国家生物多样性工作组",
        "mandate": "根据《保护野生动物迁徙物种公约》第10.21号决议，协调各生物多样性公约的"
        "国家联络点和其他利益相关方。",
        "agenda": ["通过议程", "筹备下届缔约方大会的国家立场", "国家战略目标进展", "其他事项"],
        "minutes": "主席宣布会议开幕。\n\n1. 通过了议程。\n2. 成员审议了国家立场草案。",
        "decisions": "- 立场草案送交各联络点征求意见。",
        "actions": ["分发国家立场草案", "收集国家报告数据", "更新联络点名单"],
        "title": "工作组会议",
    },
    "ru": {
        "name": "Национальная рабочая группа по биоразнообразию",
        "mandate": "Координирует работу национальных координаторов КМВ, КБР, СИТЕС и "
        "Рамсарской конвенции и других заинтересованных сторон согласно резолюции 10.21.",
        "agenda": [
            "Утверждение повестки дня",
            "Подготовка национальной позиции к следующей КС",
            "Ход выполнения целей НСПДСБ",
            "Прочие вопросы",
        ],
        "minutes": "Председатель открыл заседание.\n\n1. Повестка дня утверждена.\n"
        "2. Члены группы обсудили проект национальной позиции.",
        "decisions": "- Проект позиции направляется координаторам для консультаций.",
        "actions": [
            "Разослать проект национальной позиции",
            "Собрать данные для национального доклада",
            "Обновить список координаторов",
        ],
        "title": "Заседание рабочей группы",
    },
}
STAKEHOLDERS = (
    (MemberCategory.NGO, "WWF national office"),
    (MemberCategory.IPLC, "Council of Indigenous Peoples and Local Communities"),
    (MemberCategory.ACADEMIA, "National University, Department of Ecology"),
    (MemberCategory.PRIVATE_SECTOR, "Chamber of Commerce, Sustainability Desk"),
    (MemberCategory.MINISTRY, "Ministry of Foreign Affairs, Multilateral Affairs"),
    (MemberCategory.MINISTRY, "Ministry of Agriculture and Fisheries"),
)


def text_language(name_language: str) -> str:
    """The UN language a country's group writes its papers in (English by default)."""
    return name_language if name_language in TEXTS else "en"


def demo_working_groups() -> str:
    """Create the demo groups (once: a second run adds nothing)."""
    if db.session.scalar(select(func.count()).select_from(WorkingGroup)):
        return "Demo working groups: exist already, nothing added."
    # Deterministic demo content: randomness here protects nothing.
    rng = random.Random(SEED)  # noqa: S311  # nosec B311
    today = date.today()
    countries = db.session.scalars(select(Country).order_by(Country.iso2)).all()
    groups = meetings = 0
    with acting_as("system:demo-data"):
        for country in countries:
            if country.iso2 in NEVER or country.kind == "reio":
                continue
            if country.iso2 not in ALWAYS and rng.random() > SHARE:
                continue
            focal_points = operations.national_focal_points(country)
            if not focal_points:
                continue
            language = names.country_language(country)
            meetings += _group(rng, country, language, focal_points, today)
            groups += 1
        db.session.commit()
    return f"Demo working groups: {groups} groups with {meetings} meetings added."


def _group(rng: random.Random, country: Country, language: str, focal_points, today) -> int:
    lang = text_language(language)
    texts = TEXTS[lang]
    established = today - timedelta(days=rng.randint(400, 2500))
    group = WorkingGroup(
        country_id=country.id,
        name=texts["name"],
        mandate=texts["mandate"],
        mandate_language=lang,
        legal_basis=f"Decree {rng.randint(10, 400)}/{established.year}",
        established_on=established,
        coordinating_institution=names.ORGANISATIONS["CBD"],
        papers_shared=rng.random() < 0.3,
    )
    db.session.add(group)
    members: list[GroupMember] = []
    seen: set[int] = set()
    for appointment in focal_points:
        if appointment.person_id in seen:
            continue
        seen.add(appointment.person_id)
        members.append(
            GroupMember(
                country_id=country.id,
                person=appointment.person,
                category=MemberCategory.FOCAL_POINT.value,
                joined_on=established + timedelta(days=rng.randint(0, 200)),
            )
        )
    # Some focal points stay out of the group, so that the page has some to show as missing.
    if len(members) > 3 and rng.random() < 0.6:
        members = members[: -rng.randint(1, 2)]
    for member in members:
        member.group = group
    for category, organisation in rng.sample(STAKEHOLDERS, rng.randint(2, 4)):
        person = _stakeholder(rng, country, language, organisation)
        members.append(
            GroupMember(
                group=group,
                country_id=country.id,
                person=person,
                category=category.value,
                group_role=GroupRole.OBSERVER.value
                if category == MemberCategory.PRIVATE_SECTOR
                else GroupRole.MEMBER.value,
                joined_on=established + timedelta(days=rng.randint(0, 600)),
            )
        )
    members[0].group_role = GroupRole.CHAIR.value
    if len(members) > 2:
        members[1].group_role = GroupRole.SECRETARY.value
        group.secretariat_contact = members[1].person
    db.session.add_all(members)
    db.session.flush()
    zone = default_zone(country.iso2)
    count = rng.randint(2, 5)
    for n in range(count):
        day = today - timedelta(days=90 * (count - n) + rng.randint(-20, 20))
        _meeting(rng, group, members, texts, lang, zone, day, today, past=True)
    if rng.random() < 0.5:
        _meeting(rng, group, members, texts, lang, zone, today + timedelta(days=rng.randint(7, 60)))
        count += 1
    return count


def _stakeholder(rng: random.Random, country: Country, language: str, org: str) -> Person:
    given = rng.choice(names.GIVEN[language])
    family = rng.choice(names.FAMILY[language])
    person = Person(
        country_id=country.id,
        honorific=rng.choice(names.HONORIFICS),
        given_names=given,
        family_name=family,
        organisation=org,
        visibility="restricted",
        match_key=name_key(given, family),
    )
    db.session.add(person)
    return person


def _meeting(
    rng: random.Random,
    group: WorkingGroup,
    members: list[GroupMember],
    texts: dict,
    lang: str,
    zone: str,
    day: date,
    today: date | None = None,
    past: bool = False,
) -> None:
    local = datetime.combine(day, time(rng.choice([9, 10, 14]), 0))
    starts = operations.to_utc(local, zone)
    meeting = GroupMeeting(
        group=group,
        country_id=group.country_id,
        title=f"{texts['title']} {day.year}-{day.month:02d}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3) if starts else None,
        timezone=zone,
        place=group.coordinating_institution if rng.random() < 0.6 else "",
        online_url="https://meet.example.org/wg-" + group.country.iso2.lower()
        if rng.random() < 0.5
        else "",
        agenda=texts["agenda"],
        attendee_ids=sorted(
            m.person.id for m in members if m.person.id is not None and rng.random() < 0.8
        ),
        minutes=texts["minutes"] if past else "",
        decisions=texts["decisions"] if past else "",
        text_language=lang,
    )
    db.session.add(meeting)
    if not past or today is None:
        return
    for description in rng.sample(texts["actions"], rng.randint(1, 3)):
        due = day + timedelta(days=rng.randint(20, 120))
        done = due < today and rng.random() < 0.6
        db.session.add(
            ActionItem(
                meeting=meeting,
                group_id=group.id,
                country_id=group.country_id,
                description=description,
                owner=rng.choice(members).person,
                due_on=due,
                status=ActionStatus.DONE.value if done else ActionStatus.OPEN.value,
                completed_on=due - timedelta(days=3) if done else None,
            )
        )


def full_scale_working_groups(now: datetime, share: float = 0.5) -> tuple[int, int]:
    """Bulk groups with members, meetings and actions for half the countries (benchmarks)."""
    rng = random.Random(SEED)  # noqa: S311  # nosec B311
    today = now.date()
    countries = db.session.scalars(select(Country).order_by(Country.iso2)).all()
    groups = meetings = 0
    for country in countries:
        if rng.random() > share:
            continue
        focal_points = operations.national_focal_points(country)
        if not focal_points:
            continue
        group_id = db.session.execute(
            insert(WorkingGroup)
            .values(
                country_id=country.id,
                name=TEXTS["en"]["name"],
                mandate=TEXTS["en"]["mandate"],
                mandate_language="en",
                established_on=today - timedelta(days=1000),
                papers_shared=False,
                version=1,
                created_at=now,
            )
            .returning(WorkingGroup.id)
        ).scalar_one()
        people = sorted({a.person_id for a in focal_points})
        db.session.execute(
            insert(GroupMember),
            [
                {
                    "group_id": group_id,
                    "country_id": country.id,
                    "person_id": person_id,
                    "category": MemberCategory.FOCAL_POINT.value,
                    "group_role": GroupRole.CHAIR.value if n == 0 else GroupRole.MEMBER.value,
                    "joined_on": today - timedelta(days=900),
                    "version": 1,
                }
                for n, person_id in enumerate(people)
            ],
        )
        rows = [
            {
                "group_id": group_id,
                "country_id": country.id,
                "title": f"{TEXTS['en']['title']} {n + 1}",
                "starts_at": now - timedelta(days=90 * n - 30),
                "timezone": "UTC",
                "agenda": TEXTS["en"]["agenda"],
                "guests": [],
                "attendee_ids": people,
                "minutes": TEXTS["en"]["minutes"],
                "decisions": TEXTS["en"]["decisions"],
                "text_language": "en",
                "version": 1,
                "created_at": now,
            }
            for n in range(6)
        ]
        ids = db.session.scalars(insert(GroupMeeting).returning(GroupMeeting.id), rows).all()
        db.session.execute(
            insert(ActionItem),
            [
                {
                    "meeting_id": meeting_id,
                    "group_id": group_id,
                    "country_id": country.id,
                    "description": TEXTS["en"]["actions"][n % 4],
                    "owner_id": people[n % len(people)],
                    "due_on": today - timedelta(days=30 * n - 60),
                    "status": ActionStatus.OPEN.value if n % 3 else ActionStatus.DONE.value,
                    "version": 1,
                    "created_at": now,
                }
                for n, meeting_id in enumerate(ids)
            ],
        )
        groups += 1
        meetings += len(ids)
    return groups, meetings
