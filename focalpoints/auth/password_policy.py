"""Which passwords the app refuses, and why (ASVS 5.0 V6.2: length, breached, context words).

Long passwords of any characters are welcome; refused are the short and repetitive ones, those
on a list of the most common passwords found in breaches (which attackers try first), and those
built from the account's own name or e-mail address, with or without digits or a year around
them. The list ships with the package (no call to an outside service): Django's
``common-passwords.txt.gz``, 19,640 passwords compiled by Royce Williams, BSD-3-Clause.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import re
import unicodedata
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"
MAX_LENGTH = 256
# Words of this app that a user might build a password from.
APP_WORDS = ("focalpoints", "focalpoint")
# Digits, spaces and punctuation that people put before or after a word ("Kamau1985!").
_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_PARTS = re.compile(r"[\W\d_]+")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, folded (read once per process)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(_fold(line.strip()) for line in lines if line.strip())


def _fold(text: str) -> str:
    """Lower case without accents, so that 'Émilie' and 'emilie' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letters(text: str) -> str:
    return _PARTS.sub("", text)


def personal_words(name: str = "", email: str = "") -> set[str]:
    """What a password built from this name and e-mail address reduces to: each part of the
    name and of the address's local part, any two of them run together ("janedoe", "doejane"),
    and all of them."""
    words: set[str] = set(APP_WORDS)
    local = _fold(email).partition("@")[0]
    name_parts = [p for p in _PARTS.split(_fold(name)) if p]
    local_parts = [p for p in _PARTS.split(local) if p]
    for parts in (name_parts, local_parts):
        words.update(parts)
        words.update(a + b for a, b in itertools.permutations(parts, 2))
        if len(parts) > 2:
            words.add("".join(parts))
            words.add("".join(reversed(parts)))
    if local_parts:
        words.add(_letters(local))
    if len(name_parts) > 1:
        # Initial and family name, as in many e-mail addresses ("jdoe", "doej").
        words.add(name_parts[0][0] + name_parts[-1])
        words.add(name_parts[-1] + name_parts[0][0])
    return {w for w in words if len(w) >= 3}


def password_problem(password: str, name: str = "", email: str = "") -> Any | None:
    """Why ``password`` is refused for the account with this name and e-mail, or None."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _l("Use at least %(n)d characters.", n=minimum)
    if len(password) > MAX_LENGTH:
        return _l("Use at most 256 characters.")
    if len(set(password)) < 4:
        return _l("Use a less repetitive password.")
    folded = _fold(password)
    core = _AROUND.sub("", folded)
    common = common_passwords()
    if folded in common or core in common or _letters(folded) in common:
        return _l(
            "This password is one of the most common ones, found in lists of breached "
            "passwords that attackers try first. Choose another."
        )
    if _letters(core) in personal_words(name, email):
        return _l(
            "This password is built from your name or e-mail address, which others can "
            "guess. Choose another."
        )
    return None


class PasswordRefused(ValueError):
    """A password the policy refuses; ``message`` says why, translated."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def check_password(password: str, name: str = "", email: str = "") -> None:
    """Raise PasswordRefused if ``password_problem`` finds one."""
    problem = password_problem(password, name, email)
    if problem is not None:
        raise PasswordRefused(problem)
