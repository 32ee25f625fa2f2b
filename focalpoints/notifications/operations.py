"""Record the notices that are due, mail them, and keep each user's choices.

``notify`` runs in two phases. First, in one write transaction (``record_due`` flushes,
``notify`` commits), it asks every kind what the recorded state calls for and records a Notice
for what was not told before (so a second run records nothing). Then, outside any write
transaction, it mails the pending notices, one e-mail per user (as they happen, or as a weekly
digest), and records each outcome in a short transaction of its own: a failed delivery stays
pending, is logged, and is tried again on the next run.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from focalpoints.auth.models import User
from focalpoints.database import writing
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.mail import compose_template_mail, deliver
from focalpoints.notifications.kinds import KINDS, NoticeKind, Recipients, Rendered
from focalpoints.notifications.models import (
    Delivery,
    EmailState,
    Notice,
    NotificationPreference,
)
from focalpoints.permissions import sees_all_countries
from focalpoints.urls import absolute_url, base_url

logger = logging.getLogger(__name__)


class NotifyError(RuntimeError):
    """A run that could not record its notices (another run got there first)."""


def may_receive(user: User, country_id: int | None) -> bool:
    """Whether a notice showing ``country_id``'s data may reach ``user``: never another
    country's national official."""
    if country_id is None or sees_all_countries(user):
        return True
    return user.user_role.is_national and user.country_id == country_id


# Preferences --------------------------------------------------------------------------------


def preferences(user_ids: Any = None) -> dict[tuple[int, str], Delivery]:
    """(user id, kind) -> the delivery the user chose, for every stored choice (one query)."""
    query = select(NotificationPreference)
    if user_ids is not None:
        query = query.where(NotificationPreference.user_id.in_(list(user_ids)))
    return {(p.user_id, p.kind): Delivery(p.delivery) for p in db.session.scalars(query)}


def delivery_for(
    chosen: dict[tuple[int, str], Delivery], user_id: int, kind: NoticeKind
) -> Delivery:
    return chosen.get((user_id, kind.code), kind.default_delivery)


def save_preferences(user: User, choices: dict[str, Delivery]) -> None:
    """Store ``user``'s choice for each kind they can receive."""
    stored = {
        p.kind: p
        for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for code, delivery in choices.items():
        if code not in KINDS or not KINDS[code].audience(user):
            continue
        if code in stored:
            stored[code].delivery = delivery.value
        else:
            db.session.add(
                NotificationPreference(user_id=user.id, kind=code, delivery=delivery.value)
            )
    db.session.flush()


# Finding and recording what is due ----------------------------------------------------------


def _latest_notices() -> dict[tuple[int, str, str], Notice]:
    """The latest notice of each user, kind and subject (one query)."""
    latest_ids = select(func.max(Notice.id)).group_by(Notice.user_id, Notice.kind, Notice.subject)
    return {
        (n.user_id, n.kind, n.subject): n
        for n in db.session.scalars(select(Notice).where(Notice.id.in_(latest_ids)))
    }


def _is_due(previous: Notice | None, items: list[Any], kind: NoticeKind, today: date) -> bool:
    if previous is None:
        return True
    age = (today - previous.created_at.date()).days
    if age < kind.min_gap_days():
        return False
    if not set(items) <= set(previous.items):
        return True
    repeat = kind.repeat_days()
    return repeat is not None and age >= repeat


def find_due(today: date, only: Any = None) -> list[Notice]:
    """The notices that the recorded state calls for and that were not recorded before (of the
    kinds ``only`` names, if given).

    They are returned unsaved; a fixed number of queries per kind, whatever the data.
    """
    kinds = [kind for kind in KINDS.values() if only is None or kind.code in only]
    if not kinds:
        return []
    recipients = Recipients.load()
    chosen = preferences()
    latest = _latest_notices()
    notices = []
    for kind in kinds:
        for due in kind.due(today, recipients):
            user = due.user
            if not kind.audience(user) or not may_receive(user, due.country_id):
                logger.error("Notice %s refused for %s: not theirs to see", kind.code, user.email)
                continue
            if delivery_for(chosen, user.id, kind) is Delivery.OFF:
                continue
            previous = latest.get((user.id, kind.code, due.subject))
            if not _is_due(previous, due.items, kind, today):
                continue
            told = set(previous.items) if previous else set()
            notices.append(
                Notice(
                    user_id=user.id,
                    kind=kind.code,
                    subject=due.subject,
                    # The notice that follows the previous one: two runs racing each other
                    # would record the same key, and the second fails on the unique constraint.
                    key=f"{due.subject}#{previous.id if previous else 0}",
                    country_id=due.country_id,
                    items=list(due.items),
                    params={**due.params, "new": [i for i in due.items if i not in told]},
                    email_state=EmailState.PENDING.value,
                )
            )
    return notices


def record_due(today: date) -> list[Notice]:
    """Find and record (flush) what is due, in a write transaction that the caller commits."""
    with writing():
        notices = find_due(today)
        db.session.add_all(notices)
        try:
            db.session.flush()
        except IntegrityError as error:
            db.session.rollback()
            raise NotifyError(
                "Another `focalpoints notify` run recorded these notices first; "
                "nothing was recorded twice."
            ) from error
    return notices


# Rendering ----------------------------------------------------------------------------------


def prepare(notices: list[Notice]) -> dict[str, Any]:
    """What each kind needs to render ``notices`` (one batch of queries per kind)."""
    by_kind: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_kind[notice.kind].append(notice)
    return {code: KINDS[code].prepare(group) for code, group in by_kind.items() if code in KINDS}


def render(notice: Notice, prepared: dict[str, Any]) -> Rendered:
    """``notice`` in the current locale."""
    return KINDS[notice.kind].render(notice, prepared.get(notice.kind))


@contextlib.contextmanager
def _links() -> Iterator[None]:
    """Let url_for build links outside a request (the command line), on BASE_URL."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context(base_url=base_url()):
        yield


def _absolute(path: str | None) -> str | None:
    return absolute_url(path) if path else None


# Mailing ------------------------------------------------------------------------------------


@dataclass
class Batch:
    """The notices that one e-mail carries to one user."""

    user: User
    notices: list[Notice]
    digest: bool


@dataclass
class NotifyReport:
    recorded: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    pending: int = 0
    dry_run: bool = False
    planned: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would be recorded" if self.dry_run else "recorded"
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(self.recorded.items()))
        lines = list(self.planned)
        total = sum(self.recorded.values())
        lines.append(f"Notices {verb}: {total}" + (f" ({counts})." if total else "."))
        if self.dry_run:
            lines.append(f"Users with notices to mail (now or in a digest): {self.pending}.")
            lines.append("Dry run: nothing written, nothing sent.")
            return lines
        lines.append(f"E-mails sent: {self.sent}.")
        if self.waiting:
            lines.append(f"Notices waiting for a weekly digest: {self.waiting}.")
        if self.failed:
            lines.append(
                f"E-mails failed: {self.failed}; "
                "they are tried again on the next run (see the log)."
            )
        return lines


def _batches(notices: list[Notice], now: datetime) -> tuple[list[Batch], list[Notice], int]:
    """Group pending notices into e-mails; return them, the notices never to mail, and how many
    wait for a digest."""
    chosen = preferences({n.user_id for n in notices})
    immediate: dict[int, list[Notice]] = defaultdict(list)
    weekly: dict[int, list[Notice]] = defaultdict(list)
    users: dict[int, User] = {}
    not_sent = []
    for notice in notices:
        user = notice.user
        kind = KINDS.get(notice.kind)
        delivery = delivery_for(chosen, user.id, kind) if kind else Delivery.APP
        if (
            kind is None
            or not user.active
            or not kind.audience(user)
            or not may_receive(user, notice.country_id)
            or delivery in (Delivery.APP, Delivery.OFF)
        ):
            not_sent.append(notice)
            continue
        users[user.id] = user
        (weekly if delivery is Delivery.WEEKLY else immediate)[user.id].append(notice)
    batches = [Batch(users[uid], group, False) for uid, group in immediate.items()]
    waiting = 0
    ripe = now - timedelta(days=current_app.config["NOTIFY_DIGEST_DAYS"])
    for uid, group in weekly.items():
        if min(n.created_at for n in group) <= ripe:
            batches.append(Batch(users[uid], group, True))
        else:
            waiting += len(group)
    return batches, not_sent, waiting


def compose(batch: Batch, prepared: dict[str, Any]) -> Any:
    """The e-mail of one batch, in its recipient's language, with absolute links."""
    user = batch.user
    language = user.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        rendered = [render(n, prepared) for n in batch.notices]
        for item in rendered:
            item.link = _absolute(item.link)
            for line in item.lines:
                line.link = _absolute(line.link)
        if batch.digest:
            subject = gettext("Your weekly digest of focalpoints notices")
        elif len(rendered) == 1:
            subject = rendered[0].title
        else:
            subject = ngettext(
                "%(num)d notices from focalpoints",
                "%(num)d notices from focalpoints",
                len(rendered),
            )
        preferences_link = _absolute(url_for("auth.account", _anchor="notices"))
        return compose_template_mail(
            user.email,
            subject,
            "notices",
            language,
            unsubscribe=preferences_link,
            user=user,
            notices=rendered,
            digest=batch.digest,
            preferences_link=preferences_link,
            notices_link=_absolute(url_for("notifications.index")),
        )


def _record_outcome(ids: list[int], error: str | None, now: datetime) -> None:
    with writing():
        if error is None:
            db.session.execute(
                update(Notice)
                .where(Notice.id.in_(ids))
                .values(email_state=EmailState.SENT.value, emailed_at=now, email_error="")
            )
        else:
            db.session.execute(
                update(Notice)
                .where(Notice.id.in_(ids))
                .values(email_attempts=Notice.email_attempts + 1, email_error=error[:500])
            )
            given_up = db.session.execute(
                update(Notice)
                .where(
                    Notice.id.in_(ids),
                    Notice.email_attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"],
                )
                .values(email_state=EmailState.FAILED.value)
            ).rowcount
            if given_up:
                logger.error(
                    "Notice mail given up after %d attempts (notices %s): %s; "
                    "the notices stay in the recipient's list in the app",
                    current_app.config["NOTIFY_MAX_ATTEMPTS"],
                    ", ".join(map(str, ids)),
                    error,
                )
        db.session.commit()


def send_pending(now: datetime, report: NotifyReport, only: Any = None) -> None:
    """Mail every pending notice that is due to go (those of ids ``only``, if given), one
    e-mail per user and batch.

    The mailing step of the ``notify`` job and of a request's event notices, called once their
    own work is committed. Unlike the other operations it commits, in several short
    transactions: none stays open while the mail server is talked to, and each e-mail's
    outcome is saved as soon as it is known.
    """
    query = (
        select(Notice)
        .where(Notice.email_state == EmailState.PENDING.value)
        .options(joinedload(Notice.user).joinedload(User.country))
        .order_by(Notice.user_id, Notice.id)
    )
    if only is not None:
        query = query.where(Notice.id.in_(list(only)))
    with writing():
        pending = list(db.session.scalars(query))
        batches, not_sent, report.waiting = _batches(pending, now)
        for notice in not_sent:
            notice.email_state = EmailState.NOT_SENT.value
        to_send = [n.id for batch in batches for n in batch.notices]
        db.session.commit()
    if not batches:
        return
    # Reload what the commit expired in one query, compose every e-mail, then end the read
    # transaction: no transaction stays open while the mail server is talked to.
    db.session.scalars(
        select(Notice).where(Notice.id.in_(to_send)).options(joinedload(Notice.user))
    ).all()
    with _links():
        prepared = prepare([n for batch in batches for n in batch.notices])
        messages = [
            (batch.user.email, [n.id for n in batch.notices], compose(batch, prepared))
            for batch in batches
        ]
    db.session.commit()
    for address, ids, message in messages:
        try:
            deliver(message)
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("Notice mail to %s failed, to be tried again: %s", address, error)
            report.failed += 1
            _record_outcome(ids, f"{type(error).__name__}: {error}", now)
        else:
            report.sent += 1
            _record_outcome(ids, None, now)


def notify(
    today: date | None = None, now: datetime | None = None, dry_run: bool = False
) -> NotifyReport:
    """Record what is due and mail what is pending; with ``dry_run``, only say what would be."""
    now = now or utcnow()
    today = today or now.date()
    report = NotifyReport(dry_run=dry_run)
    if dry_run:
        notices = find_due(today)
        emails = dict(
            db.session.execute(
                select(User.id, User.email).where(User.id.in_({n.user_id for n in notices}))
            ).all()
        )
        for notice in notices:
            report.recorded[notice.kind] += 1
            report.planned.append(
                f"{notice.kind} to {emails[notice.user_id]}: {notice.subject}, "
                f"{len(notice.items)} listed"
            )
        report.pending = len(
            {n.user_id for n in notices}
            | set(
                db.session.scalars(
                    select(Notice.user_id).where(Notice.email_state == EmailState.PENDING.value)
                )
            )
        )
        db.session.rollback()
        return report
    for notice in record_due(today):
        report.recorded[notice.kind] += 1
    db.session.commit()
    send_pending(now, report)
    return report


# The in-app list ----------------------------------------------------------------------------


def mark_all_read(user: User) -> int:
    """Mark every unread notice of ``user`` as read; return how many."""
    result = db.session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
