"""Parsing and formatting of contact details: phone numbers and e-mail addresses."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from focalpoints.i18n import fold


class InvalidContact(ValueError):
    """A phone number or e-mail address that cannot be used."""


def parse_phone(raw: str, region: str | None) -> str:
    """Return ``raw`` as E.164 (+254...), reading national numbers in ``region``; '' stays ''."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if region == "EU":  # not a telephone region
        region = None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidContact(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact("not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """Show an E.164 number in international format (+254 20 7621234)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def parse_email(raw: str) -> str:
    """Return the normalised address (syntax only, no network), '' for ''."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidContact(str(error)) from error
    return result.normalized.lower()


def name_key(given_names: str, family_name: str, organisation: str = "") -> str:
    """Fold a name for duplicate detection: no case, accents, spacing or word order."""
    words = fold(f"{given_names} {family_name}").replace("-", " ").split()
    if not words:
        words = fold(organisation).split()
    return " ".join(sorted(words))
