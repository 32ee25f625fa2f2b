"""Deterministic demo content (``focalpoints demo-data``); later features add theirs here."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import icu
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from focalpoints.audit import acting_as
from focalpoints.auth.models import User, UserRole
from focalpoints.auth.passwords import hash_password
from focalpoints.countries.models import Country
from focalpoints.countries.queries import active_conventions, party_statuses
from focalpoints.demo_data import names
from focalpoints.demo_data.calendar_feeds import demo_calendar_links
from focalpoints.demo_data.full_scale import load_full_scale
from focalpoints.demo_data.nbsap import demo_nbsaps, full_scale_nbsaps
from focalpoints.demo_data.notices import demo_notices
from focalpoints.demo_data.positions import demo_positions, full_scale_positions
from focalpoints.demo_data.working_groups import demo_working_groups
from focalpoints.extensions import db
from focalpoints.focal_points.contacts import name_key
from focalpoints.focal_points.models import Appointment, Person, Status

# The demo accounts' shared password, printed for the demo; never a real account's.
DEMO_PASSWORD = "focalpoints-demo"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: UserRole
    country: str | None
    language: str | None


# One account per role first (printed as the demo log-ins), then officials of other countries
# whose names are written in the scripts their holders use.
DEMO_USERS = (
    DemoUser("admin@demo.focalpoints.example", "Ana Lucía Ortega", UserRole.ADMIN, None, "es"),
    DemoUser(
        "secretariat@demo.focalpoints.example",
        "Jean-Baptiste Moreau",
        UserRole.SECRETARIAT,
        None,
        "fr",
    ),
    DemoUser(
        "coordinator.ke@demo.focalpoints.example", "Wanjiru Kamau", UserRole.COORDINATOR, "KE", "en"
    ),
    DemoUser("editor.fr@demo.focalpoints.example", "Hélène Lefèvre", UserRole.EDITOR, "FR", "fr"),
    DemoUser(
        "coordinator.sa@demo.focalpoints.example", "نورة العتيبي", UserRole.COORDINATOR, "SA", None
    ),
    DemoUser("coordinator.cn@demo.focalpoints.example", "王晓明", UserRole.COORDINATOR, "CN", None),
    DemoUser(
        "coordinator.ru@demo.focalpoints.example",
        "Ольга Смирнова",
        UserRole.COORDINATOR,
        "RU",
        None,
    ),
    DemoUser(
        "coordinator.br@demo.focalpoints.example",
        "João Conceição",
        UserRole.COORDINATOR,
        "BR",
        None,
    ),
    DemoUser("editor.mx@demo.focalpoints.example", "José Peña Núñez", UserRole.EDITOR, "MX", "es"),
    DemoUser(
        "coordinator.eg@demo.focalpoints.example", "أحمد منصور", UserRole.COORDINATOR, "EG", "fr"
    ),
)


def load_demo_data(scale: str = "small") -> list[str]:
    """Create the demo content that is missing (a second run adds nothing) and describe it.

    ``full`` fills every Party of every convention instead, for benchmarks.
    """
    lines = _demo_accounts()
    if scale == "full":
        summary = [load_full_scale(), full_scale_positions()]
    else:
        summary = [_demo_registry(), demo_working_groups(), demo_positions()]
    with acting_as("system:demo-data"):
        summary.append(
            full_scale_nbsaps() if scale == "full" else demo_nbsaps(names.country_language)
        )
        summary.append(demo_notices({demo.email for demo in DEMO_USERS}))
        calendar_links = demo_calendar_links()
    # The log-ins come last: the last lines a terminal shows before the server starts.
    return lines + summary + calendar_links + demo_log_ins()


def _demo_accounts() -> list[str]:
    countries = {c.iso2: c for c in db.session.scalars(select(Country))}
    if not countries:
        raise RuntimeError("No reference data: run `focalpoints init` first.")
    existing = set(db.session.scalars(select(User.email)))
    db.session.commit()  # the hash below is slow: hold no write lock meanwhile
    password_hash = hash_password(DEMO_PASSWORD)
    created = 0
    with acting_as("system:demo-data"):
        for demo in DEMO_USERS:
            if demo.email in existing:
                continue
            db.session.add(
                User(
                    email=demo.email,
                    name=demo.name,
                    role=demo.role.value,
                    country=countries[demo.country] if demo.country else None,
                    language=demo.language,
                    password_hash=password_hash,
                )
            )
            created += 1
        db.session.commit()
    lines = [f"Demo data: {created} accounts created, {len(DEMO_USERS) - created} existed."]
    return lines


def demo_log_ins() -> list[str]:
    """Every demo account as a line of a table: role, e-mail, country and the script of its name.

    The script tells which accounts show names in Arabic, Chinese or Cyrillic, which a terminal
    may not render.
    """
    countries = {
        c.iso2: c.name_in("en")
        for c in db.session.scalars(
            select(Country).where(Country.iso2.in_([d.country for d in DEMO_USERS if d.country]))
        )
    }
    rows = [
        (demo.role.value, demo.email, countries.get(demo.country or "", "—"), name_script(name))
        for demo in DEMO_USERS
        for name in [demo.name]
    ]
    email_width = max(len(email) for _, email, _, _ in rows)
    country_width = max(len(country) for _, _, country, _ in rows)
    lines = [f"Demo log-ins ({len(rows)} accounts, password for all: {DEMO_PASSWORD}):"]
    for role, email, country, script in rows:
        lines.append(f"  {role:<12} {email:<{email_width}}  {country:<{country_width}}  ({script})")
    return lines


def name_script(name: str) -> str:
    """The Unicode script a name is written in ("Latin", "Arabic", "Han", "Cyrillic"...)."""
    for character in name:
        script = icu.Script.getScript(character)
        if script.getShortName() not in ("Zyyy", "Zinh"):  # not common or inherited
            return script.getName()
    return "Latin"


SEED = 2026


def _new_person(
    rng: random.Random, country: Country, language: str, staff: list[Person], convention: str
) -> Person:
    """A demo person of ``country`` with a name in the script its officials write."""
    person = Person(
        country_id=country.id,
        honorific=rng.choice(names.HONORIFICS),
        given_names=rng.choice(names.GIVEN[language]),
        family_name=rng.choice(names.FAMILY[language]),
        organisation=names.ORGANISATIONS.get(convention, "Ministry of Environment"),
        job_title=rng.choice(["Director", "Senior Officer", "Head of Unit", "Adviser"]),
        visibility=rng.choice(["registered"] * 6 + ["public"] * 3 + ["restricted"]),
        languages=[language if language in ("ar", "zh", "ru", "fr", "es") else "en"],
        email=f"fp{len(staff) + 1}.{country.iso2.lower()}@demo.focalpoints.example",
    )
    person.match_key = name_key(person.given_names, person.family_name)
    db.session.add(person)
    staff.append(person)
    return person


def _demo_registry() -> str:
    """Fill the registry of every Party: most required roles held, some vacant or stale,
    people holding several roles, some ended appointments with successors."""
    if db.session.scalar(select(func.count()).select_from(Person)):
        return "Demo registry: exists already, nothing added."
    # Deterministic demo content: randomness here protects nothing.
    rng = random.Random(SEED)  # noqa: S311  # nosec B311
    today = date.today()
    conventions = active_conventions()
    countries = db.session.scalars(
        select(Country).options(selectinload(Country.memberships)).order_by(Country.iso2)
    ).all()
    people = appointments = 0
    with acting_as("system:demo-data"):
        for country in countries:
            language = names.country_language(country)
            statuses = party_statuses(country, conventions, today)
            staff: list[Person] = []

            for convention in conventions:
                if not statuses[convention.id].is_party:
                    continue
                for role in convention.roles:
                    if not role.is_active or not role.counted or rng.random() < 0.12:
                        continue  # about one counted role in eight stays vacant
                    # One person in three holds another role of the country too.
                    reuse = staff and rng.random() < 0.33 and role.holder_kind != "institution"
                    holder = (
                        rng.choice(staff)
                        if reuse
                        else _new_person(rng, country, language, staff, convention.code)
                    )
                    start = today - timedelta(days=rng.randint(60, 3000))
                    confirmed = today - timedelta(days=rng.randint(0, 330))
                    if rng.random() < 0.15:  # stale: not confirmed for more than a year
                        confirmed = today - timedelta(days=rng.randint(400, 900))
                    if rng.random() < 0.1 and (today - start).days > 400:
                        predecessor_holder = _new_person(
                            rng, country, language, staff, convention.code
                        )
                        db.session.add(
                            Appointment(
                                country_id=country.id,
                                person=predecessor_holder,
                                role=role,
                                multiple_holders=role.multiple_holders,
                                status=Status.ENDED.value,
                                start_date=start - timedelta(days=1500),
                                end_date=start,
                                end_reason="replaced",
                                last_confirmed_on=start,
                            )
                        )
                        appointments += 1
                    status = rng.choice(list(Status)[:4])
                    db.session.add(
                        Appointment(
                            country_id=country.id,
                            person=holder,
                            role=role,
                            # Given, so that the column's default need not look the role up.
                            multiple_holders=role.multiple_holders,
                            status=status.value,
                            start_date=start,
                            last_confirmed_on=confirmed,
                            is_primary=role.has_primary,
                            letter_reference=f"REF/{country.iso3}/{start.year}/{rng.randint(1, 99)}"
                            if status in (Status.NOTIFIED, Status.ACKNOWLEDGED)
                            else "",
                            letter_date=start
                            if status in (Status.NOTIFIED, Status.ACKNOWLEDGED)
                            else None,
                        )
                    )
                    appointments += 1
            people += len(staff)
        db.session.commit()
    return f"Demo registry: {people} people and {appointments} appointments added."
