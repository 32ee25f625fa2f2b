"""Deterministic demo content (``focalpoints demo-data``); later features add theirs here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from focalpoints.audit import acting_as
from focalpoints.auth.models import User, UserRole
from focalpoints.auth.passwords import hash_password
from focalpoints.countries.models import Country
from focalpoints.extensions import db

DEMO_PASSWORD = "focalpoints-demo"  # noqa: S105 (printed for the demo; never used in production)


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


def load_demo_data() -> list[str]:
    """Create the demo content that is missing (a second run adds nothing) and describe it."""
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
    lines.append(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    shown: set[UserRole] = set()
    for demo in DEMO_USERS:
        if demo.role in shown:
            continue
        shown.add(demo.role)
        where = f" of {demo.country}" if demo.country else ""
        lines.append(f"  {demo.role.value:<12} {demo.email}{where}")
    return lines
