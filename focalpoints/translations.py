"""The translation workflow: extract, update and compile in one step."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from focalpoints import PROJECT_ROOT

CATALOGUE_DIR = PROJECT_ROOT / "translations"
TEMPLATE = CATALOGUE_DIR / "messages.pot"
MAPPING = PROJECT_ROOT / "babel.cfg"


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = TEMPLATE) -> None:
    """Write the message template (translations/messages.pot) from the code and templates."""
    _pybabel(
        "extract",
        "-F",
        str(MAPPING),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--project",
        "focalpoints",
        "-o",
        str(output),
        str(PROJECT_ROOT),
    )


def update_catalogues(new_language: str | None = None) -> list[str]:
    """Extract, start ``new_language`` if given, update every catalogue and compile them."""
    extract()
    if new_language:
        _pybabel("init", "-i", str(TEMPLATE), "-d", str(CATALOGUE_DIR), "-l", new_language)
    _pybabel(
        "update",
        "-i",
        str(TEMPLATE),
        "-d",
        str(CATALOGUE_DIR),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    _pybabel("compile", "-d", str(CATALOGUE_DIR))
    languages = sorted(p.name for p in CATALOGUE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())
    return [f"Catalogues extracted, updated and compiled: {', '.join(languages)}."]
