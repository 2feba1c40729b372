"""Assets, clients and job locations: the things other than people that hold certifications.

An Entity is one of them (its `kind`); an EntityRequirement is its association with a certification of
the same type (revoked with a reason, or removed with its history); an EntityRecord is a completion of
that certification for the entity, with its files (EntityAttachment). Rules decisions 65-72.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.certifications import CERTIFICATION_TYPE_LABELS, Certification
from webapp.models.people import Tag, User, new_token
from webapp.models.records import StoredFile

# The certification types other than "employee", each the kind of entity that holds it.
ENTITY_KINDS = ("asset", "client", "location")

entity_tags = Table(
    "entity_tags",
    db.metadata,
    Column("entity_id", ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

# The clients an Employee certification applies to (decision 94): a label, never a requirement.
certification_clients = Table(
    "certification_clients",
    db.metadata,
    Column("certification_id", ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True),
    Column("client_id", ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_certification_clients_client", "client_id"),
)


class Entity(db.Model):
    """An asset, a client or a job location; its identifier is unique among its kind (decision 65)."""

    __tablename__ = "entities"
    __table_args__ = (
        one_of("kind", ENTITY_KINDS),
        # Unique within its kind in any case, as people read identifiers: "FL-01" and "fl-01" are one forklift.
        Index("uq_entities_kind_identifier", "kind", func.lower(text("identifier")), unique=True),
        Index("ix_entities_kind_name", "kind", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    identifier: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    # The responsible user: sees the entity's page and is the one its notices go to.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The public status page's token (an asset's QR sticker); resetting it invalidates printed stickers.
    qr_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Archived: hidden from lists and from the certification's Add list, its history kept.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[User | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=entity_tags, order_by=Tag.name)
    requirements: Mapped[list[EntityRequirement]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def kind_label(self) -> str:
        return CERTIFICATION_TYPE_LABELS[self.kind]


class EntityRequirement(db.Model):
    """An entity's association with a certification: it must hold it (decision 67).

    Revoked: kept with its records and shown as revoked, with the documented reason. Removed: deleted
    with its records and their files' links.
    """

    __tablename__ = "entity_requirements"
    __table_args__ = (
        UniqueConstraint("entity_id", "certification_id", name="uq_entity_requirements_entity_certification"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revocation_has_reason"),
        Index("ix_entity_requirements_certification", "certification_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id", ondelete="CASCADE"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_reason: Mapped[str | None] = mapped_column(Text)

    entity: Mapped[Entity] = relationship(back_populates="requirements")
    certification: Mapped[Certification] = relationship()
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    records: Mapped[list[EntityRecord]] = relationship(
        back_populates="requirement", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(EntityRecord.completed_on.desc(), EntityRecord.id.desc())",
    )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class EntityRecord(db.Model):
    """A completion of the certification for the entity (an inspection, a registration), recorded by a user."""

    __tablename__ = "entity_records"
    __table_args__ = (
        CheckConstraint("expires_on IS NULL OR expires_on >= completed_on", name="expires_after_completion"),
        Index("ix_entity_records_requirement_completed", "requirement_id", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("entity_requirements.id", ondelete="CASCADE"))
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    expiration_explanation: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    requirement: Mapped[EntityRequirement] = relationship(back_populates="records")
    recorded_by: Mapped[User | None] = relationship()
    attachments: Mapped[list[EntityAttachment]] = relationship(
        back_populates="record", cascade="all, delete-orphan", passive_deletes=True, order_by="EntityAttachment.id"
    )


class EntityAttachment(db.Model):
    """A file on an entity's record, its content in the file store (services/storage.py)."""

    __tablename__ = "entity_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("entity_records.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(255))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    record: Mapped[EntityRecord] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile] = relationship()
