"""Pages of a country's NBSAP: national targets and measures, alignments, progress, the matrix."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.authorise import found
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.loading import load_country
from focalpoints.countries.models import Country
from focalpoints.countries.queries import active_conventions
from focalpoints.extensions import db
from focalpoints.feedback import flash_stale, refuse
from focalpoints.focal_points.forms import DeleteForm
from focalpoints.focal_points.queries import people_of
from focalpoints.forms import choices
from focalpoints.fragments import render_fragment
from focalpoints.frameworks.models import FrameworkElement
from focalpoints.i18n import current_language, parenthetical
from focalpoints.nbsap import labels, operations, queries
from focalpoints.nbsap.forms import AlignmentForm, NbsapForm, NoteForm, TargetForm
from focalpoints.nbsap.models import Degree, NationalTarget, Nbsap

bp = Blueprint("nbsap", __name__, url_prefix="/countries/<code>/nbsap")


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(
        {
            "nbsap_label": labels.label,
            "nbsap_value": labels.value,
            "nbsap_choice": labels.choice_label,
            "NBSAP_STATUSES": labels.NBSAP_STATUSES,
            "TARGET_STATUSES": labels.TARGET_STATUSES,
            "TARGET_KINDS": labels.TARGET_KINDS,
            "DEGREES_SHORT": labels.DEGREES_SHORT,
            "REPORT_STATES": labels.REPORT_STATES,
        }
    )


@bp.get("")
@login_required
def index(code: str) -> str:
    """The country's NBSAPs and their national targets and measures."""
    country = load_country(code, can=permissions.can_view_nbsap)
    targets = queries.targets_of(country)
    deleted = (
        queries.targets_of(country, deleted=True)
        if permissions.can_edit_nbsap(current_user, country)
        else []
    )
    return render_template(
        "nbsap/index.html",
        country=country,
        nbsaps=queries.nbsaps_of(country),
        targets=targets,
        deleted=deleted,
        restore_form=DeleteForm(),
    )


# NBSAPs -----------------------------------------------------------------------------------------


def _nbsap_form(nbsap: Nbsap | None) -> NbsapForm:
    form = NbsapForm(obj=nbsap)
    if not form.is_submitted():
        if nbsap is None:
            form.version.data = 0
            form.language.data = current_language()
        form.document_url.data = nbsap.document_url if nbsap else ""
    return form


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:nbsap_id>/edit", methods=["GET", "POST"])
@login_required
def edit_nbsap(code: str, nbsap_id: int | None = None) -> str | Response:
    """Record the country's NBSAP (title, period, adoption, status, document) or change it."""
    country = load_country(code, can=permissions.can_edit_nbsap)
    nbsap = found(queries.nbsap_of(country, nbsap_id)) if nbsap_id else None
    form = _nbsap_form(nbsap)
    if form.validate_on_submit():
        try:
            saved = operations.save_nbsap(country, nbsap, form.values(), form.version.data)
            upload = form.document_file.data
            if upload and getattr(upload, "filename", ""):
                operations.store_document(
                    saved, upload.read(operations.MAX_DOCUMENT_BYTES + 1), upload.filename
                )
        except StaleRecord:
            flash_stale()
            return redirect(request.path)
        except operations.NbsapError as error:
            db.session.rollback()  # the NBSAP goes with its document, or not at all
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The NBSAP has been saved."), "success")
            return redirect(url_for(".index", code=country.iso2))
    return render_template(
        "nbsap/nbsap_form.html",
        country=country,
        nbsap=nbsap,
        form=form,
        history=queries.nbsap_history(nbsap) if nbsap else [],
    )


@bp.get("/<int:nbsap_id>/document")
@login_required
def document(code: str, nbsap_id: int) -> Response:
    """Download the NBSAP document, as an attachment."""
    country = load_country(code, can=permissions.can_view_nbsap)
    nbsap = found(queries.nbsap_of(country, nbsap_id))
    path = operations.document_path(nbsap)
    if path is None or not path.exists():
        abort(404)
    with path.open("rb") as handle:
        _suffix, media = operations.document_type(handle.read(16))
    return send_file(
        path,
        mimetype=media,
        as_attachment=True,
        download_name=nbsap.document_filename or path.name,
    )


# National targets and measures ------------------------------------------------------------------


def _target_form(
    country: Country, nbsaps: list[Nbsap], target: NationalTarget | None
) -> TargetForm:
    form = TargetForm()
    form.nbsap.choices = choices((n.id, f"{n.title}{parenthetical(n.period)}") for n in nbsaps)
    national = [
        t
        for t in queries.targets_of(country)
        if not t.is_measure and (target is None or t.id != target.id)
    ]
    form.parent.choices = choices([("", "—")] + [(t.id, f"{t.code} {t.title}") for t in national])
    form.responsible.choices = choices((p.id, p.display_name) for p in people_of(country))
    form.conventions.choices = choices((c.id, c.acronym) for c in active_conventions())
    if form.parent.data is None:
        form.parent.data = ""
    if not form.is_submitted():
        if target is None:
            form.version.data = 0
            form.language.data = current_language()
            wanted = request.args.get("nbsap", "")
            form.nbsap.data = wanted if wanted.isdigit() else (str(nbsaps[0].id) if nbsaps else "")
            parent = request.args.get("parent", "")
            if parent.isdigit():
                form.kind.data, form.parent.data = "measure", parent
        else:
            language = request.args.get("language", "")
            if language not in target.titles:
                language = target.shown_title()[0]
            form.process(
                obj=target,
                nbsap=str(target.nbsap_id),
                parent=str(target.parent_id or ""),
                language=language,
                title=target.titles.get(language, ""),
                description=target.descriptions.get(language, ""),
                responsible=[str(p.id) for p in target.responsible],
                conventions=[str(c.id) for c in target.conventions],
            )
    return form


def _save_target(
    country: Country, nbsaps: list[Nbsap], target: NationalTarget | None
) -> str | Response:
    form = _target_form(country, nbsaps, target)
    if not nbsaps:
        flash(_("Record the NBSAP first."), "danger")
    if form.validate_on_submit():
        nbsap = next((n for n in nbsaps if str(n.id) == form.nbsap.data), None)
        if nbsap is None:
            form.nbsap.errors.append(_("Choose an NBSAP of this country."))
        else:
            try:
                saved = operations.save_target(
                    country, nbsap, target, form.values(), form.version.data
                )
            except StaleRecord:
                flash_stale()
                return redirect(request.path)
            except operations.NbsapError as error:
                db.session.rollback()
                refuse(form, error)
            else:
                db.session.commit()
                flash(_("The target has been saved."), "success")
                return redirect(url_for(".target", code=country.iso2, target_id=saved.id))
    return render_template("nbsap/target_form.html", country=country, target=target, form=form)


@bp.route("/targets/new", methods=["GET", "POST"])
@login_required
def new_target(code: str) -> str | Response:
    """Add a national target or a measure."""
    country = load_country(code, can=permissions.can_edit_nbsap)
    return _save_target(country, queries.nbsaps_of(country), None)


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@login_required
def edit_target(code: str, target_id: int) -> str | Response:
    """Change a national target or measure; its title and description in one language at a time."""
    country = load_country(code, can=permissions.can_edit_nbsap)
    target = found(queries.target_of(country, target_id))
    return _save_target(country, queries.nbsaps_of(country), target)


def _target_page(country: Country, target: NationalTarget, **forms: Any) -> str:
    alignment_form = forms.pop("alignment_form", None) or AlignmentForm(formdata=None)
    alignment_form.element.choices = {
        framework.short_name: [(str(e.id), f"{e.code} {e.title}") for e in elements]
        for framework, elements in queries.element_choices()
    }
    note_form = forms.pop("note_form", None) or NoteForm(formdata=None, language=current_language())
    measures = [t for t in queries.targets_of(country) if t.parent_id == target.id]
    return render_template(
        "nbsap/target.html",
        country=country,
        target=target,
        measures=measures,
        history=queries.history(target),
        alignment_form=alignment_form,
        note_form=note_form,
        delete_form=DeleteForm(),
    )


@bp.get("/targets/<int:target_id>")
@login_required
def target(code: str, target_id: int) -> str:
    """Show a national target or measure: alignments, conventions, people, progress, history."""
    country = load_country(code, can=permissions.can_view_nbsap)
    return _target_page(country, found(queries.target_of(country, target_id)))


@bp.post("/targets/<int:target_id>/delete")
@login_required
def delete_target(code: str, target_id: int) -> Response:
    """Remove a national target or measure; it can be restored."""
    country = load_country(code, can=permissions.can_edit_nbsap)
    record = found(queries.target_of(country, target_id))
    if DeleteForm().validate_on_submit():
        operations.delete_target(record)
        db.session.commit()
        flash(_("%(code)s has been deleted.", code=record.code), "success")
    return redirect(url_for(".index", code=country.iso2))


@bp.post("/targets/<int:target_id>/restore")
@login_required
def restore_target(code: str, target_id: int) -> Response:
    """Bring back a deleted national target or measure."""
    country = load_country(code, can=permissions.can_edit_nbsap)
    record = found(queries.target_of(country, target_id, deleted=True))
    if DeleteForm().validate_on_submit():
        try:
            operations.restore_target(record)
        except operations.NbsapError as error:
            flash(str(error.message), "danger")
            return redirect(url_for(".index", code=country.iso2))
        db.session.commit()
        flash(_("%(code)s has been restored.", code=record.code), "success")
    return redirect(url_for(".target", code=country.iso2, target_id=record.id))


@bp.post("/targets/<int:target_id>/alignments")
@login_required
def align(code: str, target_id: int) -> str | Response:
    """Link the target to one or several global targets with a degree of alignment (or change
    the degree)."""
    country = load_country(code, can=permissions.can_edit_nbsap)
    record = found(queries.target_of(country, target_id))
    form = AlignmentForm()
    form.element.choices = [
        (str(e.id), e.code) for _f, elements in queries.element_choices() for e in elements
    ]
    if form.validate_on_submit():
        elements = [db.session.get(FrameworkElement, int(i)) for i in form.element.data]
        try:
            operations.align_many(record, elements, Degree(form.degree.data))
        except StaleRecord:
            flash_stale()
        except operations.NbsapError as error:
            refuse(form, error)
            return _target_page(country, record, alignment_form=form)
        else:
            db.session.commit()
            flash(_("The alignment has been saved."), "success")
        return redirect(url_for(".target", code=country.iso2, target_id=record.id))
    return _target_page(country, record, alignment_form=form)


@bp.post("/targets/<int:target_id>/alignments/<int:alignment_id>/delete")
@login_required
def unalign(code: str, target_id: int, alignment_id: int) -> Response:
    """Remove a link to a global target."""
    country = load_country(code, can=permissions.can_edit_nbsap)
    record = found(queries.target_of(country, target_id))
    alignment = next((a for a in record.alignments if a.id == alignment_id), None)
    if alignment is None:
        abort(404)
    if DeleteForm().validate_on_submit():
        operations.unalign(alignment)
        db.session.commit()
        flash(_("The alignment has been removed."), "success")
    return redirect(url_for(".target", code=country.iso2, target_id=record.id))


@bp.post("/targets/<int:target_id>/notes")
@login_required
def add_note(code: str, target_id: int) -> str | Response:
    """Add a dated progress note."""
    country = load_country(code, can=permissions.can_edit_nbsap)
    record = found(queries.target_of(country, target_id))
    form = NoteForm()
    if form.validate_on_submit():
        try:
            operations.add_note(record, form.noted_on.data, form.text.data, form.language.data)
        except operations.NbsapError as error:
            refuse(form, error)
            return _target_page(country, record, note_form=form)
        db.session.commit()
        flash(_("The progress note has been added."), "success")
        return redirect(url_for(".target", code=country.iso2, target_id=record.id))
    return _target_page(country, record, note_form=form)


#: The matrix's table, kept rendered under a key of all it shows (:meth:`queries.Matrix.key`).
MATRIX_TEMPLATE = "nbsap/matrix_table.html"


@bp.get("/matrix")
@login_required
def matrix(code: str) -> str:
    """National targets against a framework's global targets, and what no target covers."""
    country = load_country(code, can=permissions.can_view_nbsap)
    frameworks = queries.framework_choices()
    if not frameworks:
        abort(404)
    wanted = request.args.get("framework", "GBF")
    framework = next((f for f in frameworks if f.code == wanted), frameworks[0])
    grid = queries.alignment_matrix(country, framework)
    table = render_fragment(
        MATRIX_TEMPLATE,
        ("nbsap-matrix", country.iso2, grid.key()),
        lambda: {
            "matrix": grid,
            "country_code": country.iso2,
            "degree_labels": {code: str(label) for code, label in labels.DEGREES_SHORT.items()},
        },
    )
    return render_template(
        "nbsap/matrix.html",
        country=country,
        frameworks=frameworks,
        framework=framework,
        table=table,
    )
