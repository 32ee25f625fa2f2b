"""Pages of the national working group: one blueprint, a module per sub-resource."""

from focalpoints.working_groups.views import (  # noqa: F401  (each adds its pages to bp)
    actions,
    documents,
    groups,
    meetings,
    members,
)
from focalpoints.working_groups.views.common import bp

__all__ = ["bp"]
