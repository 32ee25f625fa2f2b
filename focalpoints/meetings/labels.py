"""Translated names of convention bodies."""

from flask_babel import lazy_gettext as _l

BODIES = {
    "cop": _l("Conference of the Parties"),
    "sbstta": _l("Subsidiary Body on Scientific, Technical and Technological Advice"),
    "sbi": _l("Subsidiary Body on Implementation"),
    "standing_committee": _l("Standing Committee"),
    "scientific_council": _l("Scientific Council"),
    "animals_committee": _l("Animals Committee"),
    "plants_committee": _l("Plants Committee"),
    "strp": _l("Scientific and Technical Review Panel"),
    "other": _l("Other body"),
}


def body_label(code: str) -> str:
    """The translated name of a body, or its code if unknown."""
    return str(BODIES.get(code, code))
