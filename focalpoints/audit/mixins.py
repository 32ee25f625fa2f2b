"""The marker that puts a model's writes into the audit log."""

from __future__ import annotations

from typing import ClassVar


class Audited:
    """Every insert, update and delete of a model with this mixin is written to the audit log."""

    #: Columns whose values never enter the log; a change is recorded as "[changed]".
    __audit_secret__: ClassVar[frozenset[str]] = frozenset()
    #: Bookkeeping columns whose changes alone are not worth an audit row.
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset()

    @property
    def audit_country_id(self) -> int | None:
        """The country whose records this row belongs to, if any."""
        return getattr(self, "country_id", None)
