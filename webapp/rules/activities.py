"""Rules of activities: form answers, quiz marks and signed webhook deliveries.

Pure functions: no Flask, no database, no clock (the caller passes the time).
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .dates import US, DateOrder, DateRange, read_date

# A delivery signed more than this many seconds from our clock is refused, so a captured
# request cannot be replayed later (replays inside the window are refused by delivery id).
WEBHOOK_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class FieldSpec:
    """What a form field asks for; `key` names its answer."""

    key: str
    label: str
    kind: str
    required: bool
    choices: tuple[str, ...] = ()


# A form may ask for a birth date, so its answers go back further than completion dates.
ANSWER_DATES = DateRange.of_years(1900, 2100)

HOLDING_ACTIVITIES = ("document", "form")  # the documents offer required at login for these two
# The key date of the activity_required notice of a form never completed (decision 92).
NEVER_COMPLETED = date(1970, 1, 1)


def activity_notice_date(activity_type: str, *, revision_date: date | None, expires_on: date | None) -> date:
    """The outbox key date of an activity_required notice (decision 92): a person hears once of each
    document revision they must acknowledge, and once of each time a form is due (never completed, or
    each expiration of the last one)."""
    if activity_type == "document" and revision_date is not None:
        return revision_date
    return expires_on or NEVER_COMPLETED


def check_answer(spec: FieldSpec, raw: str | None, *, signer_name: str, for_submission: bool,
                 order: DateOrder = US) -> tuple[object, str | None]:
    """The stored value of one answer and the message refusing it (None when it is fine).

    A draft keeps any well-formed answer and may leave required ones empty; a submission
    needs every required answer. Files are checked by the storage service, not here. A date is
    typed in `order` (the person's) or sent as ISO by the date picker.
    """
    text = (raw or "").strip()
    if spec.kind == "checkbox":
        value = text in ("y", "on", "true", "1", "yes")
        if for_submission and spec.required and not value:
            return value, f"Tick “{spec.label}”."
        return value, None
    if not text:
        if for_submission and spec.required:
            return None, f"“{spec.label}” is required."
        return None, None
    if spec.kind == "number":
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text, f"“{spec.label}” must be a number."
        if not number.is_finite():
            return text, f"“{spec.label}” must be a number."
        return str(number), None
    if spec.kind == "date":
        try:
            return read_date(text, ANSWER_DATES, order).isoformat(), None
        except ValueError as refusal:
            return text, f"“{spec.label}”: {refusal}"
    if spec.kind == "choice":
        if text not in spec.choices:
            return None, f"Choose one of the options for “{spec.label}”."
        return text, None
    if spec.kind == "signature":
        if " ".join(text.split()).casefold() != " ".join(signer_name.split()).casefold():
            return text, f"Sign by typing your full name exactly: {signer_name}."
        return text, None
    return text[:4000], None


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    pass_mark: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 100

    @property
    def passed(self) -> bool:
        return self.percent >= self.pass_mark


def mark_quiz(correct_choices: list[int], answers: list[int | None], pass_mark: int | None) -> QuizResult:
    """Score answers (choice indexes, None when unanswered) against the correct ones.

    Without a pass mark every answer must be right.
    """
    correct = sum(1 for right, given in zip(correct_choices, answers) if given is not None and given == right)
    return QuizResult(correct=correct, total=len(correct_choices), pass_mark=pass_mark or 100)


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex encoded: what a learning system sends."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def check_webhook(secret: str, timestamp: str | None, signature: str | None, body: bytes, now: datetime) -> str | None:
    """Why a delivery is refused (None when its signature and timestamp are good)."""
    if not timestamp or not signature:
        return "The delivery has no timestamp or signature header."
    if not timestamp.isdigit():
        return "The timestamp must be whole seconds since 1970 (UTC)."
    expected = webhook_signature(secret, timestamp, body)
    given = signature.removeprefix("sha256=")
    if not hmac.compare_digest(expected, given):
        return "The signature does not match this delivery and the integration's secret."
    if abs(now.timestamp() - int(timestamp)) > WEBHOOK_TOLERANCE_SECONDS:
        return f"The timestamp is more than {WEBHOOK_TOLERANCE_SECONDS // 60} minutes from our clock; the delivery is too old."
    return None
