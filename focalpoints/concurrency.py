"""Optimistic concurrency across HTTP requests: an edit applies only to the version the user saw."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from focalpoints.extensions import db


class StaleRecord(Exception):
    """Someone saved the record after the user loaded it; ``current`` is the newer record."""

    def __init__(self, current: Any) -> None:
        super().__init__("the record changed since it was loaded")
        self.current = current


def claim_version(obj: Any, seen_version: int) -> None:
    """Move ``obj`` to its next version if it is still at ``seen_version``, else raise StaleRecord.

    The conditional UPDATE is atomic: of two requests that saw the same version, one wins and
    the other finds no row to update, even minutes after both loaded the form.
    """
    model = type(obj)
    result = db.session.execute(
        update(model)
        .where(model.id == obj.id, model.version == seen_version)
        .values(version=seen_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise StaleRecord(db.session.get(model, obj.id))
    db.session.refresh(obj, ["version"])
