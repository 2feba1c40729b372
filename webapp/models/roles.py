"""Certification roles, what they require per company, and why each user must hold what."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import PERIOD_UNITS, UTCDateTime, one_of, utcnow
from webapp.models.certifications import Certification
from webapp.models.people import Company, ModuleLevel, Tag, User
from webapp.models.records import StoredFile

REQUIREMENT_STATES = ("required", "not_applicable", "deferred")

role_tags = Table(
    "role_tags",
    db.metadata,
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

role_competency_hidden_from_levels = Table(
    "role_competency_hidden_from_levels",
    db.metadata,
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("module_level_id", ForeignKey("module_levels.id", ondelete="CASCADE"), primary_key=True),
)


class CertificationRole(db.Model):
    """A job or position whose holders must hold its required certifications."""

    __tablename__ = "roles"
    __table_args__ = (
        one_of("competency_duration_unit", PERIOD_UNITS),
        one_of("competency_lead_time_unit", PERIOD_UNITS),
        CheckConstraint("competency_duration_amount IS NULL OR competency_duration_amount > 0", name="competency_duration_positive"),
        CheckConstraint("competency_lead_time_amount IS NULL OR competency_lead_time_amount > 0", name="competency_lead_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    role_requirements: Mapped[str | None] = mapped_column(Text)
    require_competency: Mapped[bool] = mapped_column(Boolean, default=False)
    competency_certificate_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    competency_expires: Mapped[bool] = mapped_column(Boolean, default=False)
    competency_duration_amount: Mapped[int | None] = mapped_column(Integer)
    competency_duration_unit: Mapped[str | None] = mapped_column(String(10))
    competency_lead_time_amount: Mapped[int | None] = mapped_column(Integer)
    competency_lead_time_unit: Mapped[str | None] = mapped_column(String(10))
    hide_competency_from_shared_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_competency_from_qr_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Archived: in no list or picker and requiring nothing, its assignments kept (decision 55); None: in use.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tags: Mapped[list[Tag]] = relationship(secondary=role_tags)
    competency_hidden_from_levels: Mapped[list[ModuleLevel]] = relationship(secondary=role_competency_hidden_from_levels)
    company_roles: Mapped[list[CompanyRole]] = relationship(back_populates="role", cascade="all, delete-orphan")
    assignments: Mapped[list[RoleAssignment]] = relationship(back_populates="role", cascade="all, delete-orphan")


class CompanyRole(db.Model):
    """A role that applies to a company, with the company's own description of it."""

    __tablename__ = "company_roles"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)

    company: Mapped[Company] = relationship()
    role: Mapped[CertificationRole] = relationship(back_populates="company_roles")
    requirements: Mapped[list[RoleRequirement]] = relationship(
        back_populates="company_role", cascade="all, delete-orphan"
    )


class RoleRequirement(db.Model):
    """A certification a role requires in one company (the roles x companies grid)."""

    __tablename__ = "role_requirements"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "role_id"],
            ["company_roles.company_id", "company_roles.role_id"],
            ondelete="CASCADE",
            name="fk_role_requirements_company_role",
        ),
    )

    company_id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True
    )

    company_role: Mapped[CompanyRole] = relationship(back_populates="requirements")
    certification: Mapped[Certification] = relationship()


class RoleAssignment(db.Model):
    """A user holds a role, possibly in training until a date."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role_id", name="uq_role_assignments_user_role"),
        Index("ix_role_assignments_role", "role_id"),  # who holds a role (reports, candidates, requirements)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    training_until: Mapped[date | None] = mapped_column(Date)
    training_notes: Mapped[str | None] = mapped_column(Text)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    role: Mapped[CertificationRole] = relationship(back_populates="assignments")


class DirectRequirement(db.Model):
    """An "Other Required Certification": required of a user regardless of roles."""

    __tablename__ = "direct_requirements"
    __table_args__ = (Index("ix_direct_requirements_certification", "certification_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    certification: Mapped[Certification] = relationship()


class RequirementSetting(db.Model):
    """Per (user, certification): required and cannot be deferred, not applicable, or deferred."""

    __tablename__ = "requirement_settings"
    __table_args__ = (
        one_of("state", REQUIREMENT_STATES),
        CheckConstraint("(state = 'deferred') = (deferred_until IS NOT NULL)", name="deferral_has_date"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(20))
    deferred_until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)  # public on the QR report, as the documents say
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    certification: Mapped[Certification] = relationship()


class CompetencyCertificate(db.Model):
    """A New Competency Certificate: the person was found competent for the role on a date (rules decision 37)."""

    __tablename__ = "competency_certificates"
    __table_args__ = (
        CheckConstraint("expires_on IS NULL OR expires_on > completed_on", name="expires_after_completion"),
        Index("ix_competency_certificates_user_role", "user_id", "role_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    role: Mapped[CertificationRole] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    files: Mapped[list[CompetencyFile]] = relationship(
        back_populates="certificate", cascade="all, delete-orphan", order_by="CompetencyFile.id")


class CompetencyFile(db.Model):
    """A file of a competency certificate (the signed assessment, a photo of it), stored as records' files are."""

    __tablename__ = "competency_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("competency_certificates.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(255))

    certificate: Mapped[CompetencyCertificate] = relationship(back_populates="files")
    stored_file: Mapped[StoredFile] = relationship()
