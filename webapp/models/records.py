"""Submissions (records), their attachments and comments, and stored files."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.certifications import Certification
from webapp.models.people import User, new_token

SUBMISSION_STATUSES = ("pending", "approved", "declined")
SUBMISSION_SOURCES = ("user", "supervisor", "batch", "activity", "import", "inbox")
ATTACHMENT_KINDS = ("file", "link")
CARD_SIDES = ("front", "back")


class StoredFile(db.Model):
    """File content on disk, named by its SHA-256 so identical uploads share one copy."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# An approved record not revoked: the rows the expiration lookups read.
RECORD_ON_FILE = "status = 'approved' AND revoked_at IS NULL"


class Submission(db.Model):
    """A claim that a user completed a certification on a date; approved ones are records."""

    __tablename__ = "submissions"
    __table_args__ = (
        one_of("status", SUBMISSION_STATUSES),
        one_of("source", SUBMISSION_SOURCES),
        CheckConstraint("expires_on IS NULL OR expires_on >= completed_on", name="expires_after_completion"),
        CheckConstraint("revoked_at IS NULL OR status = 'approved'", name="only_records_revoked"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revocation_has_reason"),
        Index("ix_submissions_user_certification", "user_id", "certification_id"),
        # Statuses: a person's records and pending flags, read by (user, status) for every page that shows them.
        Index("ix_submissions_user_status_certification", "user_id", "status", "certification_id"),
        # Pending Approvals: only the pending few, by certification.
        Index("ix_submissions_pending", "certification_id", "user_id",
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        # Expirations: records on file by the day they expire (notices, reports, "expires within").
        Index("ix_submissions_records_expiring", "expires_on", "certification_id",
              sqlite_where=text(RECORD_ON_FILE), postgresql_where=text(RECORD_ON_FILE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id", ondelete="CASCADE"))
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    expiration_explanation: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(200))
    # What the card says: its number and the expiry printed on it (rules decision 34).
    card_number: Mapped[str | None] = mapped_column(String(100))
    printed_expiration: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    source: Mapped[str] = mapped_column(String(20), default="user")
    # A device that replays an offline submission sends the same key each time.
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_comment: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    # The import that brought the record in (source "import"); its audit entry says who and from which file.
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    certification: Mapped[Certification] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Comment.created_at"
    )

    @property
    def is_record(self) -> bool:
        return self.status == "approved"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def printed_differs(self) -> bool:
        """The card's printed expiry disagrees with the record's expiration (rules decision 34)."""
        return self.printed_expiration is not None and self.printed_expiration != self.expires_on


class Attachment(db.Model):
    """A file or link on a record, a certification's supporting material, or in the attachment inbox."""

    __tablename__ = "attachments"
    __table_args__ = (
        one_of("kind", ATTACHMENT_KINDS),
        CheckConstraint(
            "CAST(submission_id IS NOT NULL AS INTEGER) + CAST(certification_id IS NOT NULL AS INTEGER)"
            " + CAST(inbox_owner_id IS NOT NULL AS INTEGER) = 1",
            name="exactly_one_owner",
        ),
        CheckConstraint(
            "(kind = 'file' AND stored_file_id IS NOT NULL AND url IS NULL)"
            " OR (kind = 'link' AND url IS NOT NULL AND stored_file_id IS NULL)",
            name="file_or_link",
        ),
        one_of("card_side", CARD_SIDES),
        CheckConstraint("card_side IS NULL OR (kind = 'file' AND submission_id IS NOT NULL)", name="card_photo_on_record"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    certification_id: Mapped[int | None] = mapped_column(ForeignKey("certifications.id", ondelete="CASCADE"), index=True)
    inbox_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(255))  # original or template-made file name, or link title
    url: Mapped[str | None] = mapped_column(String(2000))
    generated: Mapped[bool] = mapped_column(default=False)  # a certificate of completion we made
    card_side: Mapped[str | None] = mapped_column(String(10))  # a photo of the card's front or back
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission | None] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile | None] = relationship()


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # The add form's one-time key and the record's id: a double post adds one comment.
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


CERTIFICATE_TRIGGERS = ("approval", "activity")


class Certificate(db.Model):
    """A certificate of completion we generated, verifiable at a public page by its token.

    It keeps what it printed, so the verification page can still say what it was after the
    record is changed or deleted. A corrected record gets a new certificate; the newest is current.
    """

    __tablename__ = "certificates"
    __table_args__ = (one_of("trigger", CERTIFICATE_TRIGGERS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"), index=True)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="SET NULL"))
    trigger: Mapped[str] = mapped_column(String(20))
    holder_name: Mapped[str] = mapped_column(String(200))
    certification_name: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    expiration_hidden: Mapped[bool] = mapped_column(default=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission | None] = relationship()
    attachment: Mapped[Attachment | None] = relationship()
