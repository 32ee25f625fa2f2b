"""Forms of a country's NBSAP, its national targets and measures, alignments and notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Optional

from focalpoints.focal_points.forms import VersionedForm, text
from focalpoints.forms import (
    BaseForm,
    CheckboxListField,
    NoFormula,
    WebAddress,
    choices,
    language_choices,
    strip_filter,
)
from focalpoints.forms import text_length as length
from focalpoints.frameworks.forms import year_field
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.nbsap.labels import DEGREES, NBSAP_STATUSES, TARGET_KINDS, TARGET_STATUSES


def language_field(label: Any = None) -> SelectField:
    """The language a text is written in (the author's interface language by default)."""
    return SelectField(
        label or _l("Written in"), choices=language_choices(NATIVE_NAMES.items()), default="en"
    )


def long_text(label: Any, maximum: int, *validators: Any) -> TextAreaField:
    return TextAreaField(
        label, filters=[strip_filter], validators=[length(maximum), NoFormula(), *validators]
    )


class NbsapForm(VersionedForm):
    title = text(_l("Title"), 300, DataRequired(message=_l("Give a title.")))
    language = language_field(_l("Language of the title"))
    start_year = year_field(_l("From (year)"))
    end_year = year_field(_l("To (year)"))
    adopted_on = DateField(_l("Adopted on"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(NBSAP_STATUSES.items()))
    document_url = URLField(
        _l("Link to the document"),
        filters=[strip_filter],
        validators=[Optional(), length(500), WebAddress()],
        render_kw={"dir": "ltr"},
    )
    document_file = FileField(_l("Document (PDF or Word, at most 20 MB)"))

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "language": self.language.data,
            "start_year": self.start_year.data,
            "end_year": self.end_year.data,
            "adopted_on": self.adopted_on.data,
            "status": self.status.data,
            "document_url": self.document_url.data or "",
        }


def _ids(values: Any) -> list[int]:
    return [int(v) for v in values or [] if str(v).isdigit()]


class TargetForm(VersionedForm):
    nbsap = SelectField(_l("NBSAP"), choices=[])
    kind = SelectField(_l("Kind"), choices=choices(TARGET_KINDS.items()))
    parent = SelectField(_l("Serves the national target"), choices=[], default="")
    code = StringField(
        _l("Code"),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Give the target's code.")), length(40), NoFormula()],
    )
    language = language_field()
    title = text(_l("Title"), 500, DataRequired(message=_l("Give a title.")))
    description = long_text(_l("Description"), 10_000)
    lead_institution = text(_l("Lead institution"), 300)
    responsible = CheckboxListField(_l("Responsible people"), choices=[])
    start_date = DateField(_l("Start"), validators=[Optional()])
    end_date = DateField(_l("End"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(TARGET_STATUSES.items()))
    indicators = long_text(_l("Indicators"), 5000, Optional())
    conventions = CheckboxListField(_l("Conventions served"), choices=[])

    def values(self) -> dict[str, Any]:
        parent = self.parent.data or ""
        return {
            "kind": self.kind.data,
            "code": self.code.data,
            "language": self.language.data,
            "title": self.title.data,
            "description": self.description.data or "",
            "lead_institution": self.lead_institution.data or "",
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "status": self.status.data,
            "indicators": self.indicators.data or "",
            "parent_id": int(parent) if parent.isdigit() else None,
            "responsible": _ids(self.responsible.data),
            "conventions": _ids(self.conventions.data),
        }


class AlignmentForm(BaseForm):
    element = CheckboxListField(
        _l("Global targets"),
        choices=[],
        validators=[DataRequired(message=_l("Choose at least one global target."))],
    )
    degree = SelectField(_l("Degree of alignment"), choices=choices(DEGREES.items()))


class NoteForm(BaseForm):
    noted_on = DateField(
        _l("Date"),
        default=date.today,
        validators=[DataRequired(message=_l("Enter the date of the note."))],
    )
    language = language_field()
    text = long_text(_l("Progress note"), 5000, DataRequired(message=_l("Write the note.")))
