"""Managing accounts."""

from focalpoints.users.views import bp

__all__ = ["bp"]
