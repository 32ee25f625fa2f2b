"""Target frameworks: loading them from the reference data and the edits the Secretariat makes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from focalpoints.audit import record_event
from focalpoints.concurrency import claim_version
from focalpoints.conventions.models import Convention
from focalpoints.extensions import db
from focalpoints.frameworks.models import Framework, FrameworkElement
from focalpoints.reference.operations import ApplyReport, assign


class FrameworkError(ValueError):
    """A change refused; ``field`` names the form field the message belongs to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def apply_frameworks(data: dict[str, Any], report: ApplyReport) -> None:
    """Create or update frameworks and their goals and targets from the data file."""
    conventions = {c.code: c for c in db.session.scalars(select(Convention))}
    frameworks = {
        f.code: f
        for f in db.session.scalars(select(Framework).options(selectinload(Framework.conventions)))
    }
    elements = {e.identifier: e for e in db.session.scalars(select(FrameworkElement))}
    for entry in data["frameworks"]:
        values = {
            "names": entry["names"],
            "short_names": entry.get("short_names", {}),
            "start_year": entry.get("start_year"),
            "end_year": entry.get("end_year"),
            "adopted_year": entry.get("adopted_year"),
            "website": entry.get("website"),
            "adopted_by": entry.get("adopted_by"),
            "sources": entry.get("sources", {}),
            "sort_order": entry.get("sort_order", 100),
        }
        framework = frameworks.get(entry["code"])
        if framework is None:
            framework = Framework(code=entry["code"], **values)
            db.session.add(framework)
            frameworks[framework.code] = framework
            report.created += 1
        elif assign(framework, values):
            report.updated += 1
        wanted = [conventions[code] for code in entry.get("conventions", [])]
        if {c.id for c in framework.conventions} != {c.id for c in wanted}:
            framework.conventions = wanted
        db.session.flush()
        for element_entry in entry["elements"]:
            parent = elements.get(element_entry.get("parent") or element_entry.get("goal", ""))
            element_values = {
                "framework_id": framework.id,
                "kind": element_entry["kind"],
                "code": element_entry["code"],
                "titles": element_entry["titles"],
                "texts": element_entry.get("texts", {}),
                "source": element_entry.get("source"),
                "confirmed": element_entry.get("confirmed", True),
                "sort_order": element_entry.get("sort_order", 100),
                "parent_id": parent.id if parent else None,
            }
            element = elements.get(element_entry["identifier"])
            if element is None:
                element = FrameworkElement(identifier=element_entry["identifier"], **element_values)
                db.session.add(element)
                db.session.flush()
                elements[element.identifier] = element
                report.created += 1
            elif assign(element, element_values):
                report.updated += 1
    for entry in data["frameworks"]:
        successor = frameworks[entry["code"]]
        predecessor = frameworks.get(entry.get("supersedes", ""))
        wanted_id = predecessor.id if predecessor else None
        if successor.supersedes_id != wanted_id:
            successor.supersedes_id = wanted_id
    db.session.flush()


def _record_conventions(framework: Framework, before: list[str]) -> None:
    after = sorted(c.code for c in framework.conventions)
    if after != before:
        db.session.add(framework)
        record_event(
            db.session,
            "update",
            "frameworks",
            framework.id,
            before={"conventions": before},
            details={"conventions": after},
        )


def update_framework(
    framework: Framework,
    seen_version: int,
    names: dict[str, str],
    short_names: dict[str, str],
    start_year: int | None,
    end_year: int | None,
    conventions: list[Convention],
    is_active: bool,
) -> Framework:
    """Change a framework's names, period, conventions and use; StaleRecord if outdated."""
    if start_year and end_year and end_year < start_year:
        raise FrameworkError(_l("The end year cannot come before the start year."), "end_year")
    claim_version(framework, seen_version)
    before = sorted(c.code for c in framework.conventions)
    framework.names = names
    framework.short_names = short_names
    framework.start_year = start_year
    framework.end_year = end_year
    framework.is_active = is_active
    framework.conventions = conventions
    _record_conventions(framework, before)
    db.session.flush()
    return framework


def update_element(element: FrameworkElement, seen_version: int, titles: dict[str, str]) -> None:
    """Change the short titles of a goal or target; StaleRecord if someone saved in between."""
    claim_version(element, seen_version)
    element.titles = titles
    db.session.flush()
