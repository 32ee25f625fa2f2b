"""Every model, imported in one place so that mappers and migrations see them all."""

from focalpoints.api.models import ApiToken
from focalpoints.audit.models import AuditEntry
from focalpoints.auth.models import LoginSession, User
from focalpoints.conventions.models import Convention, Role
from focalpoints.countries.models import Country, Membership
from focalpoints.focal_points.models import Appointment, Person
from focalpoints.frameworks.models import Framework, FrameworkElement
from focalpoints.nbsap.models import Alignment, NationalTarget, Nbsap, ProgressNote
from focalpoints.reference.models import ReferenceDataset
from focalpoints.reporting.models import ReportDeadline, ReportStatus

__all__ = [
    "Alignment",
    "ApiToken",
    "Appointment",
    "AuditEntry",
    "Convention",
    "Country",
    "Framework",
    "FrameworkElement",
    "LoginSession",
    "Membership",
    "NationalTarget",
    "Nbsap",
    "Person",
    "ProgressNote",
    "ReferenceDataset",
    "ReportDeadline",
    "ReportStatus",
    "Role",
    "User",
]
