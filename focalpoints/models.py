"""Every model, imported in one place so that mappers and migrations see them all."""

from focalpoints.api.models import ApiToken
from focalpoints.audit.models import AuditEntry, DataVersion
from focalpoints.auth.models import LoginSession, User
from focalpoints.calendar_feeds.models import CalendarFeed
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country, Membership
from focalpoints.focal_points.models import Appointment, Person
from focalpoints.frameworks.models import Framework, FrameworkElement
from focalpoints.meetings.models import AgendaItem, Issue, Meeting
from focalpoints.nbsap.models import Alignment, NationalTarget, Nbsap, ProgressNote
from focalpoints.notifications.models import Notice, NotificationPreference
from focalpoints.positions.models import Consultation, Position, PositionVersion
from focalpoints.reference.models import ReferenceDataset
from focalpoints.reporting.models import ReportDeadline, ReportStatus
from focalpoints.self_service.models import PendingChange, PersonLink
from focalpoints.two_factor.models import Passkey, RecoveryCode, RememberedDevice, TotpCredential
from focalpoints.working_groups.models import (
    ActionItem,
    Document,
    GroupMeeting,
    GroupMember,
    WorkingGroup,
)

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Alignment",
    "ApiToken",
    "Appointment",
    "AuditEntry",
    "CalendarFeed",
    "Consultation",
    "Convention",
    "Country",
    "DataVersion",
    "Document",
    "Framework",
    "FrameworkElement",
    "GroupMeeting",
    "GroupMember",
    "Issue",
    "LoginSession",
    "Meeting",
    "Membership",
    "NationalTarget",
    "Nbsap",
    "Notice",
    "NotificationPreference",
    "Passkey",
    "PendingChange",
    "Person",
    "PersonLink",
    "Position",
    "PositionVersion",
    "ProgressNote",
    "RecoveryCode",
    "ReferenceDataset",
    "RememberedDevice",
    "ReportDeadline",
    "ReportStatus",
    "Role",
    "TotpCredential",
    "User",
    "WorkingGroup",
]
