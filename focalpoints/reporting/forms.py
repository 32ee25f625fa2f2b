"""Forms of the reporting calendar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from focalpoints.focal_points.forms import VersionedForm
from focalpoints.forms import (
    CODE_PATTERN,
    add_translation_fields,
    choices,
    text_length,
    upper_filter,
)
from focalpoints.nbsap.forms import long_text
from focalpoints.nbsap.labels import REPORT_STATES


class DeadlineForm(VersionedForm):
    convention = SelectField(_l("Convention"), choices=[])
    code = StringField(
        _l("Code"),
        filters=[upper_filter],
        validators=[DataRequired(message=_l("Enter a code.")), text_length(40), CODE_PATTERN],
    )
    due_date = DateField(
        _l("Due"), validators=[DataRequired(message=_l("Enter the date the report is due."))]
    )
    notes = long_text(_l("Notes"), 2000)
    is_active = BooleanField(_l("In use"), default=True)


add_translation_fields(DeadlineForm, "title", _l("Report"), 300)


class ReportStatusForm(VersionedForm):
    status = SelectField(_l("Status"), choices=choices(REPORT_STATES.items()))
    submitted_on = DateField(_l("Submitted on"), validators=[Optional()])
