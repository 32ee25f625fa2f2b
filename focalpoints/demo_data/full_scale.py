"""Full-scale data for benchmarks: every Party holds every role of its conventions.

Rows are written with bulk INSERTs (no ORM round trip per row), so the whole set, about
10,000 people and 100,000 audit entries, takes seconds.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from focalpoints.audit.models import AuditEntry
from focalpoints.countries.models import Country
from focalpoints.countries.queries import active_conventions, party_statuses
from focalpoints.demo_data import names
from focalpoints.demo_data.bulk import insert_rows
from focalpoints.demo_data.working_groups import full_scale_working_groups
from focalpoints.extensions import db
from focalpoints.focal_points.contacts import name_key
from focalpoints.focal_points.models import Appointment, Person, Status

SEED = 10_000
AUDIT_ROWS = 100_000


def load_full_scale() -> str:
    """Fill the registry of every Party at full scale (once: a second run adds nothing)."""
    if db.session.scalar(select(func.count()).select_from(Person)):
        return "Full-scale registry: exists already, nothing added."
    # Deterministic benchmark data: randomness here protects nothing.
    rng = random.Random(SEED)  # noqa: S311  # nosec B311
    today = date.today()
    now = datetime.now(UTC)
    conventions = active_conventions()
    countries = db.session.scalars(
        select(Country).options(selectinload(Country.memberships)).order_by(Country.iso2)
    ).all()
    people: list[dict] = []
    appointments: list[dict] = []
    next_person = 1
    for country in countries:
        language = names.country_language(country)  # the script its officials write in
        statuses = party_statuses(country, conventions, today)
        for convention in conventions:
            if not statuses[convention.id].is_party:
                continue
            for role in convention.roles:
                if not role.is_active:
                    continue
                holders = rng.randint(1, 3) if role.multiple_holders else 1
                for index in range(holders):
                    given = rng.choice(names.GIVEN[language])
                    family = rng.choice(names.FAMILY[language])
                    kind = "institution" if role.holder_kind == "institution" else "person"
                    people.append(
                        {
                            "id": next_person,
                            "country_id": country.id,
                            "kind": kind,
                            "honorific": rng.choice(names.HONORIFICS),
                            "given_names": given,
                            "family_name": family,
                            "job_title": "Director",
                            "organisation": names.ORGANISATIONS.get(convention.code, "Ministry"),
                            "email": f"p{next_person}@full.focalpoints.example",
                            "phone": "",
                            "visibility": rng.choice(["public", "registered", "restricted"]),
                            "languages": [language if language != "other" else "en"],
                            "other_emails": [],
                            "match_key": name_key(given, family),
                            "created_at": now,
                            "updated_at": now,
                            "version": 1,
                        }
                    )
                    start = today - timedelta(days=rng.randint(30, 3000))
                    appointments.append(
                        {
                            "country_id": country.id,
                            "person_id": next_person,
                            "role_id": role.id,
                            "status": rng.choice([s.value for s in Status if s != Status.ENDED]),
                            "multiple_holders": role.multiple_holders,
                            "is_primary": role.has_primary and index == 0,
                            "start_date": start,
                            "last_confirmed_on": today - timedelta(days=rng.randint(0, 500)),
                            "created_at": now,
                            "version": 1,
                        }
                    )
                    next_person += 1
    # People with no role yet (deputies, candidates), up to about 10,000 in all.
    while len(people) < 10_000:
        country = rng.choice(countries)
        people.append(
            {
                **people[rng.randrange(len(people))],
                "id": next_person,
                "country_id": country.id,
                "email": f"p{next_person}@full.focalpoints.example",
            }
        )
        next_person += 1
    insert_rows(Person, people)
    insert_rows(Appointment, appointments)
    audit = [
        {
            "created_at": now - timedelta(minutes=i),
            "actor_label": "system:full-scale",
            "action": "update",
            "entity_type": "people",
            "entity_id": str(1 + i % len(people)),
            "country_id": None,
            "before": {"job_title": "Officer"},
            "after": {"job_title": "Director"},
        }
        for i in range(AUDIT_ROWS)
    ]
    insert_rows(AuditEntry, audit)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequence
        db.session.execute(
            func.setval("people_id_seq", select(func.max(Person.id)).scalar_subquery())
        )
        db.session.commit()
    groups, meetings = full_scale_working_groups(now)
    db.session.commit()
    return (
        f"Full-scale registry: {len(people)} people, {len(appointments)} appointments, "
        f"{len(audit)} audit entries, {groups} working groups with {meetings} meetings."
    )
