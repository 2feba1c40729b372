"""Outgoing mail goes through the outbox (the notices table); a delivery job sends it."""
from __future__ import annotations

from datetime import date

from webapp.extensions import db
from webapp.models import Certification, Notice, StoredFile, User


def queue_email(kind: str, recipient: User | str, subject: str, body_text: str, *, body_html: str | None = None,
                user: User | None = None, certification: Certification | None = None,
                expiration_date: date | None = None, attachment_ids: list[int] | None = None,
                files: list[tuple[str, StoredFile]] | None = None) -> Notice:
    """Add a message to the outbox in the current transaction; the caller's service commits it.

    `attachment_ids` names record attachments to send along; `files` are stored files that belong to
    no record (uploaded just for this message), kept as {"stored_file_id", "name"} entries.
    """
    if files:
        attachment_ids = [*(attachment_ids or []),
                          *({"stored_file_id": stored.id, "name": name} for name, stored in files)]
    notice = Notice(
        kind=kind,
        recipient_email=recipient if isinstance(recipient, str) else recipient.email,
        recipient_user_id=None if isinstance(recipient, str) else recipient.id,
        user_id=user.id if user is not None else None,
        certification_id=certification.id if certification is not None else None,
        expiration_date=expiration_date,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachment_ids=attachment_ids,
    )
    db.session.add(notice)
    return notice
