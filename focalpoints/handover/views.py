"""The handover pack of an appointment: a printable page, a Word file, and an e-mail."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectField

from focalpoints import permissions
from focalpoints.audit import record_event
from focalpoints.countries.loading import load_country
from focalpoints.extensions import db
from focalpoints.focal_points.loading import load_appointment
from focalpoints.focal_points.models import Appointment
from focalpoints.forms import BaseForm
from focalpoints.handover import operations
from focalpoints.i18n import available_languages, current_language, is_supported, translated
from focalpoints.mail import send_template_mail

bp = Blueprint(
    "handover", __name__, url_prefix="/countries/<code>/appointments/<int:appointment_id>"
)


class MailForm(BaseForm):
    """Mail the pack to the holder, in a language of their choice."""

    language = SelectField(_l("Language of the e-mail"), choices=[])


def _appointment(code: str, appointment_id: int) -> Appointment:
    """The appointment, for a user who may see its holder (404 and 403 as its page)."""
    country = load_country(code, can=permissions.can_view_country)
    return load_appointment(country, appointment_id, can=permissions.can_view_appointment)


def _language() -> str:
    language = request.args.get("language") or current_language()
    if not is_supported(language):
        abort(404)
    return language


def _mail_language(appointment: Appointment) -> str:
    """The holder's first correspondence language we write in, else the reader's."""
    known = [code for code in appointment.person.languages if is_supported(code)]
    return known[0] if known else current_language()


def _may_mail(appointment: Appointment) -> bool:
    return (
        permissions.can_edit_country(current_user, appointment.country)
        and appointment.is_current
        and bool(appointment.person.email)
    )


@bp.get("/handover")
@login_required
def page(code: str, appointment_id: int) -> str:
    """The handover pack, printable, with what the reader may see."""
    appointment = _appointment(code, appointment_id)
    language = current_language()
    pack = operations.build(appointment, operations.Audience(current_user), language)
    form = MailForm(formdata=None, language=_mail_language(appointment))
    form.language.choices = available_languages()
    return render_template(
        "handover/pack.html",
        country=appointment.country,
        appointment=appointment,
        pack=pack,
        form=form,
        may_mail=_may_mail(appointment),
        language=language,
        cell=operations.cell,
    )


@bp.get("/handover.docx")
@login_required
def docx(code: str, appointment_id: int) -> Response:
    """The handover pack as a Word file, in ``?language=`` (the reader's by default)."""
    appointment = _appointment(code, appointment_id)
    language = _language()
    with force_locale(language):
        pack = operations.build(appointment, operations.Audience(current_user), language)
        data = operations.docx_file(pack, language)
    response = send_file(
        io.BytesIO(data),
        mimetype=operations.DOCX_MIMETYPE,
        as_attachment=True,
        download_name=operations.filename(pack, language),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/handover/mail")
@login_required
def mail(code: str, appointment_id: int) -> Response:
    """Mail the pack to the holder, with only what the holder may see."""
    appointment = _appointment(code, appointment_id)
    if not _may_mail(appointment):
        abort(403)
    form = MailForm()
    form.language.choices = available_languages()
    if not form.validate_on_submit():
        abort(400)
    language = form.language.data
    pack = operations.build_in(appointment, operations.Audience(), language)
    record_event(
        db.session,
        "handover_mailed",
        "appointments",
        appointment.id,
        appointment.country_id,
        {"to": appointment.person.email, "language": language},
    )
    confirmation_link = operations.self_confirmation_link(appointment)
    db.session.commit()
    role = translated(appointment.role.names, language) or appointment.role.code
    send_template_mail(
        appointment.person.email,
        _l("Your role as %(role)s: the handover pack", role=role),
        "handover",
        language,
        pack=pack,
        person=appointment.person,
        confirmation_link=confirmation_link,
        cell=lambda value: operations.cell(value, language),
        pack_language=language,
    )
    flash(
        _("The handover pack has been sent to %(email)s.", email=appointment.person.email),
        "success",
    )
    return redirect(url_for(".page", code=appointment.country.iso2, appointment_id=appointment.id))
