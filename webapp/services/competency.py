"""Competency certificates: recording one for a person in a role that requires competency, and
each person's competency as a reader or a report may see it (rules decision 37)."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import CertificationRole, CompetencyCertificate, CompetencyFile, RoleAssignment, User
from webapp.rules import Period, Status
from webapp.rules.competency import competency_certificate_expiration, competency_status
from webapp.rules.periods import format_date
from webapp.services.access import may_act_on
from webapp.services.audit import record_audit, snapshot
from webapp.services.invalid import Invalid
from webapp.services.privacy import Audience, hidden_from_every_level
from webapp.services.storage import check_uploads, store_file

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


def competency_shown(role: CertificationRole, viewer: User | None, audience: Audience | None = None) -> bool:
    """Whether the role's competency (its certificates and their files) shows to `viewer`'s module levels,
    or on a report for `audience` (decisions 37 and 63)."""
    if audience is Audience.QR and role.hide_competency_from_qr_reports:
        return False
    if audience is Audience.SHARED and role.hide_competency_from_shared_reports:
        return False
    if viewer is None:
        return True
    return not hidden_from_every_level({level.id for level in role.competency_hidden_from_levels},
                                       {level.id for level in viewer.module_levels})


def load_competencies(user_ids: Iterable[int], day: date) -> dict[int, list[CompetencyLine]]:
    """Each person's competency for each of their roles that requires it, by the latest certificate
    completed by `day` (with its files), whatever privacy shows; in a fixed number of queries however many people."""
    user_ids = list(user_ids)
    held = db.session.execute(
        select(RoleAssignment.user_id, CertificationRole)
        .join(CertificationRole, RoleAssignment.role_id == CertificationRole.id)
        .where(RoleAssignment.user_id.in_(user_ids), CertificationRole.require_competency.is_(True))
        .options(selectinload(CertificationRole.competency_hidden_from_levels))
        .order_by(CertificationRole.name, CertificationRole.id)
    ).all()
    latest: dict[tuple[int, int], CompetencyCertificate] = {}
    if held:
        for certificate in db.session.scalars(
            select(CompetencyCertificate)
            .where(CompetencyCertificate.user_id.in_(user_ids),
                   CompetencyCertificate.role_id.in_({role.id for _, role in held}),
                   CompetencyCertificate.completed_on <= day)
            .options(selectinload(CompetencyCertificate.files).selectinload(CompetencyFile.stored_file))
            .order_by(CompetencyCertificate.completed_on.desc(), CompetencyCertificate.id.desc())
        ):
            latest.setdefault((certificate.user_id, certificate.role_id), certificate)
    lines: dict[int, list[CompetencyLine]] = {user_id: [] for user_id in user_ids}
    for user_id, role in held:
        certificate = latest.get((user_id, role.id))
        status = competency_status(day, certificate.completed_on if certificate else None,
                                   certificate.expires_on if certificate else None, competency_lead_time(role))
        lines[user_id].append(CompetencyLine(role, certificate, status))
    return lines


def competencies_of(user: User, day: date, *, viewer: User | None = None,
                    audience: Audience | None = None) -> list[CompetencyLine]:
    """`user`'s competency for each of their roles that requires it, by the latest certificate, as
    `viewer`'s module levels (or the report `audience`) may see it."""
    return [line for line in load_competencies([user.id], day)[user.id] if competency_shown(line.role, viewer, audience)]


def competency_file_for(viewer: User, file_id: int) -> CompetencyFile | None:
    """A competency certificate's file, when `viewer` holds it or may view its holder and the role's
    competency privacy shows it to their module levels; None otherwise (decision 63)."""
    file = db.session.get(CompetencyFile, file_id, options=[
        selectinload(CompetencyFile.stored_file),
        selectinload(CompetencyFile.certificate).selectinload(CompetencyCertificate.user),
        selectinload(CompetencyFile.certificate).selectinload(CompetencyCertificate.role)
        .selectinload(CertificationRole.competency_hidden_from_levels),
    ])
    if file is None:
        return None
    holder = file.certificate.user
    in_reach = holder.id == viewer.id or may_act_on(viewer, holder, "view")
    return file if in_reach and competency_shown(file.certificate.role, viewer) else None


def find_competency_file(lines: Iterable[CompetencyLine], file_id: int) -> CompetencyFile | None:
    """The file `file_id` among the certificates of `lines` (what a report shows), or None."""
    return next((file for line in lines if line.certificate for file in line.certificate.files if file.id == file_id),
                None)


def record_competency_certificate(user: User, role: CertificationRole, by: User, completed_on: date | None,
                                  notes: str | None, day: date,
                                  files: Iterable[FileStorage] = ()) -> CompetencyCertificate:
    """Record that `user` was found competent for `role` on `completed_on` (expiring after the role's
    duration), with the certificate's files, and commit it, audited. Refuses, storing nothing, a role that
    does not require competency of them, a missing or future date, notes over 2,000 characters and a file
    that is empty, too large or of a type records do not accept."""
    errors = {}
    checked, file_errors = check_uploads(files)
    if file_errors:
        errors["files"] = " ".join(file_errors)
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
        files=[CompetencyFile(stored_file=store_file(upload), name=upload.name) for upload in checked],
    )
    db.session.add(certificate)
    db.session.flush()
    record_audit(by, "competency.record", certificate,
                 f"{by.full_name} recorded a competency certificate for {user.full_name} in {role.name}",
                 after={**snapshot(certificate, AUDITED_FIELDS), "files": [file.name for file in certificate.files]})
    db.session.commit()
    return certificate
