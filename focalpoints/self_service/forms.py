"""Forms of the pages a focal point opens with their link, and of the coordinators' decisions."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectMultipleField, TextAreaField
from wtforms.validators import AnyOf, InputRequired

from focalpoints.focal_points.forms import PersonForm
from focalpoints.forms import BaseForm, strip_filter, text_length
from focalpoints.positions.forms import AnswerForm
from focalpoints.self_service.operations import CORRECTABLE

CONFIRM, CORRECT, NO_LONGER = "confirm", "correct", "no_longer"


def note_field(label: Any) -> TextAreaField:
    return TextAreaField(label, filters=[strip_filter], validators=[text_length(2000)])


class ConfirmForm(BaseForm):
    action = HiddenField(default=CONFIRM, validators=[AnyOf([CONFIRM])])


class CorrectionForm(PersonForm):
    """The holder's own record, to correct: their details, not the coordinators' fields."""

    action = HiddenField(default=CORRECT, validators=[AnyOf([CORRECT])])
    kind = None
    gender = None
    notes = None
    visibility = None
    confirm_new = None
    version = None
    note = note_field(_l("Anything the coordinators should know (optional)"))

    def values(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name).data or "" for name in CORRECTABLE},
            "address_country": self.address_country.data or None,
            "other_emails": [e for e in (self.other_emails.data or "").splitlines() if e],
            "languages": list(self.languages.data or []),
        }


class NoLongerForm(BaseForm):
    action = HiddenField(default=NO_LONGER, validators=[AnyOf([NO_LONGER])])
    appointments = SelectMultipleField(
        _l("The roles you no longer hold"),
        choices=[],
        validators=[InputRequired(message=_l("Choose the roles you no longer hold."))],
    )
    note = note_field(_l("Who holds them now, if you know (optional)"))


class LinkAnswerForm(AnswerForm):
    """The consulted focal point's own answer: dated today, by them."""

    version = None
    answered_on = None


class DecisionForm(BaseForm):
    """An approve or reject button: only the CSRF token."""
