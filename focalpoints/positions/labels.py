"""Translated labels of positions' statuses and consultation answers."""

from flask_babel import lazy_gettext as _l

from focalpoints.focal_points.labels import register_labels
from focalpoints.positions.models import Answer, PositionStatus

STATUSES = {
    PositionStatus.DRAFT.value: _l("Draft"),
    PositionStatus.CONSULTATION.value: _l("In consultation"),
    PositionStatus.AGREED.value: _l("Agreed"),
}
ANSWERS = {
    Answer.AGREE.value: _l("Agrees"),
    Answer.COMMENT.value: _l("Comments"),
    Answer.OBJECT.value: _l("Objects"),
}
# Bootstrap colours of the status badges.
STATUS_COLOURS = {"draft": "secondary", "consultation": "warning", "agreed": "success"}
ANSWER_COLOURS = {"agree": "success", "comment": "info", "object": "danger"}
# The change history names these wherever it is shown (imported by the app factory).
register_labels(
    {"positions.status": _l("Status"), "position_versions.status": _l("Status")},
    {
        "positions.status": STATUSES,
        "position_versions.status": STATUSES,
        "consultations.answer": ANSWERS,
    },
)


def position_status_label(code: str) -> str:
    """The translated name of a position's status."""
    return str(STATUSES.get(code, code))


def answer_label(code: str | None) -> str:
    """The translated name of a consultation answer."""
    return str(ANSWERS.get(code or "", code or ""))
