"""Attaching, downloading and removing the group's documents."""

from __future__ import annotations

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.authorise import found, granted
from focalpoints.countries.loading import load_country
from focalpoints.extensions import db
from focalpoints.focal_points.operations import RegistryError
from focalpoints.working_groups import operations, queries
from focalpoints.working_groups.forms import DocumentForm
from focalpoints.working_groups.models import WorkingGroup
from focalpoints.working_groups.views.common import bp, toggle


@bp.route("/<int:group_id>/documents", methods=["POST"])
@bp.route("/meetings/<int:meeting_id>/documents", methods=["POST"])
@login_required
def attach_document(
    code: str, group_id: int | None = None, meeting_id: int | None = None
) -> Response:
    """Attach a document to the group or to one of its meetings."""
    country = load_country(code, can=permissions.can_edit_working_group)
    meeting_record = (
        found(queries.meeting_of(country, meeting_id, removed=True)) if meeting_id else None
    )
    record = (
        meeting_record.group if meeting_record else found(queries.group_of(country, group_id or 0))
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


@bp.get("/documents/<int:document_id>")
@login_required
def document(code: str, document_id: int) -> Response:
    """Download a document, as an attachment, if the user may read the group's papers."""
    country = load_country(code, can=permissions.can_view_working_group)
    record = found(queries.document_of(country, document_id))
    granted(db.session.get(WorkingGroup, record.group_id), permissions.can_read_group_papers)
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
    return toggle(code, document_id, queries.document_of, operations.delete_document, _("Removed."))


@bp.post("/documents/<int:document_id>/restore")
@login_required
def restore_document(code: str, document_id: int) -> Response:
    """Bring back a removed document."""
    return toggle(
        code, document_id, queries.document_of, operations.restore_document, _("Restored.")
    )
