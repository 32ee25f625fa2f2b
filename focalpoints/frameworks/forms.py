"""Forms of the target frameworks, kept by administrators and the Secretariat."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField
from wtforms.validators import NumberRange, Optional

from focalpoints.focal_points.forms import VersionedForm
from focalpoints.forms import CheckboxListField, add_translation_fields


def year_field(label: object) -> IntegerField:
    """An optional year, within reason."""
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=1950, max=2100, message=_l("Enter a year from 1950 to 2100.")),
        ],
    )


class FrameworkForm(VersionedForm):
    start_year = year_field(_l("From (year)"))
    end_year = year_field(_l("To (year)"))
    conventions = CheckboxListField(_l("Conventions it belongs to"), choices=[])
    is_active = BooleanField(_l("In use"), default=True)


add_translation_fields(FrameworkForm, "name", _l("Name"), 300)
add_translation_fields(FrameworkForm, "short", _l("Short name"), 80)


class ElementForm(VersionedForm):
    """The short title of a goal or target in each language."""


add_translation_fields(ElementForm, "title", _l("Short title"), 300)
