"""The HSE documents' two exports, read-only kinds of the import and export pages:

- Export All: one row per requirement (person x certification they must hold, then entity x certification
  associated with it) with its status today, as the rules give it (compliance.load_requirements,
  entities.association_line), never recomputed here;
- Export Instances: one row per submission (each certification event: pending, approved, declined,
  revoked), with who submitted and decided it, then one per entity record.

Each row starts with its holder's Type (Employee, Asset, Client, Job Location), Identifier (a person's
username, an entity's identifier) and Name (decision 75). Both cover the people the exporter may view, the
entities they may see and the certifications privacy lets them see, and are read a chunk at a time, so a
large organisation's export holds one chunk in memory.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload, selectinload

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Certification, Entity, EntityRecord, EntityRequirement, Submission, User
from webapp.permissions import Permission
from webapp.rules.entities import KINDS
from webapp.rules.languages import N_
from webapp.rules.messages import english_part as english
from webapp.rules.periods import format_date
from webapp.services.access import users_in_reach
from webapp.services.chunks import rows_by_key
from webapp.services.compliance import load_requirements
from webapp.services.entities import association_line
from webapp.services.entity_reports import entities_in_sight
from webapp.services.imports import export_only_kind
from webapp.services.privacy import hidden_certification_ids, hidden_certifications

PEOPLE_PER_CHUNK = 200

REQUIREMENT_HEADERS = ("Type", "Identifier", "Name", "Username", "Last Name", "First Name", "Company", "Certification", "Required By", "Status",
                       "Pending Approval", "Completed", "Expires", "Due From", "Overdue From", "Days Left",
                       "Explanation")
INSTANCE_HEADERS = ("Record ID", "Type", "Identifier", "Name", "Username", "Last Name", "First Name", "Certification", "Completed", "Expires",
                    "Status", "Source", "Submitted", "Submitted By", "Decided", "Decided By", "Revocation Reason",
                    "Expiration Explanation")


def _date(day) -> str:
    return format_date(day) if day is not None else ""


def _moment(moment: datetime | None) -> str:
    return moment.strftime("%m/%d/%Y %H:%M UTC") if moment is not None else ""


def _status_cells(status) -> tuple:
    return (status.status.label, "Yes" if status.pending else "No", _date(status.completed_on),
            _date(status.expires_on), _date(status.due_on), _date(status.overdue_on),
            "" if status.days_left is None else status.days_left, status.explanation)


def _entity_cells(entity: Entity) -> tuple:
    """Type, Identifier, Name, and the person's columns left blank."""
    return KINDS[entity.kind].singular, entity.identifier, entity.name, "", "", "", ""


def export_entity_requirements(by: User) -> Iterator[tuple]:
    """Every association of the assets, clients and job locations `by` may see, with today's status."""
    day = today()
    query = (select(EntityRequirement.id).where(EntityRequirement.entity_id.in_(entities_in_sight(by)),
                                                EntityRequirement.certification_id.not_in(hidden_certifications(by))))
    for chunk in rows_by_key(query, EntityRequirement.id, PEOPLE_PER_CHUNK):
        for requirement in db.session.scalars(
            select(EntityRequirement).where(EntityRequirement.id.in_([row.id for row in chunk]))
            .options(joinedload(EntityRequirement.entity), joinedload(EntityRequirement.certification),
                     selectinload(EntityRequirement.records))
            .order_by(EntityRequirement.id)
        ):
            status = association_line(requirement, day).status
            yield (*_entity_cells(requirement.entity), requirement.certification.name, "Association",
                   *_status_cells(status))


def export_requirements(by: User) -> Iterator[tuple]:
    """Every requirement of every active person `by` may view, with today's status and its explanation,
    then every association of the entities they may see."""
    day = today()
    hidden = hidden_certification_ids(by)
    people = users_in_reach(by, "view").where(User.active.is_(True)).with_only_columns(User.id)
    for chunk in rows_by_key(people, User.id, PEOPLE_PER_CHUNK):
        user_ids = [user_id for user_id, in chunk]
        users = db.session.scalars(select(User).options(selectinload(User.company)).where(User.id.in_(user_ids))
                                   .order_by(User.id))
        requirements = load_requirements(user_ids, day)
        for user in users:
            for requirement in requirements[user.id]:
                if requirement.certification.id in hidden:
                    continue
                yield ("Employee", user.username, user.full_name, user.username, user.last_name, user.first_name,
                       user.company.name if user.company else "", requirement.certification.name,
                       "; ".join(english(name) for name in requirement.source_names), *_status_cells(requirement.status))
    yield from export_entity_requirements(by)


def _instance_status(status: str, revoked_reason: str | None) -> str:
    return "Revoked" if revoked_reason else status.capitalize()


def export_entity_instances(by: User) -> Iterator[tuple]:
    """Every record of the entities `by` may see, of the certifications they may see, oldest first: recorded
    by an administrator, never pending (decision 69), revoked with its association."""
    recorder = aliased(User)
    query = (select(EntityRecord.id, Entity.kind, Entity.identifier, Entity.name, Certification.name,
                    EntityRecord.completed_on, EntityRecord.expires_on, EntityRequirement.revoked_reason,
                    EntityRecord.recorded_at, recorder.username, EntityRecord.expiration_explanation)
             .join(EntityRequirement, EntityRequirement.id == EntityRecord.requirement_id)
             .join(Entity, Entity.id == EntityRequirement.entity_id)
             .join(Certification, Certification.id == EntityRequirement.certification_id)
             .outerjoin(recorder, recorder.id == EntityRecord.recorded_by_id)
             .where(Entity.id.in_(entities_in_sight(by)), Certification.id.not_in(hidden_certifications(by))))
    for chunk in rows_by_key(query, EntityRecord.id):
        for (record_id, kind, identifier, name, certification, completed_on, expires_on, reason, recorded_at,
             recorded_by, explanation) in chunk:
            yield (record_id, KINDS[kind].singular, identifier, name, "", "", "", certification, _date(completed_on),
                   _date(expires_on), "Revoked" if reason else "Recorded", "Recorded", _moment(recorded_at),
                   recorded_by or "", "", "", reason or "", explanation or "")


def export_instances(by: User) -> Iterator[tuple]:
    """Every submission of the people `by` may view, of the certifications they may see, oldest first; then
    every record of the entities they may see."""
    submitter, decider = aliased(User), aliased(User)
    query = (select(Submission.id, User.username, User.last_name, User.first_name, Certification.name,
                    Submission.completed_on, Submission.expires_on, Submission.status, Submission.revoked_reason,
                    Submission.source, Submission.submitted_at, submitter.username, Submission.decided_at,
                    decider.username, Submission.expiration_explanation)
             .join(User, User.id == Submission.user_id)
             .join(Certification, Certification.id == Submission.certification_id)
             .outerjoin(submitter, submitter.id == Submission.submitted_by_id)
             .outerjoin(decider, decider.id == Submission.decided_by_id)
             .where(Submission.user_id.in_(users_in_reach(by, "view").with_only_columns(User.id)),
                    Submission.certification_id.not_in(hidden_certifications(by))))
    for chunk in rows_by_key(query, Submission.id):
        for (record_id, username, last, first, certification, completed_on, expires_on, status, reason, source,
             submitted_at, submitted_by, decided_at, decided_by, explanation) in chunk:
            yield (record_id, "Employee", username, f"{first} {last}", username, last, first, certification,
                   _date(completed_on), _date(expires_on), _instance_status(status, reason), source.capitalize(),
                   _moment(submitted_at), submitted_by or "", _moment(decided_at), decided_by or "", reason or "",
                   explanation or "")
    yield from export_entity_instances(by)


REQUIREMENTS = export_only_kind(
    name="requirements", title=N_("Requirements and Statuses (Export All)"), headers=REQUIREMENT_HEADERS,
    permissions=frozenset({Permission.VIEW_REPORTS}), export_rows=export_requirements,
    description=N_("One row per person and certification they must hold, then per asset, client or job location and "
                   "certification associated with it, with its status today and why."))
INSTANCES = export_only_kind(
    name="instances", title=N_("Certification Events (Export Instances)"), headers=INSTANCE_HEADERS,
    permissions=frozenset({Permission.VIEW_REPORTS}), export_rows=export_instances,
    description=N_("One row per submission: each certification event, pending, approved, declined or revoked; then "
                   "one per record of an asset, client or job location."))
