"""Fill the UN names of focalpoints/reference/data/countries.json from UNTERM.

Every country gets ``names`` (UNTERM short name per UN language, bracketed article and observer
marks removed: "Republic of Korea (the)" -> "Republic of Korea"), ``formal_names`` (UNTERM
formal name, article kept: "the Republic of Korea"), ``aliases`` (common English names that
search should find) and ``name`` (the English short name, for readers of the file). The gaps of
the UNTERM columns are filled from the entries below, each with its source in ``name_sources``.

Usage: python scripts/build_country_names.py [CSV]
CSV defaults to scripts/sources/country-codes.csv (see scripts/sources/README.md).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT / "scripts" / "sources" / "country-codes.csv"
DATA = ROOT / "focalpoints" / "reference" / "data" / "countries.json"

#: UN languages in the order the UN lists them, with the CSV's column names.
LANGUAGES = {
    "ar": "Arabic",
    "zh": "Chinese",
    "en": "English",
    "fr": "French",
    "ru": "Russian",
    "es": "Spanish",
}
_ARTICLE = re.compile("\\s*\\((?:the|le|la|les|l'|l\u2019|el|los|las)\\)$")
# "*": observer State (Holy See, State of Palestine); "**": listed apart (Cook Islands, Niue).
_MARKS = re.compile(r"\s*\*+$")

CSV_SOURCE = (
    "UNTERM short and formal names: the 'UNTERM <language> Short/Formal' columns of "
    "data/country-codes.csv of the public-domain data package datasets/country-codes "
    "(ODC-PDDL-1.0; commit caa72d1e0e5af8876c170bb36a9e4d64a01bba88, May 2026), copied in "
    "scripts/sources/country-codes.csv; regenerate with scripts/build_country_names.py"
)

# Entries that the CSV lacks or that changed after UNTERM's extract, in UNTERM's own form
# (bracketed articles included) so that they are cleaned like the rest.
SUPPLEMENTS: dict[str, dict] = {
    "CI": {
        "short": {
            "ar": "كوت ديفوار",
            "zh": "科特迪瓦",
            "en": "Côte d'Ivoire",
            "fr": "Côte d'Ivoire (la)",
            "ru": "Кот-д\u2019Ивуар",
            "es": "Côte d\u2019Ivoire",
        },
        "formal": {
            "ar": "جمهورية كوت ديفوار",
            "zh": "科特迪瓦共和国",
            "en": "the Republic of Côte d'Ivoire",
            "fr": "la République de Côte d'Ivoire",
            "ru": "Республика Кот-д\u2019Ивуар",
            "es": "la República de Côte d\u2019Ivoire",
        },
        "source": (
            "UNTERM's entry as extracted earlier by the same data package "
            "(datasets/country-codes data/unterm_names.csv, commit "
            "a09b84ab199694aa3db18d7bfc15f632543db672): the current extract has the row "
            "re-keyed and its UNTERM columns empty; the names agree with the M49 "
            "official_name_* columns except English, where M49 has Côte d'Ivoire's UN name"
        ),
    },
    "TR": {
        "short": {
            "ar": "تركيا",
            "zh": "土耳其",
            "en": "Türkiye",
            "fr": "Türkiye",
            "ru": "Турция",
            "es": "Türkiye",
        },
        "formal": {
            "ar": "جمهورية تركيا",
            "zh": "土耳其共和国",
            "en": "the Republic of Türkiye",
            "fr": "la République de Türkiye",
            "ru": "Турецкая Республика",
            "es": "la República de Türkiye",
        },
        "source": (
            "The UNTERM columns are empty since the 2022 change. English, French and Spanish "
            "'Türkiye' and English 'Republic of Türkiye': the UN's acceptance of Türkiye's "
            "request (Spokesperson of the Secretary-General, 1-2 June 2022). French and "
            "Spanish formal names: 'République de Türkiye' / 'República de Türkiye', the "
            "earlier UNTERM pattern with the new name, not confirmed against UNTERM. Arabic, "
            "Chinese and Russian short names: the M49 official_name_* columns of the same CSV "
            "(unchanged by the 2022 request; UN News in Russian still writes 'Турция' in "
            "2023); their formal names: UNTERM's earlier entry (datasets/country-codes "
            "data/unterm_names.csv, commit a09b84ab199694aa3db18d7bfc15f632543db672), not "
            "confirmed as current"
        ),
    },
    "EU": {
        "short": {
            "ar": "الاتحاد الأوروبي",
            "zh": "欧洲联盟",
            "en": "European Union",
            "fr": "Union européenne",
            "ru": "Европейский союз",
            "es": "Unión Europea",
        },
        "formal": {
            "ar": "الاتحاد الأوروبي",
            "zh": "欧洲联盟",
            "en": "the European Union",
            "fr": "l'Union européenne",
            "ru": "Европейский союз",
            "es": "la Unión Europea",
        },
        "source": (
            "Not a State, so not in UNTERM's country list: the Union's official name in each "
            "UN language as UN documents write it (short and formal names are the same)"
        ),
    },
}

# Short names the UN changed after UNTERM's extract; formal names stay UNTERM's.
SHORT_NAME_CHANGES: dict[str, dict] = {
    "NL": {
        "short": {
            "ar": "هولندا (مملكة -)",
            "zh": "荷兰王国",
            "en": "Netherlands (Kingdom of the)",
            "fr": "Pays-Bas (Royaume des)",
            "ru": "Нидерланды (Королевство)",
            "es": "Países Bajos (Reino de los)",
        },
        "source": (
            "UN short name since 2023: English 'Netherlands (Kingdom of the)' (UN usage, also "
            "ISO 3166-1 since 2023); the other languages from the M49 official_name_* columns "
            "of the same CSV, which carry the change (the Arabic placeholder '_' written '-' "
            "as in the other inverted UN Arabic names); formal names: UNTERM's, unchanged"
        ),
    },
}

#: Common English names a reader may type, beyond the UN and CLDR names.
ALIASES: dict[str, list[str]] = {
    "AE": ["UAE"],
    "BA": ["Bosnia"],
    "BN": ["Brunei"],
    "BO": ["Bolivia"],
    "BS": ["The Bahamas"],
    "CD": ["Congo-Kinshasa", "DRC", "DR Congo", "Zaire"],
    "CG": ["Congo-Brazzaville", "Republic of the Congo"],
    "CI": ["Ivory Coast"],
    "CV": ["Cape Verde"],
    "CZ": ["Czech Republic"],
    "FM": ["Micronesia"],
    "GB": ["UK", "United Kingdom", "Great Britain", "Britain"],
    "GM": ["The Gambia"],
    "IR": ["Iran"],
    "KN": ["St Kitts and Nevis"],
    "KP": ["North Korea", "DPRK"],
    "KR": ["South Korea", "Korea"],
    "LA": ["Laos", "Lao PDR"],
    "LC": ["St Lucia"],
    "MD": ["Moldova"],
    "MK": ["Macedonia"],
    "MM": ["Burma"],
    "NL": ["Holland"],
    "PS": ["Palestine"],
    "RU": ["Russia"],
    "SY": ["Syria"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor"],
    "TR": ["Turkey"],
    "TZ": ["Tanzania"],
    "US": ["USA", "US", "United States", "America"],
    "VA": ["Vatican", "Vatican City"],
    "VC": ["St Vincent and the Grenadines"],
    "VE": ["Venezuela"],
    "VN": ["Vietnam"],
}


def short_name(text: str) -> str:
    """A UNTERM short name for display: no observer marks, no bracketed article."""
    return _ARTICLE.sub("", _MARKS.sub("", " ".join(text.split())))


def formal_name(text: str) -> str:
    """A UNTERM formal name as written in running text: no observer marks."""
    return _MARKS.sub("", " ".join(text.split()))


def un_names(rows: dict[str, dict[str, str]], iso2: str) -> tuple[dict, dict]:
    """The short and formal names of one country, per language."""
    supplement = SUPPLEMENTS.get(iso2)
    if supplement is not None:
        short, formal = supplement["short"], supplement["formal"]
    else:
        row = rows[iso2]
        short = {code: row[f"UNTERM {lang} Short"] for code, lang in LANGUAGES.items()}
        formal = {code: row[f"UNTERM {lang} Formal"] for code, lang in LANGUAGES.items()}
    short = SHORT_NAME_CHANGES.get(iso2, {}).get("short", short)
    names = {code: short_name(short[code]) for code in LANGUAGES}
    formal_names = {code: formal_name(formal[code]) for code in LANGUAGES}
    missing = [code for code in LANGUAGES if not names[code] or not formal_names[code]]
    if missing:
        raise SystemExit(f"{iso2}: no UN name in {', '.join(missing)}")
    return names, formal_names


def build(csv_path: Path) -> dict:
    """countries.json with its UN names filled from ``csv_path``."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = {row["ISO3166-1-Alpha-2"]: row for row in csv.DictReader(handle)}
    data = json.loads(DATA.read_text(encoding="utf-8"))
    countries = []
    for entry in data["countries"]:
        names, formal_names = un_names(rows, entry["iso2"])
        rebuilt = {}
        for key, value in entry.items():
            if key in ("names", "formal_names", "aliases"):
                continue
            rebuilt[key] = names["en"] if key == "name" else value
            if key == "name":
                rebuilt["names"] = names
                rebuilt["formal_names"] = formal_names
                rebuilt["aliases"] = ALIASES.get(entry["iso2"], [])
        countries.append(rebuilt)
    data["countries"] = countries
    data["source"] = re.sub(r"; English short names from CLDR \(Babel\)", "", data["source"])
    data["source"] = data["source"].split("; names: ")[0] + "; names: " + CSV_SOURCE
    sources = {"default": CSV_SOURCE + "; '*' and '**' marks and bracketed articles removed"}
    sources |= {code: s["source"] for code, s in {**SUPPLEMENTS, **SHORT_NAME_CHANGES}.items()}
    data["name_sources"] = sources
    return data


def main() -> None:
    csv_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    data = build(csv_path)
    DATA.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(data['countries'])} countries named from {csv_path}")


if __name__ == "__main__":
    main()
