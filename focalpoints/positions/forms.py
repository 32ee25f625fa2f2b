"""Forms of positions and their consultation."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional

from focalpoints.focal_points.forms import VersionedForm, text
from focalpoints.forms import (
    CheckboxListField,
    choices,
    language_choices,
    strip_filter,
    text_length,
)
from focalpoints.positions.labels import ANSWERS, STATUSES
from focalpoints.positions.operations import TEXT_LANGUAGES


def language_field(label: Any) -> SelectField:
    """The language a text is written in (the page marks the text with it)."""
    return SelectField(label, choices=language_choices(TEXT_LANGUAGES.items()))


def long_text(label: Any, maximum: int) -> TextAreaField:
    return TextAreaField(label, filters=[strip_filter], validators=[text_length(maximum)])


class PositionForm(VersionedForm):
    meeting = SelectField(_l("Meeting"), choices=[])
    agenda_item = SelectField(
        _l("Agenda item"),
        choices=[],
        description=_l("An item of the meeting's agenda, or none if the position is on an issue."),
        render_kw={"data-meeting-field": "meeting"},  # static/js/agenda_items.js
    )
    issue = SelectField(_l("Cross-cutting issue"), choices=[])
    language = language_field(_l("Language of the title and text"))
    title = text(_l("Title"), 300)
    text = long_text(_l("Position"), 20_000)
    status = SelectField(_l("Status"), choices=choices(STATUSES.items()))
    lead = SelectField(_l("Lead focal point"), choices=[])
    agreed_on = DateField(_l("Agreed on"), validators=[Optional()])


class ConsultForm(VersionedForm):
    people = CheckboxListField(
        _l("Focal points to consult"),
        choices=[],
        description=_l("People of the country who hold a role of any convention."),
    )
    deadline = DateField(_l("Answer wanted by (optional)"), validators=[Optional()])
    message = long_text(_l("Message"), 5_000)
    language = language_field(_l("Language of the message"))
    share_text = BooleanField(
        _l("Focal points without an account may read the position's text"),
        default=True,
        description=_l(
            "They are mailed a personal link to read the message and answer; without this, "
            "the link shows the title and the message only."
        ),
    )


class AnswerForm(VersionedForm):
    answer = SelectField(_l("Answer"), choices=choices(ANSWERS.items()))
    note = long_text(_l("Comment or objection"), 10_000)
    language = language_field(_l("Language of the note"))
    answered_on = DateField(
        _l("Answered on"),
        default=date.today,
        validators=[DataRequired(message=_l("Enter the date of the answer."))],
    )
