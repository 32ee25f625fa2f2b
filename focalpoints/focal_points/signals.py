"""Events of the registry that other features act on.

Each feature that holds something about people connects its receivers in its own operations
module, which the app factory imports: merging, erasing and listing a person's data cover every
feature whatever blueprints are registered. Receivers are called with the person as the sender.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

people_merged = _signals.signal(
    "people-merged",
    doc="A duplicate (``other=``) is being merged into the person sent; receivers move their "
    "references to it before the merge is committed.",
)
personal_data_requested = _signals.signal(
    "personal-data-requested",
    doc="A data subject's access request: each receiver returns a dict of the sections it "
    "holds about the person sent, to add to the export.",
)
erasing_person = _signals.signal(
    "erasing-person",
    doc="The person sent asks to be erased: receivers erase what they hold, before the "
    "record's own details are (so that they can still match a name or an e-mail address).",
)
