"""The outbox: every e-mail is a row in the notices table first; a delivery job sends it.

Delivery claims rows (FOR UPDATE SKIP LOCKED on PostgreSQL, then a conditional UPDATE
that also works on SQLite) with a lease, so two senders never send the same row and a
sender that dies mid-batch only delays its rows until the lease ends. A failed attempt
is retried with exponential backoff; a permanent refusal (5xx) or too many attempts
marks the row failed for an administrator to see and retry. A row that cannot even be made
into a message (a header with a line break, a file gone from storage) fails at once, and the
rows after it are sent as usual.
"""
from __future__ import annotations

import hashlib
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from datetime import date, datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import select, update

from webapp.extensions import db
from webapp.i18n import organisation_default
from webapp.models import Attachment, Certification, Notice, StoredFile, User, utcnow
from webapp.rules.languages import choose_language
from webapp.services.jobs import try_job_lock
from webapp.services.reset_tokens import make_invitation_token, make_reset_token
from webapp.services.storage import read_content

# While a sender holds a row it is "sending" until this lease ends; then any sender may retry it.
CLAIM_LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
# Stands in a stored mail for the secret link it carries (a password reset link): the sender makes
# the link only while it builds the message, so neither the outbox nor the Sent mail page holds it.
SECRET_LINK = "[link removed]"
# A shared report's public link opens the report to whoever holds it: meant for the recipients,
# so it is sent, but the outbox forgets it once sent and the Sent mail page never shows it.
SHARED_REPORT_LINK = re.compile(r"https?://[^\s\"'<>]+/s/[A-Za-z0-9_\-]+")
# What building a message raises when a row can never become one, however often it is retried.
UNBUILDABLE = (ValueError, MessageError, OSError)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


class Addressee(Protocol):
    """A User, or a row standing for one in a bulk job: what a message's language is chosen from."""

    language: str


def render_mail(template: str, subject: Callable[[], str] | str, *, to: Addressee | None, **context) -> RenderedMail:
    """templates/mail/<template>.txt and .html with the same context, in the language of the recipient `to`
    (their own choice, else the organisation's default; None: someone without an account), never the
    request's (docs/rules.md decision 86). `subject` is a lazy text, or a function writing it, so that it
    too is written in that language."""
    language = recipient_language(to)
    with force_locale(language):
        subject = subject() if callable(subject) else str(subject)
        context = {"subject": subject, "language": language, **_gettext_callables(), **context}
        return RenderedMail(subject, _render(f"mail/{template}.txt", context),
                            _render(f"mail/{template}.html", context))


def recipient_language(user: Addressee | None) -> str:
    """The language a message to `user` is written in."""
    return choose_language(user.language if user is not None else None, organisation_default(), ())


def _gettext_callables() -> dict:
    globals_ = current_app.jinja_env.globals
    return {name: globals_[name] for name in ("_", "gettext", "ngettext")}


def _render(name: str, context: dict) -> str:
    # Mails use only what they are given: no context processors and no template globals (a shared
    # context, so the translation functions are handed in), which spares the daily scan copying them
    # for each of its tens of thousands of mails.
    template = current_app.jinja_env.get_template(name)
    return template.environment.concat(template.root_render_func(template.new_context(context, shared=True)))


def external_url(endpoint: str, **values) -> str:
    """An absolute link to give out (mail, QR code, shared report), always on BASE_URL.

    Never from the request: its Host header is the sender's choice, so a reset requested with
    `Host: attacker.example` would otherwise mail a link to the attacker's site.
    """
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def queue_email(kind: str, recipient: User | str, mail: RenderedMail, *, user: User | None = None,
                certification: Certification | None = None, expiration_date: date | None = None,
                attachment_ids: list[int] | None = None, files: list[tuple[str, StoredFile]] | None = None) -> Notice:
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
        subject=mail.subject,
        body_text=mail.text,
        body_html=mail.html,
        attachment_ids=attachment_ids,
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(notice)
    return notice


def message_id_for(notice: Notice) -> str:
    """The same Message-ID on every attempt, so a receiver can drop a repeat delivery.

    Keyed notices (requirement stages, competency, digests) hash their unique key; others
    their row.
    """
    if notice.expiration_date is not None:
        key = f"{notice.kind}|{notice.user_id}|{notice.certification_id}|{notice.expiration_date}|{notice.recipient_email}"
    else:
        key = f"{notice.kind}|{notice.id}|{notice.created_at.isoformat()}"
    domain = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "fieldcert.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: the base delay, doubled per failed attempt, at most 6 hours."""
    base = timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"])
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


@dataclass(frozen=True)
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def claim_notices(now: datetime, limit: int) -> list[Notice]:
    """Take up to `limit` due rows for this sender and commit the claim; [] when another sender holds the job."""
    if not try_job_lock("claim_notices"):
        db.session.rollback()
        return []
    ids = list(db.session.scalars(
        select(Notice.id)
        .where(Notice.status.in_(("queued", "sending")), Notice.next_attempt_at <= now)
        .order_by(Notice.next_attempt_at, Notice.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ))
    # The conditions again: on SQLite (no row locks) another sender may have claimed some meanwhile.
    claimed = list(db.session.scalars(
        update(Notice)
        .where(Notice.id.in_(ids), Notice.status.in_(("queued", "sending")), Notice.next_attempt_at <= now)
        .values(status="sending", attempts=Notice.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .returning(Notice.id)
        .execution_options(synchronize_session=False)
    )) if ids else []
    notices = list(db.session.scalars(
        select(Notice).where(Notice.id.in_(claimed)).order_by(Notice.id).execution_options(populate_existing=True)
    )) if claimed else []
    for notice in notices:
        notice.message_id = notice.message_id or message_id_for(notice)
    db.session.commit()
    return notices


# The mails that carry a secret link: the page it opens and how its token is made.
SECRET_LINK_KINDS = {
    "password_reset": ("auth.reset_password", make_reset_token),
    "invitation": ("auth.accept_invitation", make_invitation_token),
}


def _secret_link(notice: Notice) -> str:
    user = db.session.get(User, notice.user_id) if notice.user_id is not None else None
    if user is None:
        raise ValueError("the account this link is for no longer exists")
    endpoint, make_token = SECRET_LINK_KINDS[notice.kind]
    return external_url(endpoint, token=make_token(user))


def _bodies(notice: Notice) -> tuple[str, str | None]:
    """The text and HTML to send, with the secret link put in where the stored mail has SECRET_LINK."""
    if notice.kind not in SECRET_LINK_KINDS:
        return notice.body_text, notice.body_html
    link = _secret_link(notice)
    return (notice.body_text.replace(SECRET_LINK, link),
            notice.body_html.replace(SECRET_LINK, link) if notice.body_html else notice.body_html)


def hide_secret_links(body: str | None) -> str | None:
    """`body` with every shared report link replaced by SECRET_LINK."""
    return SHARED_REPORT_LINK.sub(SECRET_LINK, body) if body else body


def build_message(notice: Notice) -> EmailMessage:
    text, html = _bodies(notice)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = notice.recipient_email
    message["Subject"] = notice.subject
    message["Message-ID"] = notice.message_id
    message["Date"] = format_datetime(notice.created_at)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for name, stored in _attached_files(notice.attachment_ids or []):
        maintype, _, subtype = stored.content_type.partition("/")
        data = read_content(stored)
        if data is None:
            raise FileNotFoundError(f"Stored file {stored.sha256} is missing from the file store.")
        message.add_attachment(data, maintype=maintype,
                               subtype=subtype or "octet-stream", filename=name)
    return message


def _attached_files(entries: list) -> list[tuple[str, StoredFile]]:
    """(name, stored file) for each entry: a record attachment's id, or a {"stored_file_id", "name"} upload."""
    attachment_ids = [entry for entry in entries if isinstance(entry, int)]
    uploads = [entry for entry in entries if isinstance(entry, dict)]
    attachments = db.session.scalars(
        select(Attachment).where(Attachment.id.in_(attachment_ids), Attachment.kind == "file").order_by(Attachment.id)
    ) if attachment_ids else []
    stored = {f.id: f for f in db.session.scalars(
        select(StoredFile).where(StoredFile.id.in_([entry["stored_file_id"] for entry in uploads]))
    )} if uploads else {}
    return [(a.name, a.stored_file) for a in attachments] + [
        (entry["name"], stored[entry["stored_file_id"]]) for entry in uploads if entry["stored_file_id"] in stored
    ]


def _open_smtp() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"])
    if config["MAIL_STARTTLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _record_failure(notice: Notice, error: Exception, now: datetime) -> str:
    notice.last_error = f"{type(error).__name__}: {error}"[:2000]
    if _is_permanent(error) or notice.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        notice.status = "failed"
    else:
        notice.status = "queued"
        notice.next_attempt_at = now + backoff(notice.attempts)
    db.session.commit()
    return notice.status


def _record_unbuildable(notice: Notice, error: Exception) -> None:
    notice.last_error = f"The message could not be built: {type(error).__name__}: {error}"[:2000]
    notice.status = "failed"
    db.session.commit()


def deliver_notices(now: datetime | None = None, limit: int = 100) -> DeliveryResult | None:
    """Send what is due in the outbox; None when no mail server is configured (mail stays in the outbox)."""
    if not current_app.config["MAIL_SERVER"]:
        return None
    now = now or utcnow()
    notices = claim_notices(now, limit)
    if not notices:
        return DeliveryResult()
    counts = {"sent": 0, "queued": 0, "failed": 0}
    try:
        smtp = _open_smtp()
    except (OSError, smtplib.SMTPException) as error:
        for notice in notices:
            counts[_record_failure(notice, error, now)] += 1
        return DeliveryResult(0, counts["queued"], counts["failed"])
    try:
        for notice in notices:
            try:
                message = build_message(notice)
            except UNBUILDABLE as error:
                _record_unbuildable(notice, error)
                counts["failed"] += 1
                continue
            try:
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                counts[_record_failure(notice, error, now)] += 1
                if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                    smtp = _open_smtp()
                continue
            notice.status, notice.sent_at, notice.last_error = "sent", utcnow(), None
            notice.body_text, notice.body_html = hide_secret_links(notice.body_text), hide_secret_links(notice.body_html)
            db.session.commit()
            counts["sent"] += 1
    except (OSError, smtplib.SMTPException) as error:
        # The server went away mid-batch and would not take a new connection: the rest wait.
        for notice in notices:
            if notice.status == "sending":
                counts[_record_failure(notice, error, now)] += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return DeliveryResult(counts["sent"], counts["queued"], counts["failed"])
