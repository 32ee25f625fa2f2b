"""Designation letters: which appointments go together, their predecessors, and the Word file.

A letter is a note verbale from the country's ministry to one Secretariat, naming one or more
designations with the details that the Secretariats' nomination forms ask for. Its fixed wording
is in the catalogues, in the language the reader chooses among the Secretariat's languages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.dates import format_date as babel_format_date
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import and_, or_, select

from focalpoints.conventions.models import Requirement
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.contacts import format_phone
from focalpoints.focal_points.models import Appointment, Person
from focalpoints.i18n import (
    RTL_LANGUAGES,
    french_first_of_month,
    join_list,
    list_separator,
    parenthetical,
    territory_name,
)
from focalpoints.letters import grammar
from focalpoints.letters.secretariats import Secretariat, secretariat_of

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_DESIGNATIONS = 50
# Word's language tags for each letter language (spelling and hyphenation).
_WORD_LANGUAGES = {
    "en": "en-GB",
    "fr": "fr-FR",
    "es": "es-ES",
    "ru": "ru-RU",
    "ar": "ar-SA",
    "zh": "zh-CN",
}
_ARABIC_LETTERS = re.compile("[\u0600-\u06ff]")
# English letters follow the United Nations' British usage ("1 February 2025").
_DATE_LOCALES = {"en": "en_GB"}
# Left-to-right marks: keep a number or a Latin name in one piece in a right-to-left line.
_LRM = "\u200e"


def format_date(value: date, language: str) -> str:
    """A date as a letter in ``language`` writes it (CLDR's long format)."""
    text = babel_format_date(value, "long", locale=_DATE_LOCALES.get(language, language))
    return french_first_of_month(text, value, "long", language)


class LetterError(ValueError):
    """Appointments that cannot go in one letter."""


def letter_secretariat(appointment: Appointment) -> Secretariat:
    """The Secretariat that a designation letter for ``appointment`` goes to."""
    return secretariat_of(appointment.role.convention)


def default_language(secretariat: Secretariat, reader_language: str) -> str:
    """The reader's language where the Secretariat works in it, else English."""
    return reader_language if reader_language in secretariat.languages else "en"


def common_secretariat(appointments: Sequence[Appointment]) -> Secretariat:
    """The one Secretariat all ``appointments`` go to; :class:`LetterError` if they differ."""
    if not appointments:
        raise LetterError("no appointment")
    secretariats = {letter_secretariat(a).code: letter_secretariat(a) for a in appointments}
    if len(secretariats) != 1:
        raise LetterError("several Secretariats")
    return next(iter(secretariats.values()))


def predecessor_of(appointment: Appointment) -> Appointment | None:
    """The holder whose designation this one ends: the recorded predecessor, else, for a role
    with one holder, the country's previous appointment to the role."""
    if appointment.predecessor_id:
        previous = db.session.get(Appointment, appointment.predecessor_id)
    elif appointment.role.multiple_holders:
        return None
    else:
        previous = db.session.scalar(
            select(Appointment)
            .join(Person, Person.id == Appointment.person_id)
            .where(
                Appointment.country_id == appointment.country_id,
                Appointment.role_id == appointment.role_id,
                Appointment.id != appointment.id,
                Person.deleted_at.is_(None),
                or_(
                    Appointment.start_date < appointment.start_date,
                    and_(
                        Appointment.start_date == appointment.start_date,
                        Appointment.id < appointment.id,
                    ),
                ),
            )
            .order_by(Appointment.start_date.desc(), Appointment.id.desc())
            .limit(1)
        )
    if previous is None or previous.person.is_deleted:
        return None
    if previous.person_id == appointment.person_id:
        return None
    return previous


@dataclass(frozen=True)
class Field:
    """One line of a designation's details: its label and value in the letter's language."""

    label: str
    value: str


@dataclass(frozen=True)
class Designation:
    """What the letter says of one appointment."""

    heading: str
    fields: list[Field]


def _language_names(codes: Iterable[str], language: str) -> str:
    names = Locale.parse(language).languages
    return join_list((names.get(code, code) for code in codes), language)


def _postal_address(person: Person, language: str) -> str:
    place = " ".join(part for part in (person.postal_code, person.city) if part)
    country = territory_name(person.address_country, language) if person.address_country else ""
    separator = ", " if language == "zh" else list_separator(language)
    return separator.join(part for part in (person.street, place, country) if part)


def _requirement(code: str) -> str:
    if code == Requirement.REQUIRED.value:
        return gettext("Designation required")
    if code == Requirement.EXPECTED.value:
        return gettext("Designation expected (requested or invited by decisions)")
    return gettext("Designation optional")


def _designation(appointment: Appointment, language: str) -> Designation:
    """The designation's details, as the Secretariats' nomination forms ask for them."""
    role = appointment.role
    instrument = role.convention
    person = appointment.person
    title = role.names.get(language) or role.names.get("en") or role.code
    instrument_name = instrument.names.get(language) or instrument.names.get("en", "")
    basis = role.basis.get(language) or role.basis.get("en", "")
    requirement = _requirement(role.requirement)
    fields = [
        Field(gettext("Instrument concerned"), instrument_name),
        Field(gettext("Role designated"), title),
        Field(
            gettext("Basis"),
            f"{basis}{parenthetical(requirement, language)}" if basis else requirement,
        ),
        Field(gettext("Effective date"), format_date(appointment.start_date, language)),
    ]
    placeholder = "[…]"
    if person.is_institution:
        details = [
            (gettext("Institution"), person.organisation, True),
            (gettext("Department"), person.department, False),
        ]
    else:
        details = [
            (gettext("Form of address"), person.honorific, True),
            (gettext("Given name(s)"), person.given_names, True),
            (gettext("Family name"), person.family_name, True),
            (gettext("Official position"), person.job_title, True),
            (gettext("Organisation"), _organisation(person, language), True),
            (gettext("Department"), person.department, False),
        ]
    details += [
        (gettext("Postal address"), _postal_address(person, language), True),
        (gettext("Telephone"), format_phone(person.phone), True),
        (gettext("Mobile"), format_phone(person.mobile), False),
        (gettext("Fax"), format_phone(person.fax), False),
        (gettext("E-mail address"), person.email, True),
        (gettext("Website"), person.website, False),
        (
            gettext("Correspondence languages"),
            _language_names(person.languages, language),
            False,
        ),
    ]
    # Lines a form asks for stay in the letter, to be completed; optional ones only when known.
    fields += [
        Field(label, value or placeholder) for label, value, asked in details if value or asked
    ]
    previous = predecessor_of(appointment)
    if previous is not None:
        ends = previous.end_date or appointment.start_date
        fields.append(
            Field(
                gettext("Replaces"),
                gettext(
                    "%(name)s, whose designation ends on %(date)s",
                    name=previous.person.display_name,
                    date=format_date(ends, language),
                ),
            )
        )
    acronym = instrument.acronyms.get(language) or instrument.acronyms.get("en") or instrument.code
    return Designation(heading=f"{title}{parenthetical(acronym, language)}", fields=fields)


def _organisation(person: Person, language: str) -> str:
    if person.organisation and person.organisation_acronym:
        return f"{person.organisation}{parenthetical(person.organisation_acronym, language)}"
    return person.organisation


# The Word file ---------------------------------------------------------------------------------


def set_document_language(document: Document, language: str) -> None:
    """Default fonts and language of the document, for spelling and for each script.

    Elements are placed in the order the schema requires (Word refuses a file otherwise).
    """
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    properties = style.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    fonts.set(qn("w:cs"), "Times New Roman")
    fonts.set(qn("w:eastAsia"), "SimSun")
    size = OxmlElement("w:szCs")
    size.set(qn("w:val"), "24")
    properties.find(qn("w:sz")).addnext(size)
    tag = OxmlElement("w:lang")
    tag.set(qn("w:val"), _WORD_LANGUAGES.get(language, "en-GB"))
    tag.set(qn("w:eastAsia"), "zh-CN" if language == "zh" else "en-GB")
    tag.set(qn("w:bidi"), "ar-SA")
    properties.append(tag)
    document.core_properties.language = _WORD_LANGUAGES.get(language, "en-GB")


class Writer:
    """Adds paragraphs and tables in the letter's direction (also used by the handover pack and
    the Secretariat's report)."""

    def __init__(self, document: Document, language: str) -> None:
        self.document = document
        self.rtl = language in RTL_LANGUAGES

    def direct(self, paragraph: Paragraph) -> Paragraph:
        """Set ``paragraph`` right to left in a right-to-left document."""
        if self.rtl:
            paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        return paragraph

    def direct_table(self, table: Table) -> Table:
        """Lay ``table``'s columns out from the right in a right-to-left document."""
        if self.rtl:
            table._tbl.tblPr.find(qn("w:tblStyle")).addnext(OxmlElement("w:bidiVisual"))
        return table

    def run(self, paragraph: Paragraph, text: str, bold: bool = False) -> None:
        arabic = bool(_ARABIC_LETTERS.search(text))
        if self.rtl and not arabic and text:
            text = f"{_LRM}{text}{_LRM}"
        run = paragraph.add_run(text)
        run.bold = bold
        if self.rtl and arabic:
            properties = run._r.get_or_add_rPr()
            if bold:  # Arabic letters are bold through the complex-script property
                properties.find(qn("w:b")).addnext(OxmlElement("w:bCs"))
            properties.append(OxmlElement("w:rtl"))

    def paragraph(
        self,
        text: str = "",
        bold: bool = False,
        centred: bool = False,
        space_after: float = 8,
    ) -> Paragraph:
        paragraph = self.direct(self.document.add_paragraph())
        if text:
            self.run(paragraph, text, bold)
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif not self.rtl:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.space_after = Pt(space_after)
        return paragraph

    def table(self, fields: Sequence[Field]) -> Table:
        table = self.document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.autofit = False
        self.direct_table(table)
        widths = (Cm(5.5), Cm(10.5))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for field in fields:
            label_cell, value_cell = table.add_row().cells
            label_cell.width, value_cell.width = widths
            self.run(self.direct(label_cell.paragraphs[0]), field.label, bold=True)
            self.run(self.direct(value_cell.paragraphs[0]), field.value)
        return table

    def grid(self, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
        """A table with a header row: ``columns`` headings, ``rows`` of text."""
        table = self.document.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        self.direct_table(table)
        for cell, heading in zip(table.rows[0].cells, columns, strict=True):
            self.run(self.direct(cell.paragraphs[0]), heading, bold=True)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                self.run(self.direct(cell.paragraphs[0]), value)
        return table


def build_letter(
    country: Country, appointments: Sequence[Appointment], language: str, today: date
) -> bytes:
    """The designation letter for ``appointments`` (all for one Secretariat) in ``language``,
    as a Word file."""
    secretariat = common_secretariat(appointments)
    if language not in secretariat.languages:
        raise LetterError("language")
    with force_locale(language):
        designations = [_designation(a, language) for a in appointments]
        return _write(country, secretariat, designations, language, today)


def _write(
    country: Country,
    secretariat: Secretariat,
    designations: Sequence[Designation],
    language: str,
    today: date,
) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    set_document_language(document, language)
    document.core_properties.title = gettext("Note verbale")
    document.core_properties.author = ""
    write = Writer(document, language)

    name = secretariat.name_in(language)
    variables = {
        "of_country": grammar.of_country(country.formal_name_in(language, article=True), language),
        "country": country.formal_name_in(language),
        "to_secretariat": grammar.to_secretariat(name, language),
    }
    write.paragraph(variables["country"], bold=True, centred=True, space_after=2)
    write.paragraph(gettext("[Name of the Ministry]"), centred=True, space_after=18)
    write.paragraph(gettext("Ref.: [reference number]"), space_after=18)
    write.paragraph(gettext("Note verbale").upper(), bold=True, centred=True, space_after=18)
    write.paragraph(
        ngettext(
            "The Ministry [of …] %(of_country)s presents its compliments %(to_secretariat)s "
            "and has the honour to inform it of the following designation:",
            "The Ministry [of …] %(of_country)s presents its compliments %(to_secretariat)s "
            "and has the honour to inform it of the following designations:",
            len(designations),
            **variables,
        )
    )
    for number, designation in enumerate(designations, start=1):
        heading = designation.heading
        if len(designations) > 1:
            heading = f"{number}. {heading}"
        write.paragraph(heading, bold=True, space_after=4)
        write.table(designation.fields)
        write.paragraph(space_after=4)
    write.paragraph(
        gettext(
            "The Ministry would be grateful if the Secretariat would update its records and "
            "contact lists accordingly."
        )
    )
    write.paragraph(
        gettext(
            "The Ministry [of …] %(of_country)s avails itself of this opportunity to renew "
            "%(to_secretariat)s the assurances of its highest consideration.",
            **variables,
        ),
        space_after=24,
    )
    write.paragraph(gettext("[Place], %(date)s", date=format_date(today, language)), space_after=24)
    write.paragraph(gettext("[Signature and seal]"), space_after=36)
    write.paragraph(name, bold=True, space_after=0)
    for line in secretariat.address:
        write.paragraph(line, space_after=0)
    if secretariat.address_country:
        write.paragraph(territory_name(secretariat.address_country, language), space_after=0)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def letter_filename(country: Country, secretariat: Secretariat, language: str) -> str:
    """The file name of a letter: ASCII, country, Secretariat and language."""
    code = re.sub(r"[^A-Za-z0-9-]", "", secretariat.code).lower() or "secretariat"
    return f"designation-{country.iso2.lower()}-{code}-{language}.docx"
