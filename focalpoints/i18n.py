"""The one locale selector, the language list and helpers for translated reference data."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import flask_babel
import icu
from babel import Locale
from babel import dates as babel_dates
from babel.dates import format_skeleton as babel_format_skeleton
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from focalpoints import data_folder
from focalpoints.extensions import babel
from focalpoints.security import is_public_page

#: Every UN language, named in itself; config LANGUAGES says which are shipped.
NATIVE_NAMES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
RTL_LANGUAGES = frozenset({"ar"})
SESSION_KEY = "language"


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our selector and the absolute translations folder."""

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(data_folder("translations")),
    )
    app.jinja_env.globals.update(
        available_languages=available_languages,
        text_direction=text_direction,
        current_language=current_language,
    )
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.filters["dateformat"] = _date_filter
    app.jinja_env.filters["date_cell"] = _context_filter("cell")
    app.jinja_env.filters["date_prose"] = _context_filter("prose")
    app.jinja_env.filters["timestamp"] = _timestamp_filter
    app.jinja_env.filters["month_label"] = format_month
    app.jinja_env.globals["zoned_time"] = format_zoned
    app.jinja_env.globals["list_separator"] = list_separator
    app.jinja_env.globals["colon"] = colon
    app.jinja_env.filters["parenthetical"] = _parenthetical_filter
    app.jinja_env.filters["join_list"] = _join_list_filter
    app.jinja_env.filters["numberformat"] = format_number
    app.jinja_env.filters["percentformat"] = format_percent
    app.context_processor(_bound_gettext)


def _date_filter(value: date | datetime | None, format: str | None = None) -> str:
    """The ``dateformat`` filter: an unknown date shows as nothing, never as today."""
    return "" if value is None else format_date(value, format)


# One date style per context, from CLDR in the reader's language (templates name the context:
# ``date_cell``, ``date_prose``, ``timestamp``; meetings use ``zoned_time``):
DATE_STYLES = {
    "cell": "medium",  # a table cell, a list, a badge: "1 Dec 2026"
    "prose": "long",  # a sentence or a record's details: "1 December 2026"
}
# A recorded moment (saved, logged, uploaded): medium date, short time and the zone's name,
# "1 Dec 2026, 09:45 UTC". Meetings: on their own clock, the zone named in full.


def _context_filter(context: str) -> Any:
    style = DATE_STYLES[context]

    def date_filter(value: date | datetime | None) -> str:
        return "" if value is None else format_date(value, style)

    date_filter.__name__ = f"date_{context}"
    return date_filter


def format_month(value: date) -> str:
    """A month as the reader's language names it in a table or on an axis (Dec 2026)."""
    return babel_format_skeleton("yMMM", value, locale=get_locale())


def _timestamp_filter(value: datetime | None) -> str:
    return "" if value is None else format_timestamp(value)


def format_day(value: date | datetime, context: str = "cell") -> str:
    """A calendar date in the style of ``context`` ("cell" or "prose")."""
    return format_date(value, DATE_STYLES[context])


def format_timestamp(value: datetime) -> str:
    """A recorded moment: medium date and short time in the reader's time zone, zone named."""
    locale = get_locale() or Locale.parse("en")
    moment = flask_babel.to_user_timezone(value if value.tzinfo else value.replace(tzinfo=UTC))
    return _date_time(moment, locale, babel_dates.get_timezone_name(moment, "short", locale=locale))


def format_zoned(start: datetime | None, zone: str, end: datetime | None = None) -> str:
    """When a meeting happens, on its own clock, with the zone's name and city.

    A meeting at 09:00 in Nairobi reads "1 Dec 2026, 09:00 East Africa Time (Nairobi)" for
    every reader, wherever they are: the time the invitation gave.
    """
    if start is None:
        return ""
    locale = get_locale() or Locale.parse("en")
    tz = _zone(zone)
    local = (start if start.tzinfo else start.replace(tzinfo=UTC)).astimezone(tz)
    name = babel_dates.get_timezone_name(local, "long", locale=locale)
    if "/" in zone:  # a place; "UTC" is no city
        city = babel_dates.get_timezone_location(tz, locale=locale, return_city=True)
        name = locale.zone_formats["fallback"] % {"1": name, "0": city}
    text = _date_time(local, locale, "")
    if end is not None:
        local_end = (end if end.tzinfo else end.replace(tzinfo=UTC)).astimezone(tz)
        later = (
            babel_dates.format_time(local_end, "short", locale=locale)
            if local_end.date() == local.date()
            else _date_time(local_end, locale, "")
        )
        text = locale.interval_formats[None].format(text, later)
    return f"{text} {name}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _date_time(moment: datetime, locale: Locale, zone_name: str) -> str:
    """Medium date and short time joined as the language joins them, then the zone's name."""
    day = babel_dates.format_date(moment.date(), "medium", locale=locale)
    time = babel_dates.format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)
    joined = locale.datetime_formats["medium"].format(time, day)
    return f"{joined} {zone_name}" if zone_name else joined


def format_date(value: date | datetime | None = None, format: str | None = None) -> str:
    """Flask-Babel's ``format_date``, remembering what a calendar date gives in each language.

    A long table shows the same few dates many times; CLDR's patterns are looked up only once
    for each. A moment (datetime) is first turned into the reader's calendar day, as
    Flask-Babel does.
    """
    if isinstance(value, datetime):
        value = flask_babel.to_user_timezone(value).date()
    if isinstance(value, date):
        return _format_calendar_date(value, format, get_locale())
    return flask_babel.format_date(value, format)


@functools.lru_cache(maxsize=4096)
def _format_calendar_date(value: date, format: str | None, locale: Locale | None) -> str:
    text = flask_babel.format_date(value, format)  # in the context whose locale is ``locale``
    return french_first_of_month(text, value, format, locale)


def french_first_of_month(
    text: str, value: date, format: str | None, locale: Locale | str | None
) -> str:
    """French writes the first day of a month "1er" in words (1er décembre 2026); CLDR's long
    and full patterns give "1 décembre 2026"."""
    language = getattr(locale, "language", None) or str(locale or "").split("_")[0]
    if language != "fr" or value.day != 1 or format not in ("long", "full"):
        return text
    return re.sub(r"(?<!\d)1(?=\s)", "1er", text, count=1)


def format_number(number: int | float) -> str:
    """Flask-Babel's ``format_number``, remembering the figures a table shows again and again."""
    return _format_number(number, get_locale())


@functools.lru_cache(maxsize=4096, typed=True)
def _format_number(number: int | float, locale: Locale | None) -> str:
    return flask_babel.format_number(number)  # in the context whose locale is ``locale``


def format_percent(number: float, format: str | None = None) -> str:
    """Flask-Babel's ``format_percent``, remembered in the same way."""
    return _format_percent(number, format, get_locale())


@functools.lru_cache(maxsize=4096, typed=True)
def _format_percent(number: float, format: str | None, locale: Locale | None) -> str:
    return flask_babel.format_percent(number, format)


# How each language separates the items of a list, a label from its value, and brackets a
# remark that follows a word. Chinese writes full-width brackets (U+FF08, U+FF09) and colon with
# no space, and lists with 、; French puts a no-break space before the colon.
LIST_SEPARATORS = {"ar": "، ", "zh": "、"}
_COLONS = {"fr": "\u00a0: ", "zh": "\uff1a"}
_BRACKETS = {"zh": ("\uff08", "\uff09")}
_DEFAULT_BRACKETS = (" (", ")")


def list_separator(language: str | None = None) -> str:
    """What separates the items of a list in the language (", ", Arabic "، ", Chinese "、")."""
    return LIST_SEPARATORS.get(language or current_language(), ", ")


def colon(language: str | None = None) -> str:
    """What separates a label from its value in the language (": ", French " : ", Chinese
    "\uff1a")."""
    return _COLONS.get(language or current_language(), ": ")


def join_list(items: Iterable[str], language: str | None = None) -> str:
    """Items joined into a list as the language writes one: "CBD, CMS", Chinese "CBD、CMS"."""
    return list_separator(language).join(items)


def parenthetical(text: str, language: str | None = None) -> str:
    """A remark in brackets after a word, as the language writes it: " (CMS)" after
    "National Focal Point", Chinese "\uff08CMS\uff09" after "国家联络点" (full-width, no space)."""
    opening, closing = _brackets(language)
    return f"{opening}{text}{closing}"


def _brackets(language: str | None) -> tuple[str, str]:
    return _BRACKETS.get(language or current_language(), _DEFAULT_BRACKETS)


@pass_eval_context
def _parenthetical_filter(eval_context: EvalContext, text: Any, language: str | None = None) -> str:
    """Templates' ``parenthetical``: ``{{ name }}{{ acronym | parenthetical }}``; the remark
    is escaped unless it is already markup (a translated string)."""
    if eval_context.autoescape:
        opening, closing = _brackets(language)
        return escape(opening) + escape(text) + closing
    return parenthetical(text, language)


@pass_eval_context
def _join_list_filter(
    eval_context: EvalContext, items: Iterable[Any], language: str | None = None
) -> str:
    """Templates' ``join_list``: the items escaped, unless already markup, then joined."""
    separator = list_separator(language)
    return (
        escape(separator).join(items)
        if eval_context.autoescape
        else separator.join(map(str, items))
    )


def _bound_gettext() -> dict[str, Any]:
    """Templates' ``_``, gettext and ngettext, bound to the catalogue of this rendering's language.

    Flask-Babel's look the catalogue up again for every string (a locale and context lookup
    each time), and Jinja's ``_`` takes the template context, which Jinja copies whole for
    every call in a loop that sets a variable; a page with a long table translates hundreds of
    strings. These behave as Jinja's "newstyle" gettext: the result is %-formatted with the
    keywords, escaped where autoescaping is on. Imported macros, which see no context, keep
    Flask-Babel's.
    """
    translations = get_translations()

    @pass_eval_context
    def gettext(eval_context: EvalContext, string: str, **variables: Any) -> str:
        result = translations.ugettext(string)
        if eval_context.autoescape:
            # Catalogue text is ours, as in Jinja's own gettext; the variables are escaped by %.
            result = Markup(result)  # noqa: S704  # nosec B704
        return result % variables

    @pass_eval_context
    def ngettext(
        eval_context: EvalContext, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        result = translations.ungettext(singular, plural, num)
        if eval_context.autoescape:
            result = Markup(result)  # noqa: S704  # nosec B704
        return result % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def available_languages() -> list[tuple[str, str]]:
    """Return (code, native name) for each shipped language."""
    return [(code, NATIVE_NAMES[code]) for code in current_app.config["LANGUAGES"]]


def is_supported(language: str | None) -> bool:
    """Whether ``language`` is one of the shipped interface languages."""
    return bool(language) and language in current_app.config["LANGUAGES"]


def select_locale() -> str:
    """Pick the interface language: the user's own choice, the session's, the browser's, default
    (on a public page: ``?lang=``, browser, default).

    A language an administrator (or the demo data) gave an account is only that of its
    e-mails: an account opens in the browser's language until its user chooses one.
    """
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if is_public_page():  # the same page for every reader: no account, no session
        chosen = request.args.get("lang")
        if is_supported(chosen):
            return chosen
        return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or default
    if (
        current_user
        and current_user.is_authenticated
        and current_user.language_chosen
        and is_supported(current_user.language)
    ):
        return current_user.language
    if is_supported(session.get(SESSION_KEY)):
        return session[SESSION_KEY]
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or default


def current_language() -> str:
    """Return the language code of the current request (``en`` outside one)."""
    locale = get_locale()
    return locale.language if locale else "en"


def text_direction(language: str | None = None) -> str:
    """Return ``rtl`` for right-to-left languages, else ``ltr``."""
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def translated(names: Mapping[str, str] | None, language: str | None = None) -> str:
    """Pick a stored translation in the reader's language, falling back to English, never empty."""
    if not names:
        return ""
    language = language or current_language()
    return names.get(language) or names.get("en") or next(iter(names.values()), "")


@functools.cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def territory_name(code: str, language: str | None = None) -> str:
    """Return CLDR's name of a territory (ISO alpha-2 or M49 region) in the reader's language."""
    return (
        _territories(language or current_language()).get(code)
        or _territories("en").get(code)
        or code
    )


@functools.cache
def _collator(language: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(language))


def sort_key(text: str, language: str | None = None) -> bytes:
    """Return a key that sorts ``text`` as a reader of the language expects (ICU collation).

    French "Égypte" comes among the E, Chinese follows pinyin, Arabic ignores the article's
    hamza forms as Arabic dictionaries do.
    """
    return _collator(language or current_language()).getSortKey(text)


def fold(text: str) -> str:
    """Normalise text for matching: no case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.split())
