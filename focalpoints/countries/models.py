"""Countries and other entities that can be Parties, and their membership of each convention."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.conventions.models import Convention
from focalpoints.countries import names
from focalpoints.db_types import in_enum
from focalpoints.extensions import db
from focalpoints.i18n import current_language

ENTITY_KINDS = ("state", "observer_state", "associated_state", "reio")


class Country(Audited, db.Model):
    """A state or entity that can be a Party (UN members, observers, associated states, the EU)."""

    __tablename__ = "countries"
    __table_args__ = (CheckConstraint(in_enum("kind", ENTITY_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    iso3: Mapped[str] = mapped_column(String(3), unique=True)
    m49: Mapped[str | None] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(20), default="state")
    region: Mapped[str | None] = mapped_column(String(3))
    subregion: Mapped[str | None] = mapped_column(String(3))
    mea_region: Mapped[str] = mapped_column(String(40))
    # Names an administrator sets per language where the Secretariat wants the official name.
    official_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The UN's names per language (UNTERM; the reference data file sets them).
    un_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    un_formal_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    # Common English names that search finds ("Turkey", "Vatican", "South Korea").
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # An administrator may require two-step log-in of the country's national users.
    two_factor_required: Mapped[bool] = mapped_column(default=False, server_default=false())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="country", order_by="Membership.entry_into_force"
    )

    @property
    def name(self) -> str:
        """The country's name in the reader's language: an official name an administrator set,
        else the UN short name, else CLDR's."""
        return names.name_in(self, current_language())

    def name_in(self, language: str) -> str:
        """The country's name for a reader of ``language``, as :attr:`name` chooses it."""
        return names.name_in(self, language)

    @property
    def formal_name(self) -> str:
        """The UN formal name in the reader's language ("Republic of Korea"), for letters."""
        return names.formal_name_in(self, current_language())

    def formal_name_in(self, language: str, article: bool = False) -> str:
        """The UN formal name for a reader of ``language``; ``article`` keeps its article."""
        return names.formal_name_in(self, language, article)

    @property
    def audit_country_id(self) -> int | None:
        return self.id

    def __repr__(self) -> str:
        return f"<Country {self.iso2}>"


class Membership(Audited, db.Model):
    """One period during which a country is a Party to an instrument (or a signatory of a
    memorandum of understanding), with where the record comes from."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("country_id", "convention_id", "entry_into_force"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("conventions.id", ondelete="RESTRICT"), index=True
    )
    # ratification, accession, acceptance, approval, succession, continuation, signature ...
    kind: Mapped[str] = mapped_column(String(30))
    signed: Mapped[date | None]
    deposited: Mapped[date | None]
    # None where no source gives the date, though the membership itself is on record.
    entry_into_force: Mapped[date | None]
    ended: Mapped[date | None]
    # The depositary's or Secretariat's record it was read from (an id of the data file's sources).
    source: Mapped[str | None] = mapped_column(String(80))
    # False where no source read confirms the membership and its dates.
    confirmed: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(String(500))

    country: Mapped[Country] = relationship(back_populates="memberships")
    convention: Mapped[Convention] = relationship()

    def is_current(self, on: date) -> bool:
        """Whether this period makes the country a Party on ``on``."""
        started = self.entry_into_force is None or self.entry_into_force <= on
        return started and (self.ended is None or self.ended > on)

    @property
    def audit_country_id(self) -> int | None:
        return self.country_id
