"""Pages of the registry: a country's people, their appointments and the designation lifecycle."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.audit.history import history_rows
from focalpoints.authorise import found
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.countries.queries import list_countries
from focalpoints.db_types import utcnow
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.focal_points import import_views, operations, queries
from focalpoints.focal_points.contacts import format_phone
from focalpoints.focal_points.forms import (
    NEW_PERSON,
    ActionForm,
    AdvanceForm,
    AppointForm,
    DeleteForm,
    EndForm,
    MergeForm,
    PersonFields,
    PersonForm,
    ReplaceForm,
)
from focalpoints.focal_points.labels import (
    VISIBILITIES,
    field_label,
    history_value,
    import_action_label,
    status_label,
)
from focalpoints.focal_points.loading import load_appointment, load_person
from focalpoints.focal_points.models import Appointment, Person, Status, display_name
from focalpoints.forms import choices
from focalpoints.i18n import NATIVE_NAMES
from focalpoints.self_service import operations as self_service
from focalpoints.self_service.operations import count_pending

bp = Blueprint("focal_points", __name__, url_prefix="/countries/<code>")
bp.add_url_rule("/import", view_func=import_views.import_contacts, methods=["GET", "POST"])
bp.add_url_rule("/import/confirm", view_func=import_views.confirm_import, methods=["POST"])


@bp.record_once
def _template_filters(state: Any) -> None:
    state.app.jinja_env.filters["field_label_filter"] = field_label


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(
        {
            "format_phone": format_phone,
            "holder_name": display_name,
            "status_label": status_label,
            "field_label": field_label,
            "is_stale": operations.is_stale,
            "visibility_label": lambda code: str(VISIBILITIES.get(code, code)),
            "native_language_name": lambda code: NATIVE_NAMES.get(code, code),
            "import_action_label": import_action_label,
            "history_value": history_value,
            "history_rows": history_rows,
        }
    )


def _person_choices(form_field: Any, country: Country, exclude: int | None = None) -> None:
    people = [p for p in queries.people_of(country) if p.id != exclude]
    form_field.choices = choices([("", "—")] + [(p.id, p.display_name) for p in people])


def _chosen_person(country: Country, value: str | None) -> Person | None:
    if not value or not str(value).isdigit():
        return None
    person = db.session.get(Person, int(value))
    if person is None or person.country_id != country.id or person.is_deleted:
        return None
    return person


# People ---------------------------------------------------------------------------------------


@bp.get("/people")
@login_required
def people(code: str) -> str:
    """List each person of the country once, with all their roles across conventions."""

    country = load_country(code, can=permissions.can_view_country)
    everyone = queries.people_of(country)
    deleted = (
        queries.people_of(country, deleted=True)
        if permissions.can_restore_records(current_user, country)
        else []
    )
    return render_template(
        "focal_points/people.html",
        country=country,
        people=queries.visible(everyone, current_user),
        hidden=len(everyone) - len(queries.visible(everyone, current_user)),
        deleted=deleted,
        restore_form=DeleteForm(),
        pending_changes=count_pending(country.id)
        if permissions.can_review_changes(current_user, country)
        else 0,
    )


def _person_form(
    country: Country, person: Person | None, form_class: type[PersonFields] = PersonForm, **kw: Any
) -> Any:
    form = form_class(obj=person, **kw)
    form.region = country.iso2
    form.address_country.choices = choices(
        [("", "—")] + [(c.iso2, c.name) for c in list_countries()]
    )
    for optional in (form.address_country, form.gender):
        if optional.data is None:  # absent from the record and from the request
            optional.data = ""
    if not form.is_submitted():
        if person is None:
            if isinstance(form, PersonForm):
                form.version.data = 0
            form.address_country.data = country.iso2 if country.kind != "reio" else ""
        else:
            form.other_emails.data = "\n".join(person.other_emails)
            form.address_country.data = person.address_country or ""
    return form


@bp.route("/people/new", methods=["GET", "POST"])
@login_required
def new_person(code: str) -> str | Response:
    """Add a person or an institution, warning first when they may be in the registry already."""
    country = load_country(code, can=permissions.can_edit_country)
    form = _person_form(country, None)
    duplicates: list[Person] = []
    if form.validate_on_submit():
        values = form.values()
        duplicates = operations.find_duplicates(country, values)
        if duplicates and not form.confirm_new.data:
            form.confirm_new.errors.append(
                _("Someone with this name or e-mail address is in the registry already.")
            )
        else:
            try:
                person = operations.create_person(country, values)
            except operations.RegistryError as error:
                refuse(form, error)
            else:
                db.session.commit()
                flash(_("%(name)s has been added.", name=person.display_name), "success")
                return redirect(url_for(".person", code=country.iso2, person_id=person.id))
    return render_template(
        "focal_points/person_form.html",
        country=country,
        form=form,
        person=None,
        duplicates=duplicates,
    )


@bp.get("/people/<int:person_id>")
@login_required
def person(code: str, person_id: int) -> str:
    """Show a person's details, roles and change history."""

    country = load_country(code, can=permissions.can_view_country)
    record = load_person(country, person_id, can=permissions.can_view_person)
    # Who was asked to confirm the record, and what is waiting: for the country's officials.
    officials = permissions.can_edit_country(current_user, country)
    return render_template(
        "focal_points/person.html",
        country=country,
        person=record,
        history=queries.history(record, record.appointments),
        delete_form=DeleteForm(),
        confirmation_requests=self_service.requests_to_confirm(country.id, record.id)
        if officials
        else None,
        pending_changes=self_service.count_pending(country.id, record.id) if officials else 0,
        now=utcnow(),
    )


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
def edit_person(code: str, person_id: int) -> str | Response:
    """Edit a person; a save based on an outdated version is refused, showing the newer values."""
    country = load_country(code, can=permissions.can_edit_country)
    record = load_person(country, person_id, can=permissions.can_view_person)
    form = _person_form(country, record)
    if form.validate_on_submit():
        try:
            operations.update_person(record, form.values(), form.version.data)
        except StaleRecord:
            flash_stale()
            return redirect(url_for(".edit_person", code=country.iso2, person_id=person_id))
        except operations.RegistryError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The record has been saved."), "success")
            return redirect(url_for(".person", code=country.iso2, person_id=record.id))
    return render_template(
        "focal_points/person_form.html",
        country=country,
        form=form,
        person=record,
        duplicates=[],
    )


@bp.post("/people/<int:person_id>/delete")
@login_required
def delete_person(code: str, person_id: int) -> Response:
    """Remove a person from the registry; coordinators can restore them."""
    country = load_country(code, can=permissions.can_edit_country)
    record = load_person(country, person_id, can=permissions.can_view_person)
    if DeleteForm().validate_on_submit():
        try:
            operations.delete_person(record)
        except operations.RegistryError as error:
            flash(str(error.message), "danger")
            return redirect(url_for(".person", code=country.iso2, person_id=person_id))
        db.session.commit()
        flash(_("%(name)s has been deleted.", name=record.display_name), "success")
    return redirect(url_for(".people", code=country.iso2))


@bp.post("/people/<int:person_id>/restore")
@login_required
def restore_person(code: str, person_id: int) -> Response:
    """Bring back a deleted person."""
    country = load_country(code, can=permissions.can_restore_records)
    record = load_person(country, person_id, can=permissions.can_view_person, deleted=True)
    if DeleteForm().validate_on_submit():
        operations.restore_person(record)
        db.session.commit()
        flash(_("%(name)s has been restored.", name=record.display_name), "success")
    return redirect(url_for(".person", code=country.iso2, person_id=person_id))


@bp.route("/people/<int:person_id>/merge", methods=["GET", "POST"])
@login_required
def merge_person(code: str, person_id: int) -> str | Response:
    """Merge a duplicate into this person: appointments move, history is kept."""
    country = load_country(code, can=permissions.can_restore_records)
    record = load_person(country, person_id, can=permissions.can_view_person)
    form = MergeForm()
    _person_choices(form.other, country, exclude=record.id)
    if form.validate_on_submit():
        other = _chosen_person(country, form.other.data)
        if other is None:
            form.other.errors.append(_("Choose a person."))
        else:
            try:
                operations.merge_people(record, other)
            except operations.RegistryError as error:
                refuse(form, error)
            else:
                db.session.commit()
                flash(_("The two records have been merged."), "success")
                return redirect(url_for(".person", code=country.iso2, person_id=record.id))
    return render_template("focal_points/merge.html", country=country, person=record, form=form)


@bp.get("/people/<int:person_id>/data.json")
@login_required
def personal_data(code: str, person_id: int) -> Response:
    """Everything held about one person, as JSON (a data subject's access request)."""
    country = load_country(code, can=permissions.can_restore_records)
    record = found(queries.person_in(country, person_id))
    response = jsonify(operations.personal_data(record))
    response.headers["Content-Disposition"] = f'attachment; filename="person-{record.id}.json"'
    return response


@bp.route("/people/<int:person_id>/erase", methods=["GET", "POST"])
@login_required
def erase_person(code: str, person_id: int) -> str | Response:
    """Anonymise a person everywhere (the right to erasure); records and history stay whole."""
    country = load_country(code, can=permissions.can_restore_records)
    record = found(queries.person_in(country, person_id))
    form = DeleteForm()
    if form.validate_on_submit():
        operations.erase_person(record)
        db.session.commit()
        flash(_("The person's details have been erased."), "success")
        return redirect(url_for(".people", code=country.iso2))
    return render_template("focal_points/erase.html", country=country, person=record, form=form)


# Appointments ---------------------------------------------------------------------------------


@bp.route("/roles/<role_code>/appoint", methods=["GET", "POST"])
@login_required
def appoint(code: str, role_code: str) -> str | Response:
    """Appoint a person of the country to a role."""
    country = load_country(code, can=permissions.can_edit_country)
    role = found(queries.active_role(role_code))
    form = AppointForm()
    _person_choices(form.person, country)
    if not form.is_submitted() and request.args.get("person", "").isdigit():
        form.person.data = request.args["person"]
    if not role.has_primary:
        del form.is_primary
    if form.validate_on_submit():
        person = _chosen_person(country, form.person.data)
        if person is None:
            form.person.errors.append(_("Choose a person."))
        else:
            try:
                appointment = operations.appoint(
                    country,
                    person,
                    role,
                    form.start_date.data,
                    status=Status(form.status.data),
                    is_primary=bool(form.is_primary and form.is_primary.data),
                    letter_reference=form.letter_reference.data or "",
                    letter_date=form.letter_date.data,
                )
                _store_letter(form, appointment)
            except operations.RegistryError as error:
                db.session.rollback()  # the appointment too: it goes with its letter
                refuse(form, error)
            else:
                db.session.commit()
                flash(_("%(name)s now holds this role.", name=person.display_name), "success")
                return redirect(url_for("countries.detail", code=country.iso2))
    return render_template("focal_points/appoint.html", country=country, role=role, form=form)


def _store_letter(form: Any, appointment: Appointment) -> None:
    upload = form.letter_file.data
    if upload and getattr(upload, "filename", ""):
        operations.store_letter(appointment, upload.read(), upload.filename)


def _appointment_page(country: Country, appointment: Appointment, **forms: Any) -> str:
    version = appointment.version
    defaults = {
        "advance_form": AdvanceForm(formdata=None, version=version),
        "end_form": EndForm(formdata=None, version=version),
        "action_form": ActionForm(formdata=None, version=version),
    }
    defaults.update(forms)
    return render_template(
        "focal_points/appointment.html",
        country=country,
        appointment=appointment,
        history=queries.history(None, [appointment]),
        **defaults,
    )


@bp.get("/appointments/<int:appointment_id>")
@login_required
def appointment(code: str, appointment_id: int) -> str:
    """Show an appointment, its lifecycle and its history."""
    country = load_country(code, can=permissions.can_view_country)
    record = load_appointment(country, appointment_id, can=permissions.can_view_appointment)
    return _appointment_page(country, record)


def _lifecycle_step(code: str, appointment_id: int, form_class: type, key: str, apply: Any) -> Any:
    country = load_country(code, can=permissions.can_edit_country)
    record = load_appointment(country, appointment_id, can=permissions.can_view_appointment)
    form = form_class()
    if form.validate_on_submit():
        try:
            apply(record, form)
        except StaleRecord:
            flash_stale()
        except operations.RegistryError as error:
            db.session.rollback()
            refuse(form, error)
            return _appointment_page(country, record, **{key: form})
        else:
            db.session.commit()
            flash(_("The appointment has been updated."), "success")
        return redirect(url_for(".appointment", code=country.iso2, appointment_id=record.id))
    if form.version.errors:
        flash(_("This page was out of date. It now shows the current record; try again."), "danger")
    return _appointment_page(country, record, **{key: form})


@bp.post("/appointments/<int:appointment_id>/advance")
@login_required
def advance(code: str, appointment_id: int) -> Any:
    """Move the designation to its next step (endorsed, officially notified)."""

    def apply(record: Appointment, form: AdvanceForm) -> None:
        operations.advance(
            record,
            Status(form.status.data),
            form.version.data,
            letter_reference=form.letter_reference.data or "",
            letter_date=form.letter_date.data,
        )
        _store_letter(form, record)

    return _lifecycle_step(code, appointment_id, AdvanceForm, "advance_form", apply)


@bp.post("/appointments/<int:appointment_id>/end")
@login_required
def end(code: str, appointment_id: int) -> Any:
    """End the appointment on a date, with a reason."""
    return _lifecycle_step(
        code,
        appointment_id,
        EndForm,
        "end_form",
        lambda record, form: operations.end_appointment(
            record, form.end_date.data, form.reason.data, form.version.data
        ),
    )


@bp.route("/appointments/<int:appointment_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm(code: str, appointment_id: int) -> Any:
    """Record that the holder is still current; the page (linked from reminders) asks first."""
    if request.method == "GET":
        country = load_country(code, can=permissions.can_edit_country)
        record = load_appointment(country, appointment_id, can=permissions.can_view_appointment)
        return render_template(
            "focal_points/confirm.html",
            country=country,
            appointment=record,
            form=ActionForm(formdata=None, version=record.version),
        )
    return _lifecycle_step(
        code,
        appointment_id,
        ActionForm,
        "action_form",
        lambda record, form: operations.confirm(record),
    )


@bp.post("/appointments/<int:appointment_id>/primary")
@login_required
def make_primary(code: str, appointment_id: int) -> Any:
    """Make this holder the primary one of a role with several holders."""
    return _lifecycle_step(
        code,
        appointment_id,
        ActionForm,
        "action_form",
        lambda record, form: operations.make_primary(record, form.version.data),
    )


@bp.post("/appointments/<int:appointment_id>/acknowledge")
@login_required
def acknowledge(code: str, appointment_id: int) -> Response:
    """Acknowledge an officially notified designation (the Secretariat only)."""
    if not permissions.can_acknowledge(current_user):
        abort(403)
    country = load_country(code, can=permissions.can_view_country)
    record = load_appointment(country, appointment_id, can=permissions.can_view_appointment)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            operations.acknowledge(record, form.version.data)
        except StaleRecord:
            flash_stale()
        except operations.RegistryError as error:
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(_("The designation has been acknowledged."), "success")
    return redirect(url_for(".appointment", code=country.iso2, appointment_id=record.id))


@bp.route("/appointments/<int:appointment_id>/replace", methods=["GET", "POST"])
@login_required
def replace(code: str, appointment_id: int) -> str | Response:
    """One step: a new holder, recorded already or entered here, replaces the current one from
    a date, with the new designation's status and letter."""
    country = load_country(code, can=permissions.can_edit_country)
    record = load_appointment(country, appointment_id, can=permissions.can_view_appointment)
    form = ReplaceForm()
    _person_choices(form.person, country, exclude=record.person_id)
    form.person.choices[1:1] = choices(  # type: ignore[index]
        [(NEW_PERSON, _("Someone not in the registry yet (enter them below)"))]
    )
    # The new person's details, under names of their own ("new-family_name", ...).
    newcomer = _person_form(country, None, PersonFields, prefix="new", meta={"csrf": False})
    if not form.is_submitted():
        form.version.data = record.version
        if record.role.holder_kind != "either":
            newcomer.kind.data = record.role.holder_kind
    duplicates: list[Person] = []
    if form.validate_on_submit():
        successor = _successor(country, form, newcomer, duplicates)
        if successor is not None:
            upload = form.letter_file.data
            letter = (
                (upload.read(), upload.filename)
                if upload and getattr(upload, "filename", "")
                else None
            )
            try:
                new = operations.replace_in_one_step(
                    record,
                    successor,
                    form.start_date.data,
                    form.version.data,
                    status=Status(form.status.data),
                    letter_reference=form.letter_reference.data or "",
                    letter_date=form.letter_date.data,
                    letter=letter,
                )
            except StaleRecord:
                flash_stale()
                return redirect(
                    url_for(".appointment", code=country.iso2, appointment_id=record.id)
                )
            except operations.RegistryError as error:
                refuse(newcomer if error.field in newcomer else form, error)
            else:
                db.session.commit()
                flash(
                    _(
                        "%(new)s replaces %(old)s from %(date)s.",
                        new=new.person.display_name,
                        old=record.person.display_name,
                        date=form.start_date.data.isoformat(),
                    ),
                    "success",
                )
                return redirect(url_for(".appointment", code=country.iso2, appointment_id=new.id))
    return render_template(
        "focal_points/replace.html",
        country=country,
        appointment=record,
        form=form,
        newcomer=newcomer,
        duplicates=duplicates,
        new_person=NEW_PERSON,
    )


def _successor(
    country: Country, form: ReplaceForm, newcomer: PersonFields, duplicates: list[Person]
) -> Person | dict[str, Any] | None:
    """The chosen new holder, or the new person's values; None (with the errors shown) if
    neither is valid, or if the new person may be someone recorded already."""
    if form.person.data != NEW_PERSON:
        person = _chosen_person(country, form.person.data)
        if person is None:
            form.person.errors.append(_("Choose a person."))
        return person
    if not newcomer.validate():
        return None
    values = newcomer.values()
    duplicates.extend(operations.find_duplicates(country, values))
    if duplicates and not newcomer.confirm_new.data:
        newcomer.confirm_new.errors.append(
            _("Someone with this name or e-mail address is in the registry already.")
        )
        return None
    return values


@bp.get("/appointments/<int:appointment_id>/letter")
@login_required
def letter(code: str, appointment_id: int) -> Response:
    """Download the scanned designation letter (the country and the Secretariat only)."""
    country = load_country(code, can=permissions.can_view_country)
    if not (
        permissions.sees_all_countries(current_user)
        or permissions.belongs_to(current_user, country)
    ):
        abort(403)
    record = load_appointment(country, appointment_id, can=permissions.can_view_appointment)
    path = operations.letter_path(record)
    if path is None or not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=record.letter_filename or "letter.pdf",
    )
