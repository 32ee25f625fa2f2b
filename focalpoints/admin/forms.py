"""Forms for the reference data that administrators keep."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, URLField
from wtforms.validators import DataRequired, Optional, ValidationError

from focalpoints.countries.labels import INSTRUMENT_KINDS, MEMBERSHIP_KINDS, REQUIREMENTS
from focalpoints.forms import (
    CODE_PATTERN,
    BaseForm,
    WebAddress,
    add_translation_fields,
    choices,
    sort_order_field,
    strip_filter,
    text_length,
    upper_filter,
)
from focalpoints.i18n import NATIVE_NAMES

HOLDER_KIND_LABELS = {
    "person": _l("A person"),
    "institution": _l("An institution"),
    "either": _l("A person or an institution"),
}


class ConventionForm(BaseForm):
    code = StringField(
        _l("Code"),
        filters=[upper_filter],
        validators=[DataRequired(message=_l("Enter a code.")), text_length(20), CODE_PATTERN],
    )
    kind = SelectField(
        _l("Kind of instrument"), choices=choices(INSTRUMENT_KINDS.items()), default="convention"
    )
    # Filled by the view: the conventions an instrument can come under.
    parent = SelectField(_l("Under the convention"), choices=[], default="")
    website = URLField(
        _l("Website"),
        filters=[strip_filter],
        validators=[Optional(), text_length(300), WebAddress()],
    )
    sort_order = sort_order_field()
    is_active = BooleanField(_l("In use"), default=True)

    def validate_parent(self, field: Any) -> None:
        if self.kind.data == "convention" and field.data:
            raise ValidationError(_l("A convention does not come under another instrument."))
        if self.kind.data != "convention" and not field.data:
            raise ValidationError(_l("Choose the convention this instrument comes under."))


add_translation_fields(ConventionForm, "name", _l("Name"), 300)
add_translation_fields(ConventionForm, "acronym", _l("Acronym"), 20)


class RoleForm(BaseForm):
    code = StringField(
        _l("Code"),
        filters=[upper_filter],
        validators=[DataRequired(message=_l("Enter a code.")), text_length(40), CODE_PATTERN],
    )
    holder_kind = SelectField(_l("Held by"), choices=choices(HOLDER_KIND_LABELS.items()))
    multiple_holders = BooleanField(_l("Can have several holders"))
    has_primary = BooleanField(_l("One holder is the primary"))
    requirement = SelectField(
        _l("Designation by a Party is"), choices=choices(REQUIREMENTS.items()), default="optional"
    )
    sort_order = sort_order_field()
    is_active = BooleanField(_l("In use"), default=True)

    def validate_has_primary(self, field: Any) -> None:
        if field.data and not self.multiple_holders.data:
            raise ValidationError(_l("Only a role with several holders can have a primary one."))


add_translation_fields(RoleForm, "name", _l("Name"), 200)
add_translation_fields(RoleForm, "basis", _l("Basis (article or decision)"), 300, required=False)


class MembershipForm(BaseForm):
    convention = SelectField(_l("Instrument"), choices=[])
    kind = SelectField(_l("Joined by"), choices=choices(MEMBERSHIP_KINDS.items()))
    signed = DateField(_l("Signed on"), validators=[Optional()])
    deposited = DateField(
        _l("Instrument deposited on"),
        validators=[Optional()],
    )
    entry_into_force = DateField(
        _l("Entry into force"),
        validators=[DataRequired(message=_l("Enter the date of entry into force."))],
    )
    ended = DateField(_l("Ceased to be a Party on"), validators=[Optional()])
    source = StringField(
        _l("Source (the depositary's or Secretariat's record)"),
        filters=[strip_filter],
        validators=[Optional(), text_length(80)],
    )
    confirmed = BooleanField(_l("Confirmed against the source"), default=True)
    note = StringField(
        _l("Note"), filters=[strip_filter], validators=[Optional(), text_length(500)]
    )

    def validate_entry_into_force(self, field: Any) -> None:
        if self.deposited.data and field.data and field.data < self.deposited.data:
            raise ValidationError(_l("Entry into force cannot come before the deposit."))

    def validate_ended(self, field: Any) -> None:
        if field.data and self.entry_into_force.data and field.data <= self.entry_into_force.data:
            raise ValidationError(_l("The end must come after the entry into force."))


class OfficialNamesForm(BaseForm):
    """Names a Secretariat uses instead of the UN short names; all optional."""


for _language, _native in NATIVE_NAMES.items():
    setattr(
        OfficialNamesForm,
        f"official_{_language}",
        StringField(
            _l("%(label)s (%(language)s)", label=_l("Official name"), language=_native),
            filters=[strip_filter],
            validators=[Optional(), text_length(200)],
            render_kw={"lang": _language, "dir": "rtl" if _language == "ar" else "auto"},
        ),
    )


class AuditFilterForm(BaseForm):
    """Filters of the audit log (a GET form: it changes nothing, so it needs no CSRF token)."""

    class Meta:
        csrf = False

    country = StringField(
        _l("Country (ISO code)"), filters=[upper_filter], validators=[Optional(), text_length(2)]
    )
    actor = StringField(
        _l("Who (e-mail address)"),
        filters=[strip_filter],
        validators=[Optional(), text_length(254)],
    )
    entity_type = SelectField(_l("Record"), choices=[], validators=[Optional()])
    entity_id = StringField(
        _l("Record number"), filters=[strip_filter], validators=[Optional(), text_length(60)]
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
