"""Administration of reference data."""

from focalpoints.admin.views import bp

__all__ = ["bp"]
