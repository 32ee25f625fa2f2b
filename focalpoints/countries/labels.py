"""Translated labels of the countries feature's codes."""

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# The six regions in which CMS and CITES group their Parties.
MEA_REGIONS = {
    "africa": _l("Africa"),
    "asia": _l("Asia"),
    "central_south_america_caribbean": _l("Central and South America and the Caribbean"),
    "europe": _l("Europe"),
    "north_america": _l("North America"),
    "oceania": _l("Oceania"),
}

# How a country became a Party to an instrument (or a signatory of a memorandum).
MEMBERSHIP_KINDS = {
    "ratification": _l("Ratification"),
    "accession": _l("Accession"),
    "acceptance": _l("Acceptance"),
    "approval": _l("Approval"),
    "succession": _l("Succession"),
    "continuation": _l("Continuation"),
    "definitive_signature": _l("Definitive signature"),
    "signature": _l("Signature"),
    "unknown": _l("Not confirmed"),
}

REQUIREMENTS = {
    "required": _l("required"),
    "expected": _l("expected"),
    "optional": _l("optional"),
}

INSTRUMENT_KINDS = {
    "convention": _l("Convention"),
    "protocol": _l("Protocol"),
    "agreement": _l("Agreement"),
    "mou": _l("Memorandum of understanding"),
}


def region_label(code: str | None) -> str:
    """Return the translated name of a CMS/CITES region."""
    return str(MEA_REGIONS.get(code or "", code or ""))


def membership_kind_label(code: str | None) -> str:
    """Return the translated name of how a country joined (ratification, accession, ...)."""
    return str(MEMBERSHIP_KINDS.get(code or "", code or ""))


def requirement_label(code: str | None) -> str:
    """Return the translated requirement level of a role (required, expected, optional)."""
    return str(REQUIREMENTS.get(code or "", code or ""))


def instrument_kind_label(code: str | None) -> str:
    """Return the translated kind of an instrument (convention, protocol, agreement, MOU)."""
    return str(INSTRUMENT_KINDS.get(code or "", code or ""))


def member_label(instrument: Any) -> str:
    """Return "Party", or "Signatory" for a memorandum of understanding, translated."""
    return _("Signatory") if instrument.has_signatories else _("Party")


def non_member_label(instrument: Any) -> str:
    """Return "Not a Party", or "Not a signatory" for a memorandum, translated."""
    return _("Not a signatory") if instrument.has_signatories else _("Not a Party")
