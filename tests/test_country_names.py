"""Countries carry the UN's names (UNTERM) in the six languages; search finds them by any name."""

from __future__ import annotations

import html
import importlib.util
import json
import re

import pytest
from babel import Locale
from sqlalchemy import select

from focalpoints import PROJECT_ROOT
from focalpoints.countries import names
from focalpoints.countries.models import Country
from focalpoints.extensions import db

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")

# The UN short names that differ most from CLDR's, as UNTERM (or, for Türkiye and Côte d'Ivoire,
# the UN's current usage) writes them: ar, zh, en, fr, ru, es.
UN_NAMES = {
    "PS": (
        "دولة فلسطين",
        "巴勒斯坦国",
        "State of Palestine",
        "État de Palestine",
        "Государство Палестина",
        "Estado de Palestina",
    ),
    "KR": (
        "جمهورية كوريا",
        "大韩民国",
        "Republic of Korea",
        "République de Corée",
        "Республика Корея",
        "República de Corea",
    ),
    "VA": ("الكرسي الرسولي", "罗马教廷", "Holy See", "Saint-Siège", "Святой Престол", "Santa Sede"),
    "GB": (
        "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية",
        "大不列颠及北爱尔兰联合王国",
        "United Kingdom of Great Britain and Northern Ireland",
        "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
        "Соединенное Королевство Великобритании и Северной Ирландии",
        "Reino Unido de Gran Bretaña e Irlanda del Norte",
    ),
    "RU": (
        "الاتحاد الروسي",
        "俄罗斯联邦",
        "Russian Federation",
        "Fédération de Russie",
        "Российская Федерация",
        "Federación de Rusia",
    ),
    "TR": ("تركيا", "土耳其", "Türkiye", "Türkiye", "Турция", "Türkiye"),
    "CG": ("الكونغو", "刚果（布）", "Congo", "Congo", "Конго", "Congo"),
    "KN": (
        "سانت كيتس ونيفس",
        "圣基茨和尼维斯",
        "Saint Kitts and Nevis",
        "Saint-Kitts-et-Nevis",
        "Сент-Китс и Невис",
        "Saint Kitts y Nevis",
    ),
    "CI": (
        "كوت ديفوار",
        "科特迪瓦",
        "Côte d'Ivoire",
        "Côte d'Ivoire",
        "Кот-д\u2019Ивуар",
        "Côte d\u2019Ivoire",
    ),
    "NL": (
        "هولندا (مملكة -)",
        "荷兰王国",
        "Netherlands (Kingdom of the)",
        "Pays-Bas (Royaume des)",
        "Нидерланды (Королевство)",
        "Países Bajos (Reino de los)",
    ),
    "EU": (
        "الاتحاد الأوروبي",
        "欧洲联盟",
        "European Union",
        "Union européenne",
        "Европейский союз",
        "Unión Europea",
    ),
}


def _page(client, url: str, language: str) -> str:
    return html.unescape(client.get(url, headers={"Accept-Language": language}).data.decode())


def _codes(page: str) -> list[str]:
    return re.findall(r'href="/countries/([A-Z]{2})"', page)


@pytest.mark.parametrize("index, language", list(enumerate(LANGUAGES)))
def test_country_list_shows_the_un_short_names(client, login_as, index, language):
    login_as(role="secretariat", country_code=None)
    page = _page(client, "/countries", language)
    row = {code: re.search(rf'href="/countries/{code}">([^<]*)</a>', page)[1] for code in UN_NAMES}
    assert row == {code: shown[index] for code, shown in UN_NAMES.items()}
    territories = Locale.parse(language).territories
    for code, shown in UN_NAMES.items():
        cldr = territories[code]
        if cldr not in shown[index]:  # "Palestinian Territories", "Vatican City", 韩国 ...
            assert cldr not in page, (code, cldr)


@pytest.mark.parametrize("index, language", list(enumerate(LANGUAGES)))
def test_country_page_shows_the_un_short_and_formal_names(client, login_as, index, language):
    login_as(role="secretariat", country_code=None)
    page = _page(client, "/countries/PS", language)
    assert re.search(r"<h1[^>]*>([^<]*)</h1>", page)[1] == UN_NAMES["PS"][index]
    page = _page(client, "/countries/KR", language)
    assert re.search(r"<h1[^>]*>([^<]*)</h1>", page)[1] == UN_NAMES["KR"][index]
    page = _page(client, "/countries/BO", language)
    bolivia = (
        "دولة بوليفيا المتعددة القوميات",
        "多民族玻利维亚国",
        "Plurinational State of Bolivia",
        "État plurinational de Bolivie",
        "Многонациональное Государство Боливия",
        "Estado Plurinacional de Bolivia",
    )
    assert bolivia[index] in page  # the formal name, without its article, under the heading


@pytest.mark.parametrize(
    "search, language, code",
    [
        ("Holy See", "en", "VA"),
        ("State of Palestine", "en", "PS"),
        ("Republic of Korea", "en", "KR"),
        ("Cote d'Ivoire", "en", "CI"),
        ("Côte d\u2019Ivoire", "en", "CI"),
        ("cote divoire", "en", "CI"),
        ("Turkey", "en", "TR"),
        ("turkiye", "en", "TR"),
        ("Vatican", "en", "VA"),
        ("South Korea", "en", "KR"),
        ("North Korea", "en", "KP"),
        ("Russia", "en", "RU"),
        ("DRC", "en", "CD"),
        ("Congo-Brazzaville", "en", "CG"),
        ("Ivory Coast", "en", "CI"),
        ("Kingdom of the Netherlands", "en", "NL"),  # the formal name
        ("Holy See", "fr", "VA"),  # English names in any language
        ("Saint-Siège", "fr", "VA"),
        ("saint siege", "fr", "VA"),
        ("Turquie", "fr", "TR"),  # CLDR's name in the reader's language
        ("Cité du Vatican", "fr", "VA"),
        ("Estado de Palestina", "es", "PS"),
        ("الكرسي الرسولي", "ar", "VA"),
        ("巴勒斯坦国", "zh", "PS"),
        ("Святой Престол", "ru", "VA"),
    ],
)
def test_search_finds_a_country_by_any_of_its_names(client, login_as, search, language, code):
    login_as(role="secretariat", country_code=None)
    codes = _codes(_page(client, f"/countries?q={search}", language))
    assert code in codes, codes


def test_search_for_an_alias_finds_only_its_country(client, login_as):
    login_as(role="secretariat", country_code=None)
    assert _codes(_page(client, "/countries?q=South Korea", "en")) == ["KR"]
    assert _codes(_page(client, "/countries?q=Turkey", "en")) == ["TR"]
    assert _codes(_page(client, "/countries?q=State of Palestine", "en")) == ["PS"]


def test_list_is_sorted_by_the_un_short_name(client, login_as):
    login_as(role="secretariat", country_code=None)
    codes = _codes(_page(client, "/countries", "en"))
    # "Republic of Korea" sorts among the R, "Holy See" among the H, "Türkiye" among the T.
    assert codes.index("QA") < codes.index("KR") < codes.index("MD") < codes.index("RO")
    assert codes.index("HT") < codes.index("VA") < codes.index("HN")
    assert codes.index("TT") < codes.index("TR") < codes.index("TM")


def test_api_gives_the_un_names_in_every_language(client):
    items = client.get("/api/v1/countries?per_page=200").get_json()["items"]
    palestine = next(i for i in items if i["iso2"] == "PS")
    assert palestine["name"] == "State of Palestine"
    assert palestine["names"] == dict(zip(LANGUAGES, UN_NAMES["PS"], strict=True))
    korea = next(i for i in items if i["iso2"] == "KR")
    assert korea["formal_names"]["fr"] == "République de Corée"


def test_naming_order_is_override_then_un_then_cldr(app):
    korea = db.session.scalar(select(Country).where(Country.iso2 == "KR"))
    assert korea.name_in("en") == "Republic of Korea"
    assert korea.formal_name_in("fr") == "République de Corée"
    assert korea.formal_name_in("fr", article=True) == "la République de Corée"
    assert korea.formal_name_in("es") == "República de Corea"
    korea.official_names = {"en": "Korea, Republic of"}
    assert korea.name_in("en") == "Korea, Republic of"
    assert korea.name_in("fr") == "République de Corée"
    korea.un_names, korea.un_formal_names = {}, {}
    assert korea.name_in("fr") == "Corée du Sud"  # CLDR, only when the UN names are missing
    assert korea.formal_name_in("fr") == "Corée du Sud"


def test_search_fold_ignores_case_accents_apostrophes_and_punctuation():
    assert names.search_fold("Côte d\u2019Ivoire") == names.search_fold("COTE D'IVOIRE")
    assert names.search_fold("Congo - Brazzaville") == "congo brazzaville"
    assert names.search_fold("St. Kitts & Nevis") == "st kitts nevis"


def test_every_country_has_un_names_in_six_languages(app):
    for country in db.session.scalars(select(Country)):
        assert set(country.un_names) == set(LANGUAGES), country.iso2
        assert set(country.un_formal_names) == set(LANGUAGES), country.iso2
        for name in [*country.un_names.values(), *country.un_formal_names.values()]:
            assert name and "*" not in name and "  " not in name, (country.iso2, name)
            assert not re.search(r"\((?:the|le|la|les|l'|el|los|las)\)$", name), name


def test_names_in_the_data_file_are_what_the_script_makes_of_the_csv():
    path = PROJECT_ROOT / "scripts" / "build_country_names.py"
    spec = importlib.util.spec_from_file_location("build_country_names", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    data = json.loads(script.DATA.read_text(encoding="utf-8"))
    assert script.build(script.DEFAULT_CSV) == data
    assert set(data["name_sources"]) == {"default", "CI", "TR", "EU", "NL"}
