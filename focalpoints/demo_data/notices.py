"""Demo notices: what `focalpoints notify` would have told the demo users, as sent last week."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from focalpoints.auth.models import User
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.notifications.models import EmailState, Notice
from focalpoints.notifications.operations import find_due

PER_USER = 4


def demo_notices(demo_emails: set[str]) -> str:
    """Record a few of the notices due to each demo user as sent in the past days, some of them
    read (once: a second run adds nothing). `focalpoints notify` then sends only the others."""
    if db.session.scalar(select(func.count()).select_from(Notice)):
        return "Demo notices: exist already, nothing added."
    demo_ids = set(db.session.scalars(select(User.id).where(User.email.in_(demo_emails))))
    now = utcnow()
    per_user: dict[int, int] = {}
    notices = []
    for notice in find_due(date.today()):
        if notice.user_id in demo_ids and per_user.get(notice.user_id, 0) < PER_USER:
            per_user[notice.user_id] = per_user.get(notice.user_id, 0) + 1
            notices.append(notice)
    for number, notice in enumerate(notices):
        notice.created_at = now - timedelta(days=1 + number % 6, hours=number % 5)
        notice.email_state = EmailState.SENT.value
        notice.emailed_at = notice.created_at + timedelta(minutes=2)
        if number % 3 == 0:
            notice.read_at = notice.created_at + timedelta(hours=6)
    db.session.add_all(notices)
    db.session.commit()
    return f"Demo notices: {len(notices)} sent notices added."
