"""The Secretariat's report on national focal points, for one instrument and one day.

Before each meeting of the Parties a Secretariat reports on designations: totals by region,
the Parties without each required role, what changed since an earlier day (new designations,
vacancies) and the designations gone stale. The figures are those of the coverage page for the
same day (:func:`~focalpoints.coverage.queries.coverage` on the state of that day); the report
is written in one of the Secretariat's languages, as a Word file or a workbook.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter
from babel.numbers import format_decimal, format_percent
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm
from flask_babel import force_locale, gettext

from focalpoints.countries.labels import MEA_REGIONS, REQUIREMENTS
from focalpoints.coverage.history import STALE, holdings_on, stale_after_days, timelines
from focalpoints.coverage.queries import CoverageData, CoverageReport, coverage
from focalpoints.exports.formats import neutralise
from focalpoints.i18n import RTL_LANGUAGES, translated
from focalpoints.letters.operations import Writer, format_date, set_document_language
from focalpoints.letters.secretariats import Secretariat, secretariat_of
from focalpoints.reference.snapshot import ConventionRecord, CountryRecord, RoleRecord

_SEPARATORS = {"ar": "، ", "zh": "、"}
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class RegionTotal:
    """A region's Parties and their designations of the instrument's counted roles."""

    region: str
    label: str
    parties: int
    designations: int
    filled: int
    stale: int

    @property
    def vacant(self) -> int:
        return self.designations - self.filled - self.stale

    @property
    def share(self) -> float:
        return self.filled / self.designations if self.designations else 0.0


@dataclass(frozen=True)
class Change:
    """A Party's role that was newly designated, or fell vacant, between the two days."""

    country: CountryRecord
    role: RoleRecord
    day: date | None = None


@dataclass
class SecretariatReport:
    instrument: ConventionRecord
    secretariat: Secretariat
    on: date
    since: date
    language: str
    coverage: CoverageReport
    regions: list[RegionTotal]
    new_designations: list[Change]
    vacancies: list[Change]
    stale: list[Change]

    def role_name(self, role: RoleRecord) -> str:
        return translated(role.names, self.language) or role.code

    def country_name(self, country: CountryRecord) -> str:
        return country.name_in(self.language)

    @property
    def instrument_name(self) -> str:
        return translated(self.instrument.names, self.language) or self.instrument.code


def build(instrument: ConventionRecord, on: date, since: date, language: str) -> SecretariatReport:
    """Gather the report (the coverage of ``on``, and the appointments' history)."""
    report = coverage(convention_code=instrument.code, data=CoverageData.as_of(on))
    report.roles = [e for e in report.roles if e.convention.id == instrument.id]
    roles = {e.role.id: e.role for e in report.roles}
    parties = [c for c in report.countries if report.cells[(c.id, instrument.id)].is_party]
    regions = []
    for code in MEA_REGIONS:
        members = [c for c in parties if c.mea_region == code]
        cells = [report.cells[(c.id, instrument.id)] for c in members]
        with force_locale(language):
            label = str(MEA_REGIONS[code])
        regions.append(
            RegionTotal(
                code,
                label,
                len(members),
                sum(c.required for c in cells),
                sum(c.filled for c in cells),
                sum(c.stale for c in cells),
            )
        )
    lines = timelines(roles, date.today())
    before = holdings_on(since, lines)
    after = holdings_on(on, lines)
    by_id = {c.id: c for c in parties}
    started: dict[tuple[int, int], date] = {}
    for line in lines:
        key = (line.country_id, line.role_id)
        if line.country_id in by_id and since < line.started <= on:
            started[key] = min(started.get(key, line.started), line.started)
    order = {c.id: n for n, c in enumerate(parties)}
    role_order = {r: n for n, r in enumerate(roles)}

    def sort(changes: list[Change]) -> list[Change]:
        return sorted(changes, key=lambda c: (role_order[c.role.id], order[c.country.id]))

    return SecretariatReport(
        instrument=instrument,
        secretariat=secretariat_of(instrument),
        on=on,
        since=since,
        language=language,
        coverage=report,
        regions=regions,
        new_designations=sort([Change(by_id[c], roles[r], day) for (c, r), day in started.items()]),
        vacancies=sort(
            [Change(by_id[c], roles[r]) for (c, r) in before if c in by_id and (c, r) not in after]
        ),
        stale=sort(
            [
                Change(by_id[c], roles[r], held.last_confirmed)
                for (c, r), held in after.items()
                if c in by_id and held.level == STALE
            ]
        ),
    )


def _totals_row(report: SecretariatReport) -> RegionTotal:
    regions = report.regions
    return RegionTotal(
        "",
        gettext("All regions"),
        sum(r.parties for r in regions),
        sum(r.designations for r in regions),
        sum(r.filled for r in regions),
        sum(r.stale for r in regions),
    )


Value = str | int | float | date | None


def display(value: Value, language: str) -> str:
    """A cell as the Word file writes it: numbers and dates in the report's language; a float
    is always a share."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format_percent(value, locale=language)
    if isinstance(value, int):
        return format_decimal(value, locale=language)
    if isinstance(value, date):
        return format_date(value, language)
    return value


def _tables(report: SecretariatReport) -> list[tuple[str, str, list[str], list[list[Value]]]]:
    """The report's sections as (key, heading, columns, rows of plain values), in the
    report's language (call it in that locale)."""
    region_rows: list[list[Value]] = [
        [r.label, r.parties, r.designations, r.filled, r.stale, r.vacant, r.share]
        for r in [*report.regions, _totals_row(report)]
    ]
    role_rows: list[list[Value]] = [
        [
            report.role_name(e.role),
            str(REQUIREMENTS.get(e.role.requirement, e.role.requirement)),
            e.parties,
            e.filled,
            e.stale,
            e.vacant,
        ]
        for e in report.coverage.roles
    ]
    missing_rows: list[list[Value]] = [
        [
            report.role_name(e.role),
            e.vacant,
            _SEPARATORS.get(report.language, ", ").join(report.country_name(c) for c in e.missing),
        ]
        for e in report.coverage.roles
    ]

    def changes(items: list[Change], with_day: bool) -> list[list[Value]]:
        return [
            [report.country_name(c.country), report.role_name(c.role)]
            + ([c.day] if with_day else [])
            for c in items
        ]

    since = format_date(report.since, report.language)
    return [
        (
            "regions",
            gettext("Totals by region"),
            [
                gettext("Region"),
                gettext("Parties"),
                gettext("Designations asked"),
                gettext("Holder confirmed"),
                gettext("Stale"),
                gettext("Vacant"),
                gettext("Share confirmed"),
            ],
            region_rows,
        ),
        (
            "roles",
            gettext("Roles"),
            [
                gettext("Role"),
                gettext("Designation"),
                gettext("Parties"),
                gettext("Holder confirmed"),
                gettext("Stale"),
                gettext("Vacant"),
            ],
            role_rows,
        ),
        (
            "missing",
            gettext("Parties without each required role"),
            [gettext("Role"), gettext("Vacant"), gettext("Parties")],
            missing_rows,
        ),
        (
            "new",
            gettext("New designations since %(date)s", date=since),
            [gettext("Party"), gettext("Role"), gettext("Effective date")],
            changes(report.new_designations, True),
        ),
        (
            "vacancies",
            gettext("Roles vacant since %(date)s", date=since),
            [gettext("Party"), gettext("Role")],
            changes(report.vacancies, False),
        ),
        (
            "stale",
            gettext("Stale designations (not confirmed for %(days)s days)", days=_stale_days()),
            [gettext("Party"), gettext("Role"), gettext("Last confirmed")],
            changes(report.stale, True),
        ),
    ]


def _stale_days() -> int:
    return stale_after_days()


def _title(report: SecretariatReport) -> str:
    return gettext("National focal points: %(instrument)s", instrument=report.instrument_name)


def _subtitle(report: SecretariatReport) -> str:
    return gettext(
        "Situation on %(date)s, with the changes since %(since)s",
        date=format_date(report.on, report.language),
        since=format_date(report.since, report.language),
    )


# The Word file --------------------------------------------------------------------------------


def docx_file(report: SecretariatReport) -> bytes:
    """The report as a Word file in its language."""
    language = report.language
    with force_locale(language):
        document = Document()
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        set_document_language(document, language)
        document.core_properties.title = _title(report)
        document.core_properties.author = report.secretariat.name_in(language)
        write = Writer(document, language)
        write.paragraph(report.secretariat.name_in(language), centred=True, space_after=4)
        write.paragraph(_title(report), bold=True, centred=True, space_after=4)
        write.paragraph(_subtitle(report), centred=True, space_after=12)
        write.paragraph(
            gettext(
                "A role counts as held when a Party has a current holder; as confirmed when the "
                "holder was confirmed (or designated) in the last %(days)s days; as stale "
                "otherwise.",
                days=_stale_days(),
            )
        )
        for _key, heading, columns, rows in _tables(report):
            write.paragraph(heading, bold=True, space_after=4)
            if rows:
                write.grid(columns, [[display(v, language) for v in row] for row in rows])
            else:
                write.paragraph(gettext("None."))
            write.paragraph(space_after=4)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()


# The workbook ---------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def xlsx_file(report: SecretariatReport) -> str:
    """The report as a workbook, one sheet per section; returns the path of a temporary file."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="focalpoints-report-")
    os.close(handle)
    language = report.language
    workbook = xlsxwriter.Workbook(
        path,
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#D1E7DD", "border": 1})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    percent = workbook.add_format({"num_format": "0.0%"})
    with force_locale(language):
        workbook.set_properties({"title": _title(report), "created": datetime.now()})
        summary = workbook.add_worksheet(_sheet_name(gettext("Report"), set()))
        if language in RTL_LANGUAGES:
            summary.right_to_left()
        summary.set_column(0, 0, 90)
        summary.write_string(0, 0, neutralise(report.secretariat.name_in(language)))
        summary.write_string(1, 0, neutralise(_title(report)), bold)
        summary.write_string(2, 0, neutralise(_subtitle(report)))
        names: set[str] = {summary.name}
        for _key, heading, columns, rows in _tables(report):
            sheet = workbook.add_worksheet(_sheet_name(heading, names))
            names.add(sheet.name)
            if language in RTL_LANGUAGES:
                sheet.right_to_left()
            for index, column in enumerate(columns):
                sheet.set_column(index, index, 60 if len(columns) == 3 and index == 2 else 24)
                sheet.write_string(0, index, column, header)
            sheet.freeze_panes(1, 0)
            for number, row in enumerate(rows, start=1):
                for index, value in enumerate(row):
                    if isinstance(value, float):
                        sheet.write_number(number, index, value, percent)
                    elif isinstance(value, int):
                        sheet.write_number(number, index, value)
                    elif isinstance(value, date):
                        sheet.write_datetime(
                            number, index, datetime.combine(value, datetime.min.time()), dates
                        )
                    elif value is not None:
                        sheet.write_string(number, index, neutralise(value))
    workbook.close()
    return path


def _sheet_name(heading: str, taken: set[str]) -> str:
    name = _SHEET_FORBIDDEN.sub(" ", heading).strip("' ")[:28] or "Sheet"
    candidate, n = name, 2
    while candidate.lower() in {t.lower() for t in taken}:
        candidate, n = f"{name} {n}", n + 1
    return candidate


def filename(report: SecretariatReport, extension: str) -> str:
    code = re.sub(r"[^A-Za-z0-9-]", "", report.instrument.code).lower() or "instrument"
    return f"focal-points-report-{code}-{report.on.isoformat()}-{report.language}.{extension}"
