"""The QR report: a user's public Roles and Certifications Report behind an unguessable token."""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date

import segno
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Attachment, CertificationRole, RoleAssignment, User, new_token
from webapp.services.audit import record_audit
from webapp.services.compliance import Requirement, load_requirements
from webapp.services.mail import external_url
from webapp.services.privacy import Audience, certification_visible, find_attachment, public_attachments


@dataclass
class RoleLine:
    name: str
    description: str | None
    training_until: date | None


@dataclass
class QRReport:
    user: User
    roles: list[RoleLine]
    requirements: list[Requirement]
    attachments: dict[int, list[Attachment]]  # by record id, only those privacy allows


# The audit entry of a QR reset, which also revokes the credentials issued before it.
QR_RESET_ACTION = "qr_code_reset"


def qr_report_url(user: User) -> str:
    return external_url("public.qr_report", token=user.qr_token)


def _qr(url: str):
    # Error correction "M" survives a scuffed wallet card and stays small enough for a phone camera.
    return segno.make(url, error="m", micro=False)


def qr_svg_data_uri(url: str) -> str:
    """The QR code as an SVG data URI for an <img>, so no inline style reaches the page."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title="QR code")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def qr_png(url: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def reset_qr_token(actor: User, user: User) -> None:
    """Issue a new token: every earlier code stops working."""
    user.qr_token = new_token()
    record_audit(actor, QR_RESET_ACTION, user, f"Reset the QR code of {user.full_name}")
    db.session.commit()


def load_qr_report(token: str, day: date) -> QRReport | None:
    """The report for `token`, with only what QR-report privacy allows, in a fixed number of queries."""
    user = db.session.scalar(
        select(User).options(joinedload(User.company)).where(User.qr_token == token, User.active.is_(True))
    )
    if user is None:
        return None
    roles = [
        RoleLine(role.name, role.description, training_until)
        for role, training_until in db.session.execute(
            select(CertificationRole, RoleAssignment.training_until)
            .join(RoleAssignment, RoleAssignment.role_id == CertificationRole.id)
            .where(RoleAssignment.user_id == user.id)
            .order_by(CertificationRole.name)
        )
    ]
    requirements = [
        r for r in load_requirements([user.id], day)[user.id] if certification_visible(r.certification, Audience.QR)
    ]
    return QRReport(user, roles, requirements, public_attachments(requirements, Audience.QR))


def qr_attachment(token: str, attachment_id: int, day: date) -> Attachment | None:
    """An attachment shown on the QR report for `token`, or None when privacy hides it."""
    report = load_qr_report(token, day)
    return None if report is None else find_attachment(report.attachments, attachment_id)
