"""Pages of the group's meetings, and their calendar files."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.authorise import found
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.focal_points.forms import DeleteForm
from focalpoints.focal_points.operations import RegistryError
from focalpoints.forms import choices
from focalpoints.working_groups import calendar, operations, queries
from focalpoints.working_groups.forms import DocumentForm, MeetingForm
from focalpoints.working_groups.models import GroupMeeting, WorkingGroup
from focalpoints.working_groups.views.common import bp, language_field, toggle


def _meeting_form(
    country: Country, record: WorkingGroup, meeting: GroupMeeting | None
) -> MeetingForm:
    form = MeetingForm(obj=meeting)
    form.timezone.choices = calendar.zone_options(
        country.iso2, keep=meeting.timezone if meeting else None
    )
    members = queries.meeting_members(record)
    form.attendees.choices = choices((m.person_id, m.person.display_name) for m in members)
    language_field(form.text_language)
    if not form.is_submitted():
        form.version.data = meeting.version if meeting else 0
        if meeting is None:
            form.timezone.data = calendar.default_zone(country.iso2)
        else:
            form.starts_at.data = calendar.local_time(meeting.starts_at, meeting.timezone)
            form.ends_at.data = calendar.local_time(meeting.ends_at, meeting.timezone)
            form.agenda.data = "\n".join(meeting.agenda)
            form.guests.data = "\n".join(meeting.guests)
            form.attendees.data = [str(i) for i in meeting.attendee_ids]
    return form


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _meeting_values(form: MeetingForm) -> dict[str, Any]:
    return {
        "title": form.title.data,
        "starts_at": form.starts_at.data,
        "ends_at": form.ends_at.data,
        "timezone": form.timezone.data,
        "place": form.place.data or "",
        "online_url": form.online_url.data or "",
        "agenda": _lines(form.agenda.data),
        "guests": _lines(form.guests.data),
        "attendee_ids": sorted({int(i) for i in form.attendees.data or [] if str(i).isdigit()}),
        "minutes": form.minutes.data or "",
        "decisions": form.decisions.data or "",
        "text_language": form.text_language.data or "",
    }


@bp.route("/<int:group_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(code: str, group_id: int) -> str | Response:
    """Record a meeting of the group."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.group_of(country, group_id))
    form = _meeting_form(country, record, None)
    if form.validate_on_submit():
        try:
            meeting = operations.create_meeting(record, _meeting_values(form))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The meeting has been recorded."), "success")
            return redirect(url_for(".meeting", code=country.iso2, meeting_id=meeting.id))
    return render_template(
        "working_groups/meeting_form.html", country=country, group=record, form=form, meeting=None
    )


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(code: str, meeting_id: int) -> str:
    """A meeting: when and where, and for those who may read them, its papers."""
    country = load_country(code, can=permissions.can_view_working_group)
    record = found(queries.meeting_of(country, meeting_id))
    papers = permissions.can_read_group_papers(current_user, record.group)
    return render_template(
        "working_groups/meeting.html",
        country=country,
        group=record.group,
        detail=queries.meeting_detail(record),
        papers=papers,
        document_form=DocumentForm(formdata=None),
        button=DeleteForm(),
    )


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(code: str, meeting_id: int) -> str | Response:
    """Edit a meeting: details, attendance, minutes and decisions."""
    country = load_country(code, can=permissions.can_edit_working_group)
    record = found(queries.meeting_of(country, meeting_id, removed=True))
    form = _meeting_form(country, record.group, record)
    if form.validate_on_submit():
        try:
            operations.update_meeting(record, _meeting_values(form), form.version.data)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_meeting", code=country.iso2, meeting_id=meeting_id))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The record has been saved."), "success")
            return redirect(url_for(".meeting", code=country.iso2, meeting_id=record.id))
    return render_template(
        "working_groups/meeting_form.html",
        country=country,
        group=record.group,
        form=form,
        meeting=record,
    )


def _meeting_or_removed(country: Country, meeting_id: int) -> GroupMeeting | None:
    return queries.meeting_of(country, meeting_id, removed=True)


@bp.post("/meetings/<int:meeting_id>/delete")
@login_required
def delete_meeting(code: str, meeting_id: int) -> Response:
    """Remove a meeting; it can be restored from the group page."""
    return toggle(code, meeting_id, _meeting_or_removed, operations.delete_meeting, _("Removed."))


@bp.post("/meetings/<int:meeting_id>/restore")
@login_required
def restore_meeting(code: str, meeting_id: int) -> Response:
    """Bring back a removed meeting."""
    return toggle(code, meeting_id, _meeting_or_removed, operations.restore_meeting, _("Restored."))


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(code: str, meeting_id: int) -> Response:
    """The meeting as an iCalendar event, for the user's calendar."""
    country = load_country(code, can=permissions.can_view_working_group)
    record = found(queries.meeting_of(country, meeting_id))
    papers = permissions.can_read_group_papers(current_user, record.group)
    body = calendar.ics([record], country, papers)
    return calendar.ics_response(body, f"meeting-{record.id}.ics")


@bp.get("/meetings.ics")
@login_required
def calendar_feed(code: str) -> Response:
    """The country's coming working-group meetings as an iCalendar feed."""
    country = load_country(code, can=permissions.can_view_working_group)
    meetings = queries.coming_meetings(country)
    groups = {m.group_id: m.group for m in meetings}
    readable = {
        gid for gid, g in groups.items() if permissions.can_read_group_papers(current_user, g)
    }
    body = calendar.ics(meetings, country, readable)
    return calendar.ics_response(body, f"working-group-{country.iso2}.ics")
