"""Country names: an administrator's official name, else the UN's (UNTERM), else CLDR's.

Shared by :class:`~focalpoints.countries.models.Country` and the cached
:class:`~focalpoints.reference.snapshot.CountryRecord`, so that every page, export and API
response names and sorts a country the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Protocol

from focalpoints.i18n import fold, territory_name

# Leading articles of UNTERM's formal names ("the Republic of Korea", "l'État de Palestine").
_ARTICLES = {
    "en": re.compile(r"^the\s+"),
    "fr": re.compile("^(?:le\\s+|la\\s+|les\\s+|l['\u2019]\\s*)"),
    "es": re.compile(r"^(?:el|la|los|las)\s+"),
}
# Straight and typographic apostrophes, modifier letter apostrophe, grave and acute accents.
_APOSTROPHE = re.compile("['\u2019\u2018\u02bc`\u00b4]")
_PUNCTUATION = re.compile(r"[^\w\s]|_")


class Named(Protocol):
    """What naming a country needs: its code and its stored names."""

    iso2: str
    official_names: Mapping[str, str]
    un_names: Mapping[str, str]
    un_formal_names: Mapping[str, str]
    aliases: list[str] | tuple[str, ...]


def name_in(country: Named, language: str) -> str:
    """The short name shown to a reader of ``language``."""
    return (
        country.official_names.get(language)
        or country.un_names.get(language)
        or territory_name(country.iso2, language)
    )


def formal_name_in(country: Named, language: str, article: bool = False) -> str:
    """The UN formal name ("Republic of Korea"; with ``article``, "the Republic of Korea" as
    running text needs it), else the short name."""
    formal = country.un_formal_names.get(language)
    if not formal:
        return name_in(country, language)
    if article:
        return formal
    without = _ARTICLES[language].sub("", formal) if language in _ARTICLES else formal
    return without[:1].upper() + without[1:]


def search_fold(text: str) -> str:
    """Text as a search compares it: :func:`fold`, without apostrophes, other punctuation as
    spaces, so that "Cote d'Ivoire", "Côte d'Ivoire" with a typographic apostrophe and "cote
    divoire" are one."""
    plain = _PUNCTUATION.sub(" ", _APOSTROPHE.sub("", fold(text)))
    return " ".join(plain.split())


def search_terms(country: Named, language: str) -> Iterator[str]:
    """Every name a reader of ``language`` may search a country by: the shown name, the UN
    short and formal names in that language and in English, CLDR's and common English aliases."""
    yield name_in(country, language)
    for lang in dict.fromkeys((language, "en")):
        yield country.un_names.get(lang, "")
        yield country.un_formal_names.get(lang, "")
        yield territory_name(country.iso2, lang)
    yield from country.aliases


@functools.lru_cache(maxsize=16384)  # every name in every language, several times over
def _folded_name(name: str) -> str:
    return search_fold(name)


def matches(country: Named, language: str, needle: str) -> bool:
    """Whether ``needle`` (already passed through :func:`search_fold`) is in one of the names."""
    return any(needle in _folded_name(term) for term in search_terms(country, language) if term)
