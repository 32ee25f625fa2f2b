"""Every model, imported in one place so that mappers and migrations see them all."""

from focalpoints.api.models import ApiToken
from focalpoints.audit.models import AuditEntry
from focalpoints.auth.models import LoginSession, User
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country, Membership
from focalpoints.focal_points.models import Appointment, Person
from focalpoints.notifications.models import Notice, NotificationPreference
from focalpoints.reference.models import ReferenceDataset
from focalpoints.working_groups.models import (
    ActionItem,
    Document,
    GroupMember,
    Meeting,
    WorkingGroup,
)

__all__ = [
    "ActionItem",
    "ApiToken",
    "Appointment",
    "AuditEntry",
    "Convention",
    "Country",
    "Document",
    "GroupMember",
    "LoginSession",
    "Meeting",
    "Membership",
    "Notice",
    "NotificationPreference",
    "Person",
    "ReferenceDataset",
    "Role",
    "User",
    "WorkingGroup",
]
