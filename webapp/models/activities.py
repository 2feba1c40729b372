"""Activities that earn a certification inside the product: documents, forms, payments, courses."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.records import StoredFile

FORM_FIELD_KINDS = ("text", "number", "date", "choice", "checkbox", "signature", "file")
FORM_ENTRY_STATUSES = ("draft", "submitted")
PAYMENT_STATUSES = ("recorded", "confirmed", "refused")


class ActivityDocument(db.Model):
    """One revision of a document or video a user must open and acknowledge."""

    __tablename__ = "activity_documents"
    __table_args__ = (UniqueConstraint("certification_id", "revision", name="uq_activity_documents_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    revision: Mapped[str] = mapped_column(String(40))
    revision_date: Mapped[date] = mapped_column(Date)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    file_name: Mapped[str] = mapped_column(String(255))
    owners: Mapped[str | None] = mapped_column(Text)  # names of owning users or roles
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stored_file: Mapped[StoredFile] = relationship()


class Acknowledgement(db.Model):
    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("user_id", "document_id", name="uq_acknowledgements_user_document"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("activity_documents.id", ondelete="CASCADE"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[ActivityDocument] = relationship()


class Form(db.Model):
    __tablename__ = "forms"
    __table_args__ = (CheckConstraint("fee_amount IS NULL OR fee_amount > 0", name="fee_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    instructions: Mapped[str | None] = mapped_column(Text)
    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    fee_currency: Mapped[str | None] = mapped_column(String(3))
    fields: Mapped[list[FormField]] = relationship(
        back_populates="form", cascade="all, delete-orphan", order_by="FormField.position"
    )


class FormField(db.Model):
    __tablename__ = "form_fields"
    __table_args__ = (one_of("kind", FORM_FIELD_KINDS), UniqueConstraint("form_id", "position", name="uq_form_fields_position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    choices: Mapped[list | None] = mapped_column(JSON)

    form: Mapped[Form] = relationship(back_populates="fields")


class FormEntry(db.Model):
    """A user's answers to a form: a draft until submitted."""

    __tablename__ = "form_entries"
    __table_args__ = (one_of("status", FORM_ENTRY_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id", ondelete="CASCADE"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    form: Mapped[Form] = relationship()
    payments: Mapped[list[Payment]] = relationship(back_populates="form_entry", order_by="Payment.id")


class Payment(db.Model):
    """A fee paid for a form entry, through a payment provider (manual receipts for now)."""

    __tablename__ = "payments"
    __table_args__ = (one_of("status", PAYMENT_STATUSES), CheckConstraint("amount > 0", name="amount_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    form_entry_id: Mapped[int] = mapped_column(ForeignKey("form_entries.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(40), default="manual")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    receipt_number: Mapped[str | None] = mapped_column(String(120))
    paid_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="recorded")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    form_entry: Mapped[FormEntry] = relationship(back_populates="payments")
    confirmed_by = relationship("User")


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (CheckConstraint("pass_mark IS NULL OR (pass_mark > 0 AND pass_mark <= 100)", name="pass_mark_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped on change, so stale quiz answers are refused
    pass_mark: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[list[CoursePage]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CoursePage.position"
    )
    questions: Mapped[list[QuizQuestion]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="QuizQuestion.position"
    )


class CoursePage(db.Model):
    __tablename__ = "course_pages"
    __table_args__ = (UniqueConstraint("course_id", "position", name="uq_course_pages_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(back_populates="pages")
    stored_file: Mapped[StoredFile | None] = relationship()


class QuizQuestion(db.Model):
    __tablename__ = "quiz_questions"
    __table_args__ = (UniqueConstraint("course_id", "position", name="uq_quiz_questions_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list] = mapped_column(JSON)
    correct_choice: Mapped[int] = mapped_column(Integer)

    course: Mapped[Course] = relationship(back_populates="questions")


class LearningIntegration(db.Model):
    """An external learning system allowed to report course completions by signed webhook."""

    __tablename__ = "learning_integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WebhookReceipt(db.Model):
    """Each accepted webhook delivery id, so a replayed delivery is refused."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (UniqueConstraint("integration_id", "delivery_id", name="uq_webhook_receipts_delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("learning_integrations.id", ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
