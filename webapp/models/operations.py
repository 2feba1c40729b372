"""Notices (the outbox), shared and scheduled reports, settings and the audit trail."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.certifications import Certification
from webapp.models.people import User, new_token
from webapp.models.roles import CertificationRole
from webapp.rules.notices import ENTITY_STAGE_KINDS
from webapp.rules.schedules import FREQUENCIES

NOTICE_STATUSES = ("queued", "sending", "sent", "failed")
NOTICE_KINDS = (
    "first_notice",
    "second_notice",
    "expired",
    "deferral_ended",
    "training_ended",
    "competency",
    "digest",
    "declined",
    "approved",
    "notify",
    "shared_report",
    "password_reset",
    "account_changed",
    "invitation",
    "revoked",
    "restored",
    "scheduled_report",
    *ENTITY_STAGE_KINDS.values(),
    "activity_required",
)

ENTITY_KINDS_SQL = f"kind IN ({', '.join(repr(kind) for kind in ENTITY_STAGE_KINDS.values())})"

shared_report_users = Table(
    "shared_report_users",
    db.metadata,
    Column("shared_report_id", ForeignKey("shared_reports.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
shared_report_roles = Table(
    "shared_report_roles",
    db.metadata,
    Column("shared_report_id", ForeignKey("shared_reports.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)
shared_report_certifications = Table(
    "shared_report_certifications",
    db.metadata,
    Column("shared_report_id", ForeignKey("shared_reports.id", ondelete="CASCADE"), primary_key=True),
    Column("certification_id", ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True),
)


class Notice(db.Model):
    """One message to one recipient; queued once, sent once.

    The unique key means a re-run, a restart or a second process cannot queue
    the same requirement notice twice.
    """

    __tablename__ = "notices"
    __table_args__ = (
        one_of("status", NOTICE_STATUSES),
        one_of("kind", NOTICE_KINDS),
        UniqueConstraint(
            "kind", "user_id", "certification_id", "expiration_date", "recipient_email",
            name="uq_notices_requirement_stage_recipient",
        ),
        Index("ix_notices_status_next_attempt", "status", "next_attempt_at"),
        # Competency notices and digests are about no certification; NULLs never collide in the
        # key above, so they get their own key: one per (kind, user, date, recipient).
        Index(
            "uq_notices_without_certification", "kind", "user_id", "expiration_date", "recipient_email",
            unique=True,
            sqlite_where=text("kind IN ('competency', 'digest')"),
            postgresql_where=text("kind IN ('competency', 'digest')"),
        ),
        # An asset's, client's or job location's notices are about no person: one per (kind, entity,
        # certification, date, recipient).
        Index(
            "uq_notices_entity_stage_recipient", "kind", "entity_id", "certification_id", "expiration_date",
            "recipient_email", unique=True,
            sqlite_where=text(ENTITY_KINDS_SQL), postgresql_where=text(ENTITY_KINDS_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    certification_id: Mapped[int | None] = mapped_column(ForeignKey("certifications.id", ondelete="CASCADE"))
    # The asset, client or job location an entity notice is about (decision 74).
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    expiration_date: Mapped[date | None] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    attachment_ids: Mapped[list | None] = mapped_column(JSON)
    message_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SharedReport(db.Model):
    """A saved certification report anyone with its link may read."""

    __tablename__ = "shared_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)  # the form's: a double post creates one

    users: Mapped[list[User]] = relationship(secondary=shared_report_users)
    roles: Mapped[list[CertificationRole]] = relationship(secondary=shared_report_roles)
    certifications: Mapped[list[Certification]] = relationship(secondary=shared_report_certifications)
    created_by: Mapped[User | None] = relationship()


scheduled_report_recipients = Table(
    "scheduled_report_recipients",
    db.metadata,
    Column("scheduled_report_id", ForeignKey("scheduled_reports.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class ScheduledReport(db.Model):
    """A Reports page's filters, e-mailed weekly or monthly (CSV attached) to chosen people."""

    __tablename__ = "scheduled_reports"
    __table_args__ = (one_of("frequency", FREQUENCIES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    frequency: Mapped[str] = mapped_column(String(10))
    # ReportFilters as saved: ids of the things filtered by, checked at each sending (they may be deleted since).
    filters: Mapped[dict] = mapped_column(JSON)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)  # the form's: a double post creates one

    owner: Mapped[User] = relationship()
    recipients: Mapped[list[User]] = relationship(secondary=scheduled_report_recipients, order_by="User.last_name")


class ScheduledReportRun(db.Model):
    """A scheduled report's sending for one period: its unique key makes it once, whatever runs the sender."""

    __tablename__ = "scheduled_report_runs"
    __table_args__ = (
        UniqueConstraint("report_id", "period", name="uq_scheduled_report_runs_report_period"),
        one_of("outcome", ("sent", "not_sent")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("scheduled_reports.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(Text)  # to whom it went, or why it did not
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Setting(db.Model):
    """A module setting (notification defaults, attachment naming) as JSON under a key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DataVersion(db.Model):
    """A counter every commit that changes what the public pages show adds one to (services/page_cache.py)."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class AuditEntry(db.Model):
    """Who changed what, when and from which address, with the values before and after; rows are only added."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # The request's remote address (the client's, once PROXY_COUNT trusts the proxies in front).
    address: Mapped[str | None] = mapped_column(String(64))
    # The person the entry is about, and the certification, when there is one: the audit trail page
    # filters by them and applies the privacy rule through them (decision 54). Plain ids, no foreign
    # keys: an entry outlives what it is about (an erased certification keeps its trail).
    subject_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    certification_id: Mapped[int | None] = mapped_column(Integer, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject_user: Mapped[User | None] = relationship(
        primaryjoin="foreign(AuditEntry.subject_user_id) == User.id", viewonly=True)
