"""Translated labels of the countries feature's codes."""

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

INSTRUMENTS = {
    "ratification": _l("Ratification"),
    "accession": _l("Accession"),
    "acceptance": _l("Acceptance"),
    "approval": _l("Approval"),
    "succession": _l("Succession"),
    "continuation": _l("Continuation"),
}


def region_label(code: str | None) -> str:
    """Return the translated name of a CMS/CITES region."""
    return str(MEA_REGIONS.get(code or "", code or ""))


def instrument_label(code: str | None) -> str:
    """Return the translated name of a kind of instrument (ratification, accession, ...)."""
    return str(INSTRUMENTS.get(code or "", code or ""))
