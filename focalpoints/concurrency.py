"""Optimistic concurrency across HTTP requests: an edit applies only to the version the user saw.

A record edited through forms maps its ``version`` column as SQLAlchemy's version_id_col
(``__mapper_args__ = versioned(version)``): every UPDATE of the row is conditional on the
version the session loaded, and one that matches no row raises StaleDataError. The version
moves when an edit claims it (claim_version), not on every change of the row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from focalpoints.extensions import db


class StaleRecord(Exception):
    """Someone saved the record after the user loaded it; ``current`` is the newer record."""

    def __init__(self, current: Any) -> None:
        super().__init__("the record changed since it was loaded")
        self.current = current


def versioned(version: Any) -> dict[str, Any]:
    """Mapper arguments making ``version`` the record's version_id_col, moved by claim_version."""
    return {"version_id_col": version, "version_id_generator": False}


def claim_version(obj: Any, seen_version: int) -> None:
    """Move ``obj`` to its next version if it is still at ``seen_version``, else raise StaleRecord.

    The claim is flushed at once, and its UPDATE is conditional on the version read here: of two
    requests that saw the same version, one wins and the other matches no row, even minutes
    after both loaded the form.
    """
    db.session.refresh(obj, ["version"])
    if obj.version == seen_version:
        obj.version = seen_version + 1
        try:
            db.session.flush()
            return
        except StaleDataError:  # another request saved it after the refresh
            pass
    db.session.rollback()
    raise StaleRecord(db.session.get(type(obj), obj.id))
