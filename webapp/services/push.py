"""Web Push: notices arrive on the phone as well as by e-mail.

A person turns notifications on for a browser (subscribe_push). Every notice of a pushed kind
(rules.push.PUSHED_KINDS) queued for them afterwards gets one delivery row per subscription (a unique
key, so once however many senders run); the sender claims rows as the mail outbox does, encrypts each
payload for its browser (RFC 8291, by pywebpush) and signs with the server's VAPID key (RFC 8292). A
subscription the push service says is gone (404, 410) is deleted.

The VAPID key pair is made on first use and kept in a file beside the database (services.key_files).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import force_locale, gettext
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from requests import RequestException
from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from webapp.extensions import db
from webapp.models import Notice, PushDelivery, PushSubscription, User, utcnow
from webapp.rules.push import PUSH_TIME_TO_LIVE_SECONDS, PUSHED_KINDS, push_gone, push_target, subscription_problem
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.services.jobs import try_job_lock
from webapp.services.key_files import key_file_lock, write_key_file
from webapp.services.mail import backoff, external_url, recipient_language

# Notices queued this long before a browser subscribed are not pushed to it: a phone turned on today
# should not light up with last month's reminders.
CATCH_UP = timedelta(days=1)
CLAIM_LEASE = timedelta(minutes=5)
PUSH_TIMEOUT_SECONDS = 10


class PushRefused(Invalid):
    """A subscription refused; `errors["subscription"]` says why."""


@dataclass(frozen=True)
class PushResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    gone: int = 0


def _key_file() -> Path:
    configured = current_app.config.get("VAPID_KEYS_FILE")
    return Path(configured or os.path.join(current_app.instance_path, "vapid-keys.json"))


def _private_pem() -> bytes:
    """The VAPID private key, made and saved on first use."""
    path = _key_file()
    if not path.exists():
        with key_file_lock(path):
            if not path.exists():
                key = ec.generate_private_key(ec.SECP256R1())
                pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
                write_key_file(path, {"private_key": pem.decode("ascii"), "created_at": utcnow().isoformat()})
    return json.loads(path.read_text())["private_key"].encode("ascii")


def application_server_key() -> str:
    """The VAPID public key as browsers take it (`applicationServerKey`): the raw P-256 point, base64url."""
    public_key = serialization.load_pem_private_key(_private_pem(), password=None).public_key()
    point = public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode("ascii")


def _endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def subscribe_push(user: User, *, endpoint: str, p256dh: str, auth: str, device: str) -> PushSubscription:
    """Turn notifications on for one of `user`'s browsers (or renew its keys). A browser that was someone
    else's subscription (a shared tablet) now belongs to `user`: it notifies whoever signed in last.
    Raises PushRefused for an address that is no known push service, or malformed keys."""
    problem = subscription_problem(endpoint, p256dh, auth, current_app.config["PUSH_SERVICES"])
    if problem:
        raise PushRefused({"subscription": problem})
    subscription = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint_hash == _endpoint_hash(endpoint)))
    if subscription is None:
        subscription = PushSubscription(endpoint_hash=_endpoint_hash(endpoint), endpoint=endpoint)
        db.session.add(subscription)
    subscription.user_id, subscription.p256dh, subscription.auth = user.id, p256dh, auth
    subscription.device = (device or "A browser")[:120]
    subscription.created_at = utcnow()
    subscription.notices_since = subscription.created_at - CATCH_UP
    db.session.flush()
    record_audit(user, "push.subscribe", subscription, f"Turned on notifications on {subscription.device}")
    db.session.commit()
    return subscription


def list_push_subscriptions(user: User) -> list[PushSubscription]:
    return list(db.session.scalars(
        select(PushSubscription).where(PushSubscription.user_id == user.id).order_by(PushSubscription.created_at)))


def unsubscribe_push(user: User, subscription: PushSubscription) -> None:
    """Turn notifications off for one of `user`'s browsers; its queued pushes go with it."""
    record_audit(user, "push.unsubscribe", subscription, f"Turned off notifications on {subscription.device}")
    _forget(subscription.id)
    db.session.commit()


def forget_push_subscriptions(user: User) -> None:
    """Turn notifications off on every browser of `user` (their personal data is being erased); the
    caller commits."""
    for subscription_id in db.session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == user.id)):
        _forget(subscription_id)


def _forget(subscription_id: int) -> None:
    # Deliveries first: SQLite does not cascade.
    db.session.execute(delete(PushDelivery).where(PushDelivery.subscription_id == subscription_id))
    db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


def _insert_ignoring_duplicates():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(PushDelivery).on_conflict_do_nothing()


def queue_push_deliveries(now: datetime) -> None:
    """A delivery row for each pushed-kind notice and each of its recipient's subscriptions, for the
    notices queued since the browser subscribed (less CATCH_UP); one statement, and the unique key
    makes a second run or a second process add nothing."""
    pairs = (
        select(Notice.id, PushSubscription.id, Notice.created_at)
        .join(PushSubscription, PushSubscription.user_id == Notice.recipient_user_id)
        .where(Notice.kind.in_(PUSHED_KINDS), Notice.created_at >= PushSubscription.notices_since,
               Notice.created_at >= now - timedelta(seconds=PUSH_TIME_TO_LIVE_SECONDS))
    )
    db.session.execute(_insert_ignoring_duplicates().from_select(
        ["notice_id", "subscription_id", "next_attempt_at"], pairs))
    db.session.commit()


def _claim(now: datetime, limit: int) -> list[PushDelivery]:
    if not try_job_lock("claim_push"):
        db.session.rollback()
        return []
    due = and_(PushDelivery.status.in_(("queued", "sending")), PushDelivery.next_attempt_at <= now)
    ids = list(db.session.scalars(select(PushDelivery.id).where(due).order_by(PushDelivery.id).limit(limit)))
    # The conditions again in the update: another sender may have claimed some meanwhile.
    claimed = list(db.session.scalars(
        update(PushDelivery).where(PushDelivery.id.in_(ids), due)
        .values(status="sending", attempts=PushDelivery.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .returning(PushDelivery.id).execution_options(synchronize_session=False))) if ids else []
    deliveries = list(db.session.scalars(
        select(PushDelivery).where(PushDelivery.id.in_(claimed)).order_by(PushDelivery.id)
        .execution_options(populate_existing=True))) if claimed else []
    db.session.commit()
    return deliveries


def push_payload(notice: Notice, recipient: User) -> str:
    """What the service worker shows: title, text, the page a tap opens, and a tag that replaces an
    earlier push about the same thing. The title is the mail's subject, written in the recipient's
    language; the text is written in it here."""
    target = push_target(notice.kind, notice.id, notice.recipient_user_id, notice.user_id, notice.certification_id)
    with force_locale(recipient_language(recipient)):
        body = gettext(PUSHED_KINDS[notice.kind])
    return json.dumps({
        "title": notice.subject,
        "body": body,
        "url": external_url(target.endpoint, **target.arguments),
        "tag": f"{notice.kind}-{notice.user_id}-{notice.certification_id}",
    })


def _send(delivery: PushDelivery, vapid: Vapid) -> None:
    subscription = delivery.subscription
    webpush(
        subscription_info={"endpoint": subscription.endpoint,
                           "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
        data=push_payload(delivery.notice, subscription.user),
        vapid_private_key=vapid,
        vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},
        ttl=PUSH_TIME_TO_LIVE_SECONDS,
        timeout=PUSH_TIMEOUT_SECONDS,
    )


def deliver_push(now: datetime | None = None, limit: int = 100) -> PushResult:
    """Queue and send what is due; a failure waits and is tried again like mail, up to MAIL_MAX_ATTEMPTS."""
    now = now or utcnow()
    queue_push_deliveries(now)
    deliveries = _claim(now, limit)
    if not deliveries:
        return PushResult()
    vapid = Vapid.from_pem(_private_pem())
    counts = {"sent": 0, "queued": 0, "failed": 0, "gone": 0}
    for delivery in deliveries:
        try:
            _send(delivery, vapid)
        except WebPushException as error:
            status_code = error.response.status_code if error.response is not None else None
            if push_gone(status_code):
                _forget(delivery.subscription_id)
                db.session.commit()
                counts["gone"] += 1
                continue
            counts[_record_failure(delivery, error, now)] += 1
            continue
        except RequestException as error:
            counts[_record_failure(delivery, error, now)] += 1
            continue
        delivery.status, delivery.sent_at, delivery.last_error = "sent", utcnow(), None
        delivery.subscription.last_sent_at = delivery.sent_at
        db.session.commit()
        counts["sent"] += 1
    return PushResult(counts["sent"], counts["queued"], counts["failed"], counts["gone"])


def _record_failure(delivery: PushDelivery, error: Exception, now: datetime) -> str:
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        delivery.status = "failed"
    else:
        delivery.status = "queued"
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    db.session.commit()
    return delivery.status
