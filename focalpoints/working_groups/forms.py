"""Forms of the working group: the group, its members, meetings, actions and documents."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from focalpoints.focal_points.forms import LTR, VersionedForm, text
from focalpoints.focal_points.labels import HOLDER_KINDS, VISIBILITIES
from focalpoints.forms import (
    BaseForm,
    NoFormula,
    WebAddress,
    choices,
    strip_filter,
    text_length,
)
from focalpoints.working_groups.labels import ACTION_STATUSES, CATEGORIES, GROUP_ROLES

DATE_REQUIRED = _l("Enter a date.")


def optional_date(label: Any) -> DateField:
    return DateField(label, validators=[Optional()])


def long_text(label: Any, maximum: int, description: Any = None) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip_filter],
        validators=[text_length(maximum), NoFormula()],
        description=description,
    )


def rich_text(label: Any, maximum: int, description: Any = None) -> TextAreaField:
    """Markdown, whose lists start with "-": exports neutralise formulas cell by cell instead."""
    return TextAreaField(
        label, filters=[strip_filter], validators=[text_length(maximum)], description=description
    )


def text_language_field(label: Any = None) -> SelectField:
    """The language a user-written text is in (chosen by the author, defaults to theirs)."""
    return SelectField(label or _l("Language of the text"), choices=[], default="")


class GroupForm(VersionedForm):
    name = text(_l("Name of the group"), 300, DataRequired(message=_l("Give the group's name.")))
    mandate = rich_text(
        _l("Mandate or terms of reference"),
        20000,
        _l("Markdown formatting is kept: **bold**, lists, links."),
    )
    mandate_language = text_language_field()
    legal_basis = text(_l("Legal basis (decree, decision, ...)"), 500)
    established_on = optional_date(_l("Date established"))
    coordinating_institution = text(_l("Coordinating ministry or institution"), 300)
    secretariat_contact_id = SelectField(
        _l("Contact person of the group's secretariat"), choices=[], default=""
    )
    papers_shared = BooleanField(
        _l("Share minutes, actions and documents with the Secretariat"),
        description=_l(
            "The Secretariat always sees that the group exists, its members and its meeting dates."
        ),
    )
    mandate_file = FileField(
        _l("Terms of reference document (optional)"),
        description=_l("PDF, Word, Excel or OpenDocument."),
    )


class CloseGroupForm(VersionedForm):
    closed_on = DateField(_l("Date closed"), validators=[InputRequired(message=DATE_REQUIRED)])
    closing_note = text(_l("Reason or note"), 500)


class MemberForm(BaseForm):
    """Add a person already in the country's registry."""

    person = SelectField(_l("Person"), choices=[], default="")
    category = SelectField(_l("Category"), choices=choices(CATEGORIES.items()), default="ministry")
    group_role = SelectField(
        _l("Role in the group"), choices=choices(GROUP_ROLES.items()), default="member"
    )
    joined_on = optional_date(_l("Date joined"))


class StakeholderForm(BaseForm):
    """Create a stakeholder in the registry and add them to the group at once."""

    kind = SelectField(_l("Member"), choices=choices(HOLDER_KINDS.items()), default="person")
    honorific = text(_l("Honorific (Mr, Ms, Dr, H.E.)"), 40)
    given_names = text(_l("Given name(s)"), 200)
    family_name = text(_l("Family name"), 200)
    job_title = text(_l("Job title"), 300)
    organisation = text(_l("Organisation"), 300)
    email = StringField(
        _l("E-mail address"),
        filters=[strip_filter],
        validators=[text_length(254)],
        render_kw={**LTR, "type": "email"},
    )
    category = SelectField(_l("Category"), choices=choices(CATEGORIES.items()), default="ngo")
    group_role = SelectField(
        _l("Role in the group"), choices=choices(GROUP_ROLES.items()), default="member"
    )
    joined_on = optional_date(_l("Date joined"))
    visibility = SelectField(
        _l("Who may see this record"),
        choices=choices(VISIBILITIES.items()),
        default="restricted",
    )


class EditMemberForm(VersionedForm):
    category = SelectField(_l("Category"), choices=choices(CATEGORIES.items()))
    group_role = SelectField(_l("Role in the group"), choices=choices(GROUP_ROLES.items()))
    joined_on = optional_date(_l("Date joined"))
    left_on = optional_date(_l("Date left"))


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(VersionedForm):
    title = text(_l("Title"), 300, DataRequired(message=_l("Give the meeting a title.")))
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message=_l("Give the date and time the meeting starts."))],
    )
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    timezone = SelectField(_l("Time zone"), choices=[], default="UTC")
    place = text(_l("Place"), 300)
    online_url = URLField(
        _l("Online meeting link"),
        filters=[strip_filter],
        validators=[text_length(500), WebAddress()],
        render_kw=LTR,
    )
    agenda = rich_text(_l("Agenda"), 10000, _l("One item per line."))
    attendees = MultiCheckboxField(_l("Members present"), choices=[], coerce=str)
    guests = rich_text(_l("Guests"), 5000, _l("One per line: name and organisation."))
    minutes = rich_text(
        _l("Minutes"), 100000, _l("Markdown formatting is kept: **bold**, lists, links.")
    )
    decisions = rich_text(_l("Decisions"), 50000, _l("Markdown formatting is kept."))
    text_language = text_language_field(_l("Language of the minutes and decisions"))


class ActionItemForm(VersionedForm):
    description = long_text(_l("Action"), 1000)
    owner_id = SelectField(_l("Owner"), choices=[], default="")
    due_on = optional_date(_l("Due date"))
    status = SelectField(_l("Status"), choices=choices(ACTION_STATUSES.items()), default="open")


class DocumentForm(BaseForm):
    title = text(_l("Title"), 300)
    file = FileField(
        _l("File"),
        validators=[DataRequired(message=_l("Choose a file."))],
        description=_l("PDF, Word, Excel or OpenDocument."),
    )
