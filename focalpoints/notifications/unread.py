"""The number of unread notices that the frame of every page shows the reader."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from focalpoints.notifications.queries import unread_count


def unread_notices() -> int:
    """How many notices the logged-in user has not read (one query per request at most)."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notices" not in g:
        g.unread_notices = unread_count(current_user._get_current_object())
    return g.unread_notices
