"""Submitting certifications: the expiration a submission will get, and storing it once."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple
from urllib.parse import urlsplit

from flask_babel import gettext as _, ngettext
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from webapp.clock import today
from webapp.extensions import db
from webapp.i18n import day as format_day
from webapp.models import Attachment, Certification, Submission, User
from webapp.models.base import utcnow
from webapp.permissions import Permission
from webapp.rules.expiration import set_by
from webapp.rules.languages import N_
from webapp.rules.messages import Message
from webapp.rules.valid_when_added import completion_date
from webapp.services.access import may_approve_for
from webapp.services.audit import record_audit, snapshot
from webapp.services.cards import NO_CARD, CardDetails, card_attachments, card_number_of, check_card
from webapp.services.certificates import on_record_approved
from webapp.services.storage import check_uploads, store_file
from webapp.rules import (
    ExpirationResult,
    NoticeDates,
    RecordFacts,
    Status,
    expiration_for,
    notice_dates,
    printed_differs,
    record_standings,
)
from webapp.services.compliance import current_record, tracking_policy
from webapp.services.privacy import certification_visible_to


@dataclass(frozen=True)
class ExpirationPreview:
    """What a record completed on `completed_on` will expire on, why, and when it turns blue/yellow/red."""

    completed_on: date
    expires_on: date | None
    why: Message  # translated where shown (docs/rules.md decision 85)
    rule: str
    notices: NoticeDates | None
    existing_expiration: date | None
    is_upcoming: bool
    printed_expiration: date | None = None
    printed_differs: bool = False
    valid_when_added: bool = False

    @property
    def explanation(self) -> str:
        return self.why.english()

    @property
    def stages(self) -> list[tuple[Status, date]]:
        """(status, first day of it) for due, overdue and expired; empty when it never expires."""
        if self.notices is None:
            return []
        return [
            (Status.DUE, self.notices.due_on),
            (Status.OVERDUE, self.notices.overdue_on),
            (Status.EXPIRED, self.notices.expires_on),
        ]


class AttachmentLink(NamedTuple):
    """A record's file or link, as a list of attachments shows it."""

    id: int
    kind: str
    name: str
    url: str | None


@dataclass(frozen=True)
class RecordOnFile:
    """One of a person's Certifications on File, as My Certifications shows it."""

    id: int
    certification_id: int
    certification_name: str
    issuer: str | None  # the record's, or else the certification's
    completed_on: date
    expires_on: date | None
    attachments: list[AttachmentLink] = field(default_factory=list)


# Built once: building a statement costs more than running it (its compiled form is cached).
_RECORDS_ON_FILE = (
    select(Submission.id, Submission.certification_id, Certification.name, Submission.issuer, Certification.issuer,
           Submission.completed_on, Submission.expires_on, Attachment.id, Attachment.kind, Attachment.name,
           Attachment.url)
    .join(Certification, Certification.id == Submission.certification_id)
    .outerjoin(Attachment, Attachment.submission_id == Submission.id)
    .where(Submission.user_id == bindparam("user_id"), Submission.status == "approved", Submission.revoked_at.is_(None))
    .order_by(Submission.completed_on.desc(), Submission.id.desc(), Attachment.id)
)


def load_records_on_file(user: User) -> list[RecordOnFile]:
    """The user's approved, non-revoked records with their attachments, newest first: their
    Certifications on File, in one query."""
    records: dict[int, RecordOnFile] = {}
    for row in db.session.execute(_RECORDS_ON_FILE, {"user_id": user.id}):
        record_id, certification_id, name, issuer, certification_issuer, completed_on, expires_on = row[:7]
        record = records.get(record_id)
        if record is None:
            record = records[record_id] = RecordOnFile(record_id, certification_id, name,
                                                       issuer or certification_issuer, completed_on, expires_on)
        if row[7] is not None:
            record.attachments.append(AttachmentLink(*row[7:]))
    return list(records.values())


def standings_of(submissions: Iterable[Submission], day: date) -> dict[int, str]:
    """Record id -> "current", "superseded", "upcoming" or "revoked" (rules decision 35) for the
    approved ones among one person's submissions of one certification."""
    return record_standings(day, tuple(
        RecordFacts(s.completed_on, s.expires_on, s.revoked_reason, record_id=s.id)
        for s in submissions if s.status == "approved"
    ))


def preview_expiration(user: User, certification: Certification, completed_on: date, day: date,
                       printed_expiration: date | None = None) -> ExpirationPreview:
    """The expiration and notice dates a record completed on `completed_on` (with the expiry
    `printed_expiration` on its card) would get on `day`."""
    return preview_after(current_record(user, certification), certification, completed_on, day, printed_expiration)


def record_date(certification: Certification, typed: date | None) -> date | None:
    """The completion date a new record of `certification` gets: today for one valid when added
    (decision 80), otherwise the date typed (None: none was)."""
    return completion_date(certification.valid_when_added, typed, today())


def completion_refusal(certification: Certification, completed_on: date, day: date) -> str | None:
    """Why a record of `certification` cannot be completed on `completed_on` (None: it can)."""
    if completed_on > day and not certification.allow_upcoming:
        return _("The completion date cannot be after today (%(day)s) for this certification.", day=format_day(day))
    return None


def preview_completion(user: User, certification: Certification, completed_on: date,
                       day: date, printed_expiration: date | None = None) -> tuple[ExpirationPreview | None, str | None]:
    """(the preview, None), or (None, why a submission would be refused): a live preview never
    promises an expiration, or Upcoming, for a completion the submission refuses."""
    refusal = completion_refusal(certification, completed_on, day)
    if refusal is not None:
        return None, refusal
    return preview_expiration(user, certification, completed_on, day, printed_expiration), None


def preview_after(existing: Submission | None, certification: Certification, completed_on: date,
                  day: date, printed_expiration: date | None = None) -> ExpirationPreview:
    """preview_expiration for a user whose current record is `existing` (None: nothing on file)."""
    policy = tracking_policy(certification)
    result: ExpirationResult = expiration_for(
        policy,
        completed_on,
        existing.expires_on if existing is not None else None,
        has_approved_record=existing is not None,
        printed_expiration=printed_expiration,
    )
    notices = None
    if result.expires_on is not None:
        notices = notice_dates(policy.for_stage(existing is not None), result.expires_on)
    return ExpirationPreview(
        completed_on=completed_on,
        expires_on=result.expires_on,
        why=result.why,
        rule=result.rule,
        notices=notices,
        existing_expiration=existing.expires_on if existing is not None else None,
        is_upcoming=completed_on > day,
        printed_expiration=printed_expiration,
        printed_differs=printed_differs(result, printed_expiration),
        valid_when_added=certification.valid_when_added,
    )


AUDITED_FIELDS = ("user_id", "certification_id", "completed_on", "expires_on", "status", "source",
                  "issuer", "card_number", "printed_expiration")


class SubmissionError(ValueError):
    """A submission refused; `errors` maps form field names to messages fit to show on the form."""

    def __init__(self, errors: dict[str, list[str]]):
        errors = {name: [str(message) for message in messages] for name, messages in errors.items()}
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


def _hidden_message(user: User, certification: Certification, by: User) -> str:
    """Why a certification hidden from `user` cannot be submitted, told to whoever submits it."""
    if by.id == user.id:
        return _("You may not submit this certification.")
    levels = ", ".join(sorted(level.name for level in user.module_levels))
    return ngettext("%(name)s is hidden from %(full_name)s's module level (%(levels)s), so it cannot be recorded for them.",
                    "%(name)s is hidden from %(full_name)s's module levels (%(levels)s), so it cannot be recorded for them.",
                    len(user.module_levels), name=certification.name, full_name=user.full_name, levels=levels)


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_attachments(files: Iterable[FileStorage] = (), links: Iterable[str | tuple[str, str]] = ()):
    """Check chosen files and typed links before anything is stored.

    Empty file inputs and blank links are skipped. Returns (checked uploads, (name, url) pairs,
    errors by form field: "files" and "links").
    """
    errors: dict[str, list[str]] = {}
    checked, file_errors = check_uploads(files)
    if file_errors:
        errors["files"] = file_errors
    link_pairs = []
    for link in links:
        name, url = link if isinstance(link, tuple) else (link, link)
        url = url.strip()
        if not url:
            continue
        if not is_web_address(url):
            errors.setdefault("links", []).append(_("%(url)s is not a web address (it must start with https://).", url=url))
        link_pairs.append(((name.strip() or url)[:255], url[:2000]))
    return checked, link_pairs, errors


def new_attachments(checked, link_pairs, by: User) -> list[Attachment]:
    """Store checked uploads and make the attachments for them and for the links, added by `by`."""
    return [
        Attachment(kind="file", stored_file=store_file(upload), name=upload.name, added_by_id=by.id) for upload in checked
    ] + [Attachment(kind="link", name=name, url=url, added_by_id=by.id) for name, url in link_pairs]


FORM_ALREADY_USED = N_("This form was already used; reload the page and submit again.")  # translated where raised


def _existing(idempotency_key: str | None, user: User) -> Submission | None:
    if not idempotency_key:
        return None
    return db.session.scalar(
        select(Submission).where(Submission.idempotency_key == idempotency_key, Submission.user_id == user.id)
    )


def submit_certification(
    user: User,
    certification: Certification,
    completed_on: date | None,
    *,
    expires_on: date | None = None,
    files: Iterable[FileStorage] = (),
    links: Iterable[str | tuple[str, str]] = (),
    idempotency_key: str | None = None,
    by: User | None = None,
    issuer: str | None = None,
    card: CardDetails = NO_CARD,
) -> Submission:
    """Store a submission of `certification` by `user` (or, with `by`, for them) and commit it.

    A certification valid when added is recorded as completed today, whatever `completed_on` says
    (decision 80); any other needs `completed_on`.

    The record names `issuer` (default: the certification's) and keeps what the `card` says: its
    number, printed expiry (the expiration when the certification takes it as printed) and
    photos of both sides, re-encoded and attached.

    A repeated `idempotency_key` (a double click, an offline replay) returns the first submission.
    Raises SubmissionError, storing nothing, when the input is refused.
    """
    by = by or user
    existing = _existing(idempotency_key, user)
    if existing is not None:
        return existing
    errors: dict[str, list[str]] = {}
    if not certification_visible_to(user, certification):
        errors.setdefault("certification", []).append(_hidden_message(user, certification, by))
    elif certification.archived_at is not None:
        errors.setdefault("certification", []).append(
            _("%(name)s is archived: it can no longer be submitted or recorded.", name=certification.name))
    day = today()
    completed_on = record_date(certification, completed_on)
    if completed_on is None:
        errors.setdefault("completed_on", []).append("Enter the completion date.")
        completed_on = day  # only for the checks below: nothing is stored
    elif refusal := completion_refusal(certification, completed_on, day):
        errors.setdefault("completed_on", []).append(refusal)
    if expires_on is not None:
        if by.id == user.id and not user.can(Permission.SET_OWN_EXPIRATION):
            errors.setdefault("expires_on", []).append(_("You may not set the expiration date yourself."))
        elif expires_on < completed_on:
            errors.setdefault("expires_on", []).append(_("The expiration date cannot be before the completion date."))
    checked, link_pairs, attachment_errors = check_attachments(files, links)
    for name, messages in attachment_errors.items():
        errors.setdefault(name, []).extend(messages)
    photos, card_errors = check_card(card, completed_on, issuer)
    for name, messages in card_errors.items():
        errors.setdefault(name, []).extend(messages)
    if certification.require_attachment and not checked and not link_pairs and not photos and "files" not in errors:
        errors.setdefault("files", []).append(_("This certification requires an attachment."))
    if errors:
        raise SubmissionError(errors)

    preview = preview_expiration(user, certification, completed_on, day, card.printed_expiration)
    explanation = preview.explanation
    if expires_on is not None:
        explanation = set_by(expires_on, by.full_name, preview.why).english()
    else:
        expires_on = preview.expires_on
    approved_by_submitter = may_approve_for(by, user)
    approved = certification.auto_approve_submissions or approved_by_submitter
    submission = Submission(
        user=user,
        certification=certification,
        completed_on=completed_on,
        expires_on=expires_on,
        expiration_explanation=explanation,
        issuer=(issuer or "").strip() or certification.issuer,
        card_number=card_number_of(card),
        printed_expiration=card.printed_expiration,
        status="approved" if approved else "pending",
        source="user" if by.id == user.id else "supervisor",
        idempotency_key=idempotency_key or None,
        submitted_by=by,
    )
    if approved:
        submission.decided_at = utcnow()
        submission.decided_by = by if approved_by_submitter else None
    submission.attachments = card_attachments(photos, by) + new_attachments(checked, link_pairs, by)
    db.session.add(submission)
    try:
        db.session.flush()
        record_audit(
            by,
            "submission.create",
            submission,
            f"{by.full_name} submitted {certification.name} for {user.full_name}"
            f" ({'approved' if approved else 'pending approval'})",
            after=snapshot(submission, AUDITED_FIELDS),
        )
        if approved:
            on_record_approved(submission)
        db.session.commit()
    except IntegrityError:
        # Two posts with the same key raced past the check: the other one stored it.
        db.session.rollback()
        existing = _existing(idempotency_key, user)
        if existing is None:
            raise SubmissionError({"certification": [_(FORM_ALREADY_USED)]})
        return existing
    return submission
