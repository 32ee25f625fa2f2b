"""Forms of the registry: people, appointments and their lifecycle."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from focalpoints.focal_points.contacts import InvalidContact, parse_email, parse_phone
from focalpoints.focal_points.labels import (
    GENDERS,
    HOLDER_KINDS,
    STATUSES,
    VISIBILITIES,
)
from focalpoints.focal_points.models import PERSON_FIELDS, Status
from focalpoints.focal_points.operations import MAX_LETTER_BYTES, RegistryError, check_letter
from focalpoints.forms import (
    BaseForm,
    CheckboxListField,
    NoFormula,
    WebAddress,
    choices,
    language_choices,
    strip_filter,
    text_length,
)
from focalpoints.i18n import NATIVE_NAMES

# Addresses and numbers read left to right, also on right-to-left pages.
LTR = {"dir": "ltr"}


def text(label: Any, maximum: int, *validators: Any) -> StringField:
    """An optional single-line text that no spreadsheet would run as a formula."""
    return StringField(
        label, filters=[strip_filter], validators=[text_length(maximum), NoFormula(), *validators]
    )


# The person's fields the form passes on as plain text.
TEXT_FIELDS = tuple(
    f for f in PERSON_FIELDS if f not in ("kind", "address_country", "other_emails", "languages")
)


class VersionedForm(BaseForm):
    """Carries the version of the record the user saw, for conflict detection."""

    version = IntegerField(
        validators=[
            InputRequired(message=_l("Reload the page.")),
            # A version beyond a database integer would fail in the query, not here.
            NumberRange(min=0, max=2**31 - 1, message=_l("Reload the page.")),
        ]
    )


class PersonFields(BaseForm):
    """A person's or institution's details: the person form, and the new holder in a replacement."""

    kind = SelectField(_l("Holder"), choices=choices(HOLDER_KINDS.items()))
    honorific = text(_l("Honorific (Mr, Ms, Dr, H.E.)"), 40)
    given_names = text(_l("Given name(s)"), 200)
    family_name = text(_l("Family name"), 200)
    job_title = text(_l("Job title"), 300)
    organisation = text(_l("Organisation"), 300)
    organisation_acronym = text(_l("Acronym of the organisation"), 40)
    department = text(_l("Department"), 300)
    street = TextAreaField(
        _l("Street address"), filters=[strip_filter], validators=[text_length(500), NoFormula()]
    )
    city = text(_l("City"), 200)
    postal_code = text(_l("Postal code"), 40)
    address_country = SelectField(_l("Country of the address"), choices=[], default="")
    email = EmailField(
        _l("E-mail address (primary)"),
        filters=[strip_filter],
        validators=[text_length(254)],
        render_kw=LTR,
    )
    other_emails = TextAreaField(
        _l("Other e-mail addresses"),
        filters=[strip_filter],
        validators=[text_length(2000)],
        description=_l("One per line."),
    )
    phone = TelField(
        _l("Telephone"), filters=[strip_filter], validators=[text_length(40)], render_kw=LTR
    )
    mobile = TelField(
        _l("Mobile"), filters=[strip_filter], validators=[text_length(40)], render_kw=LTR
    )
    fax = TelField(_l("Fax"), filters=[strip_filter], validators=[text_length(40)], render_kw=LTR)
    website = URLField(
        _l("Website"),
        filters=[strip_filter],
        validators=[text_length(300), WebAddress()],
        render_kw=LTR,
    )
    languages = CheckboxListField(
        _l("Correspondence languages"),
        choices=language_choices(NATIVE_NAMES.items()),
    )
    gender = SelectField(_l("Gender (optional)"), choices=choices(GENDERS.items()), default="")
    notes = TextAreaField(_l("Notes"), filters=[strip_filter], validators=[text_length(5000)])
    visibility = SelectField(
        _l("Who may see this record"),
        choices=choices(VISIBILITIES.items()),
        default="registered",
    )
    confirm_new = BooleanField(_l("This is a different person: add them anyway"))

    #: Region in which national phone numbers are read (the country's ISO code).
    region: str | None = None

    def _phone(self, field: Any) -> None:
        try:
            field.data = parse_phone(field.data or "", self.region)
        except InvalidContact as error:
            raise ValidationError(
                _l("Enter a valid phone number, with its country code (+...).")
            ) from error

    validate_phone = validate_mobile = validate_fax = _phone

    def validate_email(self, field: Any) -> None:
        try:
            field.data = parse_email(field.data or "")
        except InvalidContact as error:
            raise ValidationError(_l("Enter a valid e-mail address.")) from error

    def validate_other_emails(self, field: Any) -> None:
        addresses = []
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            try:
                addresses.append(parse_email(line))
            except InvalidContact as error:
                raise ValidationError(
                    _l("This is not a valid e-mail address: %(address)s", address=line.strip())
                ) from error
        field.data = "\n".join(addresses)

    def values(self) -> dict[str, Any]:
        """The record's values from the form, in the shape the operations take."""
        return {
            "kind": self.kind.data,
            **{name: getattr(self, name).data or "" for name in TEXT_FIELDS},
            "address_country": self.address_country.data or None,
            "other_emails": [e for e in (self.other_emails.data or "").splitlines() if e],
            "languages": list(self.languages.data or []),
        }


class PersonForm(PersonFields, VersionedForm):
    """Add or edit a person, at the version the user saw."""


class LetterMixin:
    """Checks an uploaded designation letter before anything is written."""

    def validate_letter_file(self, field: Any) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.read(MAX_LETTER_BYTES + 1)
        upload.seek(0)
        try:
            check_letter(data)
        except RegistryError as error:
            raise ValidationError(str(error.message)) from error


def person_field(label: Any = None) -> SelectField:
    return SelectField(label or _l("Person or institution"), choices=[])


def designation_status_field() -> SelectField:
    """The status a new designation starts at (never acknowledged: that is the Secretariat's)."""
    return SelectField(
        _l("Designation status"),
        choices=choices(
            (s.value, STATUSES[s]) for s in (Status.PROPOSED, Status.ENDORSED, Status.NOTIFIED)
        ),
        default=Status.PROPOSED.value,
    )


class AppointForm(LetterMixin, BaseForm):
    person = person_field()
    start_date = DateField(
        _l("Holds the role from"),
        default=date.today,
        validators=[DataRequired(message=_l("Enter the date the appointment starts."))],
    )
    status = designation_status_field()
    is_primary = BooleanField(_l("Primary holder (authorised to communicate)"))
    letter_reference = text(_l("Reference of the designation letter"), 200)
    letter_date = DateField(_l("Date of the letter"), validators=[Optional()])
    letter_file = FileField(_l("Scanned letter (PDF, at most 10 MB)"))


class AdvanceForm(LetterMixin, VersionedForm):
    status = SelectField(
        _l("Next step"),
        choices=choices((s.value, STATUSES[s]) for s in (Status.ENDORSED, Status.NOTIFIED)),
    )
    letter_reference = text(_l("Reference of the designation letter"), 200)
    letter_date = DateField(_l("Date of the letter"), validators=[Optional()])
    letter_file = FileField(_l("Scanned letter (PDF, at most 10 MB)"))


class EndForm(VersionedForm):
    end_date = DateField(
        _l("Ended on"),
        default=date.today,
        validators=[DataRequired(message=_l("Enter the date the appointment ended."))],
    )
    reason = text(_l("Reason"), 500, DataRequired(message=_l("Give a reason.")))


#: The choice of new holder that stands for someone not yet in the registry.
NEW_PERSON = "new"


class ReplaceForm(LetterMixin, VersionedForm):
    """The new holder (recorded already, or NEW_PERSON with PersonFields prefixed "new"), the
    date, and the new designation's status and letter: the whole replacement in one form."""

    person = person_field(_l("New holder"))
    start_date = DateField(
        _l("From"),
        default=date.today,
        validators=[DataRequired(message=_l("Enter the date the new holder starts."))],
    )
    status = designation_status_field()
    letter_reference = text(_l("Reference of the designation letter"), 200)
    letter_date = DateField(_l("Date of the letter"), validators=[Optional()])
    letter_file = FileField(_l("Scanned letter (PDF, at most 10 MB)"))


class MergeForm(BaseForm):
    other = SelectField(_l("Merge this record into mine"), choices=[])


class ActionForm(VersionedForm):
    """A button that acts on a record at the version shown (confirm, acknowledge)."""


class DeleteForm(BaseForm):
    """A delete or restore button: only the CSRF token."""


class ImportForm(BaseForm):
    file = FileField(
        _l("Contact list (CSV, XLSX or InforMEA JSON, at most 5 MB)"),
        validators=[DataRequired(message=_l("Choose a file."))],
    )


class ConfirmImportForm(BaseForm):
    token = StringField(validators=[DataRequired(), text_length(60)])
