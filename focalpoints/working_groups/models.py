"""A country's working groups, their members, meetings, action items and documents."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from focalpoints.audit.mixins import Audited
from focalpoints.concurrency import versioned
from focalpoints.countries.models import Country
from focalpoints.db_types import UTCDateTime, in_enum, utcnow
from focalpoints.extensions import db
from focalpoints.focal_points.models import Person


class MemberCategory(enum.StrEnum):
    """The kind of stakeholder a member represents."""

    FOCAL_POINT = "focal_point"
    MINISTRY = "ministry"
    NGO = "ngo"
    IPLC = "iplc"
    ACADEMIA = "academia"
    PRIVATE_SECTOR = "private_sector"
    OTHER = "other"


class GroupRole(enum.StrEnum):
    """A member's role in the group."""

    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    OBSERVER = "observer"


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)
OPEN_MEMBER = text("deleted_at IS NULL AND left_on IS NULL")


class WorkingGroup(Audited, db.Model):
    """A national biodiversity working group; a closed group stays readable."""

    __tablename__ = "working_groups"
    # A country has at most one open group at a time.
    __table_args__ = (
        Index(
            "uq_working_groups_open_country",
            "country_id",
            unique=True,
            sqlite_where=text("closed_on IS NULL"),
            postgresql_where=text("closed_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    mandate: Mapped[str] = mapped_column(Text, default="")
    mandate_language: Mapped[str] = mapped_column(String(8), default="")
    legal_basis: Mapped[str] = mapped_column(String(500), default="")
    established_on: Mapped[date | None]
    coordinating_institution: Mapped[str] = mapped_column(String(300), default="")
    secretariat_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT")
    )
    # Minutes and documents are the country's own unless it shares them with the Secretariat.
    papers_shared: Mapped[bool] = mapped_column(default=False)
    closed_on: Mapped[date | None]
    closing_note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    country: Mapped[Country] = relationship()
    secretariat_contact: Mapped[Person | None] = relationship()
    members: Mapped[list[GroupMember]] = relationship(back_populates="group")
    meetings: Mapped[list[GroupMeeting]] = relationship(
        back_populates="group", order_by="GroupMeeting.starts_at.desc()"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.id} {self.name!r}>"


class GroupMember(Audited, db.Model):
    """A person's (or institution's) place in a working group."""

    __tablename__ = "working_group_members"
    __table_args__ = (
        # A person has at most one open-ended place in a group (not removed, no date left).
        Index(
            "uq_working_group_members_open",
            "group_id",
            "person_id",
            unique=True,
            sqlite_where=OPEN_MEMBER,
            postgresql_where=OPEN_MEMBER,
        ),
        CheckConstraint(in_enum("category", MemberCategory), name="category"),
        CheckConstraint(in_enum("group_role", GroupRole), name="group_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="RESTRICT"), index=True
    )
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    category: Mapped[str] = mapped_column(String(20), default=MemberCategory.OTHER.value)
    group_role: Mapped[str] = mapped_column(String(20), default=GroupRole.MEMBER.value)
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[WorkingGroup] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()

    @property
    def is_current(self) -> bool:
        return self.deleted_at is None and (self.left_on is None or self.left_on > date.today())


class GroupMeeting(Audited, db.Model):
    """A meeting of a working group: when and where, agenda, attendance, minutes, decisions."""

    __tablename__ = "working_group_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="RESTRICT"), index=True
    )
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    # Stored in UTC; shown in the meeting's own time zone.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[list[str]] = mapped_column(JSON, default=list)
    guests: Mapped[list[str]] = mapped_column(JSON, default=list)
    attendee_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    text_language: Mapped[str] = mapped_column(String(8), default="")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[WorkingGroup] = relationship(back_populates="meetings")
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="meeting", order_by="ActionItem.id"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="meeting", order_by="Document.id"
    )


class ActionItem(Audited, db.Model):
    """A follow-up action decided at a meeting: who does what by when."""

    __tablename__ = "working_group_actions"
    __table_args__ = (CheckConstraint(in_enum("status", ActionStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("working_group_meetings.id", ondelete="RESTRICT"), index=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="RESTRICT"), index=True
    )
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str] = mapped_column(String(1000))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN.value)
    completed_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = versioned(version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[GroupMeeting] = relationship(back_populates="actions")
    owner: Mapped[Person | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < (today or date.today())


class Document(Audited, db.Model):
    """A file attached to a group (its terms of reference) or to one of its meetings."""

    __tablename__ = "working_group_documents"
    __audit_ignore__ = frozenset({"stored_name"})

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="RESTRICT"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group_meetings.id", ondelete="RESTRICT"), index=True
    )
    country_id: Mapped[int] = mapped_column(
        ForeignKey("countries.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[GroupMeeting | None] = relationship(back_populates="documents")
