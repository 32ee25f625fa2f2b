"""Forms of the meeting and issue catalogues."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp

from focalpoints.focal_points.forms import VersionedForm, text
from focalpoints.forms import (
    CODE_PATTERN,
    CheckboxListField,
    add_translation_fields,
    choices,
    sort_order_field,
    strip_filter,
    text_length,
    upper_filter,
)
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.meetings.labels import BODIES


def lower_filter(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def required_code(maximum: int, *validators: Any, filters: Any = (upper_filter,)) -> StringField:
    """The code by which a catalogue entry is matched with the data files."""
    return StringField(
        _l("Code"),
        filters=list(filters),
        validators=[DataRequired(message=_l("Enter a code.")), text_length(maximum), *validators],
    )


class MeetingForm(VersionedForm):
    code = required_code(40, CODE_PATTERN)
    convention = SelectField(_l("Convention"), choices=[])
    body = SelectField(_l("Body"), choices=choices(BODIES.items()))
    number = IntegerField(
        _l("Number of the meeting"),
        validators=[
            Optional(),
            NumberRange(min=1, max=1000, message=_l("Enter a number from 1 to 1000.")),
        ],
    )
    place = text(_l("Place"), 200)
    host_country = SelectField(_l("Host country"), choices=[], default="")
    start_date = DateField(
        _l("Opens on"), validators=[DataRequired(message=_l("Enter the first day."))]
    )
    end_date = DateField(
        _l("Closes on"), validators=[DataRequired(message=_l("Enter the last day."))]
    )
    tentative = BooleanField(_l("Dates or place to be confirmed"))


add_translation_fields(MeetingForm, "name", _l("Name"), 300)
add_translation_fields(MeetingForm, "short_name", _l("Short name"), 40)


class AgendaItemForm(VersionedForm):
    code = required_code(
        20,
        Regexp(
            r"^[0-9A-Za-z][0-9A-Za-z.()-]*$",
            message=_l("Use letters, digits, points, brackets and hyphens only."),
        ),
        filters=(),
    )
    issue = SelectField(_l("Cross-cutting issue"), choices=[], default="")
    sort_order = sort_order_field()
    is_active = BooleanField(_l("On the agenda"), default=True)


add_translation_fields(AgendaItemForm, "title", _l("Title"), 500)


class IssueForm(VersionedForm):
    code = required_code(
        40,
        Regexp(
            r"^[a-z0-9][a-z0-9-]*$",
            message=_l("Use small letters, digits and hyphens only."),
        ),
        filters=(lower_filter,),
    )
    conventions = CheckboxListField(_l("Conventions concerned"), choices=[])
    in_resolution = BooleanField(_l("Named in paragraph 18 of Resolution 10.21"))
    sort_order = sort_order_field()
    is_active = BooleanField(_l("In use"), default=True)


add_translation_fields(IssueForm, "name", _l("Name"), 200)
for _language, _native in NATIVE_NAMES.items():  # descriptions are optional in every language
    setattr(
        IssueForm,
        f"description_{_language}",
        StringField(
            _l("%(label)s (%(language)s)", label=_l("Description"), language=_native),
            filters=[strip_filter],
            validators=[Optional(), text_length(500)],
            render_kw={"lang": _language, "dir": "rtl" if _language == "ar" else "auto"},
        ),
    )
