"""The Secretariat's queue: designations to acknowledge, one by one or several at once."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from focalpoints import permissions
from focalpoints.concurrency import StaleRecord
from focalpoints.countries.labels import MEA_REGIONS
from focalpoints.designations import queries
from focalpoints.designations.queries import QueueFilters
from focalpoints.extensions import db
from focalpoints.focal_points import operations
from focalpoints.forms import BaseForm
from focalpoints.reference.snapshot import reference_snapshot

bp = Blueprint("designations", __name__, url_prefix="/designations")
#: Rows shown at once: the oldest first, the rest once these are done (or by filtering).
SHOWN = 200


def _filters() -> tuple[QueueFilters, list[str]]:
    errors = []
    convention = request.values.get("convention", "")[:20]
    region = request.values.get("region", "")[:40]
    if convention and not reference_snapshot().family(convention):
        errors.append(_("Unknown convention or instrument: %(code)s", code=convention))
        convention = ""
    if region and region not in MEA_REGIONS:
        errors.append(_("Unknown region: %(code)s", code=region))
        region = ""
    return QueueFilters(convention, region), errors


@bp.get("")
@permissions.require(permissions.can_acknowledge)
def queue() -> str:
    """List the designations waiting for the Secretariat's acknowledgement, oldest first."""
    filters, errors = _filters()
    waiting = queries.waiting(filters)
    return render_template(
        "designations/queue.html",
        waiting=waiting[:SHOWN],
        total=len(waiting),
        filters=filters,
        errors=errors,
        form=BaseForm(),
        conventions=reference_snapshot().conventions,
        regions=MEA_REGIONS,
    )


@bp.post("/acknowledge")
@permissions.require(permissions.can_acknowledge)
def acknowledge() -> Response:
    """Acknowledge the chosen designations, each at the version the reader saw."""
    form = BaseForm()
    filters, _errors = _filters()
    back = url_for(".queue", convention=filters.convention, region=filters.region)
    if not form.validate_on_submit():
        flash(_("The form has expired: please try again."), "danger")
        return redirect(back)
    seen: dict[int, int] = {}
    # A row's own button acknowledges that row alone; the other one, every row ticked.
    chosen = [request.form["one"]] if "one" in request.form else request.form.getlist("appointment")
    for value in chosen:
        identifier, _sep, version = value.partition(":")
        if identifier.isdigit() and version.isdigit() and len(identifier) < 10:
            seen[int(identifier)] = int(version)
    if not seen:
        flash(_("Choose at least one designation."), "warning")
        return redirect(back)
    done = 0
    for appointment in queries.by_ids(list(seen)):
        try:
            operations.acknowledge(appointment, seen[appointment.id])
        except StaleRecord:
            db.session.rollback()
        else:
            db.session.commit()  # each designation on its own: a stale one leaves the others
            done += 1
    if done:
        flash(
            ngettext(
                "%(num)d designation acknowledged.", "%(num)d designations acknowledged.", done
            ),
            "success",
        )
    skipped = len(seen) - done
    if skipped:
        flash(
            ngettext(
                "%(num)d designation was changed by someone else or is no longer waiting: "
                "check it and try again.",
                "%(num)d designations were changed by someone else or are no longer waiting: "
                "check them and try again.",
                skipped,
            ),
            "warning",
        )
    return redirect(back)
