"""The buttons of the calendar link: make one (or a new one), or revoke it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from focalpoints.forms import BaseForm, choices

NEW, REVOKE = "new", "revoke"


class CalendarLinkForm(BaseForm):
    # Sent by the button pressed; anything else is a forged request.
    action = SelectField(
        _l("Calendar link"),
        choices=choices([(NEW, _l("Make a new link")), (REVOKE, _l("Revoke the link"))]),
    )
