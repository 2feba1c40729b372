"""Attachment files: inline on a phone for images and PDFs, a download otherwise, only for those allowed."""
from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from webapp.blueprints.common import send_stored_file
from webapp.extensions import db
from webapp.models import Attachment, Certification, Submission, User
from webapp.security import login_required
from webapp.services.access import may_act_on
from webapp.services.competency import competency_file_for
from webapp.services.privacy import attachments_visible_to, certification_visible_to

bp = Blueprint("files", __name__, url_prefix="/files")

def may_view(viewer: User, attachment: Attachment) -> bool:
    """The owner, and those who may view the owner, unless privacy hides the files from their module levels."""
    if attachment.certification_id is not None:
        return certification_visible_to(viewer, db.session.get(Certification, attachment.certification_id))
    if attachment.inbox_owner_id is not None:
        return attachment.inbox_owner_id == viewer.id
    submission = attachment.submission
    in_reach = submission.user_id == viewer.id or may_act_on(viewer, submission.user, "view")
    return in_reach and attachments_visible_to(viewer, submission.certification)


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
    return send_stored_file(attachment.stored_file, attachment.name)


@bp.route("/competency/<int:competency_file_id>")
@login_required
def competency(competency_file_id: int):
    """A competency certificate's file: its holder and those who may view them, as the role's competency
    privacy allows (decision 63)."""
    file = competency_file_for(current_user, competency_file_id)
    if file is None:
        abort(404)
    return send_stored_file(file.stored_file, file.name)
