"""Dates in one style per context, meeting times on their own clock, and a change history that
names people and fields as readers know them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import refresh

from focalpoints import PROJECT_ROOT
from focalpoints.audit.mixins import Audited
from focalpoints.extensions import db
from focalpoints.focal_points.labels import field_label
from focalpoints.i18n import format_day, format_timestamp, format_zoned
from focalpoints.nbsap.labels import label as nbsap_label
from focalpoints.working_groups import operations as groups

WG = "/countries/KE/working-group"


def _plain(text: str) -> str:
    """CLDR's patterns use narrow and thin no-break spaces: compare them as spaces."""
    return " ".join(text.split())


@pytest.mark.parametrize(
    "language,cell,prose,timestamp",
    [
        ("en", "Dec 1, 2026", "December 1, 2026", "Dec 1, 2026, 6:45 AM UTC"),
        ("fr", "1 déc. 2026", "1er décembre 2026", "1 déc. 2026, 06:45 TU"),
        ("zh", "2026年12月1日", "2026年12月1日", "2026年12月1日 06:45 UTC"),
    ],
)
def test_one_date_style_per_context_in_the_reader_language(app, language, cell, prose, timestamp):
    moment = datetime(2026, 12, 1, 6, 45, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": language}):
        assert format_day(date(2026, 12, 1), "cell") == cell
        assert format_day(date(2026, 12, 1), "prose") == prose
        assert format_timestamp(moment).replace(" ", "\u202f") == timestamp.replace(" ", "\u202f")


def test_a_meeting_time_stays_on_the_meeting_clock_and_names_its_zone(app):
    start = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 09:00 in Nairobi
    end = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert _plain(format_zoned(start, "Africa/Nairobi", end)) == (
            "1 déc. 2026, 09:00 – 11:30 heure normale d’Afrique de l’Est (Nairobi)"  # noqa: RUF001
        )
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        refresh()
        chinese = format_zoned(start, "Africa/Nairobi")
        assert chinese.endswith("09:00 东部非洲时间（内罗毕）")  # noqa: RUF001
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        text = format_zoned(start, "Africa/Nairobi")
        assert "9:00" in text and "East Africa Time (Nairobi)" in text and "6:00" not in text


def test_templates_name_a_date_context_rather_than_a_format():
    """Pages choose date_cell, date_prose, timestamp or zoned_time: never a CLDR width, so that
    one page does not mix short, medium and long dates for the same kind of place."""
    offenders = []
    for path in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = path.read_text("utf-8")
        for match in re.finditer(r"\b(date|datetime|time)format\b|\.strftime\(", text):
            offenders.append(f"{path.relative_to(PROJECT_ROOT)}: {match.group()}")
    assert offenders == []


def test_meeting_times_in_the_history_are_on_the_meeting_clock(client, login_as, group):
    login_as()
    meeting = groups.create_meeting(
        group,
        {
            "title": "Preparing COP",
            "starts_at": datetime(2030, 3, 2, 9, 0),
            "timezone": "Africa/Nairobi",
        },
    )
    groups.update_meeting(
        meeting,
        {
            "title": "Preparing COP",
            "starts_at": datetime(2030, 3, 2, 10, 30),
            "timezone": "Africa/Nairobi",
        },
        meeting.version,
    )
    page = client.get(WG).data.decode()
    history = _plain(page[page.index('<details class="history"') :])
    assert "Mar 2, 2030, 9:00 AM East Africa Time (Nairobi)" in history
    assert "Mar 2, 2030, 10:30 AM East Africa Time (Nairobi)" in history
    assert "6:00" not in history and "7:30" not in history


def test_the_history_names_people_and_fields(client, login_as, group, make_person):
    amina = make_person("KE", given_names="Amina", family_name="Said")
    joseph = make_person("KE", given_names="Joseph", family_name="Otieno")
    for person in (amina, joseph):
        groups.add_member(group, person)
    groups.create_meeting(
        group,
        {
            "title": "First meeting",
            "starts_at": datetime(2030, 3, 2, 9, 0),
            "timezone": "Africa/Nairobi",
            "attendee_ids": [amina.id, joseph.id],
            "text_language": "fr",
        },
    )
    login_as()
    page = client.get(WG).data.decode()
    history = page[page.index('<details class="history"') :]
    [present] = re.findall(
        r"Members present</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)<", history
    )
    assert present == "Amina Said, Joseph Otieno"
    assert "Language of the text" in history and "Français" in history
    assert "text_language" not in history and "attendee_ids" not in history


def test_a_consultation_history_shows_who_asked_and_in_which_language(
    client, login_as, make_appointment
):
    from tests.conftest import sample_positions

    user = login_as(name="Wanjiru Kamau")
    cms = make_appointment("CMS-NFP")
    url = sample_positions()["position"]
    client.post(
        f"{url}/consult",
        data={
            "version": "1",
            "people": [str(cms.person_id)],
            "message": "Please",
            "language": "fr",
        },
    )
    page = client.get(url).data.decode()
    history = page[page.index('<details class="history"') :]
    assert "Asked by" in history and "Wanjiru Kamau" in history
    assert "Language of the message" in history and "Français" in history
    assert cms.person.display_name in history
    for raw in ("requested_by", "message_language", user.email):
        assert raw not in history


def test_long_histories_are_folded_short_ones_open(client, login_as, group, make_person):
    login_as()
    page = client.get(WG).data.decode()
    assert '<details class="history" open>' in page  # the group's creation alone
    for _ in range(4):
        groups.add_member(group, make_person("KE"))
    page = client.get(WG).data.decode()
    assert '<details class="history">' in page
    assert "Show the 5 recorded changes" in page


# Tables whose history pages show, and the bookkeeping fields they leave out.
SHOWN_TABLES = {
    "people",
    "appointments",
    "meetings",
    "agenda_items",
    "positions",
    "consultations",
    "nbsaps",
    "national_targets",
    "alignments",
    "progress_notes",
    "working_groups",
    "working_group_members",
    "working_group_meetings",
    "working_group_actions",
    "working_group_documents",
    "users",
}


def test_every_field_a_history_shows_has_a_translated_label(app):
    from focalpoints.audit.history import HIDDEN

    missing = []
    with app.test_request_context():
        for mapper in db.Model.registry.mappers:
            model = mapper.class_
            if not issubclass(model, Audited) or model.__tablename__ not in SHOWN_TABLES:
                continue
            table = model.__tablename__
            for column in mapper.column_attrs:
                name = column.key
                if name in model.__audit_secret__ | getattr(model, "__audit_ignore__", set()):
                    continue
                if name in HIDDEN:
                    continue
                if field_label(name, table) == name and nbsap_label(name, table) == name:
                    missing.append(f"{table}.{name}")
    assert missing == []


@pytest.fixture
def group(country):
    return groups.create_group(country("KE"), {"name": "Kenya National Biodiversity Working Group"})


def test_the_history_names_what_the_application_did_itself(client, login_as, make_person):
    """A change made by a command or the demo data is named for the reader, not "system:…"."""
    from focalpoints.audit import LINK_SUFFIX, acting_as

    with acting_as("system:demo-data"):
        made = make_person("KE")
    with acting_as("amina@example.org" + LINK_SUFFIX):
        corrected = make_person("KE")
    login_as(language="fr")
    for person, who in (
        (made, "Données de démonstration"),
        (corrected, "amina@example.org (par le lien de confirmation)"),
    ):
        page = client.get(f"/countries/KE/people/{person.id}").data.decode()
        history = page[page.index('<details class="history"') :]
        assert "system:" not in history and "(link)" not in history
        assert who in history
