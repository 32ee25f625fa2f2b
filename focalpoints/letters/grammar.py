"""The forms that a letter's fixed sentences need of a country's and a Secretariat's names.

The sentences themselves are in the catalogues; they take the names already in the form their
place needs: "of the Republic of Kenya", "de la République du Kenya", "del Reino de España",
"Республики Кения" (Russian genitive), and the Secretariat as the one addressed
("au Secrétariat de …", "Секретариату …").
"""

from __future__ import annotations

import re

_FRENCH_VOWEL = re.compile(r"^[AEIOUYÂÊÎÔÛÉÈËÏÜaeiouyâêîôûéèëïü]")


def of_country(formal_name_with_article: str, language: str) -> str:
    """The country's UN formal name after "of" ("the Ministry … of <country>")."""
    name = formal_name_with_article
    if language == "en":
        return f"of {name}"
    if language == "fr":
        for article, contracted in (("le ", "du "), ("les ", "des ")):
            if name.startswith(article):
                return contracted + name[len(article) :]
        if name.startswith(("la ", "l'", "l’")):
            return f"de {name}"
        return f"d'{name}" if _FRENCH_VOWEL.match(name) else f"de {name}"
    if language == "es":
        if name.startswith("el "):
            return "del " + name[3:]
        return f"de {name}"
    if language == "ru":
        return russian_genitive(name)
    return name  # Arabic and Chinese: the sentence places the name as it is


def to_secretariat(name: str, language: str) -> str:
    """The Secretariat's name as the one addressed ("to the Secretariat of …", "au …")."""
    if language == "en":
        return f"to the {name}"
    if language == "fr":
        return f"au {name}"
    if language == "es":
        return f"a la {name}"
    if language == "ru" and name.startswith("Секретариат "):
        return "Секретариату " + name.removeprefix("Секретариат ")
    return name


# Russian: the genitive of UN formal names ("Республика Корея" -> "Республики Корея").
# A name is its leading adjectives and head noun, which decline, and what follows, which does
# not ("Федеративная Республика Германия" -> "Федеративной Республики Германия").
_HEAD_NOUNS = {
    "республика": "республики",
    "федерация": "федерации",
    "конфедерация": "конфедерации",
    "королевство": "королевства",
    "княжество": "княжества",
    "герцогство": "герцогства",
    "государство": "государства",
    "содружество": "содружества",
    "союз": "союза",
    "штаты": "штатов",
    "эмираты": "эмиратов",
    "острова": "островов",
    "султанат": "султаната",
    "престол": "престола",
}
_ADJECTIVE_ENDINGS = (
    ("ая", "ой"),
    ("яя", "ей"),
    ("ое", "ого"),
    ("ее", "его"),
    ("ый", "ого"),
    ("ой", "ого"),
    ("кий", "кого"),
    ("гий", "гого"),
    ("хий", "хого"),
    ("ий", "его"),
    ("ые", "ых"),
    ("ие", "их"),
    ("овы", "овых"),
)
# Names that are not an adjective-and-noun phrase, as UNTERM writes them, with their genitive.
_RUSSIAN_GENITIVES = {
    "Австралия": "Австралии",
    "Антигуа и Барбуда": "Антигуа и Барбуды",
    "Барбадос": "Барбадоса",
    "Белиз": "Белиза",
    "Босния и Герцеговина": "Боснии и Герцеговины",
    "Бруней-Даруссалам": "Бруней-Даруссалама",
    "Буркина-Фасо": "Буркина-Фасо",
    "Венгрия": "Венгрии",
    "Гренада": "Гренады",
    "Грузия": "Грузии",
    "Ирландия": "Ирландии",
    "Канада": "Канады",
    "Малайзия": "Малайзии",
    "Монголия": "Монголии",
    "Непал": "Непала",
    "Ниуэ": "Ниуэ",
    "Новая Зеландия": "Новой Зеландии",
    "Румыния": "Румынии",
    "Сент-Винсент и Гренадины": "Сент-Винсента и Гренадин",
    "Сент-Китс и Невис": "Сент-Китс и Невис",
    "Сент-Люсия": "Сент-Люсии",
    "Тувалу": "Тувалу",
    "Туркменистан": "Туркменистана",
    "Украина": "Украины",
    "Черногория": "Черногории",
    "Ямайка": "Ямайки",
    "Япония": "Японии",
}


def _capitalised_like(word: str, model: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def russian_genitive(name: str) -> str:
    """The genitive of a Russian country name; the name unchanged where no rule knows it."""
    if name in _RUSSIAN_GENITIVES:
        return _RUSSIAN_GENITIVES[name]
    words = name.split(" ")
    for index, word in enumerate(words):
        lower = word.lower()
        if lower in _HEAD_NOUNS:
            words[index] = _capitalised_like(_HEAD_NOUNS[lower], word)
            return " ".join(words)
        for ending, genitive in _ADJECTIVE_ENDINGS:
            if lower.endswith(ending):
                words[index] = word[: -len(ending)] + genitive
                break
        else:
            return name  # neither an adjective nor a known head noun: leave the name whole
    return name


def knows_russian_genitive(name: str) -> bool:
    """Whether :func:`russian_genitive` declines ``name`` (for the tests over every country)."""
    return name in _RUSSIAN_GENITIVES or russian_genitive(name) != name
