"""External learning systems: each reports course completions to a signed webhook.

A delivery is JSON {"delivery_id", "course", "user", "completed_on"} sent with the headers
X-FieldCert-Timestamp (seconds since 1970, UTC) and X-FieldCert-Signature
("sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>" with the integration's secret).
A bad signature, an old timestamp or a delivery id seen before is refused; nothing is recorded.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Certification, LearningIntegration, User, WebhookReceipt
from webapp.models.base import utcnow
from webapp.rules.activities import check_webhook
from webapp.services.activities import complete_activity
from webapp.services.audit import record_audit
from webapp.services.dates import read_typed_date
from webapp.services.invalid import Invalid
from webapp.services.names import name_taken, name_too_long, saving_unique_name


def list_integrations() -> list[LearningIntegration]:
    return list(db.session.scalars(select(LearningIntegration).order_by(func.lower(LearningIntegration.name))))


TAKEN = "Another learning system already has this name."


def create_integration(actor: User, name: str | None) -> LearningIntegration:
    name = (name or "").strip()
    if not name:
        raise Invalid({"name": "Enter the learning system's name."})
    if too_long := name_too_long(LearningIntegration, name):
        raise Invalid({"name": too_long})
    if name_taken(LearningIntegration, name):
        raise Invalid({"name": TAKEN})
    with saving_unique_name(LearningIntegration, name, None, Invalid, TAKEN):
        integration = LearningIntegration(name=name, secret=secrets.token_urlsafe(32), active=True)
        db.session.add(integration)
        db.session.flush()
        record_audit(actor, "learning_integration.create", integration, f"Added learning system {integration.name}")
        db.session.commit()
    return integration


def replace_secret(actor: User, integration: LearningIntegration) -> LearningIntegration:
    """A new secret: deliveries signed with the old one are refused from now on."""
    integration.secret = secrets.token_urlsafe(32)
    record_audit(actor, "learning_integration.secret", integration, f"Replaced the secret of {integration.name}")
    db.session.commit()
    return integration


def set_integration_active(actor: User, integration: LearningIntegration, active: bool) -> None:
    integration.active = active
    record_audit(actor, "learning_integration.active", integration,
                 f"{'Enabled' if active else 'Disabled'} learning system {integration.name}", after={"active": active})
    db.session.commit()


@dataclass(frozen=True)
class WebhookOutcome:
    status: int
    message: str


def _payload(body: bytes) -> dict | None:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def receive_completion(integration_id: int, timestamp: str | None, signature: str | None, body: bytes) -> WebhookOutcome:
    """Check and record one delivery of a learning system; the outcome says what happened."""
    integration = db.session.get(LearningIntegration, integration_id)
    if integration is None or not integration.active:
        return WebhookOutcome(404, "No active learning system at this address.")
    problem = check_webhook(integration.secret, timestamp, signature, body, utcnow())
    if problem:
        return WebhookOutcome(401, problem)
    payload = _payload(body)
    if payload is None:
        return WebhookOutcome(400, "The body must be a JSON object.")
    delivery_id, course, who = (str(payload.get(key) or "").strip() for key in ("delivery_id", "course", "user"))
    if not delivery_id or not course or not who:
        return WebhookOutcome(422, "The delivery needs delivery_id, course and user.")
    if db.session.scalar(select(WebhookReceipt.id).where(WebhookReceipt.integration_id == integration.id,
                                                         WebhookReceipt.delivery_id == delivery_id[:120])):
        return WebhookOutcome(409, f"Delivery {delivery_id} was received already; a replay is not recorded again.")
    completed_on = today()
    if payload.get("completed_on"):
        completed_on, refusal = read_typed_date(str(payload["completed_on"]))
        if completed_on is None:
            return WebhookOutcome(422, f"completed_on must be a date as YYYY-MM-DD: {refusal}")
        if completed_on > today():
            return WebhookOutcome(422, "completed_on cannot be in the future.")
    certification = db.session.scalar(select(Certification).where(
        Certification.activity_type == "external_course", Certification.learning_integration_id == integration.id,
        Certification.external_course_ref == course,
    ))
    if certification is None:
        return WebhookOutcome(422, f"No certification takes course {course} from {integration.name}.")
    user = db.session.scalar(select(User).where(or_(func.lower(User.email) == who.lower(),
                                                    func.lower(User.username) == who.lower())))
    if user is None or not user.active:
        return WebhookOutcome(422, f"No active user {who}.")
    db.session.add(WebhookReceipt(integration_id=integration.id, delivery_id=delivery_id[:120]))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return WebhookOutcome(409, f"Delivery {delivery_id} was received already; a replay is not recorded again.")
    submission = complete_activity(user, certification, completed_on=completed_on,
                                   summary=f"completed course {course} in {integration.name}")
    db.session.commit()
    return WebhookOutcome(200, f"Recorded {certification.name} for {user.full_name} ({submission.status}).")
