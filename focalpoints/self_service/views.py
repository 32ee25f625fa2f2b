"""The pages a focal point opens with their link (no log-in), and the coordinators' page of
the changes focal points proposed.

A link's page shows only what the link was made for: the holder's own record and roles, or one
consultation and what the country chose to share with them. An unknown, used or expired link
gets the same page, which says nothing of anyone. The pages are kept by no cache, send no
referrer, and are rate-limited per link and per address.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.countries.loading import load_country
from focalpoints.countries.queries import list_countries
from focalpoints.db_types import utcnow
from focalpoints.extensions import db, limiter
from focalpoints.forms import choices
from focalpoints.i18n import current_language, is_supported
from focalpoints.positions.models import Consultation
from focalpoints.secret_digests import digest
from focalpoints.self_service import operations
from focalpoints.self_service.forms import (
    CONFIRM,
    CORRECT,
    NO_LONGER,
    ConfirmForm,
    CorrectionForm,
    DecisionForm,
    LinkAnswerForm,
    NoLongerForm,
)
from focalpoints.self_service.models import LinkPurpose, PendingChange, PersonLink

bp = Blueprint("self_service", __name__)


def _link_limit() -> str:
    return current_app.config["PERSON_LINK_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["PERSON_LINK_ADDRESS_RATE_LIMIT"]


def _link_key() -> str:
    # The limiter's storage sees the digest, never the link.
    return "person-link:" + digest(str((request.view_args or {}).get("token", "")))


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(can_review_changes=permissions.can_review_changes)


def _refuse(form: Any, error: operations.SelfServiceError) -> None:
    """Show a refusal at its field, else above the form (a link's page shows no flashes)."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error.message))
    else:
        form.form_errors.append(str(error.message))


def _private(response: Response) -> Response:
    """No cache keeps the page, no referrer carries its address, no index lists it."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page_language(link: PersonLink | None) -> str:
    chosen = request.args.get("lang", "")
    if is_supported(chosen):
        return chosen
    if link is not None and is_supported(link.language):
        return link.language
    return current_language()


def _invalid(link: PersonLink | None) -> Response:
    with force_locale(_page_language(None)):
        page = render_template("self_service/link_invalid.html")
    return _private(make_response(page, 404 if link is None else 410))


@bp.route("/respond/<token>", methods=["GET", "POST"])
@limiter.limit(_link_limit, key_func=_link_key)
@limiter.limit(_address_limit)
def respond(token: str) -> Response:
    """What a focal point's link opens: their record to confirm or correct, or a consultation
    to answer."""
    now = utcnow()
    link = operations.find_link(token)
    if link is None or not operations.usable(link, now):
        return _invalid(link)
    with force_locale(_page_language(link)), operations.as_holder(link):
        if link.purpose == LinkPurpose.CONSULT.value:
            page = _consultation_page(link, now)
        else:
            page = _record_page(link, now)
    if isinstance(page, Response):
        return _private(page)
    return _private(make_response(page))


def _record_page(link: PersonLink, now: Any) -> str | Response:
    person = link.person
    held = operations.current_appointments(person)
    action = request.form.get("action") if request.method == "POST" else None
    confirm_form = ConfirmForm(formdata=request.form if action == CONFIRM else None)
    correction_form = CorrectionForm(
        formdata=request.form if action == CORRECT else None, obj=None if action else person
    )
    correction_form.region = person.country.iso2
    correction_form.address_country.choices = choices(
        [("", "—")] + [(c.iso2, c.name) for c in list_countries()]
    )
    if action != CORRECT:
        correction_form.other_emails.data = "\n".join(person.other_emails)
        correction_form.address_country.data = person.address_country or ""
    no_longer_form = NoLongerForm(formdata=request.form if action == NO_LONGER else None)
    no_longer_form.appointments.choices = choices(
        (a.id, f"{a.role.convention.acronym}: {a.role.name}") for a in held
    )
    if action is None and len(held) == 1:
        no_longer_form.appointments.data = [str(held[0].id)]
    done = None
    try:
        if action == CONFIRM and confirm_form.validate_on_submit():
            operations.confirm_record(link, now)
            done = CONFIRM
        elif action == CORRECT and correction_form.validate_on_submit():
            operations.propose_correction(
                link, correction_form.values(), correction_form.note.data or "", now
            )
            done = CORRECT
        elif action == NO_LONGER and no_longer_form.validate_on_submit():
            ids = [int(i) for i in no_longer_form.appointments.data or [] if str(i).isdigit()]
            operations.say_no_longer(link, ids, no_longer_form.note.data or "", now)
            done = NO_LONGER
        elif request.method == "POST" and action not in (CONFIRM, CORRECT, NO_LONGER):
            abort(400)
        if done:
            db.session.commit()  # within as_holder: the audit log names the focal point
    except operations.SelfServiceError as error:
        db.session.rollback()
        if not operations.usable(link, now):
            return _invalid(link)
        _refuse(correction_form if action == CORRECT else no_longer_form, error)
    if done:
        return render_template("self_service/done.html", done=done, person=person)
    return render_template(
        "self_service/record.html",
        link=link,
        person=person,
        appointments=held,
        confirm_form=confirm_form,
        correction_form=correction_form,
        no_longer_form=no_longer_form,
        opened=action,
    )


def _consultation_page(link: PersonLink, now: Any) -> str | Response:
    consultation = db.session.get(Consultation, link.consultation_id)
    if (
        consultation is None
        or consultation.person_id != link.person_id
        or consultation.position.is_deleted
        or consultation.is_answered
    ):
        return _invalid(link)
    position = consultation.position
    form = LinkAnswerForm()
    if not form.is_submitted():
        form.language.data = current_language()
    if form.validate_on_submit():
        try:
            operations.answer_consultation(
                link, consultation, form.answer.data, form.note.data or "", form.language.data, now
            )
        except operations.SelfServiceError as error:
            db.session.rollback()
            if not operations.usable(link, now):
                return _invalid(link)
            _refuse(form, error)
        else:
            db.session.commit()
            return render_template("self_service/done.html", done="answered", person=link.person)
    return render_template(
        "self_service/consultation.html",
        link=link,
        consultation=consultation,
        position=position,
        reader=current_language(),
        form=form,
    )


# The coordinators' page -----------------------------------------------------------------------


@bp.get("/countries/<code>/proposed-changes")
@login_required
def changes(code: str) -> str:
    """Changes focal points proposed to their records, to approve or reject; who was asked to
    confirm their record, when, and what they answered."""
    country = load_country(code, can=permissions.can_review_changes)
    return render_template(
        "self_service/changes.html",
        country=country,
        pending=operations.pending_changes(country.id),
        decided=operations.decided_changes(country.id),
        requests=operations.requests_to_confirm(country.id),
        form=DecisionForm(),
        now=utcnow(),
    )


def _decide(code: str, change_id: int, approve: bool) -> Response:
    country = load_country(code, can=permissions.can_review_changes)
    change = db.session.get(PendingChange, change_id)
    if change is None or change.country_id != country.id:
        abort(404)
    if not DecisionForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    try:
        if approve:
            operations.approve_change(change, user)
        else:
            operations.reject_change(change, user)
    except operations.SelfServiceError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
    else:
        db.session.commit()
        flash(
            _("The change has been applied to the record.")
            if approve
            else _("The change has been rejected; the record is unchanged."),
            "success",
        )
    return redirect(url_for(".changes", code=country.iso2))


@bp.post("/countries/<code>/proposed-changes/<int:change_id>/approve")
@login_required
def approve(code: str, change_id: int) -> Response:
    """Apply a proposed change to the record."""
    return _decide(code, change_id, approve=True)


@bp.post("/countries/<code>/proposed-changes/<int:change_id>/reject")
@login_required
def reject(code: str, change_id: int) -> Response:
    """Leave the record as it is."""
    return _decide(code, change_id, approve=False)
