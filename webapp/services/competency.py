"""Competency certificates: recording one for a person in a role that requires competency, and
each person's competency as a reader or a report may see it (rules decision 37)."""
from __future__ import annotations

from flask_babel import gettext
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import CertificationRole, CompetencyCertificate, RoleAssignment, User
from webapp.rules import Period, Status
from webapp.rules.competency import competency_certificate_expiration, competency_status
from webapp.rules.periods import format_date
from webapp.services.audit import record_audit, snapshot
from webapp.services.invalid import Invalid
from webapp.services.privacy import Audience, hidden_from_every_level

NOTES_MAX = 2000
AUDITED_FIELDS = ("user_id", "role_id", "completed_on", "expires_on")


class CompetencyInvalid(Invalid):
    """A competency certificate refused; nothing was stored."""


@dataclass(frozen=True)
class CompetencyLine:
    """A person's competency for one of their roles: the latest certificate (None: none yet) and its status."""

    role: CertificationRole
    certificate: CompetencyCertificate | None
    status: Status


def _period(amount: int | None, unit: str | None) -> Period | None:
    return Period(amount, unit) if amount is not None and unit is not None else None


def competency_duration(role: CertificationRole) -> Period | None:
    return _period(role.competency_duration_amount, role.competency_duration_unit) if role.competency_expires else None


def competency_lead_time(role: CertificationRole) -> Period | None:
    return _period(role.competency_lead_time_amount, role.competency_lead_time_unit) if role.competency_expires else None


def competency_role(user: User, role_id: int) -> CertificationRole | None:
    """The person's role `role_id` when it requires competency; None otherwise."""
    return db.session.scalar(
        select(CertificationRole)
        .join(RoleAssignment, RoleAssignment.role_id == CertificationRole.id)
        .where(RoleAssignment.user_id == user.id, CertificationRole.id == role_id,
               CertificationRole.require_competency.is_(True))
    )


def _shown(role: CertificationRole, viewer: User | None, audience: Audience | None) -> bool:
    if audience is Audience.QR and role.hide_competency_from_qr_reports:
        return False
    if audience is Audience.SHARED and role.hide_competency_from_shared_reports:
        return False
    if viewer is None:
        return True
    return not hidden_from_every_level({level.id for level in role.competency_hidden_from_levels},
                                       {level.id for level in viewer.module_levels})


def competencies_of(user: User, day: date, *, viewer: User | None = None,
                    audience: Audience | None = None) -> list[CompetencyLine]:
    """`user`'s competency for each of their roles that requires it, by the latest certificate, as
    `viewer`'s module levels (or the report `audience`) may see it; in three queries."""
    roles = [role for role in db.session.scalars(
        select(CertificationRole)
        .join(RoleAssignment, RoleAssignment.role_id == CertificationRole.id)
        .where(RoleAssignment.user_id == user.id, CertificationRole.require_competency.is_(True))
        .options(selectinload(CertificationRole.competency_hidden_from_levels))
        .order_by(CertificationRole.name)
    ) if _shown(role, viewer, audience)]
    latest: dict[int, CompetencyCertificate] = {}
    for certificate in db.session.scalars(
        select(CompetencyCertificate)
        .where(CompetencyCertificate.user_id == user.id, CompetencyCertificate.role_id.in_([r.id for r in roles]),
               CompetencyCertificate.completed_on <= day)
        .order_by(CompetencyCertificate.completed_on.desc(), CompetencyCertificate.id.desc())
    ):
        latest.setdefault(certificate.role_id, certificate)
    lines = []
    for role in roles:
        certificate = latest.get(role.id)
        status = competency_status(day, certificate.completed_on if certificate else None,
                                   certificate.expires_on if certificate else None, competency_lead_time(role))
        lines.append(CompetencyLine(role, certificate, status))
    return lines


def record_competency_certificate(user: User, role: CertificationRole, by: User, completed_on: date | None,
                                  notes: str | None, day: date) -> CompetencyCertificate:
    """Record that `user` was found competent for `role` on `completed_on` (expiring after the role's
    duration) and commit it, audited. Refuses, storing nothing, a role that does not require
    competency of them, a missing or future date, and notes over 2,000 characters."""
    errors = {}
    if competency_role(user, role.id) is None:
        errors["role"] = gettext("%(name)s does not require competency of %(full_name)s.", name=role.name, full_name=user.full_name)
    if completed_on is None:
        errors["completed_on"] = gettext("Enter the date competency was assessed.")
    elif completed_on > day:
        errors["completed_on"] = gettext("The completion date cannot be after today (%(day)s).", day=format_date(day))
    notes = (notes or "").strip() or None
    if notes is not None and len(notes) > NOTES_MAX:
        errors["notes"] = gettext("Notes can be at most %(max)s characters.", max=NOTES_MAX)
    if errors:
        raise CompetencyInvalid(errors)
    certificate = CompetencyCertificate(
        user=user, role=role, completed_on=completed_on,
        expires_on=competency_certificate_expiration(completed_on, competency_duration(role)),
        notes=notes, recorded_by=by,
    )
    db.session.add(certificate)
    db.session.flush()
    record_audit(by, "competency.record", certificate,
                 f"{by.full_name} recorded a competency certificate for {user.full_name} in {role.name}",
                 after=snapshot(certificate, AUDITED_FIELDS))
    db.session.commit()
    return certificate
