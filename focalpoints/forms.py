"""Form base class and validators shared by every feature."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from focalpoints.auth.password_policy import password_problem
from focalpoints.urls import is_web_address

# C0/C1 controls, line separators, bidi embeddings/overrides/isolates (which can make a name
# display as something else) and the BOM. Zero-width joiners and LRM/RLM marks stay allowed:
# Arabic and Persian text needs them.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
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
    if _CONTROL.search(text):
        return True
    return any(unicodedata.category(c) == "Cs" for c in text)


def strip_filter(value: Any) -> Any:
    """Trim surrounding white space from submitted text."""
    return value.strip() if isinstance(value, str) else value


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


def text_length(maximum: int, minimum: int = 0) -> Length:
    """A translated length validator."""
    if minimum:
        return Length(
            min=minimum,
            max=maximum,
            message=_l("Enter between %(min)d and %(max)d characters."),
        )
    return Length(max=maximum, message=_l("Enter at most %(max)d characters."))


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
    if described:
        attributes["aria-describedby"] = " ".join(described)
    if field.errors:
        attributes["aria-invalid"] = "true"
    if autofocus:
        attributes["autofocus"] = True
    return attributes
