"""Certificates of completion: a PDF attached to the record, with a QR code to a public verification page.

A certification asks for one on approval, on activity completion, or both; a record gets one
certificate, and a new one when its dates are corrected. The verification page compares the
certificate with the record as it is now, so a certificate whose record was revoked, changed,
superseded, deleted or has expired says so.
"""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import segno
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF
from sqlalchemy import select

from webapp.extensions import db
from webapp.i18n import day
from webapp.models import Attachment, Certificate, Submission
from webapp.services.audit import record_audit
from webapp.services.compliance import current_record
from webapp.services.mail import external_url, recipient_language
from webapp.services.storage import CheckedUpload, store_file

TRIGGERS = ("approval", "activity")


def _asks_for_certificate(submission: Submission, trigger: str) -> bool:
    certification = submission.certification
    if trigger == "approval":
        return certification.generate_certificate_on_approval and submission.status == "approved"
    return certification.generate_certificate_on_activity and submission.status != "declined"


def on_record_approved(submission: Submission) -> None:
    """What follows a submission becoming a record, wherever that happens; the caller commits."""
    issue_certificate(submission, "approval")


def issue_certificate(submission: Submission, trigger: str) -> Certificate | None:
    """Generate and attach the certificate of completion when the certification asks for one on `trigger`.

    `trigger` is "approval" or "activity". Returns the record's certificate (an earlier one if it
    already has one), or None when the certification does not ask for it. Adds to the current
    transaction; the calling service commits.
    """
    if trigger not in TRIGGERS:
        raise ValueError(f"Unknown certificate trigger {trigger!r}")
    if submission.revoked_at is not None or not _asks_for_certificate(submission, trigger):
        return None
    db.session.flush()
    latest = _latest_certificate(submission)
    if latest is not None and _matches(latest, submission):
        return latest
    return _issue(submission, trigger, latest)


def on_record_dates_changed(record: Submission) -> None:
    """A corrected record that had a certificate gets a corrected one in its place; the caller commits."""
    db.session.flush()
    latest = _latest_certificate(record)
    if latest is not None and record.revoked_at is None and not _matches(latest, record):
        _issue(record, latest.trigger, latest)


def _latest_certificate(submission: Submission) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.submission_id == submission.id).order_by(Certificate.id.desc()).limit(1)
    )


def _matches(certificate: Certificate, record: Submission) -> bool:
    return (certificate.completed_on, certificate.expires_on) == (record.completed_on, record.expires_on)


def _issue(submission: Submission, trigger: str, replaces: Certificate | None) -> Certificate:
    if replaces is not None and replaces.attachment is not None:
        # The old PDF no longer matches the record; its code still verifies, as "corrected".
        db.session.delete(replaces.attachment)
        replaces.attachment_id = None
    certification, user = submission.certification, submission.user
    certificate = Certificate(
        submission_id=submission.id,
        trigger=trigger,
        holder_name=user.full_name,
        certification_name=certification.name,
        completed_on=submission.completed_on,
        expires_on=submission.expires_on,
        expiration_hidden=certification.hide_expiration_on_certificate,
    )
    db.session.add(certificate)
    db.session.flush()
    # In the holder's language, whoever's request approved the record (docs/rules.md decision 86).
    with force_locale(recipient_language(user)):
        base = _("Certificate of Completion - %(certification)s - %(name)s", certification=certification.name,
                 name=user.full_name).replace("/", "-").replace("\\", "-")
        pdf = certificate_pdf(certificate, submission.issuer or certification.issuer, verification_url(certificate))
    name = f"{base[:250]}.pdf"
    attachment = Attachment(
        kind="file", submission_id=submission.id, name=name, generated=True,
        stored_file=store_file(CheckedUpload(data=pdf, content_type="application/pdf", name=name)),
    )
    db.session.add(attachment)
    db.session.flush()
    certificate.attachment_id = attachment.id
    record_audit(None, "certificate.issue", certificate,
                 f"Generated the certificate of completion of {certification.name} for {user.full_name} ({trigger})")
    return certificate


def verification_url(certificate: Certificate) -> str:
    return external_url("public.verify_certificate", token=certificate.token)


# Letters and punctuation with no Latin-1 form and no decomposition to one.
_NEAREST = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe",
                          "–": "-", "—": "-", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "…": "...",
                          "€": "EUR", "•": "·"})


def _latin1(text: str) -> str:
    """The PDF core fonts cover Latin-1 only: drop accents they lack, replace what has no Latin-1 form."""
    out = []
    for char in text.translate(_NEAREST):
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)


def certificate_pdf(certificate: Certificate, issuer: str | None, url: str) -> bytes:
    """One landscape Letter page: holder, certification, dates, issuer, and the verification QR code."""
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.set_creator("FieldCert")
    pdf.set_title(_latin1(_("Certificate of Completion: %(name)s", name=certificate.certification_name)))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w - 40
    pdf.set_draw_color(40, 80, 120)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

    def line(text: str, size: int, style: str = "", height: float = 10, gap: float = 0) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(20)
        pdf.multi_cell(width, height, _latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(30)
    line(_("Certificate of Completion"), 30, "B", 14, 8)
    line(_("This certifies that"), 14, gap=2)
    line(certificate.holder_name, 26, "B", 12, 4)
    line(_("has completed"), 14, gap=2)
    line(certificate.certification_name, 20, "B", 10, 8)
    line(_("Completed on %(day)s", day=day(certificate.completed_on)), 13, height=7)
    if not certificate.expiration_hidden:
        line(_("Expires on %(day)s", day=day(certificate.expires_on)) if certificate.expires_on
             else _("Does not expire"), 13, height=7)
    if issuer:
        line(_("Issued by %(issuer)s", issuer=issuer), 13, height=7)

    qr = io.BytesIO()
    segno.make(url, error="m", micro=False).save(qr, kind="png", scale=8, border=2)
    size = 38
    pdf.image(qr, x=pdf.w - 20 - size, y=pdf.h - 24 - size, w=size, h=size)
    pdf.set_font("Helvetica", "", 8)
    pdf.set_xy(20, pdf.h - 34)
    pdf.multi_cell(pdf.w - 50 - size, 4, _latin1(_("Scan the code or open this address to check that this certificate is "
                                                    "genuine and still valid:\n%(url)s", url=url)),
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


class Validity(StrEnum):
    VALID = "valid"
    PENDING = "pending"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    CHANGED = "changed"
    REVOKED = "revoked"
    DELETED = "deleted"


@dataclass
class Verification:
    certificate: Certificate
    validity: Validity
    newer_completed_on: date | None = None

    @property
    def valid(self) -> bool:
        return self.validity is Validity.VALID


def verify_certificate(token: str, day: date) -> Verification | None:
    """What the certificate for `token` is worth on `day`, or None when no certificate has that token."""
    certificate = db.session.scalar(select(Certificate).where(Certificate.token == token))
    if certificate is None:
        return None
    record = db.session.get(Submission, certificate.submission_id) if certificate.submission_id else None
    if record is None or record.status == "declined":
        return Verification(certificate, Validity.DELETED)
    if record.revoked_at is not None:
        return Verification(certificate, Validity.REVOKED)
    if not _matches(certificate, record):
        return Verification(certificate, Validity.CHANGED)
    if record.status == "pending":
        return Verification(certificate, Validity.PENDING)
    current = current_record(record.user, record.certification)
    if current is not None and current.id != record.id:
        return Verification(certificate, Validity.SUPERSEDED, current.completed_on)
    # The rules count the expiration day itself as expired.
    if record.expires_on is not None and record.expires_on <= day:
        return Verification(certificate, Validity.EXPIRED)
    return Verification(certificate, Validity.VALID)
