"""Designation letters drafted from the registry, as Word files for the country to sign."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.focal_points import queries
from focalpoints.focal_points.loading import load_appointment
from focalpoints.focal_points.models import Appointment
from focalpoints.i18n import current_language
from focalpoints.letters import operations
from focalpoints.letters.secretariats import Secretariat
from focalpoints.urls import MAX_ID

bp = Blueprint("letters", __name__, url_prefix="/countries/<code>")


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(
        letter_secretariat=operations.letter_secretariat,
        letter_default_language=lambda secretariat: operations.default_language(
            secretariat, current_language()
        ),
    )


def _requested_ids() -> list[int]:
    """The appointment ids of ``?appointments=1,2`` (or repeated), bounded in number and size."""
    ids: list[int] = []
    for value in request.args.getlist("appointments"):
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or len(part) > 10 or int(part) > MAX_ID:
                abort(404)
            if int(part) not in ids:
                ids.append(int(part))
    if len(ids) > operations.MAX_DESIGNATIONS:
        abort(400)
    return ids


def _send(country: Country, appointments: list[Appointment]) -> Response:
    try:
        secretariat = operations.common_secretariat(appointments)
    except operations.LetterError:
        abort(400)
    language = request.args.get("language") or operations.default_language(
        secretariat, current_language()
    )
    if language not in secretariat.languages:
        abort(404)
    data = operations.build_letter(country, appointments, language, date.today())
    response = send_file(
        io.BytesIO(data),
        mimetype=operations.DOCX_MIMETYPE,
        as_attachment=True,
        download_name=operations.letter_filename(country, secretariat, language),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/appointments/<int:appointment_id>/letter.docx")
@login_required
def appointment_letter(code: str, appointment_id: int) -> Response:
    """Draft the designation letter for one appointment, in ``?language=`` (a Word file)."""
    country = load_country(code, can=permissions.can_draft_letters)
    return _send(
        country, [load_appointment(country, appointment_id, can=permissions.can_view_appointment)]
    )


@bp.get("/letters/letter.docx")
@login_required
def download(code: str) -> Response:
    """Draft one letter for several appointments (``?appointments=1,2``) to one Secretariat."""
    country = load_country(code, can=permissions.can_draft_letters)
    ids = _requested_ids()
    if not ids:
        abort(400)
    return _send(
        country, [load_appointment(country, i, can=permissions.can_view_appointment) for i in ids]
    )


@bp.get("/letters/new")
@login_required
def new(code: str) -> str:
    """Choose the designations to put in one letter, Secretariat by Secretariat."""
    country = load_country(code, can=permissions.can_draft_letters)
    chosen = set(_requested_ids())
    groups: dict[str, list[Appointment]] = defaultdict(list)
    secretariats: dict[str, Secretariat] = {}
    for person in queries.visible(queries.people_of(country), current_user):
        for appointment in person.appointments:
            if appointment.is_current or appointment.id in chosen:
                secretariat = operations.letter_secretariat(appointment)
                secretariats[secretariat.code] = secretariat
                groups[secretariat.code].append(appointment)
    for appointments in groups.values():
        appointments.sort(
            key=lambda a: (a.role.convention.sort_order, a.role.sort_order, a.start_date, a.id)
        )
    order = sorted(groups, key=lambda c: min(a.role.convention.sort_order for a in groups[c]))
    return render_template(
        "letters/new.html",
        country=country,
        groups=[(secretariats[c], groups[c]) for c in order],
        chosen=chosen,
    )
