"""Who may see which certification and which attachments: module levels, QR reports, shared reports.

Hiding a certification hides its attachments too. A viewer with several module levels
still sees a certification unless it is hidden from every one of their levels.
"""
from enum import StrEnum

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Attachment, Certification, User
from webapp.models.certifications import (
    certification_attachments_hidden_from_levels,
    certification_hidden_from_levels,
)


class Audience(StrEnum):
    QR = "qr"
    SHARED = "shared"


def certification_visible(certification: Certification, audience: Audience) -> bool:
    if audience is Audience.QR:
        return not certification.hide_from_qr_reports
    return not certification.hide_from_shared_reports


def attachments_visible(certification: Certification, audience: Audience) -> bool:
    if not certification_visible(certification, audience):
        return False
    if audience is Audience.QR:
        return not certification.hide_attachments_from_qr_reports
    return not certification.hide_attachments_from_shared_reports


def public_attachments(requirements: Iterable, audience: Audience) -> dict[int, list[Attachment]]:
    """Attachments of the requirements' current records that `audience` may see, by record id (one query)."""
    record_ids = [
        r.current_record_id
        for r in requirements
        if r.current_record_id is not None and attachments_visible(r.certification, audience)
    ]
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    if record_ids:
        for attachment in db.session.scalars(
            select(Attachment).where(Attachment.submission_id.in_(record_ids)).order_by(Attachment.id)
        ):
            attachments[attachment.submission_id].append(attachment)
    return dict(attachments)


def find_attachment(attachments: dict[int, list[Attachment]], attachment_id: int) -> Attachment | None:
    return next((a for shown in attachments.values() for a in shown if a.id == attachment_id), None)


def _hidden_from_all_levels(table, viewer: User) -> set[int]:
    level_ids = [level.id for level in viewer.module_levels]
    if not level_ids:
        return set()
    return set(
        db.session.scalars(
            select(table.c.certification_id)
            .where(table.c.module_level_id.in_(level_ids))
            .group_by(table.c.certification_id)
            .having(func.count(table.c.module_level_id) == len(level_ids))
        )
    )


def hidden_certification_ids(viewer: User) -> set[int]:
    """Certifications the viewer's module levels may not see (one query)."""
    return _hidden_from_all_levels(certification_hidden_from_levels, viewer)


def hidden_attachment_certification_ids(viewer: User) -> set[int]:
    """Certifications whose attachments the viewer may not see (two queries)."""
    return _hidden_from_all_levels(certification_attachments_hidden_from_levels, viewer) | hidden_certification_ids(
        viewer
    )
