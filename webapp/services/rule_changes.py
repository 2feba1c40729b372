"""What a change of a certification's tracking settings does, before it is saved: each person whose
expiration or status changes, from and to, and the notice it brings (rules decision 36)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Certification, Submission, User
from webapp.rules import ExpirationResult, Status, TrackingPolicy, expiration_for
from webapp.rules.notices import SECOND_NOTICE, TO_SUPERVISORS, notice_after_change
from webapp.rules.status import training_end
from webapp.services.access import ids_managed_by
from webapp.services.compliance import Requirement, SettingsOverride, load_requirements, required_to_hold
from webapp.services.notices import SUPERVISOR_SETTING, USER_SETTING
from webapp.services.settings import notification_defaults

NOTICE_NAMES = {
    "first_notice": "1st notice",
    SECOND_NOTICE: "2nd notice",
    "expired": "Expiration notice",
    "deferral_ended": "Deferral ended notice",
    "training_ended": "Training ended notice",
}
SHOWN_PEOPLE = 100


@dataclass(frozen=True)
class PersonChange:
    """One person's expiration and status on the day, before and after (None: not required of them)."""

    user_id: int
    name: str
    expires_before: date | None
    expires_after: date | None
    status_before: Status | None
    status_after: Status | None
    notice: str | None  # e.g. "2nd notice to the person and their supervisors"

    def key(self) -> list:
        return [self.user_id, _iso(self.expires_before), _iso(self.expires_after),
                _value(self.status_before), _value(self.status_after), self.notice]


@dataclass(frozen=True)
class RuleChangePreview:
    """Who a change of tracking settings affects on `day`; `digest` names exactly these changes."""

    day: date
    recalculate: bool
    people: tuple[PersonChange, ...]  # within the reader's reach, by name
    unnamed: int  # changed people outside the reader's reach
    recalculated: tuple[tuple[Submission, ExpirationResult], ...]  # records whose stored expiration would change
    digest: str

    @property
    def changes_anyone(self) -> bool:
        return bool(self.people or self.unnamed or (self.recalculate and self.recalculated))

    @property
    def shown(self) -> tuple[PersonChange, ...]:
        return self.people[:SHOWN_PEOPLE]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _value(status: Status | None) -> str | None:
    return status.value if status is not None else None


def recalculated_records(certification: Certification, policy: TrackingPolicy) -> list[tuple[Submission, ExpirationResult]]:
    """Approved, unrevoked records whose expiration would differ under `policy`, with the new result.

    Each user's records are replayed in completion order, so the existing-record rule and the
    refresher stage see the expiration the previous record would now have.
    """
    records = db.session.scalars(
        select(Submission).where(
            Submission.certification_id == certification.id, Submission.status == "approved", Submission.revoked_at.is_(None)
        ).order_by(Submission.user_id, Submission.completed_on, Submission.id)
    )
    changes, previous = [], {}
    for record in records:
        existing = previous.get(record.user_id)
        result = expiration_for(policy, record.completed_on, existing[0] if existing else None,
                                has_approved_record=existing is not None, printed_expiration=record.printed_expiration)
        previous[record.user_id] = (result.expires_on,)
        if result.expires_on != record.expires_on:
            changes.append((record, result))
    return changes


def _notice_words(kind: str | None, settings: dict) -> str | None:
    if kind is None:
        return None
    to_person = settings[USER_SETTING[kind]]
    to_supervisors = kind in TO_SUPERVISORS and settings[SUPERVISOR_SETTING[kind]]
    if to_person and to_supervisors:
        return f"{NOTICE_NAMES[kind]} to the person and their supervisors"
    if to_person or to_supervisors:
        return f"{NOTICE_NAMES[kind]} to {'the person' if to_person else 'their supervisors'}"
    return None


def _requirement_of(requirements: list[Requirement], certification_id: int) -> Requirement | None:
    return next((r for r in requirements if r.certification.id == certification_id), None)


def preview_rule_change(certification: Certification, policy: TrackingPolicy, recalculate: bool, reader: User,
                        day: date) -> RuleChangePreview:
    """Each person required to hold `certification`, or holding a record of it, whose expiration or
    status on `day` changes when its settings become `policy` (with `recalculate`, stored
    expirations are recalculated too), with the notice it brings; in a fixed number of queries."""
    recalculated = tuple(recalculated_records(certification, policy))
    expirations = {record.id: result.expires_on for record, result in recalculated} if recalculate else {}
    required = select(User.id).where(User.active.is_(True), required_to_hold(certification.id))
    user_ids = list(db.session.scalars(required)) + sorted({record.user_id for record, _ in recalculated})
    before = load_requirements(user_ids, day)
    after = load_requirements(user_ids, day, SettingsOverride(certification.id, policy, expirations))
    newest_change = {record.user_id: (record, result) for record, result in recalculated if recalculate}
    settings, catch_up = notification_defaults(), current_app.config["NOTICE_CATCH_UP_DAYS"]
    in_reach = set(db.session.scalars(ids_managed_by(reader).where(User.id.in_(user_ids))))
    names = dict(db.session.execute(
        select(User.id, User.first_name + " " + User.last_name).where(User.id.in_(user_ids))).all())
    people, unnamed, everyone = [], 0, []
    for user_id in dict.fromkeys(user_ids):
        old, new = _requirement_of(before[user_id], certification.id), _requirement_of(after[user_id], certification.id)
        if old is not None and new is not None:
            change = PersonChange(
                user_id, names[user_id], old.status.expires_on, new.status.expires_on, old.status.status,
                new.status.status,
                _notice_words(_notice_kind(day, old, new, catch_up), settings),
            )
        elif user_id in newest_change:
            record, result = newest_change[user_id]
            change = PersonChange(user_id, names[user_id], record.expires_on, result.expires_on, None, None, None)
        else:
            continue
        if (change.expires_before, change.status_before) == (change.expires_after, change.status_after):
            continue
        everyone.append(change.key())
        if user_id in in_reach:
            people.append(change)
        else:
            unnamed += 1
    people.sort(key=lambda change: (change.name.lower(), change.user_id))
    digest = hashlib.sha256(json.dumps({
        "people": sorted(everyone),
        "records": sorted([record.id, _iso(result.expires_on)] for record, result in recalculated) if recalculate else [],
    }).encode()).hexdigest()
    return RuleChangePreview(day, recalculate, tuple(people), unnamed, recalculated, digest)


def _notice_kind(day: date, old: Requirement, new: Requirement, catch_up: int) -> str | None:
    setting = new.setting
    event = notice_after_change(
        day, old.status, new.status,
        deferred_until=setting.deferred_until if setting is not None and setting.state == "deferred" else None,
        training_until=training_end(new.sources.roles, new.sources.required_as_usual),
        catch_up_days=catch_up,
    )
    return event.kind if event is not None else None

