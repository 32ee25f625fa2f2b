"""Every model, imported in one place so that mappers and migrations see them all."""

from focalpoints.api.models import ApiToken
from focalpoints.audit.models import AuditEntry
from focalpoints.auth.models import LoginSession, User
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country, Membership
from focalpoints.focal_points.models import Appointment, Person
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.positions.models import Consultation, Position, PositionVersion
from focalpoints.reference.models import ReferenceDataset

__all__ = [
    "AgendaItem",
    "ApiToken",
    "Appointment",
    "AuditEntry",
    "Consultation",
    "Convention",
    "Country",
    "Issue",
    "LoginSession",
    "Meeting",
    "Membership",
    "Person",
    "Position",
    "PositionVersion",
    "ReferenceDataset",
    "Role",
    "User",
]
