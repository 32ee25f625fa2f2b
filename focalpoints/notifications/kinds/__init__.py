"""The kinds of notice, as a registry: one module per kind, each registering one NoticeKind.

A kind says who may receive it (``audience``), what is due today, found from the recorded
state (``due``), and how one of its notices reads in the current locale (``render``). The
engine (focalpoints.notifications.operations) does the rest: preferences, de-duplication,
the country guard, e-mail, digests, retries and the in-app list.

Adding a kind (a working group's coming meeting, an overdue action, a consultation, a report
deadline) takes a module here that subclasses NoticeKind and calls ``register``, its import
at the bottom of this file, and nothing else: the account page offers it, ``notify`` sends it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from focalpoints.auth.models import User, UserRole
from focalpoints.conventions.models import Role
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.models import Appointment
from focalpoints.notifications.models import Delivery, Notice


@dataclass
class Due:
    """A notice that the recorded state calls for: to ``user``, about ``subject``.

    ``items`` are what it lists (appointment ids, role codes ...): a notice on the same subject
    is due again when an item is new, or when the kind's repeat interval has passed.
    ``country_id`` is the country whose data it shows (None: no country's); the engine never
    lets a notice show one country's data to another country's user.
    """

    user: User
    subject: str
    items: list[Any]
    country_id: int | None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Line:
    """One listed thing: a text and, where there is something to do, a link (a path)."""

    text: str
    link: str | None = None


@dataclass
class Rendered:
    """A notice as it reads: a title (also an e-mail's subject), what to do, and a link."""

    title: str
    action: str = ""
    link: str | None = None
    lines: list[Line] = field(default_factory=list)


class Recipients:
    """The users who may receive notices (active, with a password set), loaded in one query."""

    def __init__(self, users: Iterable[User]) -> None:
        self.users = list(users)
        self._by_country: dict[int, list[User]] = defaultdict(list)
        for user in self.users:
            if user.country_id is not None:
                self._by_country[user.country_id].append(user)

    @classmethod
    def load(cls) -> Recipients:
        return cls(
            db.session.scalars(
                select(User).where(User.active, User.password_hash.is_not(None)).order_by(User.id)
            )
        )

    def of_role(self, *roles: UserRole) -> list[User]:
        return [u for u in self.users if u.user_role in roles]

    def of_country(self, country_id: int, *roles: UserRole) -> list[User]:
        return [u for u in self._by_country.get(country_id, []) if u.user_role in roles]


class NoticeKind:
    """The base of every kind; subclasses set the class attributes and the three methods."""

    code: ClassVar[str]
    label: ClassVar[Any]  # a lazy string: the name on the account page
    description: ClassVar[Any]  # a lazy string: what it is, on the account page
    default_delivery: ClassVar[Delivery] = Delivery.IMMEDIATE
    #: Config key of the days after which an unchanged notice is sent again; None: never.
    repeat_setting: ClassVar[str | None] = None
    #: Config key of the fewest days between two notices on one subject; None: no minimum.
    min_gap_setting: ClassVar[str | None] = None

    def audience(self, user: User) -> bool:
        """Whether ``user`` can ever receive this kind (the account page offers only these)."""
        raise NotImplementedError

    def due(self, today: date, recipients: Recipients) -> Iterable[Due]:
        """What the recorded state calls for today, whether or not it was sent before."""
        raise NotImplementedError

    def prepare(self, notices: list[Notice]) -> Any:
        """Load, in a fixed number of queries, what ``render`` needs for these notices."""
        return None

    def render(self, notice: Notice, prepared: Any) -> Rendered:
        """The notice in the current locale; show only the notice's own country's data."""
        raise NotImplementedError

    def repeat_days(self) -> int | None:
        return current_app.config[self.repeat_setting] if self.repeat_setting else None

    def min_gap_days(self) -> int:
        return current_app.config[self.min_gap_setting] if self.min_gap_setting else 0


def load_appointments(notices: list[Notice]) -> dict[int, Appointment]:
    """The appointments that ``notices`` list, with holder, role and country (one query)."""
    ids = {item for notice in notices for item in notice.items if isinstance(item, int)}
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Appointment)
        .where(Appointment.id.in_(ids))
        .options(
            joinedload(Appointment.person),
            joinedload(Appointment.role).joinedload(Role.convention),
        )
    )
    return {a.id: a for a in rows}


def load_countries(notices: list[Notice]) -> dict[int, Country]:
    """The countries that ``notices`` are about (one query)."""
    ids = {n.country_id for n in notices if n.country_id is not None}
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Country).where(Country.id.in_(ids)))}


def listed_appointments(notice: Notice, appointments: dict[int, Appointment]) -> list[Appointment]:
    """The notice's appointments that exist and belong to the notice's own country."""
    found = [appointments.get(item) for item in notice.items]
    return [a for a in found if a is not None and a.country_id == notice.country_id]


KINDS: dict[str, NoticeKind] = {}


def register(kind: type[NoticeKind]) -> type[NoticeKind]:
    """Add a kind to the registry (use as a class decorator)."""
    KINDS[kind.code] = kind()
    return kind


def kinds_for(user: User) -> list[NoticeKind]:
    """The kinds ``user`` can receive, in the registry's order."""
    return [kind for kind in KINDS.values() if kind.audience(user)]


# The kinds, in the order the account page lists them.
from focalpoints.notifications.kinds import stale, vacancies, designations  # noqa: E402, F401, I001
from focalpoints.notifications.kinds import consultations, working_groups, reporting  # noqa: E402, F401
