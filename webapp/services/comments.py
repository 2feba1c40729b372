"""Comments on a user's records: anyone who may view the user adds them; authors (and administrators) edit and delete."""
from __future__ import annotations

from webapp.extensions import db
from webapp.models import Comment, Submission, User
from webapp.models.base import utcnow
from webapp.permissions import Permission
from webapp.services.audit import record_audit
from webapp.services.once import stored_once


def may_change_comment(actor: User, comment: Comment) -> bool:
    """Own comments; an administrator (who may edit all accounts) any comment."""
    return comment.author_id == actor.id or actor.can(Permission.EDIT_ALL_ACCOUNTS)


def add_comment(submission: Submission, by: User, body: str, *, commit: bool = True,
                idempotency_key: str | None = None) -> Comment:
    """Add a comment; the same form's `idempotency_key` posted again returns the first comment."""
    key = f"{idempotency_key}:{submission.id}" if idempotency_key else None

    def store() -> Comment:
        comment = Comment(submission=submission, author_id=by.id, body=body.strip(), idempotency_key=key)
        db.session.add(comment)
        db.session.flush()
        record_audit(by, "comment.add", comment,
                     f"Comment on {submission.certification.name} of {submission.user.full_name}",
                     after={"body": comment.body, "submission_id": submission.id})
        if commit:
            db.session.commit()
        return comment

    return stored_once(Comment, key, store)


def edit_comment(comment: Comment, by: User, body: str) -> Comment:
    before = {"body": comment.body}
    comment.body = body.strip()
    comment.edited_at = utcnow()
    record_audit(by, "comment.edit", comment, "Edited a comment", before=before, after={"body": comment.body})
    db.session.commit()
    return comment


def delete_comment(comment: Comment, by: User) -> None:
    record_audit(by, "comment.delete", comment, "Deleted a comment",
                 before={"body": comment.body, "submission_id": comment.submission_id, "author_id": comment.author_id})
    db.session.delete(comment)
    db.session.commit()
