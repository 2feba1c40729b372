"""Changing what a user must hold: deferral / not applicable, training, roles and direct requirements.

"Cannot be deferred": a requirement setting in state "required" is an administrator's lock.
Only a person holding Permission.DEFER_ALL (administrators, by default) may change or lift it, or
set it; a supervisor who may only defer for supervised users is refused.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from datetime import date

from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Certification, CertificationRole, DirectRequirement, RequirementSetting, RoleAssignment, User
from webapp.permissions import Permission
from webapp.rules.periods import format_date
from webapp.rules.requirements import direct_removal_refusal
from webapp.services.activity_notices import queue_activity_notices
from webapp.services.audit import record_audit, snapshot
from webapp.services.compliance import load_user_requirements
from webapp.services.dates import typed_date_format
from webapp.services.known import check_employee_certifications

# "none" removes the setting: the requirement applies as usual.
STATES = ("none", "not_applicable", "deferred", "required")
LOCKED = _l("This requirement cannot be deferred: an administrator has set it as required.")
SETTING_FIELDS = ("state", "deferred_until", "notes")
ASSIGNMENT_FIELDS = ("training_until", "training_notes")


class RequirementError(ValueError):
    """A change refused; `errors` maps form field names to messages fit to show on the form."""

    def __init__(self, errors: dict[str, list[str]]):
        errors = {name: [str(message) for message in messages] for name, messages in errors.items()}
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def requirement_setting(user: User, certification: Certification) -> RequirementSetting | None:
    return db.session.get(RequirementSetting, (user.id, certification.id))


def may_override_lock(actor: User) -> bool:
    return actor.can(Permission.DEFER_ALL)


def requirement_state_refusals(setting: RequirementSetting | None, by: User, state: str, deferred_until: date | None,
                               day: date) -> dict[str, list[str]]:
    """Why `by` may not give a requirement (its current `setting`) this state, by form field; {} when allowed."""
    errors: dict[str, list[str]] = {}
    if state not in STATES:
        errors["state"] = [gettext("Choose one of the options.")]
    elif setting is not None and setting.state == "required" and not may_override_lock(by):
        errors["state"] = [LOCKED]
    elif state == "required" and not may_override_lock(by):
        errors["state"] = [gettext("Only an administrator may set a requirement as cannot be deferred.")]
    if state == "deferred":
        if deferred_until is None:
            errors["deferred_until"] = [gettext("A valid date is required to indicate the end of the deferment period.")]
        elif deferred_until <= day:
            errors["deferred_until"] = [gettext("The deferment must end after today (%(day)s).", day=format_date(day))]
    return errors


def set_requirement_state(user: User, certification: Certification, by: User, state: str, *,
                          deferred_until: date | None = None, notes: str | None = None, day: date) -> RequirementSetting | None:
    """Mark a requirement not applicable, deferred until a date (with public notes), locked, or as usual."""
    setting = requirement_setting(user, certification)
    if errors := requirement_state_refusals(setting, by, state, deferred_until, day):
        raise RequirementError(errors)
    notes = (notes or "").strip() or None
    before = snapshot(setting, SETTING_FIELDS) if setting is not None else None
    if state == "none":
        if setting is not None:
            db.session.delete(setting)
        setting = None
        after = None
    else:
        if setting is None:
            setting = RequirementSetting(user_id=user.id, certification_id=certification.id)
            db.session.add(setting)
        setting.state = state
        setting.deferred_until = deferred_until if state == "deferred" else None
        setting.notes = notes
        setting.updated_by_id = by.id
        after = snapshot(setting, SETTING_FIELDS)
    labels = {"none": "required as usual", "not_applicable": "not applicable", "required": "cannot be deferred",
              "deferred": f"deferred until {format_date(deferred_until) if deferred_until else ''}"}
    record_audit(by, "requirement.set_state", user, f"{certification.name} for {user.full_name}: {labels[state]}",
                 before=before, after=after)
    db.session.commit()
    return setting


def set_training(assignment: RoleAssignment, by: User, *, in_training: bool, until: date | None,
                 notes: str | None, day: date) -> RoleAssignment:
    """Put the user in training for the role until a required end date, or end the training."""
    if in_training:
        if until is None:
            raise RequirementError({"training_until": [gettext("Enter the training end date (%(format)s).", format=typed_date_format())]})
        if until <= day:
            raise RequirementError({"training_until": [gettext("The training end date must be after today (%(day)s).", day=format_date(day))]})
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.training_until = until if in_training else None
    assignment.training_notes = ((notes or "").strip() or None) if in_training else None
    summary = (f"{assignment.user.full_name} in training for {assignment.role.name} until {format_date(until)}"
               if in_training else f"{assignment.user.full_name} no longer in training for {assignment.role.name}")
    record_audit(by, "role.set_training", assignment, summary, before=before, after=snapshot(assignment, ASSIGNMENT_FIELDS))
    db.session.commit()
    return assignment


def assign_role(user: User, role: CertificationRole, by: User) -> RoleAssignment:
    """Assign the role; assigning a role the user already holds changes nothing."""
    existing = db.session.scalar(
        select(RoleAssignment).where(RoleAssignment.user_id == user.id, RoleAssignment.role_id == role.id)
    )
    if existing is not None:
        return existing
    assignment = RoleAssignment(user=user, role=role)
    db.session.add(assignment)
    db.session.flush()
    record_audit(by, "role.assign", assignment, f"Assigned {role.name} to {user.full_name}",
                 after={"user_id": user.id, "role_id": role.id})
    queue_activity_notices([user.id], today())
    db.session.commit()
    return assignment


def remove_role(assignment: RoleAssignment, by: User) -> None:
    record_audit(by, "role.remove", assignment, f"Removed {assignment.role.name} from {assignment.user.full_name}",
                 before={"user_id": assignment.user_id, "role_id": assignment.role_id,
                         **snapshot(assignment, ASSIGNMENT_FIELDS)})
    db.session.delete(assignment)
    db.session.commit()


def add_direct_requirement(user: User, certification: Certification, by: User) -> DirectRequirement:
    """Require the certification of the user directly ("Other Required Certification"); repeats change nothing.
    RequirementError, changing nothing, for a certification of assets, clients or job locations."""
    errors: dict[str, str] = {}
    check_employee_certifications(errors, "certification", [certification.id])
    if errors:
        raise RequirementError({"certification": [errors["certification"]]})
    existing = db.session.get(DirectRequirement, (user.id, certification.id))
    if existing is not None:
        return existing
    requirement = DirectRequirement(user=user, certification=certification)
    db.session.add(requirement)
    record_audit(by, "requirement.add_direct", user, f"{certification.name} required of {user.full_name}",
                 after={"certification_id": certification.id})
    db.session.flush()
    queue_activity_notices([user.id], today())
    db.session.commit()
    return requirement


def remove_direct_requirement(user: User, certification: Certification, by: User) -> None:
    """Stop requiring the certification of the user directly; a requirement only a role makes is refused
    (RequirementError on "certification", nothing changed; decision 79)."""
    requirement = db.session.get(DirectRequirement, (user.id, certification.id))
    if requirement is None:
        sources = next((r.sources for r in load_user_requirements(user, today())
                        if r.certification.id == certification.id), None)
        raise RequirementError({"certification": [direct_removal_refusal(sources, certification.name, user.full_name)]})
    record_audit(by, "requirement.remove_direct", user,
                 f"{certification.name} no longer directly required of {user.full_name}",
                 before={"certification_id": certification.id})
    db.session.delete(requirement)
    db.session.commit()
