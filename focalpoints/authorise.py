"""Authorising by loading: a view gets a record through one call that names the permission.

Queries return records or None and know nothing of the reader; the predicates of
:mod:`focalpoints.permissions` say who may do what; :func:`granted` joins the two for a view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

T = TypeVar("T")


def granted(record: T | None, can: Callable[[Any, T], bool], refused: int = 403) -> T:
    """``record`` if the current user ``can`` (a predicate of permissions) act on it: 404 when
    there is no record, ``refused`` (403, or 404 where its existence stays private) when not."""
    if record is None:
        abort(404)
    if not can(current_user, record):
        abort(refused)
    return record


def found(record: T | None) -> T:
    """``record``, or 404: for records whose permission was granted with their parent's."""
    if record is None:
        abort(404)
    return record
