"""Certifications, their groups, tracking settings, privacy and advanced settings."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import PERIOD_UNITS, TIME_UNITS, UTCDateTime, one_of, utcnow
from webapp.models.people import ModuleLevel, Tag

CERTIFICATION_TYPES = ("employee", "asset", "client", "location")
# What each type is called on the forms and pages (the HSE documents' words).
CERTIFICATION_TYPE_LABELS = {"employee": "Employee", "asset": "Asset", "client": "Client", "location": "Job Location"}
ACTIVITY_TYPES = ("none", "course", "external_course", "document", "form")
EXTEND_TO = ("month", "year")
EXISTING_WINDOW_OPENS = ("first_notice", "second_notice", "custom")

certification_tags = Table(
    "certification_tags",
    db.metadata,
    Column("certification_id", ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

certification_hidden_from_levels = Table(
    "certification_hidden_from_levels",
    db.metadata,
    Column("certification_id", ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True),
    Column("module_level_id", ForeignKey("module_levels.id", ondelete="CASCADE"), primary_key=True),
)

certification_attachments_hidden_from_levels = Table(
    "certification_attachments_hidden_from_levels",
    db.metadata,
    Column("certification_id", ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True),
    Column("module_level_id", ForeignKey("module_levels.id", ondelete="CASCADE"), primary_key=True),
)

certification_batch_roles = Table(
    "certification_batch_roles",
    db.metadata,
    Column("certification_id", ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)


def _period_columns(prefix: str):
    return (
        mapped_column(f"{prefix}_amount", Integer, nullable=True),
        mapped_column(f"{prefix}_unit", String(10), nullable=True),
    )


def _period_checks(prefix: str, units=PERIOD_UNITS):
    return (
        one_of(f"{prefix}_unit", units, name=f"{prefix}_unit_allowed"),
        CheckConstraint(f"{prefix}_amount IS NULL OR {prefix}_amount > 0", name=f"{prefix}_positive"),
        CheckConstraint(
            f"({prefix}_amount IS NULL) = ({prefix}_unit IS NULL)", name=f"{prefix}_amount_with_unit"
        ),
    )


class CertificationForm(db.Model):
    """A form a person must complete to earn the certification, at its place in the list (decision 81)."""

    __tablename__ = "certification_forms"
    __table_args__ = (
        UniqueConstraint("certification_id", "position", name="uq_certification_forms_position"),
        CheckConstraint("position > 0", name="position_positive"),
    )

    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id", ondelete="CASCADE"),
                                                  primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    form = relationship("Form")


class CertificationGroup(db.Model):
    """A folder of certifications; groups nest."""

    __tablename__ = "certification_groups"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_certification_groups_parent_name"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        # Unique in any case within the parent, top level included (where parent_id is NULL, which
        # the constraint above treats as all different).
        Index("uq_certification_groups_folder_name", func.coalesce(text("parent_id"), 0), func.lower(text("name")),
              unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("certification_groups.id", ondelete="CASCADE"))
    parent: Mapped[CertificationGroup | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[CertificationGroup]] = relationship(back_populates="parent")
    certifications: Mapped[list[Certification]] = relationship(back_populates="group")


class Certification(db.Model):
    """Something a person must hold, with every setting the documents name."""

    __tablename__ = "certifications"
    __table_args__ = (
        one_of("type", CERTIFICATION_TYPES),
        one_of("activity_type", ACTIVITY_TYPES),
        one_of("extend_to", EXTEND_TO),
        one_of("refresher_extend_to", EXTEND_TO, name="refresher_extend_to_allowed"),
        one_of("existing_window_opens", EXISTING_WINDOW_OPENS),
        one_of("time_to_complete_unit", TIME_UNITS),
        one_of("refresher_time_to_complete_unit", TIME_UNITS, name="refresher_time_unit_allowed"),
        *_period_checks("duration"),
        *_period_checks("first_notice"),
        *_period_checks("second_notice"),
        *_period_checks("existing_window"),
        *_period_checks("existing_grace"),
        *_period_checks("refresher_duration"),
        *_period_checks("refresher_first_notice"),
        *_period_checks("refresher_second_notice"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("NOT expires OR duration_amount IS NOT NULL", name="expiring_has_duration"),
        CheckConstraint("NOT has_refresher OR expires", name="refresher_needs_expiry"),
        CheckConstraint("NOT expiry_as_printed OR expires", name="printed_expiry_needs_expiry"),
        CheckConstraint("NOT required_at_login OR auto_approve_on_activity", name="login_implies_auto_approve"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # General
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20), default="employee")
    information: Mapped[str | None] = mapped_column(Text)
    external_url: Mapped[str | None] = mapped_column(String(1000))
    issuer: Mapped[str | None] = mapped_column(String(200))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("certification_groups.id", ondelete="SET NULL"))
    # Tracking settings (initial)
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    time_to_complete: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    time_to_complete_unit: Mapped[str | None] = mapped_column(String(10))
    expires: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_amount, duration_unit = _period_columns("duration")
    extend_to: Mapped[str | None] = mapped_column(String(10))
    forced_expiration: Mapped[date | None] = mapped_column(Date)
    existing_window_opens: Mapped[str | None] = mapped_column(String(20))
    existing_window_amount, existing_window_unit = _period_columns("existing_window")
    existing_grace_amount, existing_grace_unit = _period_columns("existing_grace")
    first_notice_amount, first_notice_unit = _period_columns("first_notice")
    second_notice_amount, second_notice_unit = _period_columns("second_notice")
    allow_upcoming: Mapped[bool] = mapped_column(Boolean, default=False)
    # Valid When Added: a record's date is the day it is added, none is asked (rules decision 80).
    valid_when_added: Mapped[bool] = mapped_column(Boolean, default=False)
    # A record expires on the date printed on its card, when the card gives one (rules decision 34).
    expiry_as_printed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Tracking settings (unique refresher training)
    has_refresher: Mapped[bool] = mapped_column(Boolean, default=False)
    refresher_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    refresher_time_to_complete: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    refresher_time_to_complete_unit: Mapped[str | None] = mapped_column(String(10))
    refresher_duration_amount, refresher_duration_unit = _period_columns("refresher_duration")
    refresher_extend_to: Mapped[str | None] = mapped_column(String(10))
    refresher_first_notice_amount, refresher_first_notice_unit = _period_columns("refresher_first_notice")
    refresher_second_notice_amount, refresher_second_notice_unit = _period_columns("refresher_second_notice")
    # Activity
    activity_type: Mapped[str] = mapped_column(String(20), default="none")
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    # An external learning system reports completions of its course `external_course_ref`.
    learning_integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_integrations.id", ondelete="SET NULL")
    )
    external_course_ref: Mapped[str | None] = mapped_column(String(120))
    required_at_login: Mapped[bool] = mapped_column(Boolean, default=False)
    # Privacy
    hide_from_shared_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_from_qr_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_attachments_from_shared_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_attachments_from_qr_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    # Advanced settings
    require_attachment: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_approve_submissions: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_approve_on_activity: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_batch_submission: Mapped[bool] = mapped_column(Boolean, default=False)
    generate_certificate_on_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    generate_certificate_on_activity: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_expiration_on_certificate: Mapped[bool] = mapped_column(Boolean, default=False)
    attach_files_to_approval_emails: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("certifications.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Archived: hidden from lists and requirements, its records kept (decision 55); None: in use.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[CertificationGroup | None] = relationship(back_populates="certifications")
    parent: Mapped[Certification | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Certification]] = relationship(back_populates="parent")
    tags: Mapped[list[Tag]] = relationship(secondary=certification_tags)
    hidden_from_levels: Mapped[list[ModuleLevel]] = relationship(secondary=certification_hidden_from_levels)
    attachments_hidden_from_levels: Mapped[list[ModuleLevel]] = relationship(
        secondary=certification_attachments_hidden_from_levels
    )
    batch_roles = relationship("CertificationRole", secondary=certification_batch_roles)
    # The clients it applies to, an Employee certification's label (decision 94; table in models/entities.py).
    clients = relationship("Entity", secondary="certification_clients", order_by="func.lower(Entity.name)")
    course = relationship("Course")
    # Forms required to certify, in the order they are shown (decision 81).
    form_links: Mapped[list[CertificationForm]] = relationship(
        cascade="all, delete-orphan", order_by="CertificationForm.position"
    )
    forms = relationship("Form", secondary="certification_forms", order_by="CertificationForm.position",
                         viewonly=True)
    supporting_attachments = relationship(
        "Attachment",
        primaryjoin="Attachment.certification_id == Certification.id",
        cascade="all, delete-orphan",
        order_by="Attachment.id",
    )

    @property
    def type_label(self) -> str:
        return CERTIFICATION_TYPE_LABELS[self.type]
