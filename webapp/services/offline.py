"""What a person's phone keeps for use without signal: their own pages and the files they show.

Only the signed-in person's pages are listed, so a shared phone never keeps anyone else's. The list
is closed under links: every page or file a listed page links to on this site is listed too (what
needs signal, such as a form's answer, is a POST and is not a link).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Attachment, Certification, Submission, User
from webapp.permissions import Permission
from webapp.services.compliance import Requirement, load_user_requirements
from webapp.services.notices import list_user_notices
from webapp.services.privacy import Audience, certification_visible, public_attachments
from webapp.services.submissions import certification_visible_to, load_records_on_file

# Sent by the service worker when it saves a page: a GET that records a visit (a notice read) must not.
SAVING_FOR_OFFLINE = "X-Saved-For-Offline"


@dataclass(frozen=True)
class OfflineEntry:
    url: str
    title: str
    # Shown on the offline page's list of what is saved; another address of a listed page is not.
    listed: bool = True


@dataclass(frozen=True)
class OfflineList:
    user_id: int
    pages: list[OfflineEntry]
    files: list[OfflineEntry]

    def as_json(self) -> dict:
        return {
            "user": self.user_id,
            "pages": [asdict(entry) for entry in self.pages],
            "files": [asdict(entry) for entry in self.files],
        }


def _file_entries(attachments: list[Attachment]) -> list[OfflineEntry]:
    return [OfflineEntry(url_for("files.view", attachment_id=a.id), a.name) for a in attachments if a.kind == "file"]


def _listed_certifications(user: User, requirements: list[Requirement]) -> list[Certification]:
    """The certifications My Certifications links to (its requirements and records on file) that the person may see."""
    ids = {r.certification.id for r in requirements}
    ids |= {record.certification_id for record in load_records_on_file(user)}
    certifications = db.session.scalars(
        select(Certification)
        .where(Certification.id.in_(ids))
        .options(selectinload(Certification.hidden_from_levels), selectinload(Certification.supporting_attachments))
        .order_by(Certification.name)
    ).all()
    return [c for c in certifications if certification_visible_to(user, c)]


def list_offline_pages(user: User, day: date) -> OfflineList:
    """Home, My Certifications and every certification page it links to with their Submit pages, the QR
    code (also at the menu's address), report and calendar feed page, the notices, and the files all of
    these show."""
    may_submit = user.can(Permission.SUBMIT_OWN_CERTIFICATIONS)
    pages = [OfflineEntry(url_for("home.index"), "Home")]
    if user.can(Permission.VIEW_OWN_CERTIFICATIONS):
        pages.append(OfflineEntry(url_for("my_account.certifications"), "My Certifications"))
    if may_submit:
        pages.append(OfflineEntry(url_for("my_account.submit"), "Submit Certification"))
    pages += [
        OfflineEntry(url_for("qr.mine"), "My QR Code"),
        OfflineEntry(url_for("qr.show", user_id=user.id), "My QR Code", listed=False),
        OfflineEntry(url_for("public.qr_report", token=user.qr_token), "Roles and Certifications Report"),
        OfflineEntry(url_for("reports.calendar"), "Calendar feed"),
        OfflineEntry(url_for("notices.index"), "Notices"),
    ]
    pages += [OfflineEntry(url_for("notices.show", notice_id=n.id), n.subject) for n in list_user_notices(user)]
    files = [OfflineEntry(url_for("qr.png", user_id=user.id), "My QR Code (PNG)", listed=False)]
    requirements = load_user_requirements(user, day)
    # The report's files; a link there leads to another site, which needs signal anyway.
    shown_on_report = public_attachments(
        [r for r in requirements if certification_visible(r.certification, Audience.QR)], Audience.QR)
    files += [
        OfflineEntry(url_for("public.qr_report_attachment", token=user.qr_token, attachment_id=a.id), a.name)
        for shown in shown_on_report.values() for a in shown if a.kind == "file"
    ]
    if not user.can(Permission.VIEW_OWN_CERTIFICATIONS):
        return OfflineList(user.id, pages, files)
    certifications = _listed_certifications(user, requirements)
    for certification in certifications:
        pages.append(OfflineEntry(url_for("my_account.certification", certification_id=certification.id),
                                  certification.name))
        if may_submit:
            pages.append(OfflineEntry(url_for("my_account.submit", certification=certification.id),
                                      f"Submit {certification.name}", listed=False))
        files += _file_entries(certification.supporting_attachments)
    # A certification page's history shows the files of every submission, not only of records on file.
    history = db.session.scalars(
        select(Submission)
        .where(Submission.user_id == user.id, Submission.certification_id.in_([c.id for c in certifications]))
        .options(selectinload(Submission.attachments))
        .order_by(Submission.completed_on.desc(), Submission.id.desc())
    ).all()
    for submission in history:
        files += _file_entries(submission.attachments)
    return OfflineList(user.id, pages, files)
