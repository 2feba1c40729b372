"""Revoking a record with a reason, and an administrator restoring it with a reason.

Two people may revoke (or restore) the same record at the same moment. Each is a conditional
UPDATE on the record's revocation state, so exactly one of them changes the row; the other gets
a RevocationRefused saying who got there first, and nothing is written, mailed or audited twice.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, or_, select, update

from webapp.extensions import db
from webapp.models import Submission, User
from webapp.models.base import utcnow
from webapp.rules.periods import format_date
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.services.mail import external_url, queue_email, render_mail
from webapp.services.privacy import certification_visible_to

REASON_MAX = 2000


class RevocationRefused(Invalid):
    """A revocation or restoration refused; `errors["reason"]` says why."""


def _record_name(record: Submission) -> str:
    return f"{record.certification.name} completed {format_date(record.completed_on)}"


def _reason(reason: str | None, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RevocationRefused({"reason": missing})
    if len(reason) > REASON_MAX:
        raise RevocationRefused({"reason": gettext("The reason must be at most %(max)s characters.", max=REASON_MAX)})
    return reason


def _tell(kind: str, record: Submission, by: User, reason: str) -> None:
    """Mail the person, unless privacy hides the certification from them or they left."""
    user, certification = record.user, record.certification
    if not user.active or not certification_visible_to(user, certification):
        return
    subject = (_l("Certification revoked: %(name)s", name=certification.name) if kind == "revoked"
               else _l("Certification restored: %(name)s", name=certification.name))
    mail = render_mail(kind, subject, to=user, user=user, by=by,
                       certification=certification, record=record, reason=reason,
                       link=external_url("my_account.certifications"))
    queue_email(kind, user, mail, user=user, certification=certification)


def _revocation(record: Submission) -> dict:
    return {"revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
            "revoked_by_id": record.revoked_by_id, "revoked_reason": record.revoked_reason}


def revoke_record(record: Submission, by: User, reason: str | None) -> Submission:
    """Mark an approved record revoked by `by`, now, because of `reason`; tell the person and commit.

    The record stays in the history; the rules then give the requirement the status Revoked until a
    new record is approved (decision 8), and its certificates of completion verify as revoked.
    Refuses (RevocationRefused, nothing written) a blank reason and a record already revoked.
    """
    reason = _reason(reason, gettext("Give the reason for revoking this record."))
    if record.revoked_at is not None:
        raise RevocationRefused({"reason": _already_revoked(record)})
    result = db.session.execute(
        update(Submission)
        .where(Submission.id == record.id, Submission.status == "approved", Submission.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=by.id, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(record)
        raise RevocationRefused({"reason": _already_revoked(record)})
    db.session.refresh(record)
    record_audit(by, "record.revoke", record, f"Revoked {_record_name(record)} of {record.user.full_name}: {reason}",
                 before={"revoked_at": None, "revoked_by_id": None, "revoked_reason": None}, after=_revocation(record))
    _tell("revoked", record, by, reason)
    db.session.commit()
    return record


def _already_revoked(record: Submission) -> str:
    who = f" by {record.revoked_by.full_name}" if record.revoked_by is not None else ""
    when = f" on {format_date(record.revoked_at.date())}" if record.revoked_at is not None else ""
    return f"This record was already revoked{who}{when}; reload the page to see it."


def superseding_record(record: Submission) -> Submission | None:
    """A newer approved, unrevoked record of the same person and certification, if any (decision 53)."""
    return db.session.scalar(
        select(Submission).where(
            Submission.user_id == record.user_id,
            Submission.certification_id == record.certification_id,
            Submission.id != record.id,
            Submission.status == "approved",
            Submission.revoked_at.is_(None),
            or_(Submission.completed_on > record.completed_on,
                and_(Submission.completed_on == record.completed_on, Submission.id > record.id)),
        ).order_by(Submission.completed_on.desc()).limit(1)
    )


def restore_record(record: Submission, by: User, reason: str | None) -> Submission:
    """Lift the revocation of a record, because of `reason`; tell the person and commit.

    Refuses (RevocationRefused, nothing written) a blank reason, a record that is not revoked (any
    more) and a record a newer record has superseded since (decision 53).
    """
    reason = _reason(reason, gettext("Give the reason for restoring this record."))
    if record.revoked_at is None:
        raise RevocationRefused({"reason": gettext("This record is not revoked (someone may have restored it); reload the page.")})
    if (newer := superseding_record(record)) is not None:
        raise RevocationRefused({"reason": gettext("A newer record, completed %(day)s, has superseded this one since; it cannot be restored.", day=format_date(newer.completed_on))})
    before = _revocation(record)
    result = db.session.execute(
        update(Submission)
        .where(Submission.id == record.id, Submission.revoked_at.is_not(None))
        .values(revoked_at=None, revoked_by_id=None, revoked_reason=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise RevocationRefused({"reason": gettext("This record is not revoked (someone may have restored it); reload the page.")})
    db.session.refresh(record)
    record_audit(by, "record.restore", record, f"Restored {_record_name(record)} of {record.user.full_name}: {reason}",
                 before=before, after={"revoked_at": None, "revoked_by_id": None, "revoked_reason": None,
                                       "reason": reason})
    _tell("restored", record, by, reason)
    db.session.commit()
    return record
