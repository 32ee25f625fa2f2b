"""Form base class and validators shared by every feature."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    Field,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, html_params

from focalpoints.auth.password_policy import password_problem
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.urls import is_web_address

# C0/C1 controls, line separators, bidi embeddings/overrides/isolates (which can make a name
# display as something else) and the BOM. Zero-width joiners and LRM/RLM marks stay allowed:
# Arabic and Persian text needs them.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
# Lone surrogates (Unicode category Cs): no character, and no encoding can store them.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Cells that a spreadsheet would read as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class BaseForm(FlaskForm):
    """A form that refuses control characters in every text field before any other check.

    Nothing else runs on such input, so no validator (some query the database, and PostgreSQL
    refuses NUL bytes outright) ever sees it.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        refused = False
        for field in self:
            if isinstance(field, StringField | TextAreaField) and isinstance(field.raw_data, list):
                values = [v for v in field.raw_data if isinstance(v, str)]
                multiline = isinstance(field, TextAreaField)
                if any(has_control_characters(v, allow_newlines=multiline) for v in values):
                    field.errors = [str(_l("Remove the control characters."))]
                    refused = True
        if refused:
            return False
        return super().validate(extra_validators)


def has_control_characters(text: str, allow_newlines: bool = False) -> bool:
    """Whether ``text`` holds characters that have no place in a record (NUL, escapes, ...)."""
    if not allow_newlines and ("\n" in text or "\r" in text):
        return True
    return bool(_CONTROL.search(text) or _SURROGATE.search(text))


def strip_filter(value: Any) -> Any:
    """Trim surrounding white space from submitted text, with line breaks as one character."""
    # Browsers send a text area's line breaks as CR LF: counted as two characters, they would
    # make text that the page's live count shows within the limit exceed it here.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class PasswordPolicy:
    """Refuse a password that password_policy refuses; a form that sets ``account`` (the user
    whose password it is) also refuses passwords built from that user's name or e-mail."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        account = getattr(form, "account", None)
        problem = password_problem(
            field.data or "", getattr(account, "name", ""), getattr(account, "email", "")
        )
        if problem is not None:
            raise ValidationError(problem)


class NoFormula:
    """Refuse text that a spreadsheet would run as a formula when exported."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if isinstance(field.data, str) and field.data.startswith(FORMULA_PREFIXES):
            raise ValidationError(_l("Text may not start with =, +, -, @ or a tab."))


class WebAddress:
    """Refuse a link that is not an http or https address (javascript: and the like)."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and not is_web_address(field.data):
            raise ValidationError(_l("Enter a web address starting with https://."))


class TextLimit(Length):
    """A length check that refuses over-long text with a message and never cuts it.

    WTForms' Length sets the ``maxlength`` attribute, with which a browser silently drops what
    is pasted beyond the limit; here the page shows the limit and a live count instead
    (``data-limit``, read by static/js/text_limits.js) and the server says by how much.
    """

    def __init__(self, min: int = -1, max: int = -1, message: Any = None) -> None:
        super().__init__(min, max, message)
        self.field_flags = {}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if self.min != -1:
            super().__call__(form, field)
            return
        length = len(field.data or "")
        if length > self.max:
            # The figures as the reader writes them (20,000 or 20 000), as the page's count does.
            raise ValidationError(
                _l(
                    "Enter at most %(max)s characters: this text has %(length)s.",
                    max=format_number(self.max),
                    length=format_number(length),
                )
            )


def text_length(maximum: int, minimum: int = 0) -> Length:
    """A translated length validator."""
    if minimum:
        return TextLimit(
            min=minimum,
            max=maximum,
            message=_l("Enter between %(min)d and %(max)d characters."),
        )
    return TextLimit(max=maximum)


def text_limit(field: Field) -> int | None:
    """The most characters a text field takes, if it has a limit."""
    if not isinstance(field, StringField | TextAreaField):
        return None
    limits = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(limits) if limits else None


def shown_limit(field: Field) -> int | None:
    """The limit the page states under a text area, with its live count (none for one line)."""
    return text_limit(field) if isinstance(field, TextAreaField) else None


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into select options; labels may stay lazy until rendered."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def language_choices(languages: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Options naming each language in itself, marked with its language for screen readers."""
    return [SelectChoice(code, native, render_kw={"lang": code}) for code, native in languages]


def field_attributes(field: Field, autofocus: bool = False) -> dict[str, Any]:
    """HTML attributes that tie a field to its help and errors for assistive technology."""
    described = [f"{field.id}-help"] if field.description else []
    if field.errors:
        described.append(f"{field.id}-error")
    attributes: dict[str, Any] = {}
    limit = text_limit(field)
    if limit is not None:
        attributes["data-limit"] = limit
        if shown_limit(field) is not None:
            described.append(f"{field.id}-limit")
    if described:
        attributes["aria-describedby"] = " ".join(described)
    if field.errors:
        attributes["aria-invalid"] = "true"
    if autofocus:
        attributes["autofocus"] = True
    return attributes


class CheckboxList:
    """Check boxes in a fieldset whose legend is the field's label: each box is reached with Tab
    and toggled with Space, and read with its own label and the legend by screen readers.

    A long list scrolls in its own box and gets a filter box from static/js/checkbox_lists.js
    (data-filter); without the script every option is still there. Grouped choices (optgroups)
    become groups with their own legend.
    """

    #: From how many options a list is long.
    LONG = 10

    def __call__(self, field: SelectMultipleField, **kwargs: Any) -> Markup:
        kwargs.pop("class_", None)
        kwargs.pop("aria-invalid", None)
        kwargs.pop("autofocus", None)
        if field.has_groups():
            groups = [(label, list(group)) for label, group in field.iter_groups()]
        else:
            groups = [(None, list(field.iter_choices()))]
        total = sum(len(options) for _label, options in groups)
        attributes = {"id": field.id, "class": "checkbox-list mb-0", **kwargs}
        if total >= self.LONG:
            attributes["data-filter"] = _("Filter the list")
        html = [f"<fieldset {html_params(**attributes)}>"]
        html.append(f'<legend class="form-label fs-6 mb-1">{escape(field.label.text)}</legend>')
        html.append(f'<div class="{"checkbox-list-options" if total >= self.LONG else ""}">')
        number = 0
        for label, options in groups:
            if label is not None:
                html.append(f'<fieldset><legend class="h6 small mt-2">{escape(label)}</legend>')
            for value, text, selected, render_kw in options:
                number += 1
                box = {
                    "type": "checkbox",
                    "class": "form-check-input",
                    "id": f"{field.id}-{number}",
                    "name": field.name,
                    "value": value,
                    "checked": bool(selected),
                }
                label_attributes = {"class": "form-check-label", "for": box["id"], **render_kw}
                html.append(
                    f'<div class="form-check"><input {html_params(**box)}>'
                    f"<label {html_params(**label_attributes)}>{escape(text)}</label></div>"
                )
            if label is not None:
                html.append("</fieldset>")
        html.append("</div></fieldset>")
        return Markup("".join(html))  # noqa: S704  # nosec B704: every value above is escaped


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of check boxes, never a Ctrl-click multiple select."""

    widget = CheckboxList()
    option_widget = CheckboxInput()


# Codes and per-language fields, shared by the forms of the reference data -----------------


CODE_PATTERN = Regexp(
    r"^[A-Z0-9][A-Z0-9-]*$",
    message=_l("Use capital letters, digits and hyphens only."),
)


def upper_filter(value: object) -> object:
    """Codes are stored in capitals, whatever was typed."""
    return value.strip().upper() if isinstance(value, str) else value


def sort_order_field() -> IntegerField:
    """Where an item stands in lists (1 first)."""
    return IntegerField(
        _l("Position in lists"),
        default=100,
        validators=[
            DataRequired(message=_l("Enter a whole number.")),
            NumberRange(min=1, max=10000, message=_l("Enter a number from 1 to 10000.")),
        ],
    )


def add_translation_fields(
    form_class: type, prefix: str, label: Any, maximum: int, required: bool = True
) -> type:
    """Give ``form_class`` one text field per UN language, English required unless not."""
    for language, native in NATIVE_NAMES.items():
        validators = [text_length(maximum)]
        if language == "en" and required:
            validators.insert(0, DataRequired(message=_l("Enter the English text.")))
        else:
            validators.insert(0, Optional())
        setattr(
            form_class,
            f"{prefix}_{language}",
            StringField(
                _l("%(label)s (%(language)s)", label=label, language=native),
                filters=[strip_filter],
                validators=validators,
                render_kw={"lang": language, "dir": "rtl" if language == "ar" else "auto"},
            ),
        )
    return form_class


def translations_from(form: BaseForm, prefix: str) -> dict[str, str]:
    """Collect the non-empty per-language values of ``prefix``."""
    values = {lang: getattr(form, f"{prefix}_{lang}").data for lang in NATIVE_NAMES}
    return {lang: value for lang, value in values.items() if value}


def fill_translations(form: BaseForm, prefix: str, values: dict[str, str]) -> None:
    """Put stored translations into the form's per-language fields."""
    for lang in NATIVE_NAMES:
        getattr(form, f"{prefix}_{lang}").data = values.get(lang, "")


def translation_fields(form: BaseForm, prefix: str) -> list[Any]:
    """The per-language fields of ``prefix``, in language order (for templates)."""
    return [getattr(form, f"{prefix}_{lang}") for lang in NATIVE_NAMES]
