"""Certifications: validate and save every setting, the roles and users that require them, delete.

Tracking settings are validated by the rules module (a TrackingPolicy is built from the
submitted values), so the form accepts exactly what the status computation understands.
Saving never touches stored expirations of existing records: statuses are computed from
the settings, records keep the dates they were given.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import selectinload

from webapp.clock import today
from webapp.extensions import db
from webapp.models import (
    Attachment,
    Certification,
    CertificationForm,
    CertificationGroup,
    CertificationRole,
    Comment,
    Company,
    CompanyRole,
    Course,
    DirectRequirement,
    Form,
    LearningIntegration,
    ModuleLevel,
    RequirementSetting,
    RoleRequirement,
    Submission,
    Tag,
    User,
)
from webapp.rules import ExpirationResult, NoticeDates, Period, TrackingPolicy, expiration_for, notice_dates
from webapp.rules.certifications import (
    FORBIDDEN_NAME_CHARACTERS,
    TYPE_FIXED,
    family_problems,
    name_problem,
    settle_settings,
)
from webapp.rules.required_forms import chosen_forms
from webapp.services.access import change_within_reach, ids_managed_by
from webapp.services.activity_notices import queue_activity_notices
from webapp.services.activities import HOLDING_ACTIVITIES, add_document_revision, check_document_upload, current_document
from webapp.services.archive import check_typed_name
from webapp.services.audit import record_audit, snapshot
from webapp.services.compliance import load_requirements, required_to_hold
from webapp.services.certification_clients import certification_ids_for_client, client_problem, clients_by_ids
from webapp.services.entities import entity_association_exists
from webapp.services.invalid import Invalid
from webapp.services.known import check_known, unknown_ids
from webapp.services.names import name_taken, name_too_long, refusing_when_taken, saving_unique_name
from webapp.services.rule_changes import preview_rule_change, recalculated_records
from webapp.services.storage import store_file
from webapp.services.tags import tags_named

# Columns of Certification set from the form, in the order of its sections.
COLUMNS = (
    "name", "type", "information", "external_url", "group_id",
    "cost", "time_to_complete", "time_to_complete_unit", "valid_when_added", "expires",
    "duration_amount", "duration_unit", "extend_to", "forced_expiration",
    "existing_window_opens", "existing_window_amount", "existing_window_unit",
    "existing_grace_amount", "existing_grace_unit",
    "first_notice_amount", "first_notice_unit", "second_notice_amount", "second_notice_unit", "expiry_as_printed",
    "has_refresher", "refresher_cost", "refresher_time_to_complete", "refresher_time_to_complete_unit",
    "refresher_duration_amount", "refresher_duration_unit", "refresher_extend_to",
    "refresher_first_notice_amount", "refresher_first_notice_unit",
    "refresher_second_notice_amount", "refresher_second_notice_unit",
    "activity_type", "required_at_login", "course_id", "learning_integration_id", "external_course_ref",
    "hide_from_shared_reports", "hide_from_qr_reports",
    "hide_attachments_from_shared_reports", "hide_attachments_from_qr_reports",
    "require_attachment", "auto_approve_submissions", "auto_approve_on_activity", "allow_batch_submission",
    "generate_certificate_on_approval", "generate_certificate_on_activity", "hide_expiration_on_certificate",
    "attach_files_to_approval_emails", "parent_id",
)
RELATIONS = ("tag_names", "hidden_level_ids", "attachments_hidden_level_ids", "batch_role_ids", "child_ids", "form_ids",
             "client_ids")
AUDITED = COLUMNS + ("tags", "hidden_levels", "attachments_hidden_levels", "batch_roles", "children", "form_ids", "clients")

# Where a rules-module message ("first_notice: ...") belongs on the form.
_POLICY_FIELDS = {
    "duration": "duration_amount",
    "extend_to": "extend_to",
    "forced_expiration": "forced_expiration",
    "existing_window_opens": "existing_window_opens",
    "existing_grace": "existing_grace_amount",
    "first_notice": "first_notice_amount",
    "second_notice": "second_notice_amount",
    "refresher": "refresher_duration_amount",
}


class CertificationInvalid(Invalid):
    """The submitted values break a rule."""


@dataclass(frozen=True)
class TrackingExample:
    """What the settings mean for someone completing today (and renewing on expiry)."""

    completed_on: date
    first: ExpirationResult
    first_notices: NoticeDates | None
    renewal: ExpirationResult | None
    renewal_notices: NoticeDates | None


def _period(values: dict, prefix: str, field: str) -> Period | None:
    amount, unit = values.get(f"{prefix}_amount"), values.get(f"{prefix}_unit")
    if amount is None:
        return None
    return Period.parse(amount, unit or "", field=field)


def _split(error: ValueError) -> tuple[str, str]:
    name, _, message = str(error).partition(": ")
    return name, message or str(error)


def policy_from_values(values: dict) -> TrackingPolicy:
    """The rules-module policy for submitted tracking values; CertificationInvalid names the field."""
    if not values.get("expires"):
        return TrackingPolicy(expires=False)
    refresher = None
    if values.get("has_refresher"):
        try:
            refresher = TrackingPolicy(
                expires=True,
                duration=_period(values, "refresher_duration", "duration"),
                extend_to=values.get("refresher_extend_to"),
                first_notice=_period(values, "refresher_first_notice", "first_notice"),
                second_notice=_period(values, "refresher_second_notice", "second_notice"),
            )
        except ValueError as error:
            name, message = _split(error)
            raise CertificationInvalid({f"refresher_{_POLICY_FIELDS.get(name, 'duration_amount')}": message}) from None
    try:
        window = values.get("existing_window_opens")
        if window == "custom":
            window = _period(values, "existing_window", "existing_window_opens")
            if window is None:
                raise ValueError("existing_window_opens: enter how long before the existing expiration")
        return TrackingPolicy(
            expires=True,
            duration=_period(values, "duration", "duration"),
            extend_to=values.get("extend_to"),
            forced_expiration=values.get("forced_expiration"),
            existing_window_opens=window,
            existing_grace=_period(values, "existing_grace", "existing_grace"),
            first_notice=_period(values, "first_notice", "first_notice"),
            second_notice=_period(values, "second_notice", "second_notice"),
            refresher=refresher,
            expiry_as_printed=bool(values.get("expiry_as_printed")),
        )
    except ValueError as error:
        name, message = _split(error)
        raise CertificationInvalid({_POLICY_FIELDS.get(name, "duration_amount"): message}) from None


def example_for(policy: TrackingPolicy, day: date) -> TrackingExample:
    """Completed `day`: the expiration and colour dates; then a renewal on the expiration day."""
    first = expiration_for(policy, day)
    if first.expires_on is None:
        return TrackingExample(day, first, None, None, None)
    renewal = expiration_for(policy, first.expires_on, first.expires_on)
    return TrackingExample(
        day,
        first,
        notice_dates(policy.for_stage(False), first.expires_on),
        renewal,
        notice_dates(policy.for_stage(True), renewal.expires_on),
    )


CERTIFICATION_NAME_TAKEN = _l("Another certification already has this name.")
NAME_LIMIT = Certification.__table__.c.name.type.length


def certification_in_use(certification: Certification) -> bool:
    """Whether the certification has a record (a person's submission) or an entity association, which fix
    its type (decision 66)."""
    return entity_association_exists(certification) or db.session.scalar(
        select(Submission.id).where(Submission.certification_id == certification.id).limit(1)
    ) is not None


def check_certification(values: dict, certification: Certification | None) -> TrackingPolicy:
    """Every rule the documents state for a certification; raises CertificationInvalid with all errors."""
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    own_id = certification.id if certification is not None else None
    if problem := name_problem(name, NAME_LIMIT):
        errors["name"] = problem
    elif name_taken(Certification, name, own_id):
        errors["name"] = CERTIFICATION_NAME_TAKEN
    parent_id, child_ids = values.get("parent_id"), set(values.get("child_ids") or ())
    check_known(errors, "parent_id", Certification, [parent_id], "certification")
    check_known(errors, "child_ids", Certification, child_ids, "certification")
    check_known(errors, "group_id", CertificationGroup, [values.get("group_id")], "certification group")
    check_known(errors, "hidden_level_ids", ModuleLevel, values.get("hidden_level_ids") or (), "module level")
    check_known(errors, "attachments_hidden_level_ids", ModuleLevel, values.get("attachments_hidden_level_ids") or (),
                "module level")
    check_known(errors, "batch_role_ids", CertificationRole, values.get("batch_role_ids") or (), "role")
    # An unknown parent or child keeps its own message: it says what to do.
    parent_of = dict(db.session.execute(select(Certification.id, Certification.parent_id)).all())
    for field, message in family_problems(own_id, parent_id, child_ids, parent_of).items():
        errors.setdefault(field, gettext(message))
    if certification is not None and values.get("type") != certification.type and certification_in_use(certification):
        errors["type"] = gettext(TYPE_FIXED)
    if problem := client_problem(values.get("type"), values.get("client_ids") or ()):
        errors["client_ids"] = problem
    errors.update(_activity_errors(values, certification))
    policy = None
    try:
        policy = policy_from_values(values)
    except CertificationInvalid as invalid:
        errors.update(invalid.errors)
    if errors:
        raise CertificationInvalid(errors)
    return policy


# The setting each activity type needs, and the message when it is missing.
_ACTIVITY_CHOICE = {
    "course": ("course_id", Course, "Choose the course a user must take."),
    "external_course": ("learning_integration_id", LearningIntegration, "Choose the learning system that reports completions."),
}


def _activity_errors(values: dict, certification: Certification | None) -> dict[str, str]:
    activity = values.get("activity_type") or "none"
    errors: dict[str, str] = {}
    if activity in _ACTIVITY_CHOICE:
        column, model, message = _ACTIVITY_CHOICE[activity]
        if not values.get(column) or unknown_ids(model, [values[column]]):
            errors[column] = message
    if activity == "form":
        errors.update(_form_list_errors(values.get("form_ids") or ()))
    if activity == "external_course" and not (values.get("external_course_ref") or "").strip():
        errors["external_course_ref"] = gettext("Enter the course's id in the learning system, as its completions name it.")
    if values.get("required_at_login") and activity not in HOLDING_ACTIVITIES:
        errors["required_at_login"] = gettext("Required at login is available for a document or video acknowledgement or a form.")
    upload = values.get("document_upload")
    if activity == "document":
        if upload is not None:
            errors.update(check_document_upload(certification, upload))
        elif certification is None or certification.id is None or current_document(certification) is None:
            errors["document_file"] = gettext("Upload the document or video users must acknowledge.")
    return errors


def _form_list_errors(form_ids) -> dict[str, str]:
    """Why the forms required to certify are refused, on "form_ids" (decision 81)."""
    chosen, refusal = chosen_forms(form_ids)
    if refusal is None and not chosen:
        refusal = "Choose the form a user must fill in."
    if refusal is None and (unknown := unknown_ids(Form, chosen)):
        refusal = f"There is no form with the id {unknown[0]}."
    return {"form_ids": refusal} if refusal else {}


def _apply_document(actor: User, certification: Certification, values: dict) -> None:
    if certification.activity_type == "document" and values.get("document_upload") is not None:
        db.session.flush()
        add_document_revision(actor, certification, values["document_upload"])


def _by_ids(model, ids) -> list:
    ids = list(ids or ())
    return list(db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id))) if ids else []


def _audit_state(certification: Certification) -> dict:
    state = snapshot(certification, COLUMNS)
    state.update(
        tags=sorted(tag.name for tag in certification.tags),
        hidden_levels=sorted(level.name for level in certification.hidden_from_levels),
        attachments_hidden_levels=sorted(level.name for level in certification.attachments_hidden_from_levels),
        batch_roles=sorted(role.name for role in certification.batch_roles),
        children=sorted(child.name for child in certification.children),
        form_ids=[link.form_id for link in certification.form_links],
        clients=sorted(client.identifier for client in certification.clients),
        supporting_attachments=[attachment.name for attachment in certification.supporting_attachments],
    )
    return state


def _apply_attachments(actor: User, certification: Certification, values: dict) -> None:
    """Supporting attachments: remove the chosen ones, add new files and a link."""
    removed = set(values.get("remove_attachment_ids") or ())
    certification.supporting_attachments = [a for a in certification.supporting_attachments if a.id not in removed]
    for checked in values.get("new_files") or ():
        certification.supporting_attachments.append(
            Attachment(kind="file", stored_file=store_file(checked), name=checked.name, added_by_id=actor.id)
        )
    if values.get("new_link"):
        url, title = values["new_link"]
        certification.supporting_attachments.append(Attachment(kind="link", url=url, name=(title or url)[:255], added_by_id=actor.id))


def _apply(certification: Certification, values: dict) -> None:
    values = settle_settings(values, COLUMNS)
    for column in COLUMNS:
        setattr(certification, column, values.get(column))
    certification.tags = tags_named(values.get("tag_names") or ())
    certification.hidden_from_levels = _by_ids(ModuleLevel, values.get("hidden_level_ids"))
    certification.attachments_hidden_from_levels = _by_ids(ModuleLevel, values["attachments_hidden_level_ids"])
    certification.batch_roles = _by_ids(CertificationRole, values["batch_role_ids"])
    certification.children = [child for child in _by_ids(Certification, values.get("child_ids")) if child is not certification]
    if "client_ids" in values:  # a caller that says nothing of clients leaves them as they are
        certification.clients = clients_by_ids(values["client_ids"])
    _apply_forms(certification, values["form_ids"])


def _apply_forms(certification: Certification, form_ids: list[int]) -> None:
    """The forms required to certify, in order: positions 1, 2, ... (the old links go first, as positions are unique)."""
    if [link.form_id for link in certification.form_links] == form_ids:
        return
    certification.form_links = []
    db.session.flush()
    certification.form_links = [CertificationForm(form_id=form_id, position=position)
                                for position, form_id in enumerate(form_ids, start=1)]


def create_certification(actor: User, values: dict) -> Certification:
    check_certification(values, None)
    certification = Certification()
    with saving_unique_name(Certification, values["name"], None, CertificationInvalid, CERTIFICATION_NAME_TAKEN):
        db.session.add(certification)
        _apply(certification, values)
        _apply_attachments(actor, certification, values)
        _apply_document(actor, certification, values)
        db.session.flush()
        record_audit(actor, "certification.create", certification, f"Created certification {certification.name}",
                     after=_audit_state(certification))
        db.session.commit()
    return certification


class RuleChangeMoved(CertificationInvalid):
    """Who a change of tracking settings affects is no longer what the reader previewed."""

    def __init__(self):
        super().__init__({"recalculate": "Who this change affects has changed since the preview: check the new list "
                                         "below and save again."})


def update_certification(actor: User, certification: Certification, values: dict, *, recalculate: bool = False,
                         previewed: str | None = None) -> Certification:
    """Save the settings. Stored expirations change only when `recalculate` is chosen.

    `previewed` is the digest of the rule-change preview the actor saw (rules decision 36): when the
    change would now affect anyone differently, RuleChangeMoved is raised and nothing is saved.
    """
    policy = check_certification(values, certification)
    changes = None
    if previewed is not None:
        preview = preview_rule_change(certification, policy, recalculate, actor, today())
        if preview.changes_anyone and preview.digest != previewed:
            raise RuleChangeMoved()
        changes = preview.recalculated
    before = _audit_state(certification)
    _apply(certification, values)
    _apply_attachments(actor, certification, values)
    _apply_document(actor, certification, values)
    db.session.flush()
    record_audit(actor, "certification.update", certification, f"Edited certification {certification.name}",
                 before=before, after=_audit_state(certification))
    if recalculate:
        if changes is None:
            changes = recalculated_records(certification, policy)
        old = {str(record.id): _iso(record.expires_on) for record, _ in changes}
        for record, result in changes:
            record.expires_on, record.expiration_explanation = result.expires_on, result.explanation
        record_audit(actor, "certification.recalculate", certification,
                     f"Recalculated the expiration of {len(changes)} records of {certification.name}",
                     before=old, after={str(record.id): _iso(record.expires_on) for record, _ in changes})
    db.session.commit()
    return certification


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def count_certification_records(certification: Certification) -> int:
    return db.session.scalar(select(func.count(Submission.id)).where(Submission.certification_id == certification.id))


def _delete_with_records(actor: User, certification: Certification, action: str, summary: str) -> int:
    """Delete the certification with its records, requirements and settings; returns the records deleted."""
    before = _audit_state(certification)
    records = count_certification_records(certification)
    submission_ids = select(Submission.id).where(Submission.certification_id == certification.id)
    # Explicit deletes, so the outcome does not depend on the database enforcing ON DELETE CASCADE.
    db.session.execute(delete(Comment).where(Comment.submission_id.in_(submission_ids)))
    db.session.execute(delete(Attachment).where(Attachment.submission_id.in_(submission_ids)))
    db.session.execute(delete(Submission).where(Submission.certification_id == certification.id))
    for model in (RoleRequirement, DirectRequirement, RequirementSetting):
        db.session.execute(delete(model).where(model.certification_id == certification.id))
    for child in certification.children:
        child.parent = None
    record_audit(actor, action, certification, summary.format(name=certification.name, records=records), before=before)
    db.session.delete(certification)
    db.session.commit()
    return records


def delete_certification(actor: User, certification: Certification) -> int:
    """Delete a certification nobody has a record of (one with records is archived or erased instead)."""
    if count_certification_records(certification):
        raise Invalid({"certification": gettext("%(name)s has records: archive it instead, or erase it.", name=certification.name)})
    return _delete_with_records(actor, certification, "certification.delete", "Deleted certification {name}")


def erase_certification(actor: User, certification: Certification, typed_name: str | None) -> int:
    """Erase the certification and every record of it, for good, once its name is typed to confirm."""
    check_typed_name(certification, typed_name)
    return _delete_with_records(actor, certification, "certification.erase",
                                "Erased certification {name} and its {records} records")


def list_certifications(search: str = "", tag_id: int | None = None, group_id: int | None = None, *,
                        archived: bool = False, client_id: int | None = None) -> list[Certification]:
    """The certifications in use (or, with `archived`, the archived ones) matching the filters (a client: those
    that apply to it, decision 94), by name."""
    query = select(Certification).options(selectinload(Certification.tags), selectinload(Certification.group))
    query = query.where(Certification.archived_at.is_not(None) if archived else Certification.archived_at.is_(None))
    if search.strip():
        query = query.where(Certification.name.ilike(f"%{search.strip()}%"))
    if tag_id:
        query = query.where(Certification.tags.any(Tag.id == tag_id))
    if group_id:
        query = query.where(Certification.group_id.in_(group_and_nested(group_id)))
    if client_id:
        query = query.where(Certification.id.in_(certification_ids_for_client(client_id)))
    return list(db.session.scalars(query.order_by(func.lower(Certification.name))))


def group_and_nested(group_id: int) -> set[int]:
    """The group and every group nested in it, at any depth, from one query."""
    parent_of = dict(db.session.execute(select(CertificationGroup.id, CertificationGroup.parent_id)).all())
    found, frontier = {group_id}, {group_id}
    while frontier:
        frontier = {gid for gid, pid in parent_of.items() if pid in frontier} - found
        found |= frontier
    return found


def filter_choices() -> dict:
    """The tags and groups the certifications table filters by."""
    return {
        "tags": list(db.session.scalars(select(Tag).order_by(Tag.name))),
        "groups": list(db.session.scalars(select(CertificationGroup).order_by(CertificationGroup.name))),
    }


def list_active_users(users: Select) -> list[User]:
    return list(db.session.scalars(users.where(User.active).order_by(func.lower(User.last_name), func.lower(User.first_name))))


def get_certification(certification_id: int) -> Certification | None:
    return db.session.scalar(
        select(Certification)
        .where(Certification.id == certification_id)
        .options(
            selectinload(Certification.tags),
            selectinload(Certification.children),
            selectinload(Certification.hidden_from_levels),
            selectinload(Certification.attachments_hidden_from_levels),
            selectinload(Certification.batch_roles),
            selectinload(Certification.supporting_attachments),
            selectinload(Certification.clients),
        )
    )


def form_choices() -> dict:
    """Everything the form's pickers offer."""
    return {
        "groups": list(db.session.scalars(select(CertificationGroup).order_by(CertificationGroup.name))),
        "levels": list(db.session.scalars(select(ModuleLevel).order_by(ModuleLevel.name))),
        "roles": list(db.session.scalars(select(CertificationRole).order_by(func.lower(CertificationRole.name)))),
        "certifications": list(db.session.scalars(select(Certification).order_by(func.lower(Certification.name)))),
        "tags": list(db.session.scalars(select(Tag).order_by(Tag.name))),
        "courses": list(db.session.scalars(select(Course).order_by(func.lower(Course.name)))),
        "forms": list(db.session.scalars(select(Form).order_by(func.lower(Form.name)))),
        "integrations": list(db.session.scalars(
            select(LearningIntegration).where(LearningIntegration.active).order_by(func.lower(LearningIntegration.name))
        )),
        "owners": list_active_users(select(User)),
    }


# --- Associated roles (the roles x companies grid) ---

def associated_roles(certification: Certification) -> list[tuple[CertificationRole, list[Company]]]:
    """Roles requiring the certification, alphabetically, with the companies they require it in."""
    rows = db.session.execute(
        select(CertificationRole, Company)
        .join(RoleRequirement, RoleRequirement.role_id == CertificationRole.id)
        .join(Company, Company.id == RoleRequirement.company_id)
        .where(RoleRequirement.certification_id == certification.id)
        .order_by(func.lower(CertificationRole.name), func.lower(Company.name))
    ).all()
    grouped: dict[int, tuple[CertificationRole, list[Company]]] = {}
    for role, company in rows:
        grouped.setdefault(role.id, (role, []))[1].append(company)
    return list(grouped.values())


def role_grid(certification: Certification) -> tuple[list[CertificationRole], list[Company], set[tuple[int, int]]]:
    roles = list(db.session.scalars(select(CertificationRole).order_by(func.lower(CertificationRole.name))))
    companies = list(db.session.scalars(select(Company).order_by(func.lower(Company.name))))
    checked = set(tuple(row) for row in db.session.execute(
        select(RoleRequirement.role_id, RoleRequirement.company_id).where(RoleRequirement.certification_id == certification.id)
    ))
    return roles, companies, checked


def set_associated_roles(actor: User, certification: Certification, cells: set[tuple[int, int]]) -> None:
    """Make (role, company) cells the exact set requiring the certification; a new cell applies the role to the company."""
    roles, companies, before = role_grid(certification)
    unknown = cells - {(role.id, company.id) for role in roles for company in companies}
    if unknown:
        listed = ", ".join(f"{role_id}:{company_id}" for role_id, company_id in sorted(unknown))
        raise CertificationInvalid({"cells": gettext("There is no role and company %(listed)s (deleted meanwhile?): reload the page and choose again. Nothing was saved.", listed=listed)})
    for role_id, company_id in before - cells:
        db.session.execute(delete(RoleRequirement).where(
            RoleRequirement.role_id == role_id, RoleRequirement.company_id == company_id,
            RoleRequirement.certification_id == certification.id,
        ))
    applied = set(tuple(row) for row in db.session.execute(select(CompanyRole.role_id, CompanyRole.company_id)))
    for role_id, company_id in cells - before:
        if (role_id, company_id) not in applied:
            db.session.add(CompanyRole(role_id=role_id, company_id=company_id))
            db.session.flush()
        db.session.add(RoleRequirement(role_id=role_id, company_id=company_id, certification_id=certification.id))
    names_r = {role.id: role.name for role in roles}
    names_c = {company.id: company.name for company in companies}

    def described(pairs):
        return sorted(f"{names_r[r]} @ {names_c[c]}" for r, c in pairs)

    record_audit(actor, "certification.roles", certification, f"Edited the roles requiring {certification.name}",
                 before={"roles": described(before)}, after={"roles": described(cells)})
    db.session.commit()


# --- Associated users ---

def associated_users(certification: Certification, day: date, viewer: User) -> list[tuple[User, object]]:
    """Users in reach who must hold the certification (by role or directly), with their requirement."""
    users = list(db.session.scalars(
        select(User).where(User.id.in_(ids_managed_by(viewer)), required_to_hold(certification.id))
        .order_by(func.lower(User.last_name), func.lower(User.first_name))
    ))
    requirements = load_requirements([user.id for user in users], day)
    result = []
    for user in users:
        match = next((r for r in requirements.get(user.id, []) if r.certification.id == certification.id), None)
        result.append((user, match))
    return result


def direct_user_ids(certification: Certification) -> set[int]:
    return set(db.session.scalars(select(DirectRequirement.user_id).where(DirectRequirement.certification_id == certification.id)))


def set_direct_users(actor: User, certification: Certification, user_ids: set[int]) -> None:
    """Other Required Certification: the users in reach who must hold it regardless of roles."""
    before = direct_user_ids(certification)
    wanted = change_within_reach(before, user_ids, set(db.session.scalars(ids_managed_by(actor))))
    if before - wanted:
        db.session.execute(delete(DirectRequirement).where(
            DirectRequirement.certification_id == certification.id, DirectRequirement.user_id.in_(before - wanted)
        ))
    for user_id in wanted - before:
        db.session.add(DirectRequirement(user_id=user_id, certification_id=certification.id))
    record_audit(actor, "certification.direct_users", certification,
                 f"Edited the users required to hold {certification.name}",
                 before={"user_ids": sorted(before)}, after={"user_ids": sorted(wanted)})
    db.session.flush()
    queue_activity_notices(wanted - before, today())
    db.session.commit()


# --- Certification groups (nested folders) ---

class GroupInvalid(Invalid):
    """Certification group input refused."""


def group_tree() -> list[tuple[CertificationGroup, int, int]]:
    """Every group depth-first with its depth and number of certifications directly in it."""
    groups = list(db.session.scalars(select(CertificationGroup).order_by(func.lower(CertificationGroup.name))))
    counts = dict(db.session.execute(
        select(Certification.group_id, func.count(Certification.id)).group_by(Certification.group_id)
    ).all())
    children: dict[int | None, list[CertificationGroup]] = {}
    for group in groups:
        children.setdefault(group.parent_id, []).append(group)
    ordered: list[tuple[CertificationGroup, int, int]] = []

    def walk(parent_id, depth):
        for group in children.get(parent_id, []):
            ordered.append((group, depth, counts.get(group.id, 0)))
            walk(group.id, depth + 1)

    walk(None, 0)
    return ordered


def get_group(group_id: int) -> CertificationGroup | None:
    return db.session.get(CertificationGroup, group_id)


def _check_group(name: str | None, parent_id: int | None, group: CertificationGroup | None) -> str:
    name = (name or "").strip()
    if not name:
        raise GroupInvalid({"name": gettext("Enter the group name.")})
    if any(character in name for character in FORBIDDEN_NAME_CHARACTERS):
        raise GroupInvalid({"name": gettext("The name cannot contain the characters ; < > \\ /")})
    if parent_id is not None and unknown_ids(CertificationGroup, [parent_id]):
        raise GroupInvalid({"parent_id": gettext("Choose an existing group.")})
    if group is not None and parent_id is not None and parent_id in group_and_nested(group.id):
        raise GroupInvalid({"parent_id": gettext("A group cannot move into itself or one of its own subgroups.")})
    if too_long := name_too_long(CertificationGroup, name):
        raise GroupInvalid({"name": too_long})
    if _group_name_taken(name, parent_id, group.id if group else None):
        raise GroupInvalid({"name": GROUP_NAME_TAKEN})
    return name


GROUP_NAME_TAKEN = _l("This folder already has a group with this name.")


def _group_name_taken(name: str, parent_id: int | None, own_id: int | None) -> bool:
    return db.session.scalar(select(CertificationGroup.id).where(
        func.lower(CertificationGroup.name) == name.lower(),
        CertificationGroup.parent_id.is_(None) if parent_id is None else CertificationGroup.parent_id == parent_id,
        CertificationGroup.id != (own_id or 0),
    ).limit(1)) is not None


def _saving_group(name: str, parent_id: int | None, own_id: int | None):
    return refusing_when_taken(lambda: _group_name_taken(name, parent_id, own_id),
                               GroupInvalid({"name": GROUP_NAME_TAKEN}))


def create_group(actor: User, name: str, parent_id: int | None) -> CertificationGroup:
    group = CertificationGroup(name=_check_group(name, parent_id, None), parent_id=parent_id)
    with _saving_group(group.name, parent_id, None):
        db.session.add(group)
        db.session.flush()
        record_audit(actor, "certification_group.create", group, f"Created certification group {group.name}",
                     after={"name": group.name, "parent_id": parent_id})
        db.session.commit()
    return group


def update_group(actor: User, group: CertificationGroup, name: str, parent_id: int | None) -> CertificationGroup:
    """Rename and/or move a group; its certifications and subgroups move with it."""
    before = {"name": group.name, "parent_id": group.parent_id}
    checked = _check_group(name, parent_id, group)
    with _saving_group(checked, parent_id, group.id):
        group.name, group.parent_id = checked, parent_id
        record_audit(actor, "certification_group.update", group, f"Edited certification group {group.name}",
                     before=before, after={"name": group.name, "parent_id": parent_id})
        db.session.commit()
    return group


def delete_group(actor: User, group: CertificationGroup) -> None:
    """Delete a group; its certifications and subgroups move up to its parent, so nothing else is lost.

    Refused (GroupInvalid) when a subgroup's name is already taken in the parent.
    """
    siblings = {name.lower() for name in db.session.scalars(select(CertificationGroup.name).where(
        CertificationGroup.parent_id.is_(None) if group.parent_id is None
        else CertificationGroup.parent_id == group.parent_id,
        CertificationGroup.id != group.id,
    ))}
    children = list(db.session.scalars(select(CertificationGroup).where(CertificationGroup.parent_id == group.id)))
    clashes = sorted(child.name for child in children if child.name.lower() in siblings)
    if clashes:
        raise GroupInvalid({"name": gettext("The parent already has a group named %(value)s; rename or move that subgroup first.", value=', '.join(clashes))})
    moved = list(db.session.scalars(select(Certification).where(Certification.group_id == group.id)))
    for child in children:
        child.parent_id = group.parent_id
    for certification in moved:
        certification.group_id = group.parent_id
    record_audit(actor, "certification_group.delete", group, f"Deleted certification group {group.name}",
                 before={"name": group.name, "parent_id": group.parent_id,
                         "subgroup_ids": [child.id for child in children],
                         "certification_ids": [certification.id for certification in moved]})
    db.session.flush()
    db.session.delete(group)
    db.session.commit()
