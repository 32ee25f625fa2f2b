"""Forms for logging in, passwords and the user's own account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired

from focalpoints.forms import BaseForm, NoFormula, PasswordPolicy, strip_filter, text_length


def email_field(label: object = None) -> EmailField:
    """An e-mail field with a translated syntax check (no network look-up)."""
    return EmailField(
        label or _l("E-mail address"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Enter an e-mail address.")),
            text_length(254),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
    )


class LoginForm(BaseForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password.")), text_length(256)],
    )


class NewPasswordForm(BaseForm):
    # The user whose password it is (set by the view): PasswordPolicy refuses their name.
    account: object = None

    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Enter a password.")), PasswordPolicy()],
        description=_l("At least 12 characters. A few words that you remember work well."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            InputRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords differ.")),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password.")), text_length(256)],
    )


class ForgotPasswordForm(BaseForm):
    email = email_field()


class AccountForm(BaseForm):
    name = StringField(
        _l("Name"), filters=[strip_filter], validators=[text_length(200), NoFormula()]
    )
    language = SelectField(_l("Language"), choices=[])


class LanguageForm(BaseForm):
    language = SelectField(_l("Language"), choices=[])
