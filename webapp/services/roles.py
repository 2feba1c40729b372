"""Certification roles: define, require certifications, assign users, candidates, delete.

A role's required certifications are kept per company (RoleRequirement); on the Roles
page they are edited for every company the role applies to at once. A role that applies
to no company yet is applied to every company when its certifications are first set,
so that defining it has an effect (companies can then remove it).
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from webapp.clock import today
from webapp.extensions import db
from webapp.models import (
    Certification,
    CertificationRole,
    Company,
    CompanyRole,
    ModuleLevel,
    RoleAssignment,
    RoleRequirement,
    User,
)
from webapp.rules import Period, candidate_users
from webapp.rules.policy import REFERENCE_EXPIRATION
from webapp.services.access import change_within_reach, ids_managed_by
from webapp.services.activity_notices import queue_activity_notices
from webapp.services.archive import check_typed_name
from webapp.services.audit import record_audit, snapshot
from webapp.services.compliance import load_requirements
from webapp.services.invalid import Invalid
from webapp.services.known import check_employee_certifications, check_known, employee_certifications
from webapp.services.names import name_taken, name_too_long, saving_unique_name
from webapp.services.storage import store_file
from webapp.services.tags import tags_named

INFO_COLUMNS = (
    "name", "description", "role_requirements", "require_competency", "competency_expires",
    "competency_duration_amount", "competency_duration_unit", "competency_lead_time_amount", "competency_lead_time_unit",
    "hide_competency_from_shared_reports", "hide_competency_from_qr_reports",
)


class RoleInvalid(Invalid):
    """Role input refused."""


def list_roles(*, archived: bool = False) -> list[tuple[CertificationRole, int, int]]:
    """Every role in use (or, with `archived`, every archived one) alphabetically, with its number of assigned
    users and required certifications."""
    users = select(func.count(RoleAssignment.id)).where(RoleAssignment.role_id == CertificationRole.id).scalar_subquery()
    certifications = (
        select(func.count(func.distinct(RoleRequirement.certification_id)))
        .where(RoleRequirement.role_id == CertificationRole.id)
        .scalar_subquery()
    )
    return [tuple(row) for row in db.session.execute(
        select(CertificationRole, users, certifications)
        .where(CertificationRole.archived_at.is_not(None) if archived else CertificationRole.archived_at.is_(None))
        .order_by(func.lower(CertificationRole.name))
    )]


def role_names() -> list[tuple[int, str]]:
    """Every role in use alphabetically as (id, name), for pickers: nothing counted, so the cost does not
    grow with the assignments."""
    return [tuple(row) for row in db.session.execute(
        select(CertificationRole.id, CertificationRole.name)
        .where(CertificationRole.archived_at.is_(None)).order_by(func.lower(CertificationRole.name)))]


def get_role(role_id: int) -> CertificationRole | None:
    return db.session.scalar(
        select(CertificationRole).where(CertificationRole.id == role_id).options(
            selectinload(CertificationRole.tags),
            selectinload(CertificationRole.competency_hidden_from_levels),
            selectinload(CertificationRole.company_roles),
        )
    )


def find_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


ROLE_NAME_TAKEN = _l("Another role already has this name.")


def _check_name(name: str | None, role: CertificationRole | None) -> dict[str, str]:
    name = (name or "").strip()
    if not name:
        return {"name": "Enter the role name."}
    if too_long := name_too_long(CertificationRole, name):
        return {"name": too_long}
    if name_taken(CertificationRole, name, role.id if role else None):
        return {"name": ROLE_NAME_TAKEN}
    return {}


def create_role(actor: User, name: str) -> CertificationRole:
    errors = _check_name(name, None)
    if errors:
        raise RoleInvalid(errors)
    role = CertificationRole(name=name.strip())
    with saving_unique_name(CertificationRole, role.name, None, RoleInvalid, ROLE_NAME_TAKEN):
        db.session.add(role)
        db.session.flush()
        record_audit(actor, "role.create", role, f"Created role {role.name}", after={"name": role.name})
        db.session.commit()
    return role


def required_certification_ids(role: CertificationRole) -> set[int]:
    return set(db.session.scalars(select(RoleRequirement.certification_id).where(RoleRequirement.role_id == role.id)))


def _state(role: CertificationRole) -> dict:
    state = snapshot(role, INFO_COLUMNS)
    state["tags"] = sorted(tag.name for tag in role.tags)
    state["hidden_levels"] = sorted(level.name for level in role.competency_hidden_from_levels)
    state["certification_ids"] = sorted(required_certification_ids(role))
    state["competency_certificate_file_id"] = role.competency_certificate_file_id
    return state


def _check_info(values: dict, role: CertificationRole) -> dict[str, str]:
    errors = _check_name(values.get("name"), role)
    if values.get("require_competency") and values.get("competency_expires"):
        periods = {}
        for key, missing in (("competency_duration", gettext("Enter the duration role competency is valid.")),
                             ("competency_lead_time", gettext("Enter the e-mail lead time."))):
            amount = values.get(f"{key}_amount")
            if amount is None:
                errors[f"{key}_amount"] = missing
                continue
            try:
                periods[key] = Period.parse(amount, values.get(f"{key}_unit") or "", field=key)
            except ValueError as error:
                errors[f"{key}_amount"] = str(error).partition(": ")[2]
        if len(periods) == 2 and (
            periods["competency_lead_time"].before(REFERENCE_EXPIRATION) <= periods["competency_duration"].before(REFERENCE_EXPIRATION)
        ):
            errors["competency_lead_time_amount"] = gettext("The e-mail lead time must be shorter than the duration competency is valid.")
    check_known(errors, "hidden_level_ids", ModuleLevel, values.get("hidden_level_ids") or (), "module level")
    check_known(errors, "certification_ids", Certification, values.get("certification_ids") or (), "certification")
    check_employee_certifications(errors, "certification_ids", values.get("certification_ids") or ())
    return errors


def _set_certifications(role: CertificationRole, certification_ids: set[int]) -> None:
    valid = set(db.session.scalars(select(Certification.id).where(Certification.id.in_(certification_ids))))
    company_roles = list(db.session.scalars(select(CompanyRole).where(CompanyRole.role_id == role.id)))
    if not company_roles and valid:
        company_roles = [CompanyRole(role=role, company=company) for company in db.session.scalars(select(Company))]
        db.session.add_all(company_roles)
        db.session.flush()
    db.session.execute(delete(RoleRequirement).where(
        RoleRequirement.role_id == role.id, RoleRequirement.certification_id.not_in(valid)
    ))
    present = set(tuple(row) for row in db.session.execute(
        select(RoleRequirement.company_id, RoleRequirement.certification_id).where(RoleRequirement.role_id == role.id)
    ))
    for company_role in company_roles:
        for certification_id in valid:
            if (company_role.company_id, certification_id) not in present:
                db.session.add(RoleRequirement(role_id=role.id, company_id=company_role.company_id,
                                               certification_id=certification_id))


def _apply_info(role: CertificationRole, values: dict) -> None:
    role.name = values["name"].strip()
    for column in INFO_COLUMNS[1:]:
        setattr(role, column, values.get(column))
    if not role.require_competency:
        role.competency_expires = False
    if not role.competency_expires:
        role.competency_duration_amount = role.competency_duration_unit = None
        role.competency_lead_time_amount = role.competency_lead_time_unit = None
    else:
        role.competency_duration_amount = int(role.competency_duration_amount)
        role.competency_lead_time_amount = int(role.competency_lead_time_amount)
    certificate = values.get("competency_certificate")
    if certificate is None or not role.require_competency:
        role.competency_certificate_file_id = None
    elif certificate != "existing":
        stored = store_file(certificate)
        db.session.flush()
        role.competency_certificate_file_id = stored.id
    role.tags = tags_named(values.get("tag_names") or ())
    level_ids = values.get("hidden_level_ids") or []
    role.competency_hidden_from_levels = (
        list(db.session.scalars(select(ModuleLevel).where(ModuleLevel.id.in_(level_ids)))) if level_ids else []
    )
    if "certification_ids" in values:
        _set_certifications(role, set(values["certification_ids"]))


def update_role(actor: User, role: CertificationRole, values: dict) -> CertificationRole:
    """Define Role / Edit Role Info: description, requirements, tags, certifications, competency."""
    errors = _check_info(values, role)
    if errors:
        raise RoleInvalid(errors)
    before = _state(role)
    with saving_unique_name(CertificationRole, values["name"], role.id, RoleInvalid, ROLE_NAME_TAKEN):
        _apply_info(role, values)
        db.session.flush()
        record_audit(actor, "role.update", role, f"Edited role {role.name}", before=before, after=_state(role))
        db.session.commit()
    return role


def set_role_certifications(actor: User, role: CertificationRole, certification_ids: set[int]) -> None:
    """Require exactly these certifications of the role; RoleInvalid, changing nothing, for an unknown id."""
    errors: dict[str, str] = {}
    check_known(errors, "certification_ids", Certification, certification_ids, "certification")
    check_employee_certifications(errors, "certification_ids", certification_ids)
    if errors:
        raise RoleInvalid(errors)
    before = sorted(required_certification_ids(role))
    _set_certifications(role, certification_ids)
    db.session.flush()
    record_audit(actor, "role.certifications", role, f"Edited the certifications {role.name} requires",
                 before={"certification_ids": before}, after={"certification_ids": sorted(required_certification_ids(role))})
    db.session.commit()


def assigned_user_ids(role: CertificationRole) -> set[int]:
    return set(db.session.scalars(select(RoleAssignment.user_id).where(RoleAssignment.role_id == role.id)))


def set_role_users(actor: User, role: CertificationRole, user_ids: set[int]) -> None:
    """Edit Users: the users in reach who hold the role; people out of reach are left as they are."""
    before = assigned_user_ids(role)
    wanted = change_within_reach(before, user_ids, set(db.session.scalars(ids_managed_by(actor))))
    if before - wanted:
        db.session.execute(delete(RoleAssignment).where(
            RoleAssignment.role_id == role.id, RoleAssignment.user_id.in_(before - wanted)
        ))
    for user_id in wanted - before:
        db.session.add(RoleAssignment(role_id=role.id, user_id=user_id))
    record_audit(actor, "role.users", role, f"Edited the users assigned to {role.name}",
                 before={"user_ids": sorted(before)}, after={"user_ids": sorted(wanted)})
    db.session.flush()
    queue_activity_notices(wanted - before, today())
    db.session.commit()


def add_role_user(actor: User, role: CertificationRole, user: User) -> None:
    if user.id in assigned_user_ids(role):
        return
    db.session.add(RoleAssignment(role_id=role.id, user_id=user.id))
    record_audit(actor, "role.users", role, f"Assigned {user.full_name} to {role.name}",
                 before=None, after={"user_id": user.id})
    db.session.flush()
    queue_activity_notices([user.id], today())
    db.session.commit()


def role_certifications(role: CertificationRole) -> list[Certification]:
    """The certifications the role requires, by name."""
    return list(db.session.scalars(
        select(Certification).where(Certification.id.in_(required_certification_ids(role))).order_by(func.lower(Certification.name))
    ))


def role_users_table(role: CertificationRole, day: date, viewer: User):
    """Assigned users in reach x the role's required certifications, with statuses; and candidate users."""
    certifications = role_certifications(role)
    users = list(db.session.scalars(
        select(User).where(User.id.in_(ids_managed_by(viewer)), User.active).order_by(func.lower(User.last_name), func.lower(User.first_name))
    ))
    requirements = load_requirements([user.id for user in users], day)
    statuses = {
        user.id: {r.certification.id: r.status.status for r in requirements.get(user.id, [])}
        for user in users
    }
    cells = {
        user.id: {r.certification.id: r for r in requirements.get(user.id, [])}
        for user in users
    }
    assigned = assigned_user_ids(role)
    candidate_ids = set(candidate_users([c.id for c in certifications], statuses, assigned))
    return (
        certifications,
        [user for user in users if user.id in assigned],
        cells,
        [user for user in users if user.id in candidate_ids],
    )


def _delete_role(actor: User, role: CertificationRole, action: str, summary: str) -> None:
    """Delete the role with the requirements it created; users and certifications stay.

    The ORM cascades remove its company roles (with their requirements) and assignments.
    """
    before = _state(role)
    before["user_ids"] = sorted(assigned_user_ids(role))
    record_audit(actor, action, role, summary, before=before)
    db.session.delete(role)
    db.session.commit()


def delete_role(actor: User, role: CertificationRole) -> None:
    """Delete a role nobody is assigned to (one with users is archived or erased instead, decision 55)."""
    if assigned_user_ids(role):
        raise RoleInvalid({"role": gettext("%(name)s has assigned users: archive it instead, or erase it.", name=role.name)})
    _delete_role(actor, role, "role.delete", f"Deleted role {role.name}")


def erase_role(actor: User, role: CertificationRole, typed_name: str | None) -> None:
    """Erase an archived role for good, with its assignments and requirements, once its name is typed."""
    check_typed_name(role, typed_name)
    _delete_role(actor, role, "role.erase", f"Erased role {role.name} and its {len(assigned_user_ids(role))} assignments")


def role_choices() -> dict:
    return {
        "certifications": list(db.session.scalars(employee_certifications().order_by(func.lower(Certification.name)))),
        "levels": list(db.session.scalars(select(ModuleLevel).order_by(ModuleLevel.name))),
    }
