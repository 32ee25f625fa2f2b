"""The account page's choice of notices: one select per kind the user can receive."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from focalpoints.auth.models import User
from focalpoints.forms import BaseForm, choices
from focalpoints.notifications.kinds import kinds_for
from focalpoints.notifications.models import Delivery

DELIVERY_LABELS = {
    Delivery.IMMEDIATE: _l("By e-mail, as they happen"),
    Delivery.WEEKLY: _l("By e-mail, in a weekly digest"),
    Delivery.APP: _l("Only in my list of notices here"),
    Delivery.OFF: _l("Not at all"),
}


class PreferencesForm(BaseForm):
    """Filled with one field per notice kind by :func:`preferences_form`."""


def preferences_form(user: User, current: dict[str, Delivery], **kwargs: Any) -> PreferencesForm:
    """A form with a select for each kind ``user`` can receive, set to ``current``."""

    class Form(PreferencesForm):
        pass

    for kind in kinds_for(user):
        setattr(
            Form,
            kind.code,
            SelectField(
                kind.label,
                description=kind.description,
                choices=choices((d.value, label) for d, label in DELIVERY_LABELS.items()),
                default=current[kind.code].value,
                validators=[InputRequired(message=_l("Choose how you receive these notices."))],
            ),
        )
    return Form(**kwargs)
