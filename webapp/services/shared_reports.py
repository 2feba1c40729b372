"""Shared Reports: saved certification reports anyone with the link may read, and e-mailed."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import Attachment, CompetencyCertificate, CompetencyFile, RoleAssignment, SharedReport, Submission, User
from webapp.permissions import Permission
from webapp.services.access import users_in_reach
from webapp.services.audit import record_audit
from webapp.services.competency import CompetencyLine, competency_shown, find_competency_file, load_competencies
from webapp.services.compliance import Requirement, load_requirements
from webapp.services.mail import queue_email, render_mail
from webapp.services.once import stored_once
from webapp.services.privacy import Audience, certification_visible, find_attachment, public_attachments, sight_of
from webapp.services.storage import UploadError, check_uploads, store_file


@dataclass
class SharedLine:
    user: User
    requirement: Requirement


@dataclass
class SharedView:
    report: SharedReport
    lines: list[SharedLine]
    attachments: dict[int, list[Attachment]]  # by record id, only those privacy allows
    competencies: list[tuple[User, CompetencyLine]] = field(default_factory=list)  # as competency privacy allows


def reports_for(actor: User):
    """Shared reports the actor manages: their own, or every one for those who may view all users."""
    query = select(SharedReport).order_by(SharedReport.created_at.desc(), SharedReport.id.desc())
    if not actor.can(Permission.VIEW_ALL_USERS):
        query = query.where(SharedReport.created_by_id == actor.id)
    return query


def list_shared_reports(actor: User) -> list[SharedReport]:
    return list(db.session.scalars(reports_for(actor)))


def get_shared_report(actor: User, report_id: int) -> SharedReport | None:
    return db.session.scalar(reports_for(actor).where(SharedReport.id == report_id))


def create_shared_report(actor: User, title: str, users, roles, certifications,
                         idempotency_key: str | None = None) -> SharedReport:
    """Create the report; the same form's `idempotency_key` posted again returns the first one."""

    def store() -> SharedReport:
        report = SharedReport(title=title, created_by_id=actor.id, users=list(users), roles=list(roles),
                              certifications=list(certifications), idempotency_key=idempotency_key or None)
        db.session.add(report)
        db.session.flush()
        record_audit(actor, "shared_report_created", report, f"Created shared report {title}")
        db.session.commit()
        return report

    return stored_once(SharedReport, idempotency_key, store)


def delete_shared_report(actor: User, report: SharedReport) -> bool:
    """Delete the report; False when someone else deleted it first (two clicks, two people)."""
    # The row lock makes a second delete at the same moment wait, then find nothing.
    if db.session.scalar(select(SharedReport.id).where(SharedReport.id == report.id).with_for_update()) is None:
        db.session.rollback()
        return False
    record_audit(actor, "shared_report_deleted", report, f"Deleted shared report {report.title}")
    db.session.delete(report)
    db.session.commit()
    return True


def _checked_files(files: Iterable[FileStorage]):
    """Each upload checked, and all of them together within the upload limit, so the e-mail stays deliverable."""
    checked, errors = check_uploads(files)
    limit = current_app.config["MAX_UPLOAD_MB"]
    if sum(len(c.data) for c in checked) > limit * 1024 * 1024:
        errors.append(gettext("The attachments together are larger than %(limit)s MB.", limit=limit))
    if errors:
        raise UploadError(" ".join(errors))
    return checked


def email_shared_report(actor: User, report: SharedReport, addresses: list[str], message: str, url: str,
                        files: Iterable[FileStorage] = ()) -> None:
    """Queue one e-mail per address with the link, the message and the attachments.

    Raises UploadError, queuing nothing, when an attachment is refused.
    """
    stored = [(upload.name, store_file(upload)) for upload in _checked_files(files)]
    db.session.flush()
    mail = render_mail("shared_report", _l("Shared certification report: %(title)s", title=report.title), to=None,
                       by=actor, report=report,
                       message=message, url=url, files=[name for name, _ in stored])
    for address in addresses:
        queue_email("shared_report", address, mail, files=stored)
    record_audit(actor, "shared_report_emailed", report, f"E-mailed shared report {report.title} to {', '.join(addresses)}")
    db.session.commit()


def _report(token: str) -> SharedReport | None:
    return db.session.scalar(
        select(SharedReport)
        .options(selectinload(SharedReport.users), selectinload(SharedReport.roles), selectinload(SharedReport.certifications),
                 selectinload(SharedReport.created_by))
        .where(SharedReport.token == token)
    )


def _view(report: SharedReport, day: date, *, only_user_id: int | None = None) -> SharedView:
    """What the report shows (of one of its people, with `only_user_id`): only what its creator may see
    today (the people in their reach, the certifications and files their module levels allow), and of
    that only what shared-report privacy allows. A report whose creator is gone or inactive shows nobody."""
    creator = report.created_by
    if creator is None or not creator.active:
        return SharedView(report, [], {})
    role_ids = [role.id for role in report.roles]
    query = (
        users_in_reach(creator, "view")
        .options(selectinload(User.company))
        .where(
            User.active.is_(True),
            or_(
                User.id.in_([u.id for u in report.users]),
                User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role_id.in_(role_ids))),
            ),
        )
        .order_by(User.last_name, User.first_name, User.id)
    )
    if only_user_id is not None:
        query = query.where(User.id == only_user_id)
    users = list(db.session.scalars(query))
    wanted = {c.id for c in report.certifications}
    sight = sight_of(creator)
    requirements = load_requirements([u.id for u in users], day)
    lines = [
        SharedLine(user, r)
        for user in users
        for r in requirements[user.id]
        if sight.shows(r.certification.id)
        and certification_visible(r.certification, Audience.SHARED)
        and (not wanted or r.certification.id in wanted)
    ]
    shown = (line.requirement for line in lines if sight.shows_files(line.requirement.certification.id))
    return SharedView(report, lines, public_attachments(shown, Audience.SHARED),
                      _shared_competencies(creator, users, set(role_ids), day))


def _shared_competencies(creator: User, users: list[User], role_ids: set[int],
                         day: date) -> list[tuple[User, CompetencyLine]]:
    """Each person's competency in their roles (those the report names, when it names roles) that the
    creator's module levels and shared-report privacy let the report show (decision 63)."""
    held = load_competencies([user.id for user in users], day)
    return [(user, line) for user in users for line in held[user.id]
            if (not role_ids or line.role.id in role_ids)
            and competency_shown(line.role, creator, Audience.SHARED)]


def load_shared_report(token: str, day: date) -> SharedView | None:
    """The report for `token` with what shared-report privacy allows, in a fixed number of queries."""
    report = _report(token)
    return None if report is None else _view(report, day)


def _view_of_holder(token: str, holder_id_query, day: date) -> SharedView | None:
    """What the report for `token` shows of the one person `holder_id_query` selects (the holder of a file),
    not loading everyone on it; None when there is no such report or holder."""
    report = _report(token)
    holder_id = db.session.scalar(holder_id_query)
    if report is None or holder_id is None:
        return None
    return _view(report, day, only_user_id=holder_id)


def shared_attachment(token: str, attachment_id: int, day: date) -> Attachment | None:
    """An attachment shown on the shared report for `token`, or None when privacy hides it."""
    view = _view_of_holder(token, select(Submission.user_id).join(Attachment, Attachment.submission_id == Submission.id)
                           .where(Attachment.id == attachment_id), day)
    return None if view is None else find_attachment(view.attachments, attachment_id)


def shared_competency_file(token: str, file_id: int, day: date) -> CompetencyFile | None:
    """A competency certificate's file shown on the shared report for `token`, or None when privacy hides it."""
    view = _view_of_holder(token, select(CompetencyCertificate.user_id).join(
        CompetencyFile, CompetencyFile.certificate_id == CompetencyCertificate.id).where(CompetencyFile.id == file_id), day)
    return None if view is None else find_competency_file((line for _, line in view.competencies), file_id)
