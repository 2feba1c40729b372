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
from webapp.models import ActivityDocument, Attachment, Certification, Course, Submission, User
from webapp.permissions import Permission
from webapp.services.compliance import Requirement, load_user_requirements
from webapp.services.notices import list_user_notices
from webapp.services.privacy import Audience, Sight, certification_visible, public_attachments, sight_of
from webapp.services.submissions import load_records_on_file


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


def _listed_certifications(user: User, requirements: list[Requirement], sight: Sight) -> list[Certification]:
    """The certifications My Certifications links to (its requirements and records on file) that the person may see."""
    ids = {r.certification.id for r in requirements}
    ids |= {record.certification_id for record in load_records_on_file(user)}
    certifications = db.session.scalars(
        select(Certification)
        .where(Certification.id.in_(ids))
        .options(selectinload(Certification.supporting_attachments), selectinload(Certification.form_links))
        .order_by(Certification.name)
    ).all()
    return [c for c in certifications if sight.shows(c.id)]


def _activity_entries(certifications: list[Certification]) -> tuple[list[OfflineEntry], list[OfflineEntry]]:
    """Each certification's activity page and what it links to: the document, the form's page, every
    course step (its first under the address without a step too) and the course's pictures and videos."""
    with_activity = [c for c in certifications if c.activity_type != "none"]
    pages: list[OfflineEntry] = []
    files: list[OfflineEntry] = []
    if not with_activity:
        return pages, files
    documents = {
        document.certification_id: document
        for document in db.session.scalars(select(ActivityDocument).where(
            ActivityDocument.certification_id.in_([c.id for c in with_activity]), ActivityDocument.current.is_(True)))
    }
    courses = {
        course.id: course
        for course in db.session.scalars(
            select(Course).where(Course.id.in_([c.course_id for c in with_activity if c.course_id]))
            .options(selectinload(Course.pages), selectinload(Course.questions)))
    }
    for certification in with_activity:
        pages.append(OfflineEntry(url_for("activities.show", certification_id=certification.id),
                                  f"{certification.name}: activity"))
        document = documents.get(certification.id)
        course = courses.get(certification.course_id)
        if certification.activity_type == "document" and document is not None:
            files.append(OfflineEntry(url_for("activities.document_file", certification_id=certification.id,
                                              document_id=document.id), document.file_name))
        elif certification.activity_type == "form":
            pages += [OfflineEntry(url_for("activities.fill_form", certification_id=certification.id, form_id=link.form_id),
                                   f"{certification.name}: form {link.position}", listed=False)
                      for link in certification.form_links]
        elif certification.activity_type == "course" and course is not None and course.pages:
            steps = len(course.pages) + (1 if course.questions else 0)
            pages.append(OfflineEntry(url_for("activities.course", certification_id=certification.id), course.name))
            pages += [
                OfflineEntry(url_for("activities.course", certification_id=certification.id, page=number),
                             f"{course.name}, step {number}", listed=False)
                for number in range(1, steps + 1)
            ]
            files += [
                OfflineEntry(url_for("activities.course_media", certification_id=certification.id, page_id=page.id),
                             page.title, listed=False)
                for page in course.pages if page.stored_file_id is not None
            ]
    return pages, files


def list_offline_pages(user: User, day: date) -> OfflineList:
    """Home, My Certifications and every certification page it links to with their Submit and activity
    pages, the QR code (also at the menu's address), report and calendar feed page, the notices, the
    account pages of the menu, and the files all of these show."""
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
        # My Account is in the menu of every saved page, and links to these; changing anything needs signal.
        OfflineEntry(url_for("my_account.profile"), "My Account"),
        OfflineEntry(url_for("auth.password"), "Change password"),
        OfflineEntry(url_for("auth.sessions"), "Sessions"),
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
    sight = sight_of(user)
    certifications = _listed_certifications(user, requirements, sight)
    for certification in certifications:
        pages.append(OfflineEntry(url_for("my_account.certification", certification_id=certification.id),
                                  certification.name))
        if may_submit:
            pages.append(OfflineEntry(url_for("my_account.submit", certification=certification.id),
                                      f"Submit {certification.name}", listed=False))
        files += _file_entries(certification.supporting_attachments)
    activity_pages, activity_files = _activity_entries(certifications)
    pages += activity_pages
    files += activity_files
    # A certification page's history shows the files of every submission, not only of records on file.
    history = db.session.scalars(
        select(Submission)
        .where(Submission.user_id == user.id,
               Submission.certification_id.in_([c.id for c in certifications if sight.shows_files(c.id)]))
        .options(selectinload(Submission.attachments))
        .order_by(Submission.completed_on.desc(), Submission.id.desc())
    ).all()
    for submission in history:
        files += _file_entries(submission.attachments)
    return OfflineList(user.id, pages, files)
