"""The working groups' blueprint and what its pages share."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.authorise import found
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points import queries as registry_queries
from focalpoints.focal_points.forms import DeleteForm
from focalpoints.focal_points.models import Person
from focalpoints.focal_points.operations import RegistryError
from focalpoints.forms import choices, language_choices
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.rich_text import render_markdown
from focalpoints.working_groups import calendar
from focalpoints.working_groups.labels import (
    ACTION_STATUSES,
    CATEGORIES,
    GROUP_ROLES,
    label_of,
)
from focalpoints.working_groups.models import Document, GroupMeeting

bp = Blueprint("working_groups", __name__, url_prefix="/countries/<code>/working-group")


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(
        {
            "category_label": lambda code: label_of(CATEGORIES, code),
            "group_role_label": lambda code: label_of(GROUP_ROLES, code),
            "action_status_label": lambda code: label_of(ACTION_STATUSES, code),
            "local_time": calendar.local_time,
        }
    )
    state.app.jinja_env.filters["markdown"] = render_markdown


def people_choices(field: Any, country: Country, blank: bool = True) -> list[Person]:
    """Offer the country's people in ``field`` (after a blank choice) and return them."""
    people = registry_queries.people_of(country)
    pairs = [(p.id, p.display_name) for p in people]
    field.choices = choices(([("", "—")] if blank else []) + pairs)
    return people


def person_id_of(value: Any) -> int | None:
    """The id a person field posted, or None."""
    return int(value) if value and str(value).isdigit() else None


def language_field(field: Any) -> None:
    """Offer the languages in ``field``, the reader's by default."""
    field.choices = language_choices(NATIVE_NAMES.items())
    if not field.data:
        field.data = str(get_locale() or "en")


def toggle(code: str, record_id: int, load: Any, change: Any, done: str) -> Response:
    """Apply a remove or restore button's ``change`` to the record ``load`` finds (404 if
    none) in a country whose group the user keeps, and go back to its page."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(load(country, record_id))
    if DeleteForm().validate_on_submit():
        try:
            change(record)
        except RegistryError as error:
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(done, "success")
    if isinstance(record, GroupMeeting) and record.deleted_at is None:
        return redirect(url_for(".meeting", code=country.iso2, meeting_id=record.id))
    if isinstance(record, Document) and record.meeting_id:
        return redirect(url_for(".meeting", code=country.iso2, meeting_id=record.meeting_id))
    return redirect(url_for(".group", code=country.iso2, group_id=record.group_id))
