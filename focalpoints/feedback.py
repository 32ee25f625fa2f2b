"""Telling the user why a change was not made: at the form field it concerns, or as a message."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import gettext as _


def refuse(form: Any, error: Any) -> None:
    """Show a refused change (an error with ``message`` and ``field``) at its field, or flash it."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error.message))
    else:
        flash(str(error.message), "danger")


def flash_stale() -> None:
    """Say that someone else saved the record first, and that nothing was saved."""
    flash(
        _(
            "Someone else saved this record while you were editing it. Nothing of yours was "
            "saved: the form now shows the newer values; apply your changes again."
        ),
        "danger",
    )
