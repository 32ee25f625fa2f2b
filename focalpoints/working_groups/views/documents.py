"""Attaching, downloading and removing the group's documents."""

from __future__ import annotations

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.countries.models import Country
from focalpoints.extensions import db
from focalpoints.focal_points.operations import RegistryError
from focalpoints.working_groups import operations, queries
from focalpoints.working_groups.forms import DocumentForm
from focalpoints.working_groups.models import Document, WorkingGroup
from focalpoints.working_groups.views.common import bp, check_papers, for_edit, for_view, toggle


@bp.route("/<int:group_id>/documents", methods=["POST"])
@bp.route("/meetings/<int:meeting_id>/documents", methods=["POST"])
@login_required
def attach_document(
    code: str, group_id: int | None = None, meeting_id: int | None = None
) -> Response:
    """Attach a document to the group or to one of its meetings."""
    country = for_edit(code)
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
    country = for_view(code)
    record = _document_or_404(country, document_id)
    group_record = db.session.get(WorkingGroup, record.group_id)
    check_papers(group_record)
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
    return toggle(code, document_id, _document_or_404, operations.delete_document, _("Removed."))


@bp.post("/documents/<int:document_id>/restore")
@login_required
def restore_document(code: str, document_id: int) -> Response:
    """Bring back a removed document."""
    return toggle(code, document_id, _document_or_404, operations.restore_document, _("Restored."))
