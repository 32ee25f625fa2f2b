"""What reference data file was applied, so that init is idempotent and the UI can say 'as of'."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from focalpoints.db_types import UTCDateTime, utcnow
from focalpoints.extensions import db


class ReferenceDataset(db.Model):
    """The last applied version of one reference data file."""

    __tablename__ = "reference_datasets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    as_of: Mapped[date | None]
    sha256: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
