"""Pages of the national working group: the group, members, meetings, actions and documents."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.models import Country
from focalpoints.countries.queries import get_country_or_404
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.focal_points import queries as registry_queries
from focalpoints.focal_points.forms import DeleteForm
from focalpoints.focal_points.models import Person
from focalpoints.focal_points.operations import RegistryError
from focalpoints.forms import choices, language_choices
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.rich_text import render_markdown
from focalpoints.working_groups import calendar, operations, queries
from focalpoints.working_groups.forms import (
    ActionItemForm,
    CloseGroupForm,
    DocumentForm,
    EditMemberForm,
    GroupForm,
    MeetingForm,
    MemberForm,
    StakeholderForm,
)
from focalpoints.working_groups.labels import (
    ACTION_STATUSES,
    CATEGORIES,
    GROUP_ROLES,
    label_of,
)
from focalpoints.working_groups.models import (
    ActionItem,
    Document,
    GroupMeeting,
    GroupMember,
    WorkingGroup,
)

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


def _people_choices(field: Any, country: Country, blank: bool = True) -> list[Person]:
    people = registry_queries.people_of(country)
    pairs = [(p.id, p.display_name) for p in people]
    field.choices = choices(([("", "—")] if blank else []) + pairs)
    return people


def _person_id(value: Any) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _language_field(field: Any) -> None:
    field.choices = language_choices(NATIVE_NAMES.items())
    if not field.data:
        field.data = str(get_locale() or "en")


def _papers(group: WorkingGroup) -> None:
    if not permissions.can_read_group_papers(current_user, group):
        abort(403)


def _for_edit(code: str) -> Country:
    country = get_country_or_404(code, for_edit=True)
    if not permissions.can_view_working_group(current_user, country):
        abort(403)
    return country


def _for_view(code: str) -> Country:
    country = get_country_or_404(code)
    if not permissions.can_view_working_group(current_user, country):
        abort(403)
    return country


# The group ------------------------------------------------------------------------------------


@bp.get("")
@login_required
def index(code: str) -> str:
    """The country's open working group at a glance, or how to set one up."""
    country = _for_view(code)
    groups = queries.groups_of(country)
    current = next((g for g in groups if g.is_open), None)
    if current is None:
        return render_template("working_groups/none.html", country=country, past_groups=groups)
    return _group_page(country, current, groups)


@bp.get("/<int:group_id>")
@login_required
def group(code: str, group_id: int) -> str:
    """A working group, open or closed."""
    country = _for_view(code)
    record = queries.get_group_or_404(country, group_id)
    return _group_page(country, record, queries.groups_of(country))


def _group_page(country: Country, record: WorkingGroup, groups: list[WorkingGroup]) -> str:
    papers = permissions.can_read_group_papers(current_user, record)
    return render_template(
        "working_groups/group.html",
        country=country,
        overview=queries.group_overview(record),
        papers=papers,
        history=queries.history(record, papers),
        other_groups=[g for g in groups if g.id != record.id],
        button=DeleteForm(),
    )


def _group_form(country: Country, record: WorkingGroup | None) -> GroupForm:
    form = GroupForm(obj=record)
    _people_choices(form.secretariat_contact_id, country)
    if form.secretariat_contact_id.data is None:  # none chosen, or not posted at all
        form.secretariat_contact_id.data = ""
    _language_field(form.mandate_language)
    if not form.is_submitted():
        form.version.data = record.version if record else 0
        form.secretariat_contact_id.data = (
            str(record.secretariat_contact_id or "") if record else ""
        )
    return form


def _group_values(form: GroupForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "mandate": form.mandate.data or "",
        "mandate_language": form.mandate_language.data or "",
        "legal_basis": form.legal_basis.data or "",
        "established_on": form.established_on.data,
        "coordinating_institution": form.coordinating_institution.data or "",
        "secretariat_contact_id": _person_id(form.secretariat_contact_id.data),
        "papers_shared": bool(form.papers_shared.data),
    }


def _attach_mandate(form: GroupForm, record: WorkingGroup) -> None:
    upload = form.mandate_file.data
    if upload and getattr(upload, "filename", ""):
        try:
            operations.attach_document(
                record, None, upload.read(), upload.filename, str(form.mandate_file.label.text)
            )
        except RegistryError as error:
            raise RegistryError(error.message, form.mandate_file.name) from error


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_group(code: str) -> str | Response:
    """Set up the country's working group."""
    country = _for_edit(code)
    form = _group_form(country, None)
    if form.validate_on_submit():
        try:
            record = operations.create_group(country, _group_values(form))
            _attach_mandate(form, record)
        except RegistryError as error:
            db.session.rollback()  # the group goes with its mandate, or not at all
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The working group has been set up."), "success")
            return redirect(url_for(".index", code=country.iso2))
    return render_template("working_groups/group_form.html", country=country, form=form, group=None)


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit_group(code: str, group_id: int) -> str | Response:
    """Edit the group's details."""
    country = _for_edit(code)
    record = queries.get_group_or_404(country, group_id, for_edit=True)
    form = _group_form(country, record)
    if form.validate_on_submit():
        try:
            operations.update_group(record, _group_values(form), form.version.data)
            _attach_mandate(form, record)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_group", code=country.iso2, group_id=group_id))
        except RegistryError as error:
            db.session.rollback()
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The record has been saved."), "success")
            return redirect(url_for(".group", code=country.iso2, group_id=record.id))
    return render_template(
        "working_groups/group_form.html", country=country, form=form, group=record
    )


@bp.route("/<int:group_id>/close", methods=["GET", "POST"])
@login_required
def close_group(code: str, group_id: int) -> str | Response:
    """Close the group; it stays readable and a new one can be set up."""
    country = _for_edit(code)
    record = queries.get_group_or_404(country, group_id, for_edit=True)
    form = CloseGroupForm()
    if not form.is_submitted():
        form.version.data = record.version
    if form.validate_on_submit():
        try:
            operations.close_group(
                record, form.closed_on.data, form.closing_note.data or "", form.version.data
            )
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".close_group", code=country.iso2, group_id=group_id))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The working group has been closed."), "success")
            return redirect(url_for(".group", code=country.iso2, group_id=record.id))
    return render_template("working_groups/close.html", country=country, form=form, group=record)


@bp.post("/<int:group_id>/reopen")
@login_required
def reopen_group(code: str, group_id: int) -> Response:
    """Undo a closing made by mistake."""
    country = _for_edit(code)
    record = queries.get_group_or_404(country, group_id, for_edit=True)
    if DeleteForm().validate_on_submit():
        try:
            operations.reopen_group(record)
        except RegistryError as error:
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(_("The working group is open again."), "success")
    return redirect(url_for(".group", code=country.iso2, group_id=record.id))


# Members --------------------------------------------------------------------------------------


@bp.post("/<int:group_id>/members/focal-points")
@login_required
def add_focal_points(code: str, group_id: int) -> Response:
    """Add every current national focal point who is not a member yet."""
    country = _for_edit(code)
    record = queries.get_group_or_404(country, group_id, for_edit=True)
    if DeleteForm().validate_on_submit():
        try:
            added = operations.add_focal_points(record)
        except RegistryError as error:
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            if added:
                message = ngettext(
                    "%(num)d focal point has been added to the group.",
                    "%(num)d focal points have been added to the group.",
                    added,
                )
                flash(message, "success")
            else:
                flash(_("Every current focal point is a member already."), "info")
    return redirect(url_for(".group", code=country.iso2, group_id=record.id))


def _existing_form(country: Country, record: WorkingGroup, submitted: bool) -> MemberForm:
    """The form adding someone of the registry, offering those not in the group."""
    existing = MemberForm(prefix="existing", **({} if submitted else {"formdata": None}))
    members = {m.person_id for m in record.members if m.is_current}
    people = [p for p in registry_queries.people_of(country) if p.id not in members]
    existing.person.choices = choices([("", "—")] + [(p.id, p.display_name) for p in people])
    return existing


@bp.route("/<int:group_id>/members/new", methods=["GET", "POST"])
@login_required
def add_member(code: str, group_id: int) -> str | Response:
    """Add a person of the registry to the group."""
    country = _for_edit(code)
    record = queries.get_group_or_404(country, group_id, for_edit=True)
    existing = _existing_form(country, record, submitted=True)
    if existing.validate_on_submit():
        person = _person_of(country, existing.person.data)
        if person is None:
            existing.person.errors.append(_("Choose a person."))
        else:
            try:
                operations.add_member(
                    record,
                    person,
                    existing.category.data,
                    existing.group_role.data,
                    existing.joined_on.data,
                )
            except RegistryError as error:
                refuse(existing, error)
            else:
                db.session.commit()
                flash(_("%(name)s has joined the group.", name=person.display_name), "success")
                return redirect(url_for(".group", code=country.iso2, group_id=record.id))
    return render_template(
        "working_groups/member_new.html",
        country=country,
        group=record,
        existing=existing,
        stakeholder=StakeholderForm(prefix="new", formdata=None),
    )


@bp.route("/<int:group_id>/members/new-stakeholder", methods=["GET", "POST"])
@login_required
def add_stakeholder(code: str, group_id: int) -> str | Response:
    """Create a stakeholder in the registry and add them to the group."""
    country = _for_edit(code)
    record = queries.get_group_or_404(country, group_id, for_edit=True)
    stakeholder = StakeholderForm(prefix="new")
    if stakeholder.validate_on_submit():
        values = {name: stakeholder[name].data or "" for name in operations.STAKEHOLDER_FIELDS}
        try:
            member = operations.add_stakeholder(
                record,
                values,
                stakeholder.category.data,
                stakeholder.group_role.data,
                stakeholder.joined_on.data,
            )
            person = member.person
        except RegistryError as error:
            db.session.rollback()  # the new person too: they join the group or are not added
            refuse(stakeholder, error)
        else:
            db.session.commit()
            flash(_("%(name)s has joined the group.", name=person.display_name), "success")
            return redirect(url_for(".group", code=country.iso2, group_id=record.id))
    return render_template(
        "working_groups/member_new.html",
        country=country,
        group=record,
        existing=_existing_form(country, record, submitted=False),
        stakeholder=stakeholder,
    )


def _person_of(country: Country, value: Any) -> Person | None:
    person_id = _person_id(value)
    person = db.session.get(Person, person_id) if person_id else None
    if person is None or person.country_id != country.id or person.is_deleted:
        return None
    return person


def _member_or_404(country: Country, member_id: int) -> GroupMember:
    member = db.session.get(GroupMember, member_id)
    if member is None or member.country_id != country.id:
        abort(404)
    return member


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def edit_member(code: str, member_id: int) -> str | Response:
    """Change a member's category, role in the group, or record that they left."""
    country = _for_edit(code)
    member = _member_or_404(country, member_id)
    form = EditMemberForm(obj=member)
    if form.validate_on_submit():
        values = {
            "category": form.category.data,
            "group_role": form.group_role.data,
            "joined_on": form.joined_on.data,
            "left_on": form.left_on.data,
        }
        try:
            operations.update_member(member, values, form.version.data)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_member", code=country.iso2, member_id=member_id))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The record has been saved."), "success")
            return redirect(url_for(".group", code=country.iso2, group_id=member.group_id))
    return render_template(
        "working_groups/member_edit.html", country=country, member=member, form=form
    )


@bp.post("/members/<int:member_id>/remove")
@login_required
def remove_member(code: str, member_id: int) -> Response:
    """Take out a member entered by mistake; it can be restored."""
    return _toggle(code, member_id, _member_or_404, operations.remove_member, _("Removed."))


@bp.post("/members/<int:member_id>/restore")
@login_required
def restore_member(code: str, member_id: int) -> Response:
    """Bring back a member taken out by mistake."""
    return _toggle(code, member_id, _member_or_404, operations.restore_member, _("Restored."))


def _toggle(code: str, record_id: int, load: Any, change: Any, done: str) -> Response:
    country = _for_edit(code)
    record = load(country, record_id)
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


# Meetings -------------------------------------------------------------------------------------


def _meeting_form(
    country: Country, record: WorkingGroup, meeting: GroupMeeting | None
) -> MeetingForm:
    form = MeetingForm(obj=meeting)
    form.timezone.choices = calendar.zone_options(
        country.iso2, keep=meeting.timezone if meeting else None
    )
    members = queries.meeting_members(record)
    form.attendees.choices = choices((m.person_id, m.person.display_name) for m in members)
    _language_field(form.text_language)
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
    country = _for_edit(code)
    record = queries.get_group_or_404(country, group_id, for_edit=True)
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
    country = _for_view(code)
    record = queries.get_meeting_or_404(country, meeting_id)
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
    country = _for_edit(code)
    record = queries.get_meeting_or_404(country, meeting_id, for_edit=True)
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


def _meeting_for_edit(country: Country, meeting_id: int) -> GroupMeeting:
    return queries.get_meeting_or_404(country, meeting_id, for_edit=True)


@bp.post("/meetings/<int:meeting_id>/delete")
@login_required
def delete_meeting(code: str, meeting_id: int) -> Response:
    """Remove a meeting; it can be restored from the group page."""
    return _toggle(code, meeting_id, _meeting_for_edit, operations.delete_meeting, _("Removed."))


@bp.post("/meetings/<int:meeting_id>/restore")
@login_required
def restore_meeting(code: str, meeting_id: int) -> Response:
    """Bring back a removed meeting."""
    return _toggle(code, meeting_id, _meeting_for_edit, operations.restore_meeting, _("Restored."))


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(code: str, meeting_id: int) -> Response:
    """The meeting as an iCalendar event, for the user's calendar."""
    country = _for_view(code)
    record = queries.get_meeting_or_404(country, meeting_id)
    papers = permissions.can_read_group_papers(current_user, record.group)
    body = calendar.ics([record], country, papers)
    return calendar.ics_response(body, f"meeting-{record.id}.ics")


@bp.get("/meetings.ics")
@login_required
def calendar_feed(code: str) -> Response:
    """The country's coming working-group meetings as an iCalendar feed."""
    country = _for_view(code)
    meetings = queries.coming_meetings(country)
    groups = {m.group_id: m.group for m in meetings}
    readable = {
        gid for gid, g in groups.items() if permissions.can_read_group_papers(current_user, g)
    }
    body = calendar.ics(meetings, country, readable)
    return calendar.ics_response(body, f"working-group-{country.iso2}.ics")


# Action items ---------------------------------------------------------------------------------


def _action_form(country: Country, action: ActionItem | None) -> ActionItemForm:
    form = ActionItemForm(obj=action)
    _people_choices(form.owner_id, country)
    if form.owner_id.data is None:
        form.owner_id.data = ""
    if not form.is_submitted():
        form.version.data = action.version if action else 0
        form.owner_id.data = str(action.owner_id or "") if action else ""
    return form


def _action_values(form: ActionItemForm) -> dict[str, Any]:
    return {
        "description": form.description.data or "",
        "owner_id": _person_id(form.owner_id.data),
        "due_on": form.due_on.data,
        "status": form.status.data,
    }


@bp.route("/meetings/<int:meeting_id>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(code: str, meeting_id: int) -> str | Response:
    """Record a follow-up action decided at a meeting."""
    country = _for_edit(code)
    record = queries.get_meeting_or_404(country, meeting_id, for_edit=True)
    form = _action_form(country, None)
    if form.validate_on_submit():
        try:
            operations.add_action(record, _action_values(form))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The action has been recorded."), "success")
            return redirect(url_for(".meeting", code=country.iso2, meeting_id=record.id))
    return render_template(
        "working_groups/action_form.html", country=country, meeting=record, form=form, action=None
    )


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(code: str, action_id: int) -> str | Response:
    """Change an action's owner, due date or status."""
    country = _for_edit(code)
    action = db.session.get(ActionItem, action_id)
    if action is None or action.country_id != country.id:
        abort(404)
    form = _action_form(country, action)
    if form.validate_on_submit():
        try:
            operations.update_action(action, _action_values(form), form.version.data)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_action", code=country.iso2, action_id=action_id))
        except RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The record has been saved."), "success")
            next_page = request.args.get("from")
            if next_page == "group":
                return redirect(url_for(".group", code=country.iso2, group_id=action.group_id))
            return redirect(url_for(".meeting", code=country.iso2, meeting_id=action.meeting_id))
    return render_template(
        "working_groups/action_form.html",
        country=country,
        meeting=action.meeting,
        form=form,
        action=action,
    )


# Documents ------------------------------------------------------------------------------------


@bp.route("/<int:group_id>/documents", methods=["POST"])
@bp.route("/meetings/<int:meeting_id>/documents", methods=["POST"])
@login_required
def attach_document(
    code: str, group_id: int | None = None, meeting_id: int | None = None
) -> Response:
    """Attach a document to the group or to one of its meetings."""
    country = _for_edit(code)
    meeting_record = (
        queries.get_meeting_or_404(country, meeting_id, for_edit=True) if meeting_id else None
    )
    record = (
        meeting_record.group
        if meeting_record
        else queries.get_group_or_404(country, group_id or 0, for_edit=True)
    )
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            operations.attach_document(
                record, meeting_record, upload.read(), upload.filename, form.title.data or ""
            )
        except RegistryError as error:
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(_("The document has been attached."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
    if meeting_record:
        return redirect(url_for(".meeting", code=country.iso2, meeting_id=meeting_record.id))
    return redirect(url_for(".group", code=country.iso2, group_id=record.id))


def _document_or_404(country: Country, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.country_id != country.id:
        abort(404)
    return document


@bp.get("/documents/<int:document_id>")
@login_required
def document(code: str, document_id: int) -> Response:
    """Download a document, as an attachment, if the user may read the group's papers."""
    country = _for_view(code)
    record = _document_or_404(country, document_id)
    group_record = db.session.get(WorkingGroup, record.group_id)
    _papers(group_record)
    if record.deleted_at is not None and not permissions.can_edit_country(current_user, country):
        abort(404)
    path = operations.document_path(record)
    if not path.exists():
        abort(404)
    return send_file(
        path, mimetype=record.content_type, as_attachment=True, download_name=record.filename
    )


@bp.post("/documents/<int:document_id>/delete")
@login_required
def delete_document(code: str, document_id: int) -> Response:
    """Remove a document; it can be restored."""
    return _toggle(code, document_id, _document_or_404, operations.delete_document, _("Removed."))


@bp.post("/documents/<int:document_id>/restore")
@login_required
def restore_document(code: str, document_id: int) -> Response:
    """Bring back a removed document."""
    return _toggle(code, document_id, _document_or_404, operations.restore_document, _("Restored."))
