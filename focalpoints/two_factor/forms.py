"""Forms of two-step log-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired

from focalpoints.forms import BaseForm, strip_filter, text_length


def _code_field(description: object, numeric: bool) -> StringField:
    attributes = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
    if numeric:
        attributes["inputmode"] = "numeric"
    return StringField(
        _l("Code"),
        filters=[strip_filter],
        validators=[InputRequired(message=_l("Enter the code.")), text_length(64)],
        description=description,
        render_kw=attributes,
    )


class CodeForm(BaseForm):
    code = _code_field(
        _l("The six digits that your authenticator application shows, or a recovery code."),
        numeric=False,
    )
    remember = BooleanField()  # labelled in the view: it names the number of days


class EnrolForm(BaseForm):
    code = _code_field(
        _l("The six digits that the application shows for focalpoints now."), numeric=True
    )


class TurnOffForm(BaseForm):
    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password.")), text_length(256)],
    )


def _passkey_response() -> HiddenField:
    # Filled by static/js/passkeys.js with the browser's answer; checked in passkeys.py.
    return HiddenField(validators=[InputRequired(), text_length(20_000)])


class PasskeyLoginForm(BaseForm):
    credential = _passkey_response()
    remember = BooleanField()


class AddPasskeyForm(BaseForm):
    name = StringField(
        _l("Name of the passkey"),
        filters=[strip_filter],
        validators=[InputRequired(message=_l("Give the passkey a name.")), text_length(100)],
        description=_l('So that you know it in the list, for example "Laptop" or "Security key".'),
    )
    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password.")), text_length(256)],
    )
    credential = _passkey_response()


class RequirementForm(BaseForm):
    required = BooleanField(_l("Require two-step verification of this country's national users"))
