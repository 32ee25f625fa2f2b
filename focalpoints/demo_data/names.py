"""Name pools for demo people, by the main official language of their country."""

from __future__ import annotations

from babel.core import get_global

from focalpoints.countries.models import Country

GIVEN = {
    "ar": ["أحمد", "فاطمة", "محمد", "مريم", "خالد", "نورة", "يوسف", "ليلى", "عمر", "سارة"],
    "zh": ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军"],
    "ru": ["Ольга", "Сергей", "Анна", "Дмитрий", "Елена", "Алексей", "Наталья", "Игорь"],
    "fr": ["Hélène", "Jérôme", "Aïcha", "François", "Amélie", "Noël", "Mamadou", "Béatrice"],
    "es": ["José", "María", "Andrés", "Lucía", "Ramón", "Inés", "Begoña", "Martín"],
    "pt": ["João", "Conceição", "António", "Inês", "Sebastião", "Lúcia", "Gonçalo"],
    "de": ["Jürgen", "Käthe", "Björn", "Anneliese", "Jörg", "Grete"],
    "other": [
        "Amina",
        "David",
        "Grace",
        "Samuel",
        "Priya",
        "Kwame",
        "Mei",
        "Olusegun",
        "Sione",
        "Aroha",
        "Tenzin",
        "Nadia",
    ],
}
FAMILY = {
    "ar": ["العتيبي", "منصور", "حداد", "الحسيني", "بن علي", "الشامي", "يوسف", "القاسم"],
    "zh": ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"],
    "ru": ["Смирнова", "Иванов", "Кузнецова", "Попов", "Соколова", "Лебедев", "Новикова"],
    "fr": ["Lefèvre", "Diallo", "Moreau", "Benoît", "Traoré", "Gaudreau", "Ndiaye", "Dubois"],
    "es": ["Peña", "Núñez", "García", "Ibáñez", "Muñoz", "Álvarez", "Castaño", "Ortega"],
    "pt": ["Conceição", "Gonçalves", "Araújo", "Magalhães", "Simões", "Brandão"],
    "de": ["Müller", "Schäfer", "Weiß", "Köhler", "Groß", "Bäcker"],
    "other": [
        "Otieno",
        "Mensah",
        "Okafor",
        "Sharma",
        "Nguyen",
        "Tuilagi",
        "Kamau",
        "Banda",
        "Fernando",
        "Rahman",
        "Tan",
        "Waititi",
    ],
}
HONORIFICS = ["Mr", "Ms", "Dr", "Dr", "Ms", "Mr", "H.E."]
ORGANISATIONS = {
    "CMS": "Ministry of Environment, Department of Wildlife",
    "CBD": "Ministry of Environment, Biodiversity Directorate",
    "CITES": "Wildlife and Forestry Service",
    "RAMSAR": "National Wetlands Agency",
}


def country_language(country: Country) -> str:
    """The main official language of a country, if we have names for it ("other" if not)."""
    spoken = get_global("territory_languages").get(country.iso2, {})
    official = sorted(
        (info.get("population_percent", 0), lang)
        for lang, info in spoken.items()
        if info.get("official_status") == "official"
    )
    for _, lang in reversed(official):
        if lang in GIVEN:
            return lang
    return "other"
