"""What a person's phone keeps for use without signal: their own pages and the files of their records.

Only the signed-in person's pages are listed, so a shared phone never keeps anyone else's.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import url_for
from sqlalchemy.orm import selectinload

from webapp.models import Submission, User
from webapp.permissions import Permission
from webapp.services.privacy import sight_of
from webapp.services.submissions import load_records_on_file


@dataclass(frozen=True)
class OfflineEntry:
    url: str
    title: str


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


def list_offline_pages(user: User) -> OfflineList:
    """My Certifications and the pages it links to, the QR code and report, and the files on file."""
    pages = [OfflineEntry(url_for("home.index"), "Home")]
    if user.can(Permission.VIEW_OWN_CERTIFICATIONS):
        pages.append(OfflineEntry(url_for("my_account.certifications"), "My Certifications"))
    if user.can(Permission.SUBMIT_OWN_CERTIFICATIONS):
        pages.append(OfflineEntry(url_for("my_account.submit"), "Submit Certification"))
    pages.append(OfflineEntry(url_for("qr.show", user_id=user.id), "My QR Code"))
    pages.append(OfflineEntry(url_for("public.qr_report", token=user.qr_token), "Roles and Certifications Report"))
    files: list[OfflineEntry] = []
    if not user.can(Permission.VIEW_OWN_CERTIFICATIONS):
        return OfflineList(user.id, pages, files)
    records = load_records_on_file(user, selectinload(Submission.attachments), selectinload(Submission.certification))
    sight = sight_of(user)
    seen: set[int] = set()
    for record in records:
        certification = record.certification
        if certification.id in seen or not sight.shows(certification.id):
            continue
        seen.add(certification.id)
        pages.append(
            OfflineEntry(url_for("my_account.certification", certification_id=certification.id), certification.name)
        )
    files.extend(
        OfflineEntry(url_for("files.view", attachment_id=attachment.id), attachment.name)
        for record in records
        if sight.shows_files(record.certification_id)
        for attachment in record.attachments
        if attachment.kind == "file"
    )
    return OfflineList(user.id, pages, files)
