"""Notices of events, recorded in the same transaction as the event and mailed right after it.

A designation marked officially notified, its acknowledgement, a consultation asked or answered:
each is a change to a record. When a web request changes one, the notice kinds that watch it are
asked, before the transaction commits, what the recorded state now calls for (the same question
``focalpoints notify`` asks), and the notices are added to that transaction: they exist exactly
when the event does. Once the request's work is committed, they are mailed. A change made
elsewhere (an import, the command line) is still found by the next ``focalpoints notify``.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import Flask, Response, g, has_request_context
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from focalpoints.db_types import utcnow
from focalpoints.notifications.operations import NotifyReport, find_due, send_pending

logger = logging.getLogger(__name__)

#: Which notice kinds a change to a record of each table may make due.
WATCHED = {
    "appointments": ("designations_notified", "designations_acknowledged"),
    "consultations": ("consultation_requested", "consultation_outcome"),
}
_KINDS = "focalpoints.event_kinds"
_BUSY = "focalpoints.recording_event_notices"
_RECORDED = "event_notice_ids"


def _after_flush(session: Session, flush_context: Any) -> None:
    if not has_request_context() or session.info.get(_BUSY):
        return
    for instance in (*session.new, *session.dirty):
        kinds = WATCHED.get(getattr(instance, "__tablename__", ""))
        if kinds:
            session.info.setdefault(_KINDS, set()).update(kinds)


def _before_commit(session: Session) -> None:
    if session.info.get(_BUSY) or not has_request_context():
        return
    session.flush()  # the commit's own flush comes after this hook: changes are seen now
    kinds = session.info.pop(_KINDS, None)
    if not kinds:
        return

    session.info[_BUSY] = True
    try:
        for notice in find_due(date.today(), only=kinds):
            if _record(session, notice):
                g.setdefault(_RECORDED, []).append(notice.id)
    finally:
        session.info.pop(_BUSY, None)


def _record(session: Session, notice: Any) -> bool:
    """Add a notice in a savepoint; False if a concurrent request recorded the same one first.

    Two requests that confirm designations at the same moment both find the Secretariat's next
    notice due and give it the same key: the second insert waits for the first transaction and
    then meets the unique constraint. Its own event is still saved; what the winner's notice does
    not hold is found by the next ``focalpoints notify``.
    """
    try:
        with session.begin_nested():
            session.add(notice)
    except IntegrityError:
        logger.info(
            "Notice %s for user %s already recorded by another request", notice.key, notice.user_id
        )
        return False
    return True


def _after_rollback(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_KINDS, None)


def _mail_after_request(response: Response) -> Response:
    ids = g.pop(_RECORDED, None)
    if ids:
        try:
            send_pending(utcnow(), NotifyReport(), only=ids)
        except Exception:  # the event is recorded; `notify` tries the mail again
            logger.exception("Event notices %s recorded, mail to be tried by notify", ids)
    return response


def install(app: Flask, session: Any) -> None:
    """Watch the app's session for events, and mail their notices after each request."""
    if not event.contains(session, "after_flush", _after_flush):
        event.listen(session, "after_flush", _after_flush)
        event.listen(session, "before_commit", _before_commit)
        event.listen(session, "after_soft_rollback", _after_rollback)
    app.after_request(_mail_after_request)
