"""Deciding pending submissions: approve, decline (with an e-mailed comment) and delete.

Two supervisors may decide the same submission at the same moment. Each decision is a
conditional UPDATE/DELETE on `status = 'pending'`, so exactly one of them changes the
row; the other gets AlreadyDecided and changes nothing (no second record, no second notice).
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l, ngettext
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import selectinload

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Attachment, Certification, Comment, Company, Submission, User, people_by_name
from webapp.models.base import utcnow
from webapp.rules.periods import format_date
from webapp.rules.valid_when_added import approved_completion_date
from webapp.services.access import approvable_submissions
from webapp.services.audit import record_audit
from webapp.services.certificates import on_record_approved
from webapp.services.mail import external_url, queue_email, render_mail
from webapp.services.privacy import attachments_visible_to, certification_visible_to
from webapp.services.settings import notification_defaults
from webapp.services.submissions import preview_expiration


class AlreadyDecided(Exception):
    """The submission is no longer pending: someone else decided or deleted it first."""


def decidable_submission(actor: User, submission_id: int) -> Submission | None:
    """The submission if it belongs to someone `actor` may approve (pending or not), else None.

    Not limited to pending ones, so the loser of a race hears "already decided", not "not found".
    """
    return db.session.scalar(approvable_submissions(actor, pending_only=False).where(Submission.id == submission_id))


def pending_submissions(query) -> list[Submission]:
    """Load the submissions of `query` with what the tables show, in a fixed number of queries."""
    return list(
        db.session.scalars(
            query.options(
                selectinload(Submission.certification),
                *people_by_name(Submission.user, Submission.submitted_by),
                selectinload(Submission.attachments),
            ).order_by(Submission.submitted_at, Submission.id)
        )
    )


def _decide(submission: Submission, by: User, **values) -> None:
    result = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == "pending")
        .values(decided_by_id=by.id, decided_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise AlreadyDecided()
    db.session.refresh(submission)


def _valid_from_approval(submission: Submission) -> dict:
    """For a certification valid when added, the record's date becomes the approval day, and its expiration
    what the rules give from it (decision 80); nothing changes for any other."""
    day = today()
    added_on = approved_completion_date(submission.certification.valid_when_added, submission.completed_on, day)
    if added_on == submission.completed_on:
        return {}
    preview = preview_expiration(submission.user, submission.certification, added_on, day)
    return {"completed_on": added_on, "expires_on": preview.expires_on, "expiration_explanation": preview.explanation}


def approve_submission(submission: Submission, by: User) -> Submission:
    _decide(submission, by, status="approved", **_valid_from_approval(submission))
    on_record_approved(submission)
    user, certification = submission.user, submission.certification
    # Nobody is mailed about a certification, or sent its files, that privacy hides from their module levels.
    if notification_defaults()["approval_user"] and user.active and certification_visible_to(user, certification):
        files = [a for a in submission.attachments if a.kind == "file"] if (
            certification.attach_files_to_approval_emails and attachments_visible_to(user, certification)) else []
        mail = render_mail("approved", _l("Certification approved: %(name)s", name=certification.name), to=user,
                           user=user, by=by,
                           certification=certification, submission=submission, files=[a.name for a in files],
                           link=external_url("my_account.certifications"))
        queue_email("approved", user, mail, user=user, certification=certification,
                    attachment_ids=[a.id for a in files] or None)
    record_audit(by, "submission.approve", submission,
                 f"Approved {submission.certification.name} for {submission.user.full_name}",
                 before={"status": "pending"}, after={"status": "approved"})
    db.session.commit()
    return submission


# Why a chosen submission was not approved, by what it is now (None: deleted).
_NOT_APPROVED_BECAUSE = {
    "approved": _l("someone else approved it first"),
    "declined": _l("someone else declined it first"),
    None: _l("someone deleted it"),
}


def approve_chosen_submissions(user: User, submission_ids: list[int], by: User) -> tuple[list[Submission], list[str]]:
    """Approve the chosen pending submissions of `user` that `by` may approve; returns (approved, what
    was not approved and why).

    Each refusal names the submission ("Forklift, completed 06/01/2026: someone deleted it"), or counts
    the chosen ones that were gone (or never `by`'s to approve) before they could be named.
    """
    return _approve_chosen(approvable_submissions(by, pending_only=False).where(Submission.user_id == user.id),
                           submission_ids, by, lambda s: f"{s.certification.name}, completed {format_date(s.completed_on)}")


def approve_selected_submissions(submission_ids: list[int], by: User) -> tuple[list[Submission], list[str]]:
    """Pending Approvals' Approve Selected: as approve_chosen_submissions, over everyone `by` may approve
    for; each refusal also names the person ("Forklift for Ann Lee, completed 06/01/2026: ...")."""
    return _approve_chosen(approvable_submissions(by, pending_only=False), submission_ids, by,
                           lambda s: f"{s.certification.name} for {s.user.full_name}, completed {format_date(s.completed_on)}")


def _approve_chosen(approvable, submission_ids: list[int], by: User, name_of) -> tuple[list[Submission], list[str]]:
    chosen = list(db.session.scalars(
        approvable.where(Submission.id.in_(submission_ids))
        .options(selectinload(Submission.certification), selectinload(Submission.user))
        .order_by(Submission.submitted_at, Submission.id)
    ))
    # Named now: one deleted meanwhile can no longer be loaded to say what it was.
    names = {s.id: name_of(s) for s in chosen}
    approved, refused = [], []
    for submission_id, name in names.items():
        submission = db.session.get(Submission, submission_id)
        try:
            if submission is None:
                raise AlreadyDecided()
            approved.append(approve_submission(submission, by))
        except AlreadyDecided:
            now = db.session.scalar(select(Submission.status).where(Submission.id == submission_id))
            refused.append(gettext("%(name)s: %(reason)s.", name=name,
                                   reason=_NOT_APPROVED_BECAUSE.get(now, gettext("it is no longer pending"))))
    gone = len(set(submission_ids)) - len(names)
    if gone:
        refused.append(ngettext("%(num)d other selected submission: someone deleted it before you approved.",
                                "%(num)d other selected submissions: someone deleted them before you approved.", gone))
    return approved, refused


@dataclass(frozen=True)
class PendingFilters:
    person_id: int | None = None
    certification_id: int | None = None
    company_id: int | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    # The days are the reader's, as the list shows them (clock.display_zone, decision 91).
    zone: tzinfo = UTC


def filter_pending(query: Select, filters: PendingFilters) -> Select:
    """`query` (of submissions) narrowed to a person, a certification, a person's company, and the days
    (in `filters.zone`, as the list shows them) they were submitted."""
    if filters.person_id is not None:
        query = query.where(Submission.user_id == filters.person_id)
    if filters.certification_id is not None:
        query = query.where(Submission.certification_id == filters.certification_id)
    if filters.company_id is not None:
        query = query.where(Submission.user_id.in_(select(User.id).where(User.company_id == filters.company_id)))
    if filters.submitted_from is not None:
        query = query.where(Submission.submitted_at >= datetime.combine(filters.submitted_from, time(), filters.zone))
    if filters.submitted_to is not None:
        query = query.where(Submission.submitted_at < datetime.combine(filters.submitted_to + timedelta(days=1), time(), filters.zone))
    return query


def pending_filter_choices(actor: User) -> dict[str, list[tuple[int, str]]]:
    """What Pending Approvals may be filtered by: the people and certifications of the submissions
    waiting for `actor`, and every company; three queries."""
    waiting = approvable_submissions(actor).subquery()
    people = db.session.scalars(select(User).where(User.id.in_(select(waiting.c.user_id)))
                                .order_by(User.last_name, User.first_name, User.id))
    certifications = db.session.scalars(select(Certification).where(Certification.id.in_(select(waiting.c.certification_id)))
                                        .order_by(Certification.name))
    return {
        "person": [(u.id, u.sort_name) for u in people],
        "certification": [(c.id, c.name) for c in certifications],
        "company": [(c.id, c.name) for c in db.session.scalars(select(Company).order_by(Company.name))],
    }


def decline_submission(submission: Submission, by: User, comment: str | None) -> Submission:
    comment = (comment or "").strip() or None
    _decide(submission, by, status="declined", decline_comment=comment)
    user, certification = submission.user, submission.certification
    if notification_defaults()["decline_user"] and user.active and certification_visible_to(user, certification):
        mail = render_mail("declined", _l("Certification declined: %(name)s", name=certification.name), to=user,
                           user=user, by=by,
                           certification=certification, submission=submission, comment=comment,
                           link=external_url("my_account.submit"))
        queue_email("declined", user, mail, user=user, certification=certification)
    record_audit(by, "submission.decline", submission, f"Declined {certification.name} for {user.full_name}",
                 before={"status": "pending"}, after={"status": "declined", "comment": comment})
    db.session.commit()
    return submission


def delete_submission(submission: Submission, by: User) -> None:
    """Remove a pending submission without any notification."""
    summary = f"Deleted pending {submission.certification.name} of {submission.user.full_name}"
    before = {"status": "pending", "user_id": submission.user_id, "certification_id": submission.certification_id,
              "completed_on": submission.completed_on.isoformat()}
    submission_id = submission.id
    result = db.session.execute(
        delete(Submission)
        .where(Submission.id == submission_id, Submission.status == "pending")
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise AlreadyDecided()
    # The database cascades these on PostgreSQL; SQLite does not enforce foreign keys here.
    db.session.execute(delete(Attachment).where(Attachment.submission_id == submission_id))
    db.session.execute(delete(Comment).where(Comment.submission_id == submission_id))
    record_audit(by, "submission.delete", submission, summary, before=before)
    db.session.expunge(submission)
    db.session.commit()
