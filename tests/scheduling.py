"""How pytest-xdist shares the tests among its workers (``-n``): one test at a time, as its
``load`` mode does, except the tests on the demo data (tests/test_demo_data.py), which go
together to one worker: that worker alone builds the demo template (20 s on SQLite, 30 s on
PostgreSQL) while the others go on with other tests.

The browser tests are not grouped so: run one after another on one worker beside the others,
they took longer (8 min 18 s for the SQLite pass instead of 7 min 49 s); Chromium takes more
than one core.

xdist's own grouping (``--dist loadgroup`` and the ``xdist_group`` mark) cannot be used: it
renames each test's node ID, which pytest 9 no longer lets a plugin do, and groups nothing.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

GROUPS = ("tests/test_demo_data.py::",)


class GroupedScheduling(LoadScopeScheduling):
    """xdist's scheduling by scope, where a scope is one of GROUPS or else a single test.

    The largest scopes are handed out first (xdist's ``--loadscope-reorder``, on by default),
    so the demo template is built at the start, and the rest keep the order of collection.
    """

    def _split_scope(self, nodeid: str) -> str:
        return next((group for group in GROUPS if nodeid.startswith(group)), nodeid)
