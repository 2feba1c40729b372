"""A supervisor's records: record for a user, edit dates, batch submit, and the attachment inbox."""
from __future__ import annotations

from flask_babel import gettext
from collections.abc import Iterable
from datetime import date
from pathlib import PurePosixPath

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Attachment, Certification, Comment, RoleAssignment, Submission, User
from webapp.models.base import utcnow
from webapp.models.certifications import certification_batch_roles
from webapp.rules import expiration_for
from webapp.rules.expiration import set_by
from webapp.services.audit import record_audit, snapshot
from webapp.services.cards import NO_CARD, CardDetails
from webapp.services.certificates import on_record_approved, on_record_dates_changed
from webapp.services.access import approvable_ids, names_of, out_of_reach
from webapp.services.privacy import hidden_certifications
from webapp.services.comments import add_comment
from webapp.services.compliance import current_record, current_records, tracking_policy
from webapp.services.requirements import RequirementError
from webapp.services.settings import attachment_naming, name_attachment
from webapp.services.storage import store_file
from webapp.services.submissions import (
    AUDITED_FIELDS,
    FORM_ALREADY_USED,
    SubmissionError,
    check_attachments,
    completion_refusal,
    new_attachments,
    preview_after,
    preview_expiration,
    record_date,
    submit_certification,
)

DATE_FIELDS = ("completed_on", "expires_on", "expiration_explanation")


def edit_record_dates(record: Submission, by: User, completed_on: date, expires_on: date | None) -> Submission:
    """Change a record's dates. A newly typed expiration is kept, with who set it; otherwise a new
    completion date, or an emptied expiration, recomputes the expiration from the rules (an empty
    box must not make a 1-year certification never expire)."""
    before = snapshot(record, DATE_FIELDS)
    if expires_on is not None and expires_on != record.expires_on:
        explanation = set_by(expires_on, by.full_name).english()
    elif completed_on != record.completed_on or expires_on is None:
        previous = current_record(record.user, record.certification, completed_before=completed_on, excluding=record)
        result = expiration_for(
            tracking_policy(record.certification), completed_on,
            previous.expires_on if previous is not None else None, has_approved_record=previous is not None,
            printed_expiration=record.printed_expiration,
        )
        expires_on, explanation = result.expires_on, result.explanation
    if (completed_on, expires_on) == (record.completed_on, record.expires_on):
        return record
    if expires_on is not None and expires_on < completed_on:
        raise RequirementError({"expires_on": [gettext("The expiration date cannot be before the completion date.")]})
    record.completed_on = completed_on
    record.expires_on = expires_on
    record.expiration_explanation = explanation
    record_audit(by, "record.edit_dates", record,
                 f"Edited dates of {record.certification.name} for {record.user.full_name}",
                 before=before, after=snapshot(record, DATE_FIELDS))
    on_record_dates_changed(record)
    db.session.commit()
    return record


def attach_to_record(record: Submission, by: User, files: Iterable[FileStorage] = (),
                     links: Iterable[str] = ()) -> list[Attachment]:
    """Add files and links to an existing record; all or nothing. Raises SubmissionError."""
    checked, link_pairs, errors = check_attachments(files, links)
    if not checked and not link_pairs and not errors:
        errors["files"] = [gettext("Choose a file or enter a link to attach.")]
    if errors:
        raise SubmissionError(errors)
    added = new_attachments(checked, link_pairs, by)
    record.attachments.extend(added)
    db.session.flush()
    record_audit(by, "record.attach", record,
                 f"Attached {', '.join(a.name for a in added)} to {record.certification.name} of {record.user.full_name}",
                 after={"attachments": [a.name for a in added]})
    db.session.commit()
    return added


def record_certification(user: User, certification: Certification, by: User, completed_on: date | None, *,
                         expires_on: date | None = None, files: Iterable[FileStorage] = (), links: Iterable[str] = (),
                         comment: str | None = None, idempotency_key: str | None = None, issuer: str | None = None,
                         card: CardDetails = NO_CARD) -> Submission:
    """Record a certification for `user`, approved when `by` may approve for them (see submit_certification,
    which keeps the `issuer` and what the `card` says).

    An expiration equal to what the rules give is not an override, so the record keeps the rules' explanation.
    Raises SubmissionError when the input is refused.
    """
    completed_on = record_date(certification, completed_on)
    if expires_on is not None and completed_on is not None and expires_on == preview_expiration(
            user, certification, completed_on, today(), card.printed_expiration).expires_on:
        expires_on = None
    submission = submit_certification(user, certification, completed_on, expires_on=expires_on, files=files,
                                      links=links, idempotency_key=idempotency_key, by=by, issuer=issuer, card=card)
    comment = (comment or "").strip()
    # A replayed post returns the first submission, which already carries this comment.
    if comment and not db.session.scalar(
        select(Comment.id).where(Comment.submission_id == submission.id, Comment.author_id == by.id, Comment.body == comment)
    ):
        add_comment(submission, by, comment)
    return submission


def batch_certifications(actor: User) -> list[Certification]:
    """Certifications that allow batch submission by one of `actor`'s roles."""
    return list(db.session.scalars(
        select(Certification)
        .where(
            Certification.allow_batch_submission.is_(True),
            Certification.archived_at.is_(None),
            Certification.id.not_in(hidden_certifications(actor)),
            exists().where(
                certification_batch_roles.c.certification_id == Certification.id,
                certification_batch_roles.c.role_id == RoleAssignment.role_id,
                RoleAssignment.user_id == actor.id,
            ),
        )
        .order_by(Certification.name)
    ))


def _batch_stored(keys: dict[int, str]) -> list[Submission]:
    if not keys:
        return []
    return list(db.session.scalars(select(Submission).where(Submission.idempotency_key.in_(keys.values()))
                                   .order_by(Submission.id)))


def batch_submit(certification: Certification, by: User, completed_on: date | None, users: list[User],
                 files: Iterable[FileStorage] = (), idempotency_key: str | None = None) -> list[Submission]:
    """One record per user, all in one transaction: all are stored or none.

    Each record is approved when `by` may approve for that user, else it waits for approval.
    A repeated `idempotency_key` (a double click) returns the records the first post stored.
    Raises SubmissionError, storing nothing, when the input is refused.
    """
    refusals = {}
    if certification.id not in {c.id for c in batch_certifications(by)}:
        refusals["certification"] = [gettext("You may not batch submit this certification.")]
    return record_for_people(certification, by, completed_on, users, files, idempotency_key, refusals=refusals)


def record_for_people(certification: Certification, by: User, completed_on: date | None, users: list[User],
                      files: Iterable[FileStorage] = (), idempotency_key: str | None = None, *,
                      refusals: dict[str, list[str]] | None = None) -> list[Submission]:
    """One record of the same completion per user, all in one transaction: all are stored or none
    (Batch Submit, and Record Completion on a certification's Associated Users).

    Each record is approved when `by` may approve for that user, else it waits for approval. The
    users `by` may not record for are named in the refusal. `refusals` are the caller's own.
    A repeated `idempotency_key` (a double click) returns the records the first post stored.
    Raises SubmissionError, storing nothing, when the input is refused.
    """
    keys = {user.id: f"{idempotency_key}:{user.id}" for user in users} if idempotency_key else {}
    if stored_before := _batch_stored(keys):
        return stored_before
    errors: dict[str, list[str]] = dict(refusals or {})
    if not users:
        errors["users"] = [gettext("Select at least one user.")]
    elif refused := out_of_reach(by, "record", users):
        errors["users"] = [gettext("You may not record certifications for %(value)s.", value=names_of(refused))]
    day = today()
    completed_on = record_date(certification, completed_on)  # today, valid when added (decision 80)
    if completed_on is None:
        errors["completed_on"] = ["Enter the completion date."]
    elif refusal := completion_refusal(certification, completed_on, day):
        errors["completed_on"] = [refusal]
    checked, _stored, upload_errors = check_attachments(files)
    errors.update(upload_errors)
    if certification.require_attachment and not checked and "files" not in errors:
        errors["files"] = [gettext("This certification requires an attachment.")]
    if errors:
        raise SubmissionError(errors)
    stored = [(upload.name, store_file(upload)) for upload in checked]
    approvable = approvable_ids(by, (user.id for user in users))
    existing = current_records((user.id for user in users), certification)
    submissions = []
    for user in users:
        preview = preview_after(existing.get(user.id), certification, completed_on, day)
        approved = user.id in approvable
        submission = Submission(
            user=user, certification=certification, completed_on=completed_on, expires_on=preview.expires_on,
            expiration_explanation=preview.explanation, issuer=certification.issuer,
            status="approved" if approved else "pending", source="batch", submitted_by=by,
            decided_by=by if approved else None, decided_at=utcnow() if approved else None,
            idempotency_key=keys.get(user.id),
        )
        submission.attachments = [
            Attachment(kind="file", stored_file=stored_file, name=name, added_by_id=by.id) for name, stored_file in stored
        ]
        db.session.add(submission)
        submissions.append(submission)
    try:
        db.session.flush()
        for submission in submissions:
            record_audit(by, "submission.batch", submission,
                         f"{by.full_name} batch submitted {certification.name} for {submission.user.full_name}",
                         after=snapshot(submission, AUDITED_FIELDS))
            if submission.status == "approved":
                on_record_approved(submission)
        db.session.commit()
    except IntegrityError:
        # Two posts of one form raced past the check: the other one stored them.
        db.session.rollback()
        if stored_before := _batch_stored(keys):
            return stored_before
        raise SubmissionError({"certification": [_(FORM_ALREADY_USED)]}) from None
    return submissions


# ---- Attachment inbox ------------------------------------------------------------------------


def inbox_files(owner: User) -> list[Attachment]:
    return list(db.session.scalars(
        select(Attachment).where(Attachment.inbox_owner_id == owner.id).order_by(Attachment.added_at.desc(), Attachment.id.desc())
    ))


def add_inbox_files(owner: User, files: Iterable[FileStorage]) -> list[Attachment]:
    """Check and store uploads in `owner`'s inbox; all or nothing. Raises SubmissionError."""
    checked, _stored, errors = check_attachments(files)
    if not checked and not errors:
        errors["files"] = [gettext("Choose at least one file to upload.")]
    if errors:
        raise SubmissionError(errors)
    added = new_attachments(checked, [], owner)
    for attachment in added:
        attachment.inbox_owner_id = owner.id
    db.session.add_all(added)
    db.session.flush()
    for attachment in added:
        record_audit(owner, "inbox.upload", attachment, f"Uploaded {attachment.name} to the attachment inbox")
    db.session.commit()
    return added


def suggested_attachment_name(attachment: Attachment, record: Submission) -> str:
    """The attachment naming template applied to the record (when the setting is on), with the file's extension."""
    naming = attachment_naming()
    if not naming["enabled"]:
        return attachment.name
    extension = PurePosixPath(attachment.name).suffix
    user = record.user
    base = name_attachment(naming["template"], first_name=user.first_name, last_name=user.last_name,
                           username=user.username, certification_name=record.certification.name,
                           completed_on=record.completed_on, expires_on=record.expires_on)
    return f"{base}{extension}"


def attach_inbox_file(attachment: Attachment, record: Submission, by: User, name: str) -> Attachment:
    """Move a file from the inbox onto a user's record, under `name`."""
    name = name.strip()
    if not name:
        raise SubmissionError({"name": [gettext("Enter the file name.")]})
    attachment.inbox_owner_id = None
    attachment.submission_id = record.id
    attachment.name = name[:255]
    record_audit(by, "inbox.attach", attachment,
                 f"Attached {attachment.name} to {record.certification.name} of {record.user.full_name}",
                 after={"submission_id": record.id, "name": attachment.name})
    db.session.commit()
    return attachment


def remove_inbox_file(attachment: Attachment, by: User) -> None:
    record_audit(by, "inbox.remove", attachment, f"Removed {attachment.name} from the attachment inbox")
    db.session.delete(attachment)
    db.session.commit()
