"""The Secretariats that receive designation letters: their names, postal addresses and languages.

Each instrument (a row of ``conventions``) is served by one Secretariat; an instrument not listed
in :data:`SERVED_BY` is served by its parent's (the CBD's protocols by the CBD Secretariat), and
one with neither gets a placeholder address the official completes.

Languages: the CBD Secretariat works in the six UN languages; CMS, CITES and Ramsar, and the
instruments of the CMS Family, in English, French and Spanish (the languages of their official
correspondence and meeting documents).

Sources, read for this table (``confirmed=False`` where the address was not found in a stored
copy of the Secretariat's own page or of a directory quoting it, and should be checked):

- CBD: https://www.cbd.int/secretariat/ (contact: 413, Saint-Jacques Street, suite 800,
  Montreal QC H2Y 1N9), also quoted by https://landportal.org/organization/convention-biological-diversity
- CMS and the instruments it serves (Gorilla Agreement, Sharks MOU, IOSEA, ASCOBANS since 2007):
  https://www.cms.int/en/about/secretariat (UN Campus, Bonn); ASCOBANS:
  https://www.bonn.de/themen-entdecken/uno-internationales/ (its Secretariat functions are carried
  by the CMS Secretariat)
- CMS Office – Abu Dhabi (Raptors MOU Coordinating Unit, Dugong MOU Secretariat):
  https://www.cms.int/en/about/secretariat
- AEWA, EUROBATS: UN Campus, Bonn (https://www.unep-aewa.org/en/contact,
  https://www.eurobats.org/contact)
- CITES: https://cites.org/eng/disc/sec/index.php (International Environment House,
  11-13 chemin des Anémones, CH-1219 Châtelaine, Geneva), quoted by
  http://www.environmenthouse.ch/?q=en/green_guide/cites
- Ramsar: https://www.ramsar.org/about/secretariat (Rue Mauverney 28, CH-1196 Gland), quoted by
  https://www.genevaenvironmentnetwork.org/ (Convention on Wetlands)
- ACAP: https://www.acap.aq/contact-us (Hobart, Tasmania) — street address unconfirmed
- ACCOBAMS: https://accobams.org/contact/ (Permanent Secretariat hosted by Monaco) — street
  address unconfirmed
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UN_LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
CMS_FAMILY_LANGUAGES = ("en", "fr", "es")
_BONN = (
    "UN Campus",
    "Platz der Vereinten Nationen 1",
    "53113 Bonn",
)
_CMS_NAMES = {
    "en": "Secretariat of the Convention on the Conservation of Migratory Species of Wild Animals",
    "fr": "Secrétariat de la Convention sur la conservation des espèces migratrices "
    "appartenant à la faune sauvage",
    "es": "Secretaría de la Convención sobre la Conservación de las Especies Migratorias "
    "de Animales Silvestres",
    # Named on pages in the other UN languages too, though letters go in English, French or
    # Spanish (the convention's names as translations/GLOSSARY.md gives them).
    "ru": "Секретариат Конвенции о сохранении мигрирующих видов диких животных",
    "ar": "أمانة اتفاقية حفظ أنواع الحيوانات البرية المهاجرة",
    "zh": "保护野生动物迁徙物种公约秘书处",
}


@dataclass(frozen=True)
class Secretariat:
    """A Secretariat: its name in each language it works in, postal address and languages."""

    code: str
    names: dict[str, str]
    address: tuple[str, ...]
    # Country of the address, ISO alpha-2: its name is written in the letter's language.
    address_country: str | None
    languages: tuple[str, ...]
    source: str
    confirmed: bool = True

    def name_in(self, language: str) -> str:
        """The Secretariat's name in ``language`` (a page's or a letter's), else in English."""
        return self.names.get(language) or self.names["en"]


SECRETARIATS: dict[str, Secretariat] = {
    s.code: s
    for s in (
        Secretariat(
            code="CBD",
            names={
                "en": "Secretariat of the Convention on Biological Diversity",
                "fr": "Secrétariat de la Convention sur la diversité biologique",
                "es": "Secretaría del Convenio sobre la Diversidad Biológica",
                "ru": "Секретариат Конвенции о биологическом разнообразии",
                "ar": "أمانة اتفاقية التنوع البيولوجي",
                "zh": "生物多样性公约秘书处",
            },
            address=("413, Saint-Jacques Street, Suite 800", "Montreal QC H2Y 1N9"),
            address_country="CA",
            languages=UN_LANGUAGES,
            source="https://www.cbd.int/secretariat/",
        ),
        Secretariat(
            code="CMS",
            names=_CMS_NAMES,
            address=_BONN,
            address_country="DE",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://www.cms.int/en/about/secretariat",
        ),
        Secretariat(
            code="CMS-ABU-DHABI",
            names={
                "en": _CMS_NAMES["en"] + " (CMS Office – Abu Dhabi)",
                "fr": _CMS_NAMES["fr"] + " (Bureau de la CMS à Abou Dhabi)",
                "es": _CMS_NAMES["es"] + " (Oficina de la CMS en Abu Dhabi)",
            },
            address=("c/o Environment Agency – Abu Dhabi", "P.O. Box 45553", "Abu Dhabi"),
            address_country="AE",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://www.cms.int/en/about/secretariat",
            confirmed=False,  # the post-office box
        ),
        Secretariat(
            code="AEWA",
            names={
                "en": "Secretariat of the Agreement on the Conservation of African-Eurasian "
                "Migratory Waterbirds",
                "fr": "Secrétariat de l'Accord sur la conservation des oiseaux d'eau migrateurs "
                "d'Afrique-Eurasie",
                "es": "Secretaría del Acuerdo sobre la Conservación de las Aves Acuáticas "
                "Migratorias Afroeuroasiáticas",
            },
            address=_BONN,
            address_country="DE",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://www.unep-aewa.org/en/contact",
        ),
        Secretariat(
            code="EUROBATS",
            names={
                "en": "Secretariat of the Agreement on the Conservation of Populations of "
                "European Bats",
                "fr": "Secrétariat de l'Accord relatif à la conservation des populations de "
                "chauves-souris d'Europe",
                "es": "Secretaría del Acuerdo sobre la Conservación de las Poblaciones de "
                "Murciélagos Europeos",
            },
            address=_BONN,
            address_country="DE",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://www.eurobats.org/contact",
        ),
        Secretariat(
            code="ASCOBANS",
            names={
                "en": "Secretariat of the Agreement on the Conservation of Small Cetaceans of "
                "the Baltic, North East Atlantic, Irish and North Seas",
                "fr": "Secrétariat de l'Accord sur la conservation des petits cétacés de la mer "
                "Baltique, du nord-est de l'Atlantique et des mers d'Irlande et du Nord",
                "es": "Secretaría del Acuerdo sobre la Conservación de los Pequeños Cetáceos "
                "del Mar Báltico, el Atlántico Nordeste y los Mares de Irlanda y del Norte",
            },
            address=_BONN,
            address_country="DE",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://www.bonn.de/themen-entdecken/uno-internationales/",
        ),
        Secretariat(
            code="ACAP",
            names={
                "en": "Secretariat of the Agreement on the Conservation of Albatrosses and Petrels",
                "fr": "Secrétariat de l'Accord sur la conservation des albatros et des pétrels",
                "es": "Secretaría del Acuerdo sobre la Conservación de Albatros y Petreles",
            },
            address=("Level 2, 119 Macquarie Street", "Hobart TAS 7000"),
            address_country="AU",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://www.acap.aq/contact-us",
            confirmed=False,
        ),
        Secretariat(
            code="ACCOBAMS",
            names={
                "en": "Permanent Secretariat of the Agreement on the Conservation of Cetaceans "
                "of the Black Sea, Mediterranean Sea and Contiguous Atlantic Area",
                "fr": "Secrétariat permanent de l'Accord sur la conservation des cétacés de la "
                "mer Noire, de la Méditerranée et de la zone atlantique adjacente",
                "es": "Secretaría Permanente del Acuerdo sobre la Conservación de los Cetáceos "
                "del Mar Negro, el Mar Mediterráneo y la Zona Atlántica Contigua",
            },
            address=("Jardin de l'UNESCO, Les Terrasses de Fontvieille", "MC 98000 Monaco"),
            address_country="MC",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://accobams.org/contact/",
            confirmed=False,
        ),
        Secretariat(
            code="CITES",
            names={
                "en": "Secretariat of the Convention on International Trade in Endangered "
                "Species of Wild Fauna and Flora",
                "fr": "Secrétariat de la Convention sur le commerce international des espèces "
                "de faune et de flore sauvages menacées d'extinction",
                "es": "Secretaría de la Convención sobre el Comercio Internacional de Especies "
                "Amenazadas de Fauna y Flora Silvestres",
                "ru": "Секретариат Конвенции о международной торговле видами дикой фауны и "
                "флоры, находящимися под угрозой исчезновения",
                "ar": "أمانة اتفاقية الاتجار الدولي بأنواع الحيوانات والنباتات البرية المهددة "
                "بالانقراض",
                "zh": "濒危野生动植物种国际贸易公约秘书处",
            },
            address=(
                "International Environment House",
                "11-13, chemin des Anémones",
                "CH-1219 Châtelaine, Geneva",
            ),
            address_country="CH",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://cites.org/eng/disc/sec/index.php",
        ),
        Secretariat(
            code="RAMSAR",
            names={
                "en": "Secretariat of the Convention on Wetlands",
                "fr": "Secrétariat de la Convention sur les zones humides",
                "es": "Secretaría de la Convención sobre los Humedales",
                "ru": "Секретариат Конвенции о водно-болотных угодьях",
                "ar": "أمانة اتفاقية الأراضي الرطبة",
                "zh": "湿地公约秘书处",
            },
            address=("Rue Mauverney 28", "CH-1196 Gland"),
            address_country="CH",
            languages=CMS_FAMILY_LANGUAGES,
            source="https://www.ramsar.org/about/secretariat",
        ),
    )
}

# Instrument code -> the Secretariat that serves it, where it is not the instrument's own code.
SERVED_BY = {
    "CARTAGENA": "CBD",
    "NAGOYA": "CBD",
    "GORILLA": "CMS",
    "SHARKS-MOU": "CMS",
    "IOSEA-MOU": "CMS",
    "RAPTORS-MOU": "CMS-ABU-DHABI",
    "DUGONG-MOU": "CMS-ABU-DHABI",
}


def secretariat_of(instrument: Any) -> Secretariat:
    """The Secretariat of ``instrument`` (a :class:`~focalpoints.conventions.models.Convention`),
    else of the instrument it belongs to, else one to complete by hand."""
    seen = 0
    current = instrument
    while current is not None and seen < 5:
        code = SERVED_BY.get(current.code, current.code)
        if code in SECRETARIATS:
            return SECRETARIATS[code]
        current, seen = current.parent, seen + 1
    names = instrument.names or {}
    return Secretariat(
        code=instrument.code,
        names={"en": "Secretariat of the " + (names.get("en") or instrument.code)},
        address=("[…]",),
        address_country=None,
        languages=("en",),
        source="",
        confirmed=False,
    )
