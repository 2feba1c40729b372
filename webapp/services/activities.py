"""Activities: completing one creates the submission; documents and their acknowledgements;
what holds a user at login.

Every activity (acknowledgement, form entry, confirmed payment, course, external course)
ends in `complete_activity`, the one place a completion becomes a submission.
"""
from __future__ import annotations

from flask_babel import gettext
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import selectinload

from webapp.clock import local_time, today
from webapp.extensions import db
from webapp.models import (
    Acknowledgement,
    ActivityDocument,
    Attachment,
    Certification,
    CertificationRole,
    Form,
    FormEntry,
    Payment,
    StoredFile,
    Submission,
    User,
)
from webapp.models.base import utcnow
from webapp.rules import Status
from webapp.rules.activities import HOLDING_ACTIVITIES
from webapp.rules.periods import plural
from webapp.rules.required_forms import EntryFacts, FormState, form_state, ready_to_certify
from webapp.rules.languages import N_
from webapp.services.audit import record_audit, snapshot
from webapp.services.certificates import issue_certificate, on_record_approved
from webapp.services.compliance import load_user_requirements
from webapp.services.dates import typed_date_format
from webapp.services.invalid import Invalid
from webapp.services.known import check_known
from webapp.services.storage import CheckedUpload, store_file
from webapp.services.privacy import certification_visible_to
from webapp.services.submissions import AUDITED_FIELDS, preview_expiration

DOCUMENT_TYPES = ("application/pdf", "video/mp4", "video/webm")
ACTIVITY_ACTIONS = {  # message ids: `{{ activity_actions[kind]|translated }}`
    "course": N_("Take Course"),
    "external_course": N_("Take Course"),
    "document": N_("Acknowledge Document or Video"),
    "form": N_("Complete Form or Payment"),
}


def complete_activity(user: User, certification: Certification, *, summary: str,
                      attachments: Iterable[tuple[str, StoredFile]] = (), completed_on: date | None = None) -> Submission:
    """Turn a completed activity into a submission of `certification` by `user`, in the caller's transaction.

    Approved at once when the certification auto-approves activity completions (required at
    login always does) or every submission; otherwise it waits for a supervisor. The certificate
    of completion, when the certification asks for one, is issued from here.
    """
    completed_on = completed_on or today()
    preview = preview_expiration(user, certification, completed_on, today())
    approved = certification.auto_approve_on_activity or certification.required_at_login or certification.auto_approve_submissions
    submission = Submission(
        user=user, certification=certification, completed_on=completed_on, expires_on=preview.expires_on,
        expiration_explanation=preview.explanation, issuer=certification.issuer,
        status="approved" if approved else "pending", source="activity", submitted_by=user,
        decided_at=utcnow() if approved else None,
    )
    for name, stored in attachments:
        submission.attachments.append(Attachment(kind="file", stored_file=stored, name=name[:255], added_by_id=user.id))
    db.session.add(submission)
    db.session.flush()
    record_audit(user, "submission.activity", submission,
                 f"{user.full_name} completed the activity of {certification.name}: {summary}"
                 f" ({'approved' if approved else 'pending approval'})",
                 after=snapshot(submission, AUDITED_FIELDS))
    if approved:
        on_record_approved(submission)
    issue_certificate(submission, "activity")
    return submission


def swap_positions(items: list, item, step: int) -> bool:
    """Move `item` one place up (step -1) or down (+1) among `items`, ordered by position.

    Positions are unique, so the moving row parks at 0 while the other takes its place.
    """
    index = items.index(item)
    other_index = index + step
    if not 0 <= other_index < len(items):
        return False
    other = items[other_index]
    mine, theirs = item.position, other.position
    item.position = 0
    db.session.flush()
    other.position = mine
    db.session.flush()
    item.position = theirs
    return True


def activity_certification(user: User, certification_id: int) -> Certification | None:
    """The certification if it has an activity and privacy lets `user` see it."""
    certification = db.session.get(
        Certification, certification_id,
        options=[selectinload(Certification.hidden_from_levels)],
    )
    if certification is None or certification.activity_type == "none" or not certification_visible_to(user, certification):
        return None
    return certification


def entry_files(entry: FormEntry) -> list[tuple[str, StoredFile]]:
    """(name, stored file) of every file answer, to attach to the record."""
    refs = [answer for answer in entry.answers.values() if isinstance(answer, dict) and answer.get("stored_file_id")]
    stored = {f.id: f for f in db.session.scalars(
        select(StoredFile).where(StoredFile.id.in_([ref["stored_file_id"] for ref in refs]))
    )} if refs else {}
    return [(ref["name"], stored[ref["stored_file_id"]]) for ref in refs if ref["stored_file_id"] in stored]


# ---- Forms required to certify (decision 81) -------------------------------------------------


def latest_form_entries(user: User, certification: Certification) -> dict[int, FormEntry]:
    """The user's newest entry of each form for the certification (a draft, or the last one sent), by form id."""
    latest: dict[int, FormEntry] = {}
    for entry in db.session.scalars(
        select(FormEntry)
        .where(FormEntry.user_id == user.id, FormEntry.certification_id == certification.id)
        .options(selectinload(FormEntry.payments), selectinload(FormEntry.form))
        .order_by(FormEntry.saved_at.desc(), FormEntry.id.desc())
    ):
        latest.setdefault(entry.form_id, entry)
    return latest


def entry_facts(entry: FormEntry | None) -> EntryFacts | None:
    if entry is None:
        return None
    paid = entry.form.fee_amount is None or any(payment.status == "confirmed" for payment in entry.payments)
    return EntryFacts(submitted=entry.status == "submitted", in_record=entry.submission_id is not None,
                      awaiting_payment=entry.status == "submitted" and not paid)


@dataclass(frozen=True)
class FormProgress:
    """One form required to certify, the user's latest entry of it, and where they stand."""

    form: Form
    entry: FormEntry | None
    state: FormState


def form_progress(user: User, certification: Certification) -> list[FormProgress]:
    """Each form required to certify, in order, with the user's state in it."""
    latest = latest_form_entries(user, certification)
    return [FormProgress(form, latest.get(form.id), form_state(entry_facts(latest.get(form.id))))
            for form in certification.forms]


def forms_ready(user: User, certification: Certification) -> bool:
    """Every form required to certify is sent (fees confirmed) and none went into a record yet."""
    latest = latest_form_entries(user, certification)
    return ready_to_certify([form.id for form in certification.forms],
                            {form_id: entry_facts(entry) for form_id, entry in latest.items()})


def complete_required_forms(user: User, certification: Certification,
                            extra_files: list[tuple[str, StoredFile]] = ()) -> Submission | None:
    """Complete the activity with every form required to certify, in the caller's transaction, once all are
    sent (each entry then names the submission); None while one is still outstanding."""
    if not forms_ready(user, certification):
        return None
    latest = latest_form_entries(user, certification)
    entries = [latest[form.id] for form in certification.forms]
    names = ", ".join(entry.form.name for entry in entries)
    submission = complete_activity(user, certification, summary=f"submitted {plural(len(entries), 'forms')} ({names})",
                                   attachments=[*(file for entry in entries for file in entry_files(entry)), *extra_files])
    for entry in entries:
        entry.submission_id = submission.id
    return submission


# ---- Documents and videos --------------------------------------------------------------------


def current_document(certification: Certification) -> ActivityDocument | None:
    return db.session.scalar(
        select(ActivityDocument)
        .where(ActivityDocument.certification_id == certification.id, ActivityDocument.current.is_(True))
        .options(selectinload(ActivityDocument.stored_file))
    )


@dataclass(frozen=True)
class DocumentUpload:
    """A new revision as an administrator entered it."""

    title: str | None
    revision: str | None
    revision_date: date | None
    owner_user_ids: list[int]
    owner_role_ids: list[int]
    upload: CheckedUpload | None


def check_document_upload(certification: Certification | None, upload: DocumentUpload) -> dict[str, str]:
    """Every reason a revision would be refused, by field."""
    errors: dict[str, str] = {}
    if upload.upload is None:
        errors["document_file"] = gettext("Choose the PDF document or the video (MP4 or WebM) to upload.")
    elif upload.upload.content_type not in DOCUMENT_TYPES:
        errors["document_file"] = gettext("%(name)s is not a PDF or a video (MP4 or WebM).", name=upload.upload.name)
    if not (upload.title or "").strip():
        errors["document_title"] = gettext("Enter the title of the document or video.")
    revision = (upload.revision or "").strip()
    if not revision:
        errors["document_revision"] = gettext("Enter the revision (for example 3 or 2026-A).")
    elif certification is not None and certification.id is not None and db.session.scalar(
        select(ActivityDocument.id).where(ActivityDocument.certification_id == certification.id,
                                          ActivityDocument.revision == revision)
    ):
        errors["document_revision"] = gettext("Revision %(revision)s was uploaded already; give the new file a new revision.", revision=revision)
    if upload.revision_date is None:
        errors["document_revision_date"] = gettext("Enter the revision date as %(format)s.", format=typed_date_format())
    check_known(errors, "document_owner_user_ids", User, upload.owner_user_ids, "user")
    check_known(errors, "document_owner_role_ids", CertificationRole, upload.owner_role_ids, "role")
    return errors


def _owner_names(upload: DocumentUpload) -> str | None:
    users = db.session.scalars(select(User).where(User.id.in_(upload.owner_user_ids)).order_by(User.last_name)).all()
    roles = db.session.scalars(
        select(CertificationRole).where(CertificationRole.id.in_(upload.owner_role_ids)).order_by(CertificationRole.name)
    ).all()
    names = [user.full_name for user in users] + [f"{role.name} (role)" for role in roles]
    return "; ".join(names) or None


def add_document_revision(actor: User, certification: Certification, upload: DocumentUpload) -> ActivityDocument:
    """Make `upload` the current revision, in the caller's transaction: everyone must acknowledge it again."""
    errors = check_document_upload(certification, upload)
    if errors:
        raise Invalid(errors)
    previous = current_document(certification)
    if previous is not None:
        previous.current = False
        db.session.flush()
    document = ActivityDocument(
        certification_id=certification.id, title=upload.title.strip()[:200], revision=upload.revision.strip()[:40],
        revision_date=upload.revision_date, stored_file=store_file(upload.upload), file_name=upload.upload.name,
        owners=_owner_names(upload), current=True,
    )
    db.session.add(document)
    db.session.flush()
    record_audit(actor, "document.revision", document,
                 f"Uploaded revision {document.revision} of {document.title} for {certification.name}",
                 before={"revision": previous.revision} if previous else None,
                 after={"revision": document.revision, "title": document.title, "owners": document.owners})
    return document


def upload_document_revision(actor: User, certification: Certification, upload: DocumentUpload) -> ActivityDocument:
    document = add_document_revision(actor, certification, upload)
    db.session.commit()
    return document


def list_documents() -> list[tuple[Certification, list[ActivityDocument]]]:
    """Every certification with an uploaded document or video, with its revisions newest first."""
    documents = db.session.scalars(
        select(ActivityDocument).order_by(ActivityDocument.certification_id, ActivityDocument.uploaded_at.desc(),
                                          ActivityDocument.id.desc())
    ).all()
    certifications = {c.id: c for c in db.session.scalars(
        select(Certification).where(Certification.id.in_({d.certification_id for d in documents}))
    )}
    grouped: dict[int, list[ActivityDocument]] = {}
    for document in documents:
        grouped.setdefault(document.certification_id, []).append(document)
    return sorted(((certifications[cid], revisions) for cid, revisions in grouped.items()),
                  key=lambda pair: pair[0].name.lower())


def has_acknowledged(user: User, document: ActivityDocument) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Acknowledgement.user_id == user.id, Acknowledgement.document_id == document.id
    ))))


def acknowledge_document(user: User, certification: Certification, document_id: int | None, understood: bool) -> Submission:
    """Record that `user` read and understood the current revision, and complete the activity."""
    document = current_document(certification)
    if document is None:
        raise Invalid({"document": gettext("This certification has no document or video to acknowledge yet.")})
    if document_id != document.id:
        chosen = db.session.get(ActivityDocument, document_id or 0)
        if chosen is None or chosen.certification_id != certification.id:
            raise Invalid({"document": gettext("Choose the document shown on this page.")})
        raise Invalid({"document": gettext("Revision %(revision)s is no longer current: revision %(revision2)s replaced it. Open revision %(revision2)s and acknowledge it.", revision=chosen.revision, revision2=document.revision)})
    if not understood:
        raise Invalid({"understood": gettext("Tick “I have read and understood revision %(revision)s” to acknowledge it.", revision=document.revision)})
    if has_acknowledged(user, document):
        raise Invalid({"document": gettext("You acknowledged revision %(revision)s already.", revision=document.revision)})
    submission = complete_activity(user, certification, summary=f"acknowledged {document.title} revision {document.revision}")
    db.session.add(Acknowledgement(user_id=user.id, document_id=document.id, submission_id=submission.id))
    db.session.commit()
    return submission


# ---- Required at login -----------------------------------------------------------------------


def held_certifications(user: User) -> list[Certification]:
    """Required-at-login certifications `user` must complete before doing anything else.

    A document holds until the current revision is acknowledged, whatever the record says (a new
    revision is due again for everyone); a form holds while the requirement is outstanding and no
    entry waits for its payment to be confirmed.
    """
    candidates = db.session.scalars(
        select(Certification).where(Certification.required_at_login.is_(True),
                                    Certification.activity_type.in_(HOLDING_ACTIVITIES))
    ).all()
    if not candidates:
        return []
    ids = {c.id for c in candidates}
    held = []
    for requirement in load_user_requirements(user, today()):
        certification, status = requirement.certification, requirement.status.status
        # Only what the user can open and complete may hold them, or they could never get past it.
        if certification.id not in ids or status == Status.NOT_APPLICABLE or not certification_visible_to(user, certification):
            continue
        if certification.activity_type == "document":
            document = current_document(certification)
            if document is not None and not has_acknowledged(user, document):
                held.append(certification)
        elif certification.form_links and status.is_outstanding and not awaiting_payment(user, certification):
            held.append(certification)
    return sorted(held, key=lambda c: c.name.lower())


def _awaiting_payment(user_id):
    """The user's submitted form entries whose payment an administrator has still to confirm (`user_id`: a
    value or a parameter)."""
    return (
        FormEntry.user_id == user_id, FormEntry.status == "submitted", FormEntry.submission_id.is_(None),
        Payment.form_entry_id == FormEntry.id, Payment.status == "recorded",
    )


# My Certifications reads it on every view: built once, as building a statement costs more than running it.
_CERTIFICATIONS_AWAITING_PAYMENT = (
    select(FormEntry.certification_id).where(*_awaiting_payment(bindparam("user_id"))).distinct()
)


def awaiting_payment(user: User, certification: Certification) -> bool:
    """A submitted form entry whose payment an administrator has still to confirm."""
    return bool(db.session.scalar(select(exists().where(
        FormEntry.certification_id == certification.id, *_awaiting_payment(user.id)))))


def certifications_awaiting_payment(user: User) -> set[int]:
    """The certifications whose form `user` sent and whose payment awaits confirmation (one query)."""
    return set(db.session.scalars(_CERTIFICATIONS_AWAITING_PAYMENT, {"user_id": user.id}))


@dataclass(frozen=True)
class ActivityEvidence:
    """What the activity behind a submission recorded, for supervisors reading the record."""

    summary: str
    answers: list[tuple[str, str]]


def activity_evidence(submission_ids: Iterable[int]) -> dict[int, ActivityEvidence]:
    """The acknowledgement or form entry (with its payment) behind each submission, in three queries."""
    ids = list(submission_ids)
    if not ids:
        return {}
    found: dict[int, ActivityEvidence] = {}
    for ack in db.session.scalars(select(Acknowledgement).where(Acknowledgement.submission_id.in_(ids))
                                  .options(selectinload(Acknowledgement.document))):
        found[ack.submission_id] = ActivityEvidence(
            f"Acknowledged {ack.document.title}, revision {ack.document.revision}, on"
            f" {local_time(ack.acknowledged_at):%m/%d/%Y %H:%M %Z}.", [])
    entries = db.session.scalars(select(FormEntry).where(FormEntry.submission_id.in_(ids)).options(
        selectinload(FormEntry.form).selectinload(Form.fields), selectinload(FormEntry.payments),
    ).order_by(FormEntry.submitted_at, FormEntry.id))
    for entry in entries:
        summary = f"Form {entry.form.name} submitted {local_time(entry.submitted_at):%m/%d/%Y %H:%M %Z}."
        for payment in entry.payments:
            if payment.status == "confirmed":
                summary += (f" Paid {payment.amount} {payment.currency} on {payment.paid_on:%m/%d/%Y},"
                            f" receipt {payment.receipt_number}.")
        # Several forms required to certify make one record (decision 81): their evidence reads one after another.
        earlier = found.get(entry.submission_id, ActivityEvidence("", []))
        found[entry.submission_id] = ActivityEvidence(f"{earlier.summary} {summary}".strip(),
                                                      [*earlier.answers, *form_answers(entry)])
    return found


def form_answers(entry: FormEntry) -> list[tuple[str, str]]:
    """(label, answer as shown) for each field of the form, in order."""
    shown = []
    for field in entry.form.fields:
        answer = entry.answers.get(str(field.id))
        if field.kind == "checkbox":
            text = "Yes" if answer else "No"
        elif isinstance(answer, dict):
            text = f"{answer.get('name', 'file')} (attached)"
        else:
            text = "—" if answer in (None, "") else str(answer)
        shown.append((field.label, text))
    return shown
