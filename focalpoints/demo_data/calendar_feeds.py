"""Demo calendar links: the Secretariat's and the Kenyan coordinator's, printed when made."""

from __future__ import annotations

from sqlalchemy import select

from focalpoints.auth.models import User
from focalpoints.calendar_feeds import operations
from focalpoints.extensions import db

# The first demo account of these roles gets a link; the others make theirs on the account page.
EMAILS = ("secretariat@demo.focalpoints.example", "coordinator.ke@demo.focalpoints.example")


def demo_calendar_links() -> list[str]:
    """Give a few demo accounts a calendar link (once: a second run keeps theirs)."""
    users = db.session.scalars(select(User).where(User.email.in_(EMAILS)).order_by(User.id))
    made = []
    for user in users:
        if operations.active_link(user) is None:
            # Random like every link; shown here only, as the page shows it once.
            made.append(f"  {user.email}: /calendar/{operations.create_link(user)}.ics")
    if not made:
        return ["Demo calendar links: exist already, nothing added."]
    db.session.commit()
    return [f"Demo calendar links ({len(made)} made, shown once):", *made]
