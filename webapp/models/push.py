"""Web Push: the phones and browsers a person turned notifications on for, and each notice pushed to them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.operations import Notice
from webapp.models.people import User

PUSH_STATUSES = ("queued", "sending", "sent", "failed")


class PushSubscription(db.Model):
    """One browser's push subscription (its push service endpoint and encryption keys), for one person."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Endpoints can be long; the unique key is their SHA-256.
    endpoint_hash: Mapped[str] = mapped_column(String(64), unique=True)
    endpoint: Mapped[str] = mapped_column(Text)
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(40))
    device: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Notices queued from then on are pushed to it (services.push.CATCH_UP before it subscribed).
    notices_since: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PushDelivery(db.Model):
    """A notice pushed to one subscription: the unique key makes it once per device, however many senders run."""

    __tablename__ = "push_deliveries"
    __table_args__ = (
        UniqueConstraint("notice_id", "subscription_id", name="uq_push_deliveries_notice_subscription"),
        one_of("status", PUSH_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("push_subscriptions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    notice: Mapped[Notice] = relationship()
    subscription: Mapped[PushSubscription] = relationship()
