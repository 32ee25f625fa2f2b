"""Conventions and the national roles a Party designates people or institutions to."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.extensions import db
from focalpoints.i18n import translated

HOLDER_KINDS = ("person", "institution", "either")


class Convention(Audited, db.Model):
    """A convention (CMS, CBD, CITES, Ramsar, or one an administrator adds)."""

    __tablename__ = "conventions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    acronyms: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    website: Mapped[str | None] = mapped_column(String(300))
    sort_order: Mapped[int] = mapped_column(default=100)
    is_active: Mapped[bool] = mapped_column(default=True)

    roles: Mapped[list[Role]] = relationship(
        back_populates="convention", order_by="Role.sort_order, Role.code"
    )

    @property
    def name(self) -> str:
        """The convention's full name in the reader's language."""
        return translated(self.names)

    @property
    def acronym(self) -> str:
        """The convention's acronym in the reader's language."""
        return translated(self.acronyms) or self.code

    def __repr__(self) -> str:
        return f"<Convention {self.code}>"


class Role(Audited, db.Model):
    """A national role of a convention, such as the CMS National Focal Point."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("conventions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    multiple_holders: Mapped[bool] = mapped_column(default=False)
    has_primary: Mapped[bool] = mapped_column(default=False)
    required: Mapped[bool] = mapped_column(default=False)
    holder_kind: Mapped[str] = mapped_column(String(20), default="person")
    instrument: Mapped[str | None] = mapped_column(String(80))
    informea_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    sort_order: Mapped[int] = mapped_column(default=100)
    is_active: Mapped[bool] = mapped_column(default=True)

    convention: Mapped[Convention] = relationship(back_populates="roles")

    @property
    def name(self) -> str:
        """The role's name in the reader's language."""
        return translated(self.names)

    def __repr__(self) -> str:
        return f"<Role {self.code}>"
