"""Assets, clients and job locations (docs/rules.md 65-72): list, add, edit and archive them; associate
them with certifications of their type (add several, revoke with a reason, remove with history); record a
certification for one, with files; their statuses by the rules engine; an asset's public status page."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import Certification, Entity, EntityAttachment, EntityRecord, EntityRequirement, User
from webapp.models.base import utcnow
from webapp.models.people import new_token
from webapp.permissions import Permission
from webapp.rules import RecordFacts, RequirementStatus, expiration_for
from webapp.rules.entities import KINDS, association_status, identifier_problem, matches_filter, reason_problem
from webapp.rules.expiration import set_by
from webapp.rules.languages import N_
from webapp.rules.periods import format_date
from webapp.rules.verdicts import Verdict, VerdictItem, verdict_for_role
from webapp.services.audit import record_audit, snapshot
from webapp.services.compliance import tracking_policy
from webapp.services.invalid import Invalid, message_text
from webapp.services.known import unknown_ids
from webapp.services.mail import external_url
from webapp.services.storage import check_uploads, store_file
from webapp.services.tags import tags_named

PAGE_SIZE = 25
ADD_LIST_LIMIT = 50
NAME_LIMIT = Entity.__table__.c.name.type.length
IDENTIFIER_LIMIT = Entity.__table__.c.identifier.type.length
AUDITED = ("kind", "name", "identifier", "description", "owner_id")


@dataclass
class EntityPage:
    entities: list[Entity]
    page: int
    pages: int
    total: int


@dataclass
class AssociationLine:
    """An association and its status today (decision 68)."""

    requirement: EntityRequirement
    status: RequirementStatus


@dataclass
class EntityStatusPage:
    """What an entity's QR code opens (decision 71): the verdict, then each certification's status."""

    entity: Entity
    verdict: Verdict
    lines: list[AssociationLine]


def _matching(search: str):
    pattern = f"%{search.strip().lower()}%"
    return or_(func.lower(Entity.name).like(pattern), func.lower(Entity.identifier).like(pattern))


matching_entities = _matching  # for the other entity services: name or identifier contains the search


def list_entities(kind: str, search: str = "", page: int = 1, *, archived: bool = False) -> EntityPage:
    """One page of `kind`'s entities (archived ones instead, when asked), by name, searched by name or
    identifier, in two queries."""
    where = [Entity.kind == kind, Entity.archived_at.is_not(None) if archived else Entity.archived_at.is_(None)]
    if search.strip():
        where.append(_matching(search))
    total = db.session.scalar(select(func.count(Entity.id)).where(*where))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    entities = list(db.session.scalars(
        select(Entity).where(*where).options(joinedload(Entity.owner), selectinload(Entity.tags))
        .order_by(func.lower(Entity.name), Entity.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ))
    return EntityPage(entities, page, pages, total)


def get_entity(entity_id: int, kind: str) -> Entity | None:
    """The entity of `kind` with this id, with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(
        select(Entity).where(Entity.id == entity_id, Entity.kind == kind)
        .options(
            joinedload(Entity.owner), selectinload(Entity.tags),
            selectinload(Entity.requirements).joinedload(EntityRequirement.certification),
            selectinload(Entity.requirements).joinedload(EntityRequirement.revoked_by),
            selectinload(Entity.requirements).selectinload(EntityRequirement.records)
            .options(joinedload(EntityRecord.recorded_by), selectinload(EntityRecord.attachments)),
        )
    )


def may_view_entity(viewer: User, entity: Entity) -> bool:
    """Administrators of certifications, and the entity's responsible user (decision 70)."""
    return viewer.can(Permission.MANAGE_CERTIFICATIONS) or entity.owner_id == viewer.id


def owned_entities(owner: User) -> list[Entity]:
    """The entities `owner` is responsible for, by kind and name."""
    return list(db.session.scalars(
        select(Entity).where(Entity.owner_id == owner.id, Entity.archived_at.is_(None))
        .order_by(Entity.kind, func.lower(Entity.name))
    ))

# Refusals naming the kind, one sentence per kind so each language writes it whole (message ids).
NAME_MISSING = {"asset": N_("Enter the asset's name."), "client": N_("Enter the client's name."),
                "location": N_("Enter the job location's name.")}
IDENTIFIER_TAKEN = {"asset": N_("Another asset already has this identifier."),
                    "client": N_("Another client already has this identifier."),
                    "location": N_("Another job location already has this identifier.")}
NONE_SELECTED = {"asset": N_("Select the assets to add."), "client": N_("Select the clients to add."),
                 "location": N_("Select the job locations to add.")}
NOT_IN_LIST = {"asset": N_("Choose only assets in use, from the list."),
               "client": N_("Choose only clients in use, from the list."),
               "location": N_("Choose only job locations in use, from the list.")}


def owner_choices() -> list[tuple[int, str]]:
    """Active people who may be responsible for an entity, by name."""
    return [(user.id, user.sort_name) for user in db.session.scalars(
        select(User).where(User.active.is_(True)).order_by(func.lower(User.last_name), func.lower(User.first_name))
    )]


def _check_entity(kind: str, values: dict, own_id: int | None) -> dict:
    """The entity's columns from `values`, stripped; raises Invalid with every refusal."""
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    identifier = (values.get("identifier") or "").strip()
    if not name:
        errors["name"] = gettext(NAME_MISSING[kind])
    elif len(name) > NAME_LIMIT:
        errors["name"] = gettext("Keep the name to %(limit)s characters.", limit=NAME_LIMIT)
    if problem := identifier_problem(identifier, IDENTIFIER_LIMIT):
        errors["identifier"] = message_text(problem)
    elif _identifier_taken(kind, identifier, own_id):
        errors["identifier"] = _identifier_taken_message(kind)
    owner_id = values.get("owner_id")
    if owner_id and unknown_ids(User, [owner_id]):
        errors["owner_id"] = gettext("Choose the responsible user from the list.")
    if errors:
        raise Invalid(errors)
    return {"name": name, "identifier": identifier, "description": (values.get("description") or "").strip() or None,
            "owner_id": owner_id or None}


def _identifier_taken(kind: str, identifier: str, own_id: int | None) -> bool:
    return db.session.scalar(
        select(Entity.id).where(Entity.kind == kind, func.lower(Entity.identifier) == identifier.lower(),
                                Entity.id != (own_id or 0)).limit(1)
    ) is not None


def _identifier_taken_message(kind: str) -> str:
    return gettext(IDENTIFIER_TAKEN[kind])


def _save_entity(actor: User, entity: Entity, columns: dict, tag_names: Iterable[str], action: str,
                 summary: str, before: dict | None) -> Entity:
    for column, value in columns.items():
        setattr(entity, column, value)
    entity.tags = tags_named(tag_names)
    db.session.add(entity)
    try:
        db.session.flush()
    except IntegrityError as race:  # the same identifier added at the same moment
        db.session.rollback()
        raise Invalid({"identifier": _identifier_taken_message(entity.kind)}) from race
    record_audit(actor, action, entity, summary, before=before,
                 after={**snapshot(entity, AUDITED), "tags": [tag.name for tag in entity.tags]})
    db.session.commit()
    return entity


def create_entity(actor: User, kind: str, values: dict) -> Entity:
    """Add an asset, client or job location; refuses a blank name, a blank or taken identifier, an unknown
    owner (Invalid, nothing saved)."""
    columns = _check_entity(kind, values, None)
    words = KINDS[kind].singular.lower()
    return _save_entity(actor, Entity(kind=kind), columns, values.get("tag_names") or (), "entity.create",
                        f"Added {words} {columns['name']}", None)


def update_entity(actor: User, entity: Entity, values: dict) -> Entity:
    """Save an entity's details, refused as `create_entity` refuses."""
    columns = _check_entity(entity.kind, values, entity.id)
    before = {**snapshot(entity, AUDITED), "tags": [tag.name for tag in entity.tags]}
    return _save_entity(actor, entity, columns, values.get("tag_names") or (), "entity.edit",
                        f"Edited {KINDS[entity.kind].singular.lower()} {columns['name']}", before)


def _facts(requirement: EntityRequirement) -> tuple[RecordFacts, ...]:
    return tuple(RecordFacts(r.completed_on, r.expires_on, record_id=r.id) for r in requirement.records)


def association_line(requirement: EntityRequirement, day: date) -> AssociationLine:
    """The association with its status on `day`, from its loaded certification and records."""
    status = association_status(day, tracking_policy(requirement.certification), _facts(requirement),
                                requirement.revoked_reason)
    return AssociationLine(requirement, status)


def entity_lines(entity: Entity, day: date) -> list[AssociationLine]:
    """Every association of a loaded entity (`get_entity`), by certification name."""
    return [association_line(r, day) for r in sorted(entity.requirements, key=lambda r: r.certification.name.lower())]


def entity_association_exists(certification: Certification) -> bool:
    """Whether any entity is associated with the certification (decision 66)."""
    return db.session.scalar(
        select(EntityRequirement.id).where(EntityRequirement.certification_id == certification.id).limit(1)
    ) is not None


def certification_associations(certification: Certification, day: date,
                               status_filter: str | None = None) -> list[AssociationLine]:
    """The certification's associations with their statuses, those matching `status_filter`, by entity
    name, in a fixed number of queries."""
    requirements = db.session.scalars(
        select(EntityRequirement).join(Entity)
        .where(EntityRequirement.certification_id == certification.id)
        .options(joinedload(EntityRequirement.entity), joinedload(EntityRequirement.revoked_by),
                 selectinload(EntityRequirement.records))
        .order_by(func.lower(Entity.name), Entity.id)
    )
    lines = [association_line(requirement, day) for requirement in requirements]
    return [line for line in lines if matches_filter(line.status, status_filter)]


def addable_entities(certification: Certification, search: str = "") -> list[Entity]:
    """Entities of the certification's kind, not archived, not yet associated, matching `search` (the
    first ADD_LIST_LIMIT by name)."""
    associated = select(EntityRequirement.entity_id).where(EntityRequirement.certification_id == certification.id)
    where = [Entity.kind == certification.type, Entity.archived_at.is_(None), Entity.id.not_in(associated)]
    if search.strip():
        where.append(_matching(search))
    return list(db.session.scalars(
        select(Entity).where(*where).order_by(func.lower(Entity.name), Entity.id).limit(ADD_LIST_LIMIT)
    ))


def add_associations(actor: User, certification: Certification, entity_ids: Iterable[int]) -> list[Entity]:
    """Associate the chosen entities with the certification (Add Selected); all or nothing. Refuses an
    employee certification, no choice, an entity of another kind, archived or unknown, and one already
    associated (decision 67). Returns the entities added."""
    ids = sorted(set(entity_ids))
    if certification.type not in KINDS:
        raise Invalid({"entity_ids": gettext("This is an Employee certification: assign it to people or roles.")})
    if not ids:
        raise Invalid({"entity_ids": gettext(NONE_SELECTED[certification.type])})
    entities = list(db.session.scalars(select(Entity).where(Entity.id.in_(ids)).order_by(Entity.name)))
    wrong = [e for e in entities if e.kind != certification.type or e.archived_at is not None]
    if len(entities) != len(ids) or wrong:
        raise Invalid({"entity_ids": gettext(NOT_IN_LIST[certification.type])})
    already = set(db.session.scalars(select(EntityRequirement.entity_id).where(
        EntityRequirement.certification_id == certification.id, EntityRequirement.entity_id.in_(ids))))
    if already:
        names = ", ".join(e.name for e in entities if e.id in already)
        raise Invalid({"entity_ids": gettext("Already associated (revoked or not): %(names)s. Nothing was added.", names=names)})
    for entity in entities:
        db.session.add(EntityRequirement(entity=entity, certification_id=certification.id, added_by_id=actor.id))
    try:
        db.session.flush()
    except IntegrityError as race:
        db.session.rollback()
        raise Invalid({"entity_ids": gettext("Someone added one of them at the same moment. Nothing was added.")}) from race
    record_audit(actor, "entity_requirement.add", certification,
                 f"Associated {', '.join(e.name for e in entities)} with {certification.name}",
                 after={"entities": [e.identifier for e in entities]})
    db.session.commit()
    return entities


def get_association(certification: Certification, requirement_id: int) -> EntityRequirement | None:
    """The certification's association with this id, with its entity."""
    return db.session.scalar(
        select(EntityRequirement).options(joinedload(EntityRequirement.entity))
        .where(EntityRequirement.id == requirement_id, EntityRequirement.certification_id == certification.id)
    )


def revoke_association(actor: User, requirement: EntityRequirement, reason: str) -> None:
    """Revoke the association with a documented reason; it stays, with its records (decision 67)."""
    reason = (reason or "").strip()
    if requirement.is_revoked:
        raise Invalid({"reason": gettext("%(name)s is already revoked.", name=requirement.entity.name)})
    if problem := reason_problem(reason):
        raise Invalid({"reason": message_text(problem)})
    requirement.revoked_at, requirement.revoked_by_id, requirement.revoked_reason = utcnow(), actor.id, reason
    record_audit(actor, "entity_requirement.revoke", requirement,
                 f"Revoked {requirement.certification.name} of {requirement.entity.name}: {reason}",
                 after={"revoked_reason": reason})
    db.session.commit()


def restore_association(actor: User, requirement: EntityRequirement) -> None:
    """Restore a revoked association (decision 95): it is required again, its status the rules' over the records
    it kept; the revocation (when, by whom, why) stays in the audit trail. Refuses one that is not revoked."""
    if not requirement.is_revoked:
        raise Invalid({"requirement": gettext("%(name)s is not revoked.", name=requirement.entity.name)})
    before = {"revoked_at": requirement.revoked_at.isoformat(), "revoked_by_id": requirement.revoked_by_id,
              "revoked_reason": requirement.revoked_reason}
    record_audit(actor, "entity_requirement.restore", requirement,
                 f"Restored {requirement.certification.name} of {requirement.entity.name} "
                 f"(revoked: {requirement.revoked_reason})", before=before, after={"revoked_reason": None})
    requirement.revoked_at = requirement.revoked_by_id = requirement.revoked_reason = None
    db.session.commit()


def remove_association(actor: User, requirement: EntityRequirement) -> int:
    """Delete the association with its records and their files' links; returns the records deleted."""
    record_ids = select(EntityRecord.id).where(EntityRecord.requirement_id == requirement.id)
    removed = db.session.scalar(select(func.count()).select_from(record_ids.subquery()))
    before = {"entity": requirement.entity.identifier, "records": removed, "revoked_reason": requirement.revoked_reason}
    record_audit(actor, "entity_requirement.remove", requirement,
                 f"Removed {requirement.certification.name} from {requirement.entity.name} with {removed} records",
                 before=before)
    # Explicit deletes, so the outcome does not depend on the database enforcing ON DELETE CASCADE.
    db.session.execute(delete(EntityAttachment).where(EntityAttachment.record_id.in_(record_ids)))
    db.session.execute(delete(EntityRecord).where(EntityRecord.requirement_id == requirement.id))
    db.session.execute(delete(EntityRequirement).where(EntityRequirement.id == requirement.id))
    db.session.commit()
    return removed


def get_entity_requirement(entity: Entity, requirement_id: int) -> EntityRequirement | None:
    """The entity's association with this id (from the loaded entity)."""
    return next((r for r in entity.requirements if r.id == requirement_id), None)


def record_for_entity(actor: User, requirement: EntityRequirement, completed_on: date | None,
                      expires_on: date | None = None, notes: str | None = None,
                      files: Iterable[FileStorage] = ()) -> EntityRecord:
    """Record a completion of the certification for the entity, with files (decision 69). The expiration is
    the rules' from the completion date and the latest record unless another is typed (kept, "set by").
    Refuses a revoked association, no completion date, an expiry before it, a refused file (Invalid)."""
    errors: dict[str, str] = {}
    if requirement.is_revoked:
        errors["completed_on"] = gettext("This association is revoked: nothing can be recorded on it.")
    if completed_on is None:
        errors.setdefault("completed_on", "Enter the completion date.")
    elif expires_on is not None and expires_on < completed_on:
        errors["expires_on"] = gettext("The expiration date cannot be before the completion date.")
    checked, refused = check_uploads(files)
    if refused:
        errors["files"] = " ".join(refused)
    if errors:
        raise Invalid(errors)
    if expires_on is not None:
        explanation = set_by(expires_on, actor.full_name).english()
    else:
        earlier = [r for r in requirement.records if r.completed_on <= completed_on]
        latest = max(earlier, key=lambda r: (r.completed_on, r.id)) if earlier else None
        result = expiration_for(tracking_policy(requirement.certification), completed_on,
                                latest.expires_on if latest is not None else None, has_approved_record=latest is not None)
        expires_on, explanation = result.expires_on, result.explanation
    # Files first: storing one flushes the session, which must not hold a half-built record yet.
    attachments = [EntityAttachment(stored_file=store_file(upload), name=upload.name, added_by_id=actor.id)
                   for upload in checked]
    record = EntityRecord(requirement=requirement, completed_on=completed_on, expires_on=expires_on,
                          expiration_explanation=explanation, notes=(notes or "").strip() or None,
                          recorded_by_id=actor.id, attachments=attachments)
    db.session.add(record)
    db.session.flush()
    record_audit(actor, "entity_record.create", record,
                 f"Recorded {requirement.certification.name} for {requirement.entity.name}, completed "
                 f"{format_date(completed_on)}",
                 after={**snapshot(record, ("completed_on", "expires_on")),
                        "attachments": [a.name for a in record.attachments]})
    db.session.commit()
    return record


def get_entity_attachment(attachment_id: int) -> EntityAttachment | None:
    """A file of an entity's record, with what deciding who may see it needs."""
    return db.session.scalar(
        select(EntityAttachment).where(EntityAttachment.id == attachment_id)
        .options(joinedload(EntityAttachment.stored_file),
                 joinedload(EntityAttachment.record).joinedload(EntityRecord.requirement)
                 .joinedload(EntityRequirement.entity))
    )


def entity_qr_url(entity: Entity) -> str:
    return external_url("public.asset_status", token=entity.qr_token)


def reset_entity_qr(actor: User, entity: Entity) -> None:
    """Issue a new token: every printed sticker stops working (decision 71)."""
    entity.qr_token = new_token()
    record_audit(actor, "entity.qr_reset", entity, f"Reset the QR code of {entity.name}")
    db.session.commit()


def load_status_page(token: str, day: date) -> EntityStatusPage | None:
    """What an asset's QR code opens on `day`, in a fixed number of queries; None for an unknown token."""
    entity = db.session.scalar(
        select(Entity).where(Entity.qr_token == token, Entity.kind == "asset")
        .options(selectinload(Entity.requirements).joinedload(EntityRequirement.certification),
                 selectinload(Entity.requirements).selectinload(EntityRequirement.records))
    )
    if entity is None:
        return None
    lines = entity_lines(entity, day)
    verdict = verdict_for_role([VerdictItem(line.requirement.certification.name, line.status) for line in lines], day)
    return EntityStatusPage(entity, verdict, lines)
