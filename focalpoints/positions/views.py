"""Pages of a country's positions: list, record, translate, share, consult, versions, coherence.

Positions are negotiating positions: every page loads its country through ``load_country``
with ``can_read_positions`` or ``can_edit_positions`` (other countries' officials get 403) and
each position through ``load_position`` (404 for the Secretariat until the country shares it).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from babel.dates import format_interval
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from focalpoints import permissions
from focalpoints.authorise import granted
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.focal_points.forms import ActionForm, DeleteForm
from focalpoints.focal_points.models import Person
from focalpoints.focal_points.queries import people_of
from focalpoints.forms import choices
from focalpoints.i18n import current_language, format_date, join_list, parenthetical
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.positions import operations, queries
from focalpoints.positions.coherence import coherence as build_coherence
from focalpoints.positions.forms import AnswerForm, ConsultForm, PositionForm
from focalpoints.positions.labels import (
    ANSWER_COLOURS,
    STATUS_COLOURS,
    STATUSES,
    answer_label,
    position_status_label,
)
from focalpoints.positions.models import Position, PositionStatus
from focalpoints.self_service.operations import send_links

logger = logging.getLogger(__name__)
bp = Blueprint("positions", __name__, url_prefix="/countries/<code>/positions")


def load_position(
    country: Country,
    position_id: int,
    *,
    can: Callable[[Any, Position], bool],
    deleted: bool = False,
) -> Position:
    """A position of ``country`` (a deleted one with ``deleted``) if the user ``can`` act on
    it: 404 otherwise, so that its existence stays private."""
    return granted(queries.position_of(country, position_id, deleted=deleted), can, refused=404)


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(
        position_status_label=position_status_label,
        answer_label=answer_label,
        status_colour=lambda code: STATUS_COLOURS.get(code, "secondary"),
        answer_colour=lambda code: ANSWER_COLOURS.get(code or "", "secondary"),
        text_language_name=lambda code: operations.TEXT_LANGUAGES.get(code, code),
        text_languages=operations.TEXT_LANGUAGES,
    )


def _refused(form: Any, error: operations.PositionError) -> None:
    db.session.rollback()
    refuse(form, error)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _catalogue() -> tuple[list[Meeting], list[Issue]]:
    return queries.meetings_and_issues()


def _page_arg() -> int:
    """The page of a list asked for: 404 for anything but a page number."""
    value = request.args.get("page", "1")
    if not (value.isascii() and value.isdigit() and len(value) < 10 and int(value) > 0):
        abort(404)
    return int(value)


# The list -------------------------------------------------------------------------------------


@bp.get("")
@login_required
def index(code: str) -> str:
    """The country's positions, filtered by meeting, issue or status; the Secretariat reads
    those shared and counts of the rest."""
    country = load_country(code, can=permissions.can_read_positions)
    meetings, issues = _catalogue()
    meeting_id, issue_id = _int_arg("meeting"), _int_arg("issue")
    status = request.args.get("status", "")
    if status not in STATUSES:
        status = ""
    private = permissions.sees_private_positions(current_user, country)
    page = queries.positions_page(
        country, current_user, _page_arg(), meeting_id, issue_id, status or None
    )
    if page.page > 1 and not page.items:
        abort(404)  # past the last page
    return render_template(
        "positions/index.html",
        country=country,
        page=page,
        meetings=meetings,
        issues=issues,
        filters={"meeting": meeting_id, "issue": issue_id, "status": status},
        args={k: v for k, v in request.args.items() if k != "page"},
        statuses=STATUSES,
        unshared=None if private else queries.unshared_counts(country),
        deleted=queries.deleted_positions(country)
        if permissions.can_restore_records(current_user, country)
        else [],
        restore_form=DeleteForm(),
        reader=current_language(),
    )


# Recording and editing ------------------------------------------------------------------------


def meeting_dates(meeting: Meeting) -> str:
    """The meeting's dates as a range in the reader's language (21 Oct to 1 Nov 2024)."""
    if meeting.end_date <= meeting.start_date:
        return format_date(meeting.start_date, "medium")
    return format_interval(meeting.start_date, meeting.end_date, "yMMMd", locale=get_locale())


def meeting_choices(meetings: list[Meeting], today: date) -> list[SelectChoice]:
    """The meetings with their dates, those to come first (soonest first), then those that
    have ended (latest first); an ended meeting's option is marked for the form's warning."""
    coming = sorted((m for m in meetings if m.is_coming(today)), key=lambda m: m.start_date)
    past = sorted(
        (m for m in meetings if not m.is_coming(today)), key=lambda m: m.start_date, reverse=True
    )
    groups = ((_("Coming meetings"), coming, {}), (_("Past meetings"), past, {"data-ended": "1"}))
    return [
        SelectChoice(
            str(m.id),
            f"{m.title} · {m.name} · {meeting_dates(m)}",
            render_kw=marks,
            optgroup=label,
        )
        for label, group, marks in groups
        for m in group
    ]


def _chosen_meeting_ended(form: PositionForm) -> bool:
    """Whether the meeting chosen in the form is one that has ended."""
    return any(
        c.value == form.meeting.data and "data-ended" in c.render_kw
        for c in form.meeting.choices  # type: ignore[union-attr]
    )


def _warn_if_ended(position: Position) -> None:
    """Tell the user that a draft was saved for a meeting that is over."""
    meeting = position.meeting
    if position.status == PositionStatus.DRAFT.value and not meeting.is_coming(date.today()):
        flash(
            _(
                "%(meeting)s ended on %(date)s: this draft is no longer for a coming meeting.",
                meeting=meeting.title,
                date=format_date(meeting.end_date, "long"),
            ),
            "warning",
        )


def _position_form(country: Country, position: Position | None) -> PositionForm:
    form = PositionForm(obj=None)
    meetings, issues = _catalogue()
    if position is not None and position.issue is not None and position.issue not in issues:
        issues.append(position.issue)  # an issue no longer in use stays on its positions
    items = db.session.scalars(
        select(AgendaItem)
        .where(or_(AgendaItem.is_active, AgendaItem.id == getattr(position, "agenda_item_id", 0)))
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.convention))
        .order_by(AgendaItem.meeting_id, AgendaItem.sort_order, AgendaItem.id)
    ).all()
    form.meeting.choices = meeting_choices(meetings, date.today())
    # Each item names its meeting, for the script that lists only the chosen meeting's items.
    form.agenda_item.choices = choices([("", "—")]) + [
        SelectChoice(
            str(i.id),
            f"{i.meeting.title} · {i.label}",
            render_kw={"data-meeting": str(i.meeting_id)},
        )
        for i in items
    ]
    form.issue.choices = choices([("", "—")] + [(i.id, i.name) for i in issues])
    form.lead.choices = choices([("", "—")] + [(p.id, p.display_name) for p in people_of(country)])
    for optional in (form.agenda_item, form.issue, form.lead):
        if optional.data is None:
            optional.data = ""
    if form.is_submitted():
        return form
    if position is None:
        form.version.data = 0
        form.language.data = current_language()
        form.status.data = PositionStatus.DRAFT.value
        form.meeting.data = str(_int_arg("meeting") or "")
        form.agenda_item.data = str(_int_arg("item") or "")
        form.issue.data = str(_int_arg("issue") or "")
        chosen = db.session.get(AgendaItem, _int_arg("item") or 0)
        if chosen is not None:
            form.meeting.data = str(chosen.meeting_id)
        return form
    language = request.args.get("language", position.language)
    if language not in operations.TEXT_LANGUAGES:
        language = position.language
    form.version.data = position.version
    form.meeting.data = str(position.meeting_id)
    form.agenda_item.data = str(position.agenda_item_id or "")
    form.issue.data = str(position.issue_id or "")
    form.language.data = language
    form.title.data = position.titles.get(language, "")
    form.text.data = position.texts.get(language, "")
    form.status.data = position.status
    form.lead.data = str(position.lead_person_id or "")
    form.agreed_on.data = position.agreed_on
    return form


def _values(country: Country, form: PositionForm) -> operations.PositionValues:
    """Turn the form into the operation's values; ids must name records of the catalogue and
    people of this country, whatever was posted."""

    def get(model: Any, value: str | None) -> Any:
        return (
            db.session.get(model, int(value))
            if value and value.isdecimal() and value.isascii()
            else None
        )

    meeting = get(Meeting, form.meeting.data)
    if meeting is None:
        raise operations.PositionError(_("Choose a meeting."), "meeting")
    lead = get(Person, form.lead.data)
    return operations.PositionValues(
        meeting=meeting,
        agenda_item=get(AgendaItem, form.agenda_item.data),
        issue=get(Issue, form.issue.data),
        language=form.language.data,
        title=form.title.data or "",
        text=form.text.data or "",
        status=form.status.data,
        lead=lead,
        agreed_on=form.agreed_on.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(code: str) -> str | Response:
    """Record a position for a meeting, on an agenda item or a cross-cutting issue."""
    country = load_country(code, can=permissions.can_edit_positions)
    form = _position_form(country, None)
    if form.validate_on_submit():
        try:
            position = operations.create_position(country, _values(country, form))
        except operations.PositionError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The position has been recorded."), "success")
            _warn_if_ended(position)
            return redirect(url_for(".detail", code=country.iso2, position_id=position.id))
    return render_template(
        "positions/form.html",
        country=country,
        form=form,
        position=None,
        meeting_ended=_chosen_meeting_ended(form),
    )


@bp.route("/<int:position_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str, position_id: int) -> str | Response:
    """Edit a position, or add or correct one of its language versions; a version is kept."""
    country = load_country(code, can=permissions.can_edit_positions)
    position = load_position(country, position_id, can=permissions.can_read_position)
    form = _position_form(country, position)
    if form.validate_on_submit():
        try:
            operations.update_position(position, _values(country, form), form.version.data)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit", code=country.iso2, position_id=position_id))
        except operations.PositionError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The position has been saved."), "success")
            _warn_if_ended(position)
            return redirect(url_for(".detail", code=country.iso2, position_id=position.id))
    return render_template(
        "positions/form.html",
        country=country,
        form=form,
        position=position,
        meeting_ended=_chosen_meeting_ended(form),
    )


# Reading --------------------------------------------------------------------------------------


@bp.get("/<int:position_id>")
@login_required
def detail(code: str, position_id: int) -> str:
    """A position in the reader's language where there is a version in it, its consultation
    and its versions."""
    country = load_country(code, can=permissions.can_read_positions)
    position = load_position(country, position_id, can=permissions.can_read_position)
    private = permissions.sees_private_positions(current_user, country)
    return render_template(
        "positions/detail.html",
        country=country,
        position=position,
        versions=queries.visible_versions(position, current_user),
        answers=Counter(c.answer or "" for c in position.standing_consultations),
        history=queries.history(position) if private else [],
        reader=current_language(),
        action_form=ActionForm(formdata=None, version=position.version),
        today=date.today(),
    )


@bp.get("/<int:position_id>/versions/<int:number>")
@login_required
def version(code: str, position_id: int, number: int) -> str:
    """One saved version of a position, as it stood then."""
    country = load_country(code, can=permissions.can_read_positions)
    position = load_position(country, position_id, can=permissions.can_read_position)
    kept = next(
        (v for v in queries.visible_versions(position, current_user) if v.number == number), None
    )
    if kept is None:
        abort(404)
    return render_template(
        "positions/version.html",
        country=country,
        position=position,
        kept=kept,
        reader=current_language(),
    )


# Sharing and deleting -------------------------------------------------------------------------


def _act(code: str, position_id: int, apply: Any, message: str, deleted: bool = False) -> Response:
    country = load_country(code, can=permissions.can_edit_positions)
    position = load_position(
        country, position_id, can=permissions.can_read_position, deleted=deleted
    )
    form = ActionForm() if not deleted else DeleteForm()
    if form.validate_on_submit():
        try:
            apply(position, form)
        except StaleRecord:
            flash(
                _("This page was out of date. It now shows the current record; try again."),
                "danger",
            )
        else:
            db.session.commit()
            flash(message, "success")
    else:
        abort(400)  # no version or no CSRF token: not a request a page of ours sends
    if apply is _delete:
        return redirect(url_for(".index", code=country.iso2))
    return redirect(url_for(".detail", code=country.iso2, position_id=position.id))


def _delete(position: Position, form: ActionForm) -> None:
    operations.delete_position(position, form.version.data)


@bp.post("/<int:position_id>/share")
@login_required
def share(code: str, position_id: int) -> Response:
    """Share the position with the Secretariat, or stop sharing it."""
    return _act(
        code,
        position_id,
        lambda position, form: operations.toggle_shared(position, form.version.data),
        _("Who may read the position has been changed."),
    )


@bp.post("/<int:position_id>/delete")
@login_required
def delete(code: str, position_id: int) -> Response:
    """Remove a position; coordinators can restore it."""
    return _act(code, position_id, _delete, _("The position has been deleted."))


@bp.post("/<int:position_id>/restore")
@login_required
def restore(code: str, position_id: int) -> Response:
    """Bring back a deleted position."""
    load_country(code, can=permissions.can_restore_records)
    return _act(
        code,
        position_id,
        lambda position, form: operations.restore_position(position),
        _("The position has been restored."),
        deleted=True,
    )


# Consultation ---------------------------------------------------------------------------------


def _consultee_label(person: Person) -> str:
    """A person and the roles they hold, each with its instrument:
    "Dr Amina Diallo (CBD · National Focal Point, CMS · Scientific Councillor)"; Chinese brackets
    and lists in Chinese."""
    held = sorted({a.role.label for a in person.appointments if a.is_current})
    return f"{person.display_name}{parenthetical(join_list(held))}"


@bp.route("/<int:position_id>/consult", methods=["GET", "POST"])
@login_required
def consult(code: str, position_id: int) -> str | Response:
    """Ask focal points of the country for their view of the position."""
    country = load_country(code, can=permissions.can_edit_positions)
    position = load_position(country, position_id, can=permissions.can_read_position)
    form = ConsultForm()
    people = queries.consultable_people(country)
    form.people.choices = choices((p.id, _consultee_label(p)) for p in people)
    if not form.is_submitted():
        form.version.data = position.version
        form.language.data = current_language()
    if form.validate_on_submit():
        by_id = {p.id: p for p in people}
        chosen = [by_id[int(i)] for i in form.people.data or [] if int(i) in by_id]
        try:
            created = operations.request_consultation(
                position,
                chosen,
                form.deadline.data,
                form.message.data or "",
                form.language.data,
                form.version.data,
                share_text=bool(form.share_text.data),
            )
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".consult", code=country.iso2, position_id=position_id))
        except operations.PositionError as error:
            _refused(form, error)
        else:
            db.session.commit()  # the links are mailed once the requests are saved
            _mail_links([c.id for c in created])
            flash(
                ngettext(
                    "%(num)d focal point has been asked for their view.",
                    "%(num)d focal points have been asked for their view.",
                    len(created),
                ),
                "success",
            )
            return redirect(url_for(".detail", code=country.iso2, position_id=position.id))
    return render_template("positions/consult.html", country=country, position=position, form=form)


def _mail_links(consultation_ids: list[int]) -> None:
    """Mail the focal points without an account their personal link, now (``notify`` sends
    what fails here)."""

    if not consultation_ids:
        return
    try:
        report = send_links(confirmations=False, consultation_ids=set(consultation_ids))
    except Exception:  # the request is recorded; the next `focalpoints notify` sends the links
        logger.exception("Consultation links for %s to be sent by notify", consultation_ids)
        return
    if report.consultations:
        flash(
            ngettext(
                "%(num)d focal point without an account has been sent a personal link to answer.",
                "%(num)d focal points without an account have been sent a personal link to answer.",
                report.consultations,
            ),
            "info",
        )


@bp.route("/<int:position_id>/consultations/<int:consultation_id>/answer", methods=["GET", "POST"])
@login_required
def answer(code: str, position_id: int, consultation_id: int) -> str | Response:
    """Record a consulted focal point's answer on their behalf."""
    country = load_country(code, can=permissions.can_edit_positions)
    position = load_position(country, position_id, can=permissions.can_read_position)
    consultation = next((c for c in position.consultations if c.id == consultation_id), None)
    if consultation is None:
        abort(404)
    form = AnswerForm(obj=None)
    if not form.is_submitted():
        form.version.data = consultation.version
        form.language.data = consultation.answer_language or current_language()
        if consultation.is_answered:
            form.answer.data = consultation.answer
            form.note.data = consultation.answer_note
            form.answered_on.data = consultation.answered_on
    if form.validate_on_submit():
        try:
            operations.record_answer(
                consultation,
                form.answer.data,
                form.note.data or "",
                form.language.data,
                form.answered_on.data,
                form.version.data,
            )
        except StaleRecord:
            flash_stale()
            return redirect(request.path)
        except operations.PositionError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The answer has been recorded."), "success")
            return redirect(url_for(".detail", code=country.iso2, position_id=position.id))
    return render_template(
        "positions/answer.html",
        country=country,
        position=position,
        consultation=consultation,
        form=form,
    )


# Coherence ------------------------------------------------------------------------------------


@bp.get("/coherence")
@login_required
def coherence(code: str) -> str:
    """One issue across every convention's meetings, side by side, with what does not hold
    together flagged (the country's own view)."""
    country = load_country(code, can=permissions.sees_private_positions)
    _, issues = _catalogue()
    issue_id = _int_arg("issue")
    issue = next((i for i in issues if i.id == issue_id), issues[0] if issues else None)
    view = build_coherence(country, issue, date.today()) if issue is not None else None
    return render_template(
        "positions/coherence.html",
        country=country,
        issues=issues,
        issue=issue,
        view=view,
        reader=current_language(),
    )
