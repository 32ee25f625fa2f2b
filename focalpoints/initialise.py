"""Bring a database to the current schema and reference data (``focalpoints init``)."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from flask_babel import force_locale
from flask_migrate import upgrade

from focalpoints.audit import acting_as
from focalpoints.extensions import db
from focalpoints.frameworks.operations import apply_frameworks
from focalpoints.meetings.reference import apply_issues, apply_meetings
from focalpoints.reference.operations import (
    ApplyReport,
    apply_conventions,
    apply_countries,
    apply_datasets,
    apply_memberships,
)
from focalpoints.reporting.operations import apply_deadlines

# Each reference data file and the feature that applies it, in the order they are applied.
REFERENCE_LOADERS = {
    "countries": apply_countries,
    "conventions": apply_conventions,
    "memberships": apply_memberships,
    "frameworks": apply_frameworks,
    "reporting": apply_deadlines,
    "issues": apply_issues,
    "meetings": apply_meetings,
}


def apply_reference_data(force: bool = False) -> list[ApplyReport]:
    """Apply, in one transaction, every reference data file that changed since last applied."""
    reports = apply_datasets(REFERENCE_LOADERS, force)
    db.session.commit()
    return reports


def _revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def initialise() -> list[str]:
    """Apply migrations and reference data; return what was done, one line each."""
    lines = []
    before = _revision()
    upgrade()
    after = _revision()
    if before == after:
        lines.append(f"Database schema already up to date ({after}).")
    else:
        lines.append(f"Database schema upgraded from {before or 'empty'} to {after}.")
    with acting_as("system:init"), force_locale("en"):
        reports = apply_reference_data()
    for report in reports:
        as_of = report.as_of.isoformat() if report.as_of else "?"
        if report.applied:
            lines.append(
                f"Reference data '{report.dataset}' (as of {as_of}) applied: "
                f"{report.created} created, {report.updated} updated, {report.removed} removed."
            )
        else:
            lines.append(f"Reference data '{report.dataset}' (as of {as_of}) unchanged.")
    if before == after and not any(r.applied for r in reports):
        lines.append("Nothing to do: the database was already current.")
    return lines
