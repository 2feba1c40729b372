"""Attachment files: inline on a phone for images and PDFs, a download otherwise, only for those allowed."""
import re

from flask import Blueprint, abort, send_file
from flask_login import current_user
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Attachment, Certification, Submission, User
from webapp.security import login_required
from webapp.services.access import may_act_on
from webapp.services.storage import INLINE_TYPES, file_path
from webapp.services.submissions import attachments_visible_to, certification_visible_to

bp = Blueprint("files", __name__, url_prefix="/files")

# Characters that could end or split a header value, or name a folder, in a download name.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def safe_download_name(name: str) -> str:
    cleaned = _UNSAFE_NAME.sub("_", name).strip(" ._")
    return cleaned[:150] or "attachment"


def may_view(viewer: User, attachment: Attachment) -> bool:
    """The owner always; others only if they may view the owner and privacy does not hide the files."""
    if attachment.certification_id is not None:
        return certification_visible_to(viewer, db.session.get(Certification, attachment.certification_id))
    if attachment.inbox_owner_id is not None:
        return attachment.inbox_owner_id == viewer.id
    submission = attachment.submission
    if submission.user_id == viewer.id:
        return True
    return may_act_on(viewer, submission.user, "view") and attachments_visible_to(viewer, submission.certification)


@bp.route("/<int:attachment_id>")
@login_required
def view(attachment_id: int):
    attachment = db.session.get(
        Attachment,
        attachment_id,
        options=[
            selectinload(Attachment.stored_file),
            selectinload(Attachment.submission).selectinload(Submission.user),
            selectinload(Attachment.submission)
            .selectinload(Submission.certification)
            .selectinload(Certification.attachments_hidden_from_levels),
        ],
    )
    # Not found and not allowed look the same: an id in the URL reveals nothing.
    if attachment is None or attachment.kind != "file" or not may_view(current_user, attachment):
        abort(404)
    stored = attachment.stored_file
    path = file_path(stored)
    if not path.exists():
        abort(404)
    response = send_file(
        path,
        mimetype=stored.content_type,
        as_attachment=stored.content_type not in INLINE_TYPES,
        download_name=safe_download_name(attachment.name),
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
