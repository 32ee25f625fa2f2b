"""Countries and Party membership."""

from focalpoints.countries.views import bp

__all__ = ["bp"]
