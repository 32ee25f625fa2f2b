"""Languages: the locale selector, complete catalogues, and translated pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from focalpoints import PROJECT_ROOT, config
from focalpoints.extensions import db
from focalpoints.translations import extract
from tests.conftest import in_language, login, sample_working_group

CATALOGUES = PROJECT_ROOT / "translations"
SHIPPED = [language for language in config.LANGUAGES if language != "en"]


def _po(language: str):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_is_complete_and_consistent(language):
    catalogue = _po(language)
    missing = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert missing == []
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue.check()]
    assert problems == []


@pytest.mark.parametrize("language", SHIPPED)
def test_placeholders_match(language):
    pattern = re.compile(r"%\(\w+\)[sd]")
    for message in _po(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(pattern.findall(ids[-1]))
        for string in strings:
            assert set(pattern.findall(string)) == expected, (message.id, string)


def test_catalogue_template_is_current(tmp_path):
    fresh = tmp_path / "messages.pot"
    extract(fresh)
    with open(fresh, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    with open(CATALOGUES / "messages.pot", "rb") as f:
        committed = {m.id for m in read_po(f) if m.id}
    assert extracted == committed, "run: focalpoints translations update"
    for language in SHIPPED:
        assert {m.id for m in _po(language) if m.id} == committed, language


@pytest.mark.parametrize("language", SHIPPED)
def test_compiled_catalogue_matches_source(language):
    folder = CATALOGUES / language / "LC_MESSAGES"
    with open(folder / "messages.mo", "rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    source = {_key(m.id): _key(m.string) for m in _po(language) if m.id}
    assert compiled == source, "run: focalpoints translations update"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_locale_from_accept_language_then_session_then_account(client, login_as):
    assert (
        'lang="es"'
        in client.get("/login", headers={"Accept-Language": "es,fr;q=0.5"}).data.decode()
    )
    assert 'lang="en"' in client.get("/login", headers={"Accept-Language": "de"}).data.decode()
    client.post("/language", data={"language": "fr", "next": "/login"})
    assert 'lang="fr"' in client.get("/login", headers={"Accept-Language": "es"}).data.decode()
    login_as(role="editor", language="es")
    assert 'lang="es"' in client.get("/account").data.decode()


def test_switcher_saves_the_choice_of_a_logged_in_user(client, login_as):
    login_as(role="editor", language="en")
    response = client.post("/language", data={"language": "fr", "next": "/account"})
    assert response.headers["Location"] == "/account"
    assert 'lang="fr"' in client.get("/account").data.decode()


def test_a_language_given_to_the_account_leaves_pages_in_the_browser_language(client, make_user):
    """An administrator (or the demo data) gave French: that is for e-mails, not for pages."""
    user = make_user(role="editor", language="fr", language_chosen=False)
    login(client, user)
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    assert 'lang="en"' in client.get("/account", headers=english).data.decode()
    assert 'lang="es"' in client.get("/account", headers={"Accept-Language": "es"}).data.decode()
    # Chosen on the switcher, it wins over the browser's, in this session and the next.
    client.post("/language", data={"language": "ru", "next": "/account"})
    db.session.refresh(user)
    assert (user.language, user.language_chosen) == ("ru", True)
    client.post("/logout")
    login(client, user)
    assert 'lang="ru"' in client.get("/account", headers=english).data.decode()


def test_account_page_chooses_a_language_or_the_browser_one(client, make_user):
    user = make_user(role="editor", language="fr", language_chosen=False)
    login(client, user)
    english = {"Accept-Language": "en"}
    page = client.get("/account", headers=english).data.decode()
    assert '<option selected value="browser">The browser&#39;s language</option>' in page
    client.post("/account", data={"name": "Hélène", "language": "browser"}, headers=english)
    db.session.refresh(user)
    assert (user.name, user.language, user.language_chosen) == ("Hélène", "fr", False)
    assert 'lang="en"' in client.get("/account", headers=english).data.decode()
    client.post("/account", data={"name": "Hélène", "language": "es"}, headers=english)
    db.session.refresh(user)
    assert (user.language, user.language_chosen) == ("es", True)
    page = client.get("/account", headers=english).data.decode()
    assert 'lang="es"' in page and 'selected value="es"' in page
    client.post("/account", data={"name": "Hélène", "language": "browser"}, headers=english)
    assert 'lang="en"' in client.get("/account", headers=english).data.decode()


def test_switcher_refuses_unknown_languages_and_foreign_next(client):
    assert client.post("/language", data={"language": "xx"}).status_code == 400
    response = client.post("/language", data={"language": "fr", "next": "https://evil.example"})
    assert response.headers["Location"] == "/countries"


def test_switcher_names_each_language_in_itself(client):
    page = client.get("/login").data.decode()
    for native in ("العربية", "中文", "English", "Français", "Русский", "Español"):
        assert native in page


def test_arabic_is_right_to_left(client):
    page = client.get("/login", headers={"Accept-Language": "ar"}).data.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    page = client.get("/login", headers={"Accept-Language": "zh"}).data.decode()
    assert '<html lang="zh" dir="ltr">' in page and "bootstrap.rtl" not in page


@pytest.mark.parametrize(
    "language,before,after",
    [
        ("fr", "DK", "EG"),  # Danemark, Égypte
        ("fr", "EG", "ES"),  # Égypte, Espagne
        ("zh", "AF", "CN"),  # 阿富汗 (a) before 中国 (zh)
        ("zh", "BR", "CN"),  # 巴西 (b) before 中国
        ("ar", "BH", "EG"),  # البحرين before مصر
        ("ru", "AU", "EG"),  # Австралия before Египет
    ],
)
def test_country_list_is_collated_for_the_reader(client, login_as, language, before, after):
    login_as(role="secretariat", country_code=None, language=language)
    codes = re.findall(r'href="/countries/([A-Z]{2})"', client.get("/countries").data.decode())
    assert codes.index(before) < codes.index(after)


@pytest.mark.parametrize("language", SHIPPED)
def test_error_pages_are_translated(client, login_as, language):
    login_as()
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert in_language(language, "Page not found") in response.data.decode()


@pytest.mark.parametrize("language", SHIPPED)
def test_main_pages_show_no_untranslated_text(client, login_as, language):
    """Every visible English catalogue entry on the main pages has a translation shown instead."""
    login_as(role="admin", country_code=None, language=language)
    working_group = sample_working_group()
    english = {
        m.id
        for m in _po(language)
        if m.id
        and isinstance(m.id, str)
        and len(m.id) > 12
        and "%(" not in m.id
        and m.string != m.id
    }
    for url in [
        "/countries",
        "/countries/KE",
        "/users",
        "/users/invite",
        "/account",
        "/account/password",
        "/admin/conventions",
        "/admin/countries/KE/memberships",
        *working_group.values(),
        "/frameworks",
        "/frameworks/GBF",
        "/countries/KE/nbsap",
        "/countries/KE/nbsap/matrix",
        "/reporting",
        "/countries/KE/reporting",
    ]:
        text = re.sub(r"<[^>]+>", "\n", client.get(url).data.decode())
        lines = {line.strip() for line in text.splitlines()}
        leaked = sorted(english & lines)
        assert leaked == [], (url, leaked)


def test_no_translation_directory_is_empty():
    for language in SHIPPED:
        assert Path(CATALOGUES / language / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000


def test_unexpected_errors_get_a_translated_500_page(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    def boom() -> str:
        raise RuntimeError("unexpected")

    app.add_url_rule("/boom", "boom", boom)
    with app.app_context():
        response = app.test_client().get("/boom", headers={"Accept-Language": "es"})
        assert response.status_code == 500
        assert in_language("es", "Something went wrong") in response.data.decode()
        assert "RuntimeError" not in response.data.decode()


@pytest.mark.parametrize("language", config.LANGUAGES)
def test_remembered_formats_are_flask_babels(app_factory, language):
    """Dates, moments, numbers and shares formatted once per language read as Flask-Babel's."""
    from datetime import UTC, date, datetime

    import flask_babel

    from focalpoints import i18n

    app = app_factory(BABEL_DEFAULT_TIMEZONE="Africa/Nairobi")
    day = date(2026, 1, 31)
    late = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # already 1 February in Nairobi
    with app.test_request_context("/"), flask_babel.force_locale("en"):
        assert i18n.format_date(late, "medium") == "Feb 1, 2026"
    with app.test_request_context("/"), flask_babel.force_locale(language):
        for _ in range(2):  # computed, then remembered
            for value in (day, late):
                for format in (None, "medium", "long"):
                    expected = flask_babel.format_date(value, format)
                    if language == "fr" and format == "long" and expected.startswith("1 "):
                        expected = "1er" + expected[1:]  # French writes the first "1er"
                    assert i18n.format_date(value, format) == expected
            for number in (0, 7, 1234, 12.5):
                assert i18n.format_number(number) == flask_babel.format_number(number)
            for share in (0.0, 0.5, 0.875, 1.0):
                assert i18n.format_percent(share) == flask_babel.format_percent(share)


def test_template_gettext_escapes_the_values_not_the_catalogue(app):
    """Templates' _, gettext and ngettext behave as Jinja's newstyle gettext."""
    from flask import render_template_string

    with app.test_request_context("/"):
        page = render_template_string(
            '{{ _("Unknown role: %(role)s", role="<b>") }}|'
            '{{ gettext("Unknown role: %(role)s", role="&") }}|'
            '{{ ngettext("%(num)d country", "%(num)d countries", 2) }}|'
            "{% for i in [1] %}{% set x = i %}{{ _('Countries') }}{% endfor %}"
        )
    assert page == "Unknown role: &lt;b&gt;|Unknown role: &amp;|2 countries|Countries"


def test_french_writes_the_first_of_the_month_1er(app):
    from datetime import date

    from flask_babel import force_locale

    from focalpoints.i18n import format_date

    with app.test_request_context(), force_locale("fr"):
        assert format_date(date(2026, 12, 1), "long") == "1er décembre 2026"
        assert format_date(date(2026, 12, 2), "long") == "2 décembre 2026"
        assert format_date(date(2026, 12, 11), "long") == "11 décembre 2026"
        assert format_date(date(2026, 12, 1), "medium") == "1 déc. 2026"
    with app.test_request_context(), force_locale("es"):
        assert format_date(date(2026, 12, 1), "long") == "1 de diciembre de 2026"


# Chinese punctuation: full-width brackets, commas, colons and semicolons in running text.
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_HALF_WIDTH_BY_CHINESE = re.compile(rf"[{_CJK}]\s?[(),:;]|[(),:;]\s?[{_CJK}]")
# Treaty subparagraphs keep the half-width form the CBD's Chinese texts use: 第8(j)条.
_TREATY_REFERENCE = re.compile(r"(?<=\d)(\([0-9a-z]{1,4}\))+")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def half_width_by_chinese(text: str) -> list[str]:
    """Where ``text`` puts a half-width ( ) , : ; beside a Chinese character."""
    text = _TREATY_REFERENCE.sub("", _PLACEHOLDER.sub("X", text))
    return [
        text[max(0, m.start() - 8) : m.end() + 8] for m in _HALF_WIDTH_BY_CHINESE.finditer(text)
    ]


def test_half_width_by_chinese_knows_treaty_references():
    assert half_width_by_chinese("国家联络点 (CMS)") and half_width_by_chinese("名称:%(x)s")
    assert half_width_by_chinese("第8(j)条、第2(1)(b)条和%(n)s个（%(x)s）") == []


def test_chinese_catalogue_writes_full_width_punctuation():
    found = {
        message.id: hits
        for message in _po("zh")
        if message.id
        for string in (message.string if isinstance(message.string, tuple) else (message.string,))
        if (hits := half_width_by_chinese(string))
    }
    assert found == {}


def test_brackets_and_lists_follow_the_language(app):
    from flask import render_template_string
    from flask_babel import force_locale

    from focalpoints.i18n import join_list, parenthetical

    assert parenthetical("CMS", "en") + join_list(["CBD", "CMS"], "en") == " (CMS)CBD, CMS"
    assert parenthetical("CMS", "zh") + join_list(["CBD", "CMS"], "zh") == "（CMS）CBD、CMS"
    assert join_list(["CBD", "CMS"], "ar") == "CBD، CMS"
    page = (
        '{{ "<b>" | parenthetical }}{{ _("primary") | parenthetical }}'
        "{{ ['a&', 'b'] | join_list }}{{ list_separator() }}"
    )
    with app.test_request_context("/"):
        with force_locale("en"):
            assert render_template_string(page) == " (&lt;b&gt;) (primary)a&amp;, b, "
        with force_locale("zh"):
            primary = in_language("zh", "primary")
            assert render_template_string(page) == f"（&lt;b&gt;）（{primary}）a&amp;、b、"


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_chinese_pages_bracket_and_list_in_full_width(
    client, login_as, make_person, make_appointment
):
    """Roles, instruments and remarks beside Chinese text take full-width brackets; lists 、."""
    login_as(role="coordinator", language="zh")
    person = make_person(
        organisation="生态环境部", organisation_acronym="MEE", languages=["zh", "en"]
    )
    appointment = make_appointment("CMS-NFP", person=person)
    make_appointment("CBD-FP1", person=person)
    pages = {
        "/countries/KE": "保护野生动物迁徙物种公约（CMS）",
        f"/countries/KE/people/{person.id}": "生态环境部（MEE）",
        f"/countries/KE/appointments/{appointment.id}": "国家联络点（CMS）",
        f"/countries/KE/appointments/{appointment.id}/replace": "国家联络点（CMS）",
        "/countries/KE/roles/CMS-NFP/appoint": "（CMS）",
        "/countries/KE/letters/new": "国家联络点（CMS）",
        "/countries/KE/nbsap": None,
        "/exports": None,
        "/coverage": None,
        "/directory/KE?lang=zh": None,
    }
    found = {}
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = _visible_text(response.data.decode())
        if expected:
            assert expected in text, url
        if hits := half_width_by_chinese(text):
            found[url] = hits
    assert found == {}


def test_chinese_names_read_family_name_first():
    from focalpoints.focal_points.models import display_name

    assert display_name("person", "Mr", "军", "张", "") == "Mr 张军"
    assert display_name("person", "博士", "娜", "黄", "") == "黄娜博士"
    assert display_name("person", "Dr", "Amina", "Diallo", "") == "Dr Amina Diallo"
    assert display_name("person", "", "", "王", "") == "王"
