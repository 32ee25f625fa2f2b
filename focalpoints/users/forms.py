"""Forms to invite and edit accounts."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from focalpoints.auth.forms import email_field
from focalpoints.auth.models import UserRole
from focalpoints.auth.operations import email_taken
from focalpoints.forms import BaseForm, NoFormula, strip_filter, text_length


class UserForm(BaseForm):
    """Fields shared by inviting and editing; choices are set by the view for the current user."""

    name = StringField(
        _l("Name"), filters=[strip_filter], validators=[text_length(200), NoFormula()]
    )
    role = SelectField(_l("Role"), choices=[])
    country = SelectField(_l("Country"), choices=[])
    language = SelectField(_l("Language"), choices=[])

    def validate_country(self, field: Any) -> None:
        national = {r.value for r in UserRole if r.is_national}
        if self.role.data in national and not field.data:
            raise ValidationError(_l("A national coordinator or editor needs a country."))


class InviteForm(UserForm):
    email = email_field()

    def validate_email(self, field: Any) -> None:
        if email_taken(field.data):
            raise ValidationError(_l("An account with this address exists already."))
