"""People: users, their supervisors and module levels, companies and tags."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.permissions import Permission


def new_token() -> str:
    """An unguessable public token (256 bits of randomness)."""
    return secrets.token_urlsafe(32)


supervisor_links = Table(
    "supervisor_links",
    db.metadata,
    Column("supervisor_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    CheckConstraint("supervisor_id <> user_id", name="not_self"),
)

user_module_levels = Table(
    "user_module_levels",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("module_level_id", ForeignKey("module_levels.id", ondelete="CASCADE"), primary_key=True),
)

company_tags = Table(
    "company_tags",
    db.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class ModuleLevel(db.Model):
    """A named set of permissions; a user may hold several."""

    __tablename__ = "module_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    built_in: Mapped[bool] = mapped_column(Boolean, default=False)
    permission_rows: Mapped[list[ModuleLevelPermission]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset(Permission(row.permission) for row in self.permission_rows)

    @permissions.setter
    def permissions(self, wanted) -> None:
        wanted = {Permission(p) for p in wanted}
        self.permission_rows = [row for row in self.permission_rows if row.permission in wanted]
        held = {row.permission for row in self.permission_rows}
        self.permission_rows.extend(
            ModuleLevelPermission(permission=p.value) for p in sorted(wanted - held)
        )


class ModuleLevelPermission(db.Model):
    __tablename__ = "module_level_permissions"
    __table_args__ = (one_of("permission", [p.value for p in Permission]),)

    module_level_id: Mapped[int] = mapped_column(
        ForeignKey("module_levels.id", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[str] = mapped_column(String(60), primary_key=True)


class Company(db.Model):
    """An organisation unit; the original company cannot be deleted."""

    __tablename__ = "companies"
    # Original is TRUE for one company and NULL for the rest, so a unique
    # constraint allows exactly one original company.
    __table_args__ = (CheckConstraint("is_original IS NULL OR is_original", name="original_true_or_null"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    url: Mapped[str | None] = mapped_column(String(500))
    information: Mapped[str | None] = mapped_column(Text)
    is_original: Mapped[bool | None] = mapped_column(Boolean, unique=True, default=None)
    # Archived: in no list or picker and its roles require nothing, its people kept (decision 55); None: in use.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tags: Mapped[list[Tag]] = relationship(secondary=company_tags)
    users: Mapped[list[User]] = relationship(back_populates="company")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # The paged lists (Matrix, Reports, Users) read people in this order: their first page reads the
    # index's first rows instead of sorting everyone in reach (migration 0031).
    __table_args__ = (Index("ix_users_name_order", "last_name", "first_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))
    job_title: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    employee_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    qr_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Password resets are refused until then: someone else changed the e-mail address (rules.accounts).
    password_reset_held_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the last invitation to set a password was sent (services.people.invite_person).
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person's personal data was erased on request: the row stays as a "former employee"
    # so the records the organisation must keep still have their holder.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The zone the person sees moments in (My Account); '' = the organisation's (decision 91).
    time_zone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The language the person chose in My Account; '' follows the organisation's default, then the browser.
    language: Mapped[str] = mapped_column(String(8), default="", server_default="")

    company: Mapped[Company | None] = relationship(back_populates="users")
    photo: Mapped[UserPhoto | None] = relationship(cascade="all, delete-orphan", uselist=False)
    module_levels: Mapped[list[ModuleLevel]] = relationship(secondary=user_module_levels, lazy="selectin")
    supervisors: Mapped[list[User]] = relationship(
        secondary=supervisor_links,
        primaryjoin=lambda: User.id == supervisor_links.c.user_id,
        secondaryjoin=lambda: User.id == supervisor_links.c.supervisor_id,
        back_populates="supervised",
    )
    supervised: Mapped[list[User]] = relationship(
        secondary=supervisor_links,
        primaryjoin=lambda: User.id == supervisor_links.c.supervisor_id,
        secondaryjoin=lambda: User.id == supervisor_links.c.user_id,
        back_populates="supervisors",
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    # The key of the session this request signed in with (webapp.services.sessions), not stored:
    # Flask-Login keeps get_id() in the cookie, so the cookie names a session, never the user.
    session_key = None

    def get_id(self) -> str | None:
        return self.session_key

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset().union(*(level.permissions for level in self.module_levels))

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def people_by_name(*relationships) -> tuple:
    """Loader options for the people a page names (who submitted, decided, revoked): joined into the
    query that loads the rows naming them, without the module levels and permissions that every loaded
    user otherwise brings (two queries more), which such a page never reads."""
    return tuple(joinedload(relationship).lazyload(User.module_levels) for relationship in relationships)


class UserPhoto(db.Model):
    """A person's photo, re-encoded on upload (services.photos), so only clean image bytes are kept."""

    __tablename__ = "user_photos"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(20))
    # Deferred: pages that only ask whether there is a photo do not load its bytes.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class UserSession(db.Model):
    """One signed-in browser: the cookie holds a random key, the database only its hash.

    Revoking the row ends the session and its remember-me token on the next request.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # When the current key was issued (sign-in, or remember-me resuming): the absolute timeout runs from it.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    remember_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
