"""Rebuild focalpoints/reference/data/memberships.json from reviewed Party lists.

Each input is a folder holding ``memberships.csv`` (instrument, iso2, kind, signed, deposited,
entry_into_force, ended, source, confirmed, note) and ``sources.json`` ({id: {title, url,
read_on}}), as compiled from the depositaries' and Secretariats' records. Rows keep the source
and the "confirmed" flag they were given: a row that no source read confirms stays unconfirmed,
in the data and on the admin pages.

    python scripts/build_memberships.py --as-of 2026-12-01 FOLDER [FOLDER ...]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "focalpoints" / "reference" / "data"
# The Secretariats' published numbers of Parties or signatories, with where each was read.
PUBLISHED_TOTALS = {
    "CBD": 196,
    "CITES": 185,
    # Ramsar Secretariat news: Saudi Arabia the 173rd Contracting Party, in force 2025-08-02.
    "RAMSAR": 173,
    "CMS": 133,
    "ACAP": 13,
    "ASCOBANS": 10,
    # AEWA news, June 2023 (Cameroon the 83rd Party in 2022, 84 in 2023).
    "AEWA": 84,
    # CMS news, 2021: Angola the eighth Party to the Gorilla Agreement.
    "GORILLA": 8,
    # A partner centre's news of the three signatures at CMS COP14 (Kazakhstan, 2024), giving
    # the CMS count; not read in the Secretariat's own text (61 in CMS's pages of 2020-2023).
    "RAPTORS-MOU": 64,
    "IOSEA-MOU": 35,
    # CMS Notification 2018/010; still "the 27 Signatories" on the MOU's project site, 2024.
    "DUGONG-MOU": 27,
}


def code(instrument: str) -> str:
    return instrument.strip().upper().replace("_", "-")


def build(folders: list[Path], as_of: str) -> dict:
    sources: dict[str, dict] = {}
    memberships: list[dict] = []
    used: dict[str, set[str]] = {}
    for folder in folders:
        local = json.loads((folder / "sources.json").read_text())
        rename = {}
        for key, value in local.items():
            new = key if key not in sources or sources[key] == value else f"{folder.name}-{key}"
            rename[key] = new
            sources[new] = {k: value.get(k) for k in ("title", "url", "read_on")}
        with (folder / "memberships.csv").open(newline="") as handle:
            for row in csv.DictReader(handle):
                instrument = code(row["instrument"])
                source = rename.get(row["source"], row["source"]) if row["source"] else None
                if source and source not in sources:
                    source = None
                if source:
                    used.setdefault(instrument, set()).add(source)
                memberships.append(
                    {
                        "instrument": instrument,
                        "country": row["iso2"].strip().upper(),
                        "kind": row["kind"] or "unknown",
                        "signed": row["signed"] or None,
                        "deposited": row["deposited"] or None,
                        "entry_into_force": row["entry_into_force"] or None,
                        "ended": row["ended"] or None,
                        "source": source,
                        "confirmed": row["confirmed"].strip().lower() == "true",
                        "note": row["note"] or None,
                    }
                )
    memberships.sort(key=lambda m: (m["instrument"], m["country"], m["entry_into_force"] or ""))
    instruments = {
        instrument: {
            "as_of": as_of,
            "published_total": PUBLISHED_TOTALS.get(instrument),
            "sources": sorted(ids),
        }
        for instrument, ids in sorted(used.items())
    }
    kept = {key for ids in used.values() for key in ids}
    return {
        "as_of": as_of,
        "sources": {key: sources[key] for key in sorted(kept)},
        "instruments": instruments,
        "memberships": memberships,
    }


def dump(data: dict) -> str:
    """JSON with one membership per line, so that a change reads as a one-line diff."""
    head = {k: v for k, v in data.items() if k != "memberships"}
    text = json.dumps(head, ensure_ascii=False, indent=2)[:-2]
    rows = ",\n".join("    " + json.dumps(m, ensure_ascii=False) for m in data["memberships"])
    return f'{text},\n  "memberships": [\n{rows}\n  ]\n}}\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", required=True)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    data = build(args.folders, args.as_of)
    (DATA / "memberships.json").write_text(dump(data))
    print(f"{len(data['memberships'])} memberships, {len(data['instruments'])} instruments")


if __name__ == "__main__":
    main()
