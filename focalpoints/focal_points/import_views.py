"""Pages importing a contact list into a country's registry: upload, preview, confirm.

The registry's blueprint routes them (``focal_points.import_contacts`` and ``.confirm_import``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.countries.loading import load_country
from focalpoints.focal_points import importing, uploads
from focalpoints.focal_points.forms import ConfirmImportForm, ImportForm


@login_required
def import_contacts(code: str) -> str:
    """Upload a contact list and preview, row by row, what importing it would do."""
    country = load_country(code, can=permissions.can_import)
    form = ImportForm()
    planned: list[importing.PlannedRow] = []
    token = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(importing.MAX_IMPORT_BYTES + 1)
        try:
            planned = importing.plan_import(importing.read_contacts(data, upload.filename), country)
        except importing.ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            token = uploads.keep(
                data, user=current_user.id, country=country.iso2, filename=upload.filename
            )
    return render_template(
        "focal_points/import.html",
        country=country,
        form=form,
        planned=planned,
        confirm_form=ConfirmImportForm(formdata=None, token=token),
        token=token,
        counts=None,
    )


@login_required
def confirm_import(code: str) -> str | Response:
    """Apply a previewed import."""
    country = load_country(code, can=permissions.can_import)
    form = ConfirmImportForm()
    kept = (
        uploads.take(form.token.data or "", user=current_user.id, country=country.iso2)
        if form.validate_on_submit()
        else None
    )
    if kept is None:
        flash(_("This preview has expired. Upload the file again."), "danger")
        return redirect(url_for(".import_contacts", code=country.iso2))
    data, meta = kept
    planned = importing.plan_import(importing.read_contacts(data, meta["filename"]), country)
    counts = importing.apply_import(planned)
    uploads.discard(form.token.data)
    return render_template(
        "focal_points/import.html",
        country=country,
        form=ImportForm(formdata=None),
        planned=planned,
        confirm_form=None,
        token=None,
        counts=counts,
    )
