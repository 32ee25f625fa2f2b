"""Rebuild the adopted texts in focalpoints/reference/data/frameworks.json.

Reads the compiled texts in scripts/reference/gbf/gbf.json (the Kunming-Montreal Global
Biodiversity Framework, decision 15/4) and scripts/reference/plans/plans.json (CITES Strategic
Vision, Ramsar Strategic Plans, Strategic Plan for Migratory Species 2024-2032), each text with its
source and whether a second source confirmed it. Frameworks not compiled there (Aichi, SPMS 2015,
SDG) are kept as they are.

    python scripts/build_frameworks.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA = ROOT.parent / "focalpoints" / "reference" / "data" / "frameworks.json"
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
# Identifier prefixes already in use, so that national alignments keep their links.
PREFIXES = {
    "CITES-SV": "CITESSV",
    "RAMSAR-SP4": "RAMSARSP4",
    "RAMSAR-SP5": "RAMSARSP5",
    "SPMS-2024": "SPMS2024",
}


def _sources(sources: dict) -> dict:
    """Sources with their reading day as a plain date."""
    result = {}
    for key, source in sources.items():
        day = re.search(r"\d{4}-\d{2}-\d{2}", source.get("read_on") or "")
        result[key] = {
            "title": source.get("title"),
            "url": source.get("url"),
            "read_on": day.group(0) if day else None,
        }
    return result


def _texts(values: dict | None) -> dict[str, str]:
    return {lang: values[lang] for lang in LANGUAGES if values and values.get(lang)}


def gbf(existing: dict) -> dict:
    source = json.loads((ROOT / "reference" / "gbf" / "gbf.json").read_text())
    elements = []
    for order, goal in enumerate(source["goals"], start=1):
        elements.append(
            {
                "kind": "goal",
                "code": goal["code"],
                "identifier": f"GBF-GOAL-{goal['code']}",
                "titles": {},
                "texts": _texts(goal["text"]),
                "source": next(iter(goal.get("sources", {}).values()), "ttl"),
                "confirmed": bool(goal.get("confirmed", {}).get("en")),
                "sort_order": order * 10,
            }
        )
    targets = {t["number"]: t for t in source["targets"]}
    order = 100
    for section in source["sections"]:
        elements.append(
            {
                "kind": "section",
                "code": section["code"],
                "identifier": f"GBF-SECTION-{section['code']}",
                "titles": _texts(section["title"]),
                "texts": {},
                "source": next(iter(section.get("sources", {}).values()), None),
                "confirmed": False,  # read on the IUCN's list, not in the decision itself
                "sort_order": order,
            }
        )
        order += 10
        for number in section["targets"]:
            target = targets[number]
            confirmed = target.get("confirmed", {})
            elements.append(
                {
                    "kind": "target",
                    "code": str(number),
                    "identifier": f"GBF-TARGET-{number:02d}",
                    "parent": f"GBF-SECTION-{section['code']}",
                    # The CBD's own short titles, only where it publishes one.
                    "titles": _texts(target.get("short_title")),
                    "texts": _texts(target["text"]),
                    "source": target.get("sources", {}).get("en"),
                    "confirmed": bool(confirmed.get("en")),
                    "sort_order": order,
                }
            )
            order += 10
    return {
        **existing,
        "adopted_by": "CBD decision 15/4 (CBD/COP/DEC/15/4), 19 December 2022",
        "sources": _sources(source["sources"]),
        "elements": elements,
    }


def plan(existing: dict | None, compiled: dict, sources: dict) -> dict:
    prefix = PREFIXES[compiled["code"]]
    elements = []
    for order, element in enumerate(compiled["elements"], start=1):
        texts, titles = _texts(element.get("text")), _texts(element.get("title"))
        if not texts and not titles:
            continue  # known to exist, but no source read gives its words: listed in NOTES.md
        kind = "goal" if element["kind"] == "goal" else "target"
        code = element["code"]
        identifier = (
            f"{prefix}-GOAL-{code}"
            if kind == "goal"
            else f"{prefix}-TARGET-{code.zfill(2) if code.isdigit() else code}"
        )
        entry = {
            "kind": kind,
            "code": code,
            "identifier": identifier,
            "titles": titles,
            "texts": texts,
            "source": element.get("source"),
            "confirmed": bool(element.get("confirmed")),
            "sort_order": order * 10,
        }
        if element.get("parent"):
            entry["parent"] = f"{prefix}-GOAL-{element['parent']}"
        elements.append(entry)
    used = {e["source"] for e in elements if e["source"]}
    result = dict(existing or {})
    result.update(
        {
            "code": compiled["code"],
            "names": {**(existing or {}).get("names", {}), **_texts(compiled["names"])},
            "adopted_by": compiled.get("adopted_by"),
            "sources": _sources({key: sources[key] for key in sorted(used) if key in sources}),
            "elements": elements,
        }
    )
    return result


def main() -> None:
    data = json.loads(DATA.read_text())
    frameworks = {f["code"]: f for f in data["frameworks"]}
    frameworks["GBF"] = gbf(frameworks["GBF"])
    plans = json.loads((ROOT / "reference" / "plans" / "plans.json").read_text())
    for compiled in plans["frameworks"]:
        frameworks[compiled["code"]] = plan(
            frameworks.get(compiled["code"]), compiled, plans["sources"]
        )
    sp5 = frameworks["RAMSAR-SP5"]
    sp5.setdefault("short_names", {"en": "Ramsar SP5"})
    sp5.setdefault("start_year", 2025)
    sp5.setdefault("end_year", 2034)
    sp5.setdefault("adopted_year", 2025)
    sp5.setdefault("supersedes", "RAMSAR-SP4")
    sp5.setdefault("conventions", ["RAMSAR"])
    sp5.setdefault("website", "https://www.ramsar.org")
    sp5.setdefault("sort_order", frameworks["RAMSAR-SP4"].get("sort_order", 50) + 1)
    order = [f["code"] for f in data["frameworks"]]
    order.insert(order.index("RAMSAR-SP4") + 1, "RAMSAR-SP5") if "RAMSAR-SP5" not in order else None
    data["frameworks"] = [frameworks[code] for code in order]
    data["as_of"] = plans.get("as_of") or data["as_of"]
    DATA.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(", ".join(f"{f['code']}: {len(f['elements'])}" for f in data["frameworks"]))


if __name__ == "__main__":
    main()
