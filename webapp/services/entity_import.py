"""Assets, clients and job locations in and out (issue 21, docs/rules.md decisions 98 to 101, 109 and 110): the
entities themselves with the certifications each must hold (and, for a client, the Employee certifications that
apply to it), their records, and what each job location requires of the people working there with who works there.
With the other files they move an organisation whole (decision 62's order: the entities after the certifications,
their records after the entities, the job locations' sites after the people).

An import adds and changes, never removes: an entity's details are replaced by its row's, its associations and
a job location's requirements and workers are only added. Revoking, removing and archiving stay on the pages,
where each asks for its reason or confirmation.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import (
    Certification,
    Entity,
    EntityRecord,
    EntityRequirement,
    Tag,
    User,
    certification_clients,
    job_location_certifications,
    job_location_workers,
    utcnow,
)
from webapp.permissions import Permission
from webapp.rules import RecordFacts
from webapp.rules.cells import NOT_ONE_LINE
from webapp.rules.entities import KINDS, identifier_problem, reason_problem
from webapp.rules.import_errors import (
    ANOTHER_STATUS,
    CERTIFICATION_MISSING,
    DESCRIPTION_TOO_LONG,
    EMPLOYEE_CERTIFICATIONS_CLIENT_ONLY,
    ENTITY_ARCHIVED,
    ENTITY_IDENTIFIER_MISSING,
    ENTITY_NAME_MISSING,
    ENTITY_NAME_NOT_ONE_LINE,
    ENTITY_NAME_TOO_LONG,
    ENTITY_TWICE,
    HELD_BY_OTHERS,
    KIND_MISSING,
    KIND_UNKNOWN,
    LOCATION_ARCHIVED,
    NO_CERTIFICATION_IN_USE,
    NO_ENTITY,
    NO_WORKER,
    NOBODY_NAMED,
    NOT_FOR_CLIENTS,
    NOT_FOR_PEOPLE,
    NOT_REVOKED_FOR,
    OWNER_INACTIVE,
    REVOKED_FOR,
    ROW_TWICE,
    SITE_ROW_EMPTY,
    TAG_TOO_LONG,
    WORKER_INACTIVE,
)
from webapp.rules.import_previews import (
    APPLIES,
    ENTITY_LABEL,
    NOBODY,
    NONE,
    RECORD_LABEL,
    REQUIRES,
    REQUIRES_REVOKED,
    REWRITTEN,
    SET,
    SITE_BOTH,
    SITE_REQUIRES,
    SITE_WORKER,
    changed,
)
from webapp.rules.imported_records import ENTITY_STATUS_HELP, NEVER, read_entity_record_status
from webapp.rules.languages import N_
from webapp.rules.messages import Message, message
from webapp.rules.periods import format_date
from webapp.services.access import users_in_reach
from webapp.services.chunks import batches, rows_by_key
from webapp.services.imports import ImportKind, ImportPlan, ImportRow, PlannedRow, Progress, RowError, row_error
from webapp.services.privacy import hidden_certification_ids, hidden_certifications
from webapp.services.record_import import (
    CERTIFICATION,
    COMPLETED,
    EXPIRES,
    NOTES,
    REASON,
    RECORDS,
    STATUS,
    NewRecord,
    plan_history,
    read_record_cells,
    record_date_ranges,
)

KIND, NAME, IDENTIFIER, DESCRIPTION, TAGS, RESPONSIBLE, CERTIFICATIONS, EMPLOYEE_CERTIFICATIONS = ENTITY_HEADERS = (
    "Kind", "Name", "Identifier", "Description", "Tags", "Responsible User", "Certifications",
    "Employee Certifications")
ENTITY = "Entity Identifier"
RECORD_HEADERS = (KIND, ENTITY, CERTIFICATION, COMPLETED, EXPIRES, STATUS, REASON, NOTES)
LOCATION, REQUIRED, WORKER = SITE_HEADERS = ("Job Location", "Required Certification", "Worker")

NAME_LIMIT = Entity.__table__.c.name.type.length
IDENTIFIER_LIMIT = Entity.__table__.c.identifier.type.length
TAG_LIMIT = Tag.__table__.c.name.type.length
DESCRIPTION_LIMIT = 5000
# A cell of several names: semicolons (as in every file); a Tags cell also takes the commas the forms use.
NAMES_SEPARATOR = re.compile(r"\s*;\s*")
TAGS_SEPARATOR = re.compile(r"\s*[;,]\s*")
KIND_BY_WORD = {words.singular.casefold(): kind for kind, words in KINDS.items()}


def _names(cell: str, separator: re.Pattern = NAMES_SEPARATOR) -> list[str]:
    """The cell's names, blanks and repeats (in any case) left out, in the file's order."""
    names, seen = [], set()
    for name in separator.split(cell.strip()):
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _people_by_name(query) -> dict[str, User]:
    """The people of `query`, by username and by e-mail address in lower case."""
    people = {}
    for person in db.session.scalars(query):
        people[person.username.casefold()] = person
        if person.email:
            people[person.email.casefold()] = person
    return people


def _certifications_by_name(by: User) -> dict[str, Certification]:
    """The certifications in use `by` may see, by name in lower case (privacy hides the others)."""
    hidden = hidden_certification_ids(by)
    return {certification.name.casefold(): certification for certification in db.session.scalars(
        select(Certification).where(Certification.archived_at.is_(None))) if certification.id not in hidden}


# ---------------------------------------------------------------------------------------------------------------
# Assets, Clients and Job Locations


@dataclass
class _NewEntity:
    """An entity the import creates or changes: its columns, its tags' names, the certifications to add and, for a
    client, the Employee certifications that come to apply to it (decision 110)."""

    entity: Entity | None
    kind: str
    columns: dict
    tags: list[str] | None
    certification_ids: list[int] = field(default_factory=list)
    employee_ids: list[int] = field(default_factory=list)


def _kind_error(row: ImportRow) -> RowError:
    """The row's Kind names no kind of entity."""
    return row_error(row.line, KIND, KIND_UNKNOWN, text=row[KIND]) if row[KIND] else row_error(row.line, KIND,
                                                                                                 KIND_MISSING)


def _certification_problem(name: str, found: Certification | None, kind: str) -> str | None:
    """Why the certification named `name` cannot be associated with an entity of `kind` (decision 66)."""
    if found is None:
        return message(NO_CERTIFICATION_IN_USE, name=name).english()
    if found.type != kind:
        return message(HELD_BY_OTHERS[(found.type, kind)], name=found.name).english()
    return None


def _employee_certification_problem(name: str, found: Certification | None) -> str | None:
    """Why the certification named `name` cannot apply to a client (decision 94)."""
    if found is None:
        return message(NO_CERTIFICATION_IN_USE, name=name).english()
    if found.type != "employee":
        return message(NOT_FOR_CLIENTS[found.type], name=found.name).english()
    return None


def _applying_ids(row: ImportRow, kind: str | None, applied: set[int],
                  certifications: dict[str, Certification]) -> tuple[list[int], list[RowError]]:
    """The Employee certifications the row's Employee Certifications cell (left out of older files: blank) names
    that do not apply to its client yet (`applied`), and what is wrong with the cell."""
    names = _names(row.values.get(EMPLOYEE_CERTIFICATIONS, ""))
    if names and kind != "client":
        return [], [row_error(row.line, EMPLOYEE_CERTIFICATIONS, EMPLOYEE_CERTIFICATIONS_CLIENT_ONLY)]
    new_ids, errors = [], []
    for name in names:
        certification = certifications.get(name.casefold())
        if problem := _employee_certification_problem(name, certification):
            errors.append(RowError(row.line, EMPLOYEE_CERTIFICATIONS, problem))
        elif certification.id not in applied:
            new_ids.append(certification.id)
    return new_ids, errors


def _read_entity_row(row: ImportRow, kind: str | None, people: dict[str, User]) -> tuple[dict, list[RowError]]:
    """The row's columns as an entity has them, and what is wrong with them."""
    errors = []
    name, identifier, description = row[NAME], row[IDENTIFIER], row[DESCRIPTION]
    if not name:
        errors.append(row_error(row.line, NAME, ENTITY_NAME_MISSING))
    elif len(name) > NAME_LIMIT:
        errors.append(row_error(row.line, NAME, ENTITY_NAME_TOO_LONG, limit=NAME_LIMIT))
    elif NOT_ONE_LINE.search(name):
        errors.append(row_error(row.line, NAME, ENTITY_NAME_NOT_ONE_LINE))
    if problem := identifier_problem(identifier, IDENTIFIER_LIMIT):
        errors.append(RowError(row.line, IDENTIFIER, problem.english()))
    if len(description) > DESCRIPTION_LIMIT:
        errors.append(row_error(row.line, DESCRIPTION, DESCRIPTION_TOO_LONG, limit=DESCRIPTION_LIMIT))
    long_tags = [tag for tag in _names(row[TAGS], TAGS_SEPARATOR) if len(tag) > TAG_LIMIT]
    if long_tags:
        errors.append(row_error(row.line, TAGS, TAG_TOO_LONG, limit=TAG_LIMIT))
    owner = None
    if row[RESPONSIBLE]:
        owner = people.get(row[RESPONSIBLE].casefold())
        if owner is None:
            errors.append(row_error(row.line, RESPONSIBLE, NOBODY_NAMED, name=row[RESPONSIBLE]))
    return {"kind": kind, "name": name, "identifier": identifier, "description": description or None,
            "owner_id": owner.id if owner else None}, errors


def _entity_changes(entity: Entity, columns: dict, tags: list[str], owners: dict[int, str]) -> list[str]:
    """What the row changes of `entity`, in the preview's words (rules/import_previews.py)."""
    changes = []
    if entity.name != columns["name"]:
        changes.append(changed(NAME, entity.name, columns["name"]))
    if entity.identifier != columns["identifier"]:
        changes.append(changed(IDENTIFIER, entity.identifier, columns["identifier"]))
    if (entity.description or None) != columns["description"]:
        changes.append(message(REWRITTEN, column=DESCRIPTION))
    if sorted(tag.name for tag in entity.tags) != sorted(tags):
        changes.append(message(SET, column=TAGS, value=", ".join(sorted(tags)) or message(NONE)))
    if entity.owner_id != columns["owner_id"]:
        changes.append(message(SET, column=RESPONSIBLE, value=owners.get(columns["owner_id"]) or message(NOBODY)))
    return [change.english() for change in changes]


def _entity_label(kind: str, name: str, identifier: str) -> Message:
    """How the preview names an entity: its kind, name and identifier."""
    return message(ENTITY_LABEL[kind], name=name, identifier=identifier)


def plan_entities(rows: list[ImportRow], by: User, day: date, progress: Progress) -> ImportPlan:
    """Check every row: a kind, a name, an identifier (a row updates the entity of its kind with that identifier,
    in any case, else creates one), a responsible user who exists, certifications of the entity's type in use
    that `by` may see, and for a client Employee certifications that apply to it. A fixed number of queries,
    whatever the file's length. Writes nothing."""
    entities = {(entity.kind, entity.identifier.casefold()): entity for entity in db.session.scalars(
        select(Entity).options(selectinload(Entity.tags), selectinload(Entity.requirements)))}
    applied: dict[int, set[int]] = defaultdict(set)
    for client_id, certification_id in db.session.execute(
            select(certification_clients.c.client_id, certification_clients.c.certification_id)):
        applied[client_id].add(certification_id)
    people = _people_by_name(select(User))
    owners = {person.id: person.username for person in people.values()}
    certifications = _certifications_by_name(by)
    plan, seen = ImportPlan(work=[]), {}
    for done, row in enumerate(rows, start=1):
        progress(done)
        kind = KIND_BY_WORD.get(row[KIND].casefold())
        errors = [] if kind else [_kind_error(row)]
        columns, more = _read_entity_row(row, kind, people)
        errors.extend(more)
        existing = entities.get((kind, row[IDENTIFIER].casefold())) if kind else None
        if existing is not None and existing.archived_at is not None:
            errors.append(row_error(row.line, IDENTIFIER, ENTITY_ARCHIVED[kind], name=existing.name))
        owner_id = columns["owner_id"]
        if owner_id and not people[row[RESPONSIBLE].casefold()].active and (existing is None or existing.owner_id != owner_id):
            errors.append(row_error(row.line, RESPONSIBLE, OWNER_INACTIVE, name=row[RESPONSIBLE]))
        new_ids, associated = [], {r.certification_id: r for r in existing.requirements} if existing else {}
        for name in _names(row[CERTIFICATIONS]) if kind else ():
            certification = certifications.get(name.casefold())
            if problem := _certification_problem(name, certification, kind):
                errors.append(RowError(row.line, CERTIFICATIONS, problem))
            elif certification.id in associated and associated[certification.id].is_revoked:
                errors.append(row_error(row.line, CERTIFICATIONS, REVOKED_FOR[kind], name=certification.name))
            elif certification.id not in associated:
                new_ids.append(certification.id)
        applying_ids, more = _applying_ids(row, kind, applied[existing.id] if existing else set(), certifications)
        errors.extend(more)
        if kind and row[IDENTIFIER]:
            key = (kind, row[IDENTIFIER].casefold())
            if key in seen:
                errors.append(row_error(row.line, IDENTIFIER, ENTITY_TWICE[kind], row=seen[key]))
            seen.setdefault(key, row.line)
        if errors:
            plan.errors.extend(errors)
            continue
        tags = _names(row[TAGS], TAGS_SEPARATOR)
        label = _entity_label(kind, columns["name"], columns["identifier"]).english()
        names = [certification.name for certification in certifications.values() if certification.id in new_ids]
        applying = [certification.name for certification in certifications.values()
                    if certification.id in applying_ids]
        added = ([message(REQUIRES, name=name).english() for name in sorted(names, key=str.casefold)]
                 + [message(APPLIES, name=name).english() for name in sorted(applying, key=str.casefold)])
        if existing is None:
            plan.rows.append(PlannedRow(row.line, "create", label, tuple(added)))
            plan.work.append(_NewEntity(None, kind, columns, tags, new_ids, applying_ids))
            continue
        changes = _entity_changes(existing, columns, tags, owners)
        plan.rows.append(PlannedRow(row.line, "update" if changes or added else "unchanged", label,
                                    tuple(changes + added)))
        if changes or added:
            plan.work.append(_NewEntity(existing, kind, columns, tags if changes else None, new_ids, applying_ids))
    return plan


def _tags_by_name(names: set[str]) -> dict[str, Tag]:
    """One Tag for each name, the missing ones created once however many entities name them."""
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(sorted(names))))}
    return {name: existing.get(name) or Tag(name=name) for name in names}


def write_entities(plan: ImportPlan, by: User, day: date) -> int:
    """Create and update the planned entities, then add their associations and the Employee certifications that
    come to apply to the clients (the import commits)."""
    tags = _tags_by_name({name for work in plan.work if work.tags is not None for name in work.tags})
    for work in plan.work:
        entity = work.entity or Entity(kind=work.kind)
        for column, value in work.columns.items():
            setattr(entity, column, value)
        if work.tags is not None:
            entity.tags = sorted((tags[name] for name in work.tags), key=lambda tag: tag.name)
        db.session.add(entity)
        work.entity = entity
    db.session.flush()
    associations = [{"entity_id": work.entity.id, "certification_id": certification_id, "added_by_id": by.id}
                    for work in plan.work for certification_id in work.certification_ids]
    if associations:
        db.session.execute(insert(EntityRequirement), associations)
    applying = [{"client_id": work.entity.id, "certification_id": certification_id}
                for work in plan.work for certification_id in work.employee_ids]
    if applying:
        db.session.execute(insert(certification_clients), applying)
    return len(plan.work)


def export_entities(by: User) -> Iterator[tuple]:
    """Every asset, client and job location in use, by kind and name, with the certifications each must hold
    (not revoked, and only those privacy lets `by` see) and, for a client, the Employee certifications in use that
    apply to it (those privacy lets `by` see)."""
    hidden = hidden_certification_ids(by)
    applying: dict[int, list[str]] = defaultdict(list)
    for client_id, certification_id, name in db.session.execute(
            select(certification_clients.c.client_id, Certification.id, Certification.name)
            .join(Certification, Certification.id == certification_clients.c.certification_id)
            .where(Certification.archived_at.is_(None))
            .order_by(func.lower(Certification.name), Certification.id)):
        if certification_id not in hidden:
            applying[client_id].append(name)
    order = {kind: position for position, kind in enumerate(KINDS)}
    entities = db.session.scalars(
        select(Entity).where(Entity.archived_at.is_(None))
        .options(selectinload(Entity.tags), selectinload(Entity.owner),
                 selectinload(Entity.requirements).selectinload(EntityRequirement.certification))
        .order_by(func.lower(Entity.name), Entity.id)).all()
    for entity in sorted(entities, key=lambda e: order[e.kind]):
        names = sorted((r.certification.name for r in entity.requirements
                        if not r.is_revoked and r.certification_id not in hidden and r.certification.archived_at is None),
                       key=str.casefold)
        yield (KINDS[entity.kind].singular, entity.name, entity.identifier, entity.description or "",
               "; ".join(tag.name for tag in entity.tags), entity.owner.username if entity.owner else "",
               "; ".join(names), "; ".join(applying[entity.id]))


ENTITIES = ImportKind(
    name="entities", title=N_("Assets, Clients and Job Locations"), headers=ENTITY_HEADERS,
    permissions=frozenset({Permission.MANAGE_CERTIFICATIONS}),
    plan=plan_entities, write=write_entities, export_rows=export_entities,
    optional_headers=(EMPLOYEE_CERTIFICATIONS,),
    column_help={
        KIND: N_("Asset, Client or Job Location (any case)."),
        NAME: message(N_("The name (required, up to %(limit)s characters)."), limit=NAME_LIMIT),
        IDENTIFIER: N_("A serial, registration or account number, unique among its kind in any case. A row updates "
                       "the entity of its kind with this identifier, or else adds one."),
        DESCRIPTION: N_("Anything that helps recognise it (optional)."),
        TAGS: N_("Tag names separated by semicolons (or commas); the row's tags replace the entity's."),
        RESPONSIBLE: N_("The username or e-mail address of the person responsible (who sees its page and gets its "
                        "notices). Blank: nobody."),
        CERTIFICATIONS: N_("Names of certifications of its type (Asset, Client or Job Location) it must hold, "
                           "separated by semicolons. An import only adds: it never removes or revokes one, nor "
                           "restores a revoked one."),
        EMPLOYEE_CERTIFICATIONS: N_("For a client only: names of Employee certifications that apply to it (the "
                                    "certifications' Clients), separated by semicolons. An import only adds. A file "
                                    "may leave this column out."),
    },
    description=N_("One row per asset, client or job location, with its details, its responsible user and the "
                   "certifications it must hold."),
    template_rows=(("Asset", "Forklift 1", "FL-01", "Yard forklift", "Yard; Lifting", "ada", "Annual Inspection", ""),
                   ("Client", "Harbor Authority", "CL-100", "Port operator", "", "", "", "H2S Awareness"),
                   ("Job Location", "Pier 4 Terminal", "JL-01", "", "", "", "", "")),
)


# ---------------------------------------------------------------------------------------------------------------
# Asset, Client and Job Location records (decision 109)


@dataclass
class _RecordsWork:
    """The records to add, on the associations they name: those on file by (entity, certification), and those
    the import adds first, each with its revocation's reason or None."""

    records: list[NewRecord]
    associations: dict[tuple[int, int], int]
    new_associations: dict[tuple[int, int], str | None]


def _record_entity(row: ImportRow, kind: str | None,
                   entities: dict[tuple[str, str], Entity]) -> tuple[Entity | None, list[RowError]]:
    """The entity in use the row's Kind and Entity Identifier name, or what is wrong with them."""
    if kind is None:
        return None, [_kind_error(row)]
    entity = entities.get((kind, row[ENTITY].casefold()))
    if not row[ENTITY]:
        return None, [row_error(row.line, ENTITY, ENTITY_IDENTIFIER_MISSING[kind])]
    if entity is None:
        return None, [row_error(row.line, ENTITY, NO_ENTITY[kind], identifier=row[ENTITY])]
    if entity.archived_at is not None:
        return None, [row_error(row.line, ENTITY, ENTITY_ARCHIVED[kind], name=entity.name)]
    return entity, []


def _association_problem(row: ImportRow, record: NewRecord, kind: str, on_file: tuple[int, str | None] | None,
                         agreed: dict[tuple[int, int], tuple[int, str, str | None]]) -> str | None:
    """Why the row's Status does not fit the association it names: Recorded on one in force, Revoked on a revoked
    one, and on one the import adds the same status and reason as its first row (kept in `agreed`)."""
    name = record.certification.name
    if on_file is not None:
        if record.status == "revoked" and on_file[1] is None:
            return message(NOT_REVOKED_FOR[kind], name=name).english()
        if record.status != "revoked" and on_file[1] is not None:
            return message(REVOKED_FOR[kind], name=name).english()
        return None
    reason = row[REASON] or None
    first = agreed.setdefault((record.holder[0], record.certification.id), (row.line, record.status, reason))
    if first[1:] != (record.status, reason):
        return message(ANOTHER_STATUS[kind], row=first[0], name=name).english()
    return None


def _entity_records_on_file(requirement_ids: set[int]) -> dict[tuple[int, int], list[RecordFacts]]:
    """The records of these associations, by (entity, certification): a query per thousand associations. An
    entity's record is never revoked by itself (its association is)."""
    records: dict[tuple[int, int], list[RecordFacts]] = defaultdict(list)
    for batch in batches(sorted(requirement_ids)):
        for entity_id, certification_id, completed_on, expires_on in db.session.execute(
                select(EntityRequirement.entity_id, EntityRequirement.certification_id, EntityRecord.completed_on,
                       EntityRecord.expires_on)
                .join(EntityRequirement, EntityRequirement.id == EntityRecord.requirement_id)
                .where(EntityRecord.requirement_id.in_(batch))):
            records[(entity_id, certification_id)].append(RecordFacts(completed_on, expires_on))
    return records


def plan_entity_records(rows: list[ImportRow], by: User, day: date, progress: Progress) -> ImportPlan:
    """Check every row: an entity in use by its kind and identifier, a certification of its type in use that `by`
    may see, the dates and the status. Recorded goes on an association in force, Revoked (with its reason) on a
    revoked one; an association the entity does not have yet is added, revoked when its rows say Revoked (they
    must all agree). A record on file (same entity, certification and completion date) is unchanged, the same
    record twice in the file an error; a blank expiration is the rules' after the entity's earlier records. A
    fixed number of queries, and one per thousand associations named. Writes nothing."""
    entities = {(entity.kind, entity.identifier.casefold()): entity for entity in db.session.scalars(select(Entity))}
    certifications = _certifications_by_name(by)
    associations = {(entity_id, certification_id): (requirement_id, reason)
                    for requirement_id, entity_id, certification_id, reason in db.session.execute(
                        select(EntityRequirement.id, EntityRequirement.entity_id, EntityRequirement.certification_id,
                               EntityRequirement.revoked_reason))}
    ranges = record_date_ranges()
    plan, read, agreed = ImportPlan(), [], {}
    for done, row in enumerate(rows, start=1):
        progress(done)
        kind = KIND_BY_WORD.get(row[KIND].casefold())
        entity, errors = _record_entity(row, kind, entities)
        certification = certifications.get(row[CERTIFICATION].casefold())
        if not row[CERTIFICATION]:
            errors.append(row_error(row.line, CERTIFICATION, CERTIFICATION_MISSING))
        elif kind and (problem := _certification_problem(row[CERTIFICATION], certification, kind)):
            errors.append(RowError(row.line, CERTIFICATION, problem))
        cells, more = read_record_cells(row, ranges, read_entity_record_status)
        errors.extend(more)
        if cells.status == "revoked" and row[REASON] and (problem := reason_problem(row[REASON])):
            errors.append(RowError(row.line, REASON, problem.english()))
        if errors:
            plan.errors.extend(errors)
            continue
        label = message(RECORD_LABEL, holder=_entity_label(kind, entity.name, entity.identifier),
                        certification=certification.name, day=cells.completed_on).english()
        record = NewRecord(row.line, (entity.id, label), certification, cells.completed_on, cells.given_expiration,
                           cells.never, cells.status, None, cells.notes, label)
        on_file = associations.get((entity.id, certification.id))
        if problem := _association_problem(row, record, kind, on_file, agreed):
            plan.errors.append(RowError(row.line, STATUS, problem))
            continue
        if on_file is None and agreed[(entity.id, certification.id)][0] == row.line:
            record.also = (message(REQUIRES_REVOKED if row[REASON] else REQUIRES, name=certification.name).english(),)
        read.append(record)
    named = {associations[key][0] for key in {(r.holder[0], r.certification.id) for r in read} if key in associations}
    added = plan_history(plan, read, _entity_records_on_file(named))
    keys = {(record.holder[0], record.certification.id) for record in added}
    plan.work = _RecordsWork(added, {key: associations[key][0] for key in keys if key in associations},
                             {key: agreed[key][2] for key in keys if key not in associations})
    return plan


def write_entity_records(plan: ImportPlan, by: User, day: date) -> int:
    """Add the planned associations (revoked ones revoked by the importer, with their reason), then the records,
    recorded by the importer, in one bulk insert; the import commits."""
    work: _RecordsWork = plan.work
    now = utcnow()
    added = {key: EntityRequirement(entity_id=key[0], certification_id=key[1], added_by_id=by.id,
                                    revoked_at=now if reason else None, revoked_by_id=by.id if reason else None,
                                    revoked_reason=reason)
             for key, reason in work.new_associations.items()}
    db.session.add_all(added.values())
    db.session.flush()
    requirement_ids = {**work.associations, **{key: requirement.id for key, requirement in added.items()}}
    if work.records:
        db.session.execute(insert(EntityRecord), [{
            "requirement_id": requirement_ids[(record.holder[0], record.certification.id)],
            "completed_on": record.completed_on, "expires_on": record.expires_on,
            "expiration_explanation": record.explanation, "notes": record.notes or None, "recorded_by_id": by.id,
            "recorded_at": now,
        } for record in work.records])
    return len(work.records)


def export_entity_records(by: User) -> Iterator[tuple]:
    """Every record of the assets, clients and job locations in use, of the certifications in use privacy lets
    `by` see, in the import's columns: a revoked association's records say Revoked, with its reason. A thousand
    records at a time."""
    query = (select(EntityRecord.id, Entity.kind, Entity.identifier, Certification.name, EntityRecord.completed_on,
                    EntityRecord.expires_on, EntityRequirement.revoked_reason, EntityRecord.notes)
             .join(EntityRequirement, EntityRequirement.id == EntityRecord.requirement_id)
             .join(Entity, Entity.id == EntityRequirement.entity_id)
             .join(Certification, Certification.id == EntityRequirement.certification_id)
             .where(Entity.archived_at.is_(None), Certification.archived_at.is_(None),
                    Certification.id.not_in(hidden_certifications(by))))
    for chunk in rows_by_key(query, EntityRecord.id):
        for _, kind, identifier, name, completed_on, expires_on, reason, notes in chunk:
            yield (KINDS[kind].singular, identifier, name, format_date(completed_on),
                   format_date(expires_on) if expires_on else NEVER, "Revoked" if reason else "Recorded", reason or "",
                   notes or "")


ENTITY_RECORDS = ImportKind(
    name="entity-records", title=N_("Asset, Client and Job Location Records"), headers=RECORD_HEADERS,
    permissions=frozenset({Permission.MANAGE_CERTIFICATIONS}),
    plan=plan_entity_records, write=write_entity_records, export_rows=export_entity_records,
    column_help={
        KIND: ENTITIES.column_help[KIND],
        ENTITY: N_("Its identifier (any case), as in the Assets, Clients and Job Locations file, imported first."),
        CERTIFICATION: N_("The name of a certification of its type in use (any case). One it does not hold yet is "
                          "added to it."),
        COMPLETED: RECORDS.column_help[COMPLETED],
        EXPIRES: N_("Kept as given; not before the completion date. Never: the record does not expire. Blank: the "
                    "certification's tracking settings give it, after the earlier records of the same certification."),
        STATUS: ENTITY_STATUS_HELP,
        REASON: N_("Why the association was revoked: required for Revoked, empty otherwise. One revoked already "
                   "keeps its own reason."),
        NOTES: N_("Optional: the record's notes."),
    },
    description=N_("One row per record of an asset, client or job location (an inspection, a registration): its "
                   "certification completed on a date, the history an organisation moves in or out."),
    template_rows=(("Asset", "FL-01", "Annual Inspection", "07/01/2025", "07/01/2026", "Recorded", "",
                    "No defects found"),),
)


# ---------------------------------------------------------------------------------------------------------------
# Job location site requirements and workers (decision 76)


@dataclass
class _SiteWork:
    certifications: set[tuple[int, int]] = field(default_factory=set)  # (location id, certification id)
    workers: set[tuple[int, int]] = field(default_factory=set)  # (location id, user id)


def plan_sites(rows: list[ImportRow], by: User, day: date, progress: Progress) -> ImportPlan:
    """Check every row: a job location in use by its identifier, and an Employee certification in use it requires
    of its workers, or an active person (username or e-mail) whose requirements `by` manages who works there, or
    both. A fixed number of queries, whatever the file's length. Writes nothing."""
    locations = {entity.identifier.casefold(): entity for entity in db.session.scalars(
        select(Entity).where(Entity.kind == "location"))}
    certifications = _certifications_by_name(by)
    people = _people_by_name(users_in_reach(by, "manage_requirements"))
    required = {tuple(pair) for pair in db.session.execute(
        select(job_location_certifications.c.location_id, job_location_certifications.c.certification_id))}
    working = {tuple(pair) for pair in db.session.execute(
        select(job_location_workers.c.location_id, job_location_workers.c.user_id))}
    plan, work, seen = ImportPlan(), _SiteWork(), {}
    plan.work = work
    for done, row in enumerate(rows, start=1):
        progress(done)
        errors = []
        location = locations.get(row[LOCATION].casefold())
        if not row[LOCATION]:
            errors.append(row_error(row.line, LOCATION, ENTITY_IDENTIFIER_MISSING["location"]))
        elif location is None:
            errors.append(row_error(row.line, LOCATION, NO_ENTITY["location"], identifier=row[LOCATION]))
        elif location.archived_at is not None:
            errors.append(row_error(row.line, LOCATION, LOCATION_ARCHIVED, name=location.name))
        certification = certifications.get(row[REQUIRED].casefold()) if row[REQUIRED] else None
        if row[REQUIRED] and certification is None:
            errors.append(row_error(row.line, REQUIRED, NO_CERTIFICATION_IN_USE, name=row[REQUIRED]))
        elif certification is not None and certification.type != "employee":
            errors.append(row_error(row.line, REQUIRED, NOT_FOR_PEOPLE[certification.type], name=certification.name))
        person = people.get(row[WORKER].casefold()) if row[WORKER] else None
        if row[WORKER] and person is None:
            errors.append(row_error(row.line, WORKER, NO_WORKER, name=row[WORKER]))
        elif person is not None and not person.active and (location is None or (location.id, person.id) not in working):
            errors.append(row_error(row.line, WORKER, WORKER_INACTIVE, name=person.full_name))
        if not row[REQUIRED] and not row[WORKER]:
            errors.append(row_error(row.line, REQUIRED, SITE_ROW_EMPTY))
        key = (row[LOCATION].casefold(), row[REQUIRED].casefold(), row[WORKER].casefold())
        if not errors and key in seen:
            errors.append(row_error(row.line, LOCATION, ROW_TWICE, row=seen[key]))
        seen.setdefault(key, row.line)
        if errors:
            plan.errors.extend(errors)
            continue
        new = []
        if certification is not None:
            if (location.id, certification.id) not in required and (location.id, certification.id) not in work.certifications:
                work.certifications.add((location.id, certification.id))
                new.append(certification.name)
        if person is not None:
            if (location.id, person.id) not in working and (location.id, person.id) not in work.workers:
                work.workers.add((location.id, person.id))
                new.append(person.username)
        plan.rows.append(PlannedRow(row.line, "create" if new else "unchanged",
                                    _site_label(location, certification, person)))
    return plan


def _site_label(location: Entity, certification: Certification | None, person: User | None) -> str:
    """How the preview says a job location's row: what the location requires, who works there, or both."""
    parts = {"location": f"{location.name} ({location.identifier})"}
    if certification is not None:
        parts["certification"] = certification.name
    if person is not None:
        parts["person"] = f"{person.full_name} ({person.username})"
    id_ = SITE_WORKER if certification is None else SITE_REQUIRES if person is None else SITE_BOTH
    return message(id_, **parts).english()


def write_sites(plan: ImportPlan, by: User, day: date) -> int:
    """Add the job locations' new requirements and workers (bulk inserts; the import commits)."""
    work: _SiteWork = plan.work
    if work.certifications:
        db.session.execute(insert(job_location_certifications), [
            {"location_id": location_id, "certification_id": certification_id}
            for location_id, certification_id in sorted(work.certifications)])
    if work.workers:
        db.session.execute(insert(job_location_workers), [
            {"location_id": location_id, "user_id": user_id} for location_id, user_id in sorted(work.workers)])
    return len(work.certifications) + len(work.workers)


def export_sites(by: User) -> Iterator[tuple]:
    """Each job location in use: a row per certification it requires of its workers (those `by` may see), then a
    row per person working there (those `by` may view)."""
    hidden = hidden_certification_ids(by)
    in_reach = users_in_reach(by, "manage_requirements").with_only_columns(User.id)
    requirements = db.session.execute(
        select(Entity.identifier, Certification.name, Certification.id)
        .join(job_location_certifications, job_location_certifications.c.location_id == Entity.id)
        .join(Certification, Certification.id == job_location_certifications.c.certification_id)
        .where(Entity.kind == "location", Entity.archived_at.is_(None), Certification.archived_at.is_(None))
        .order_by(func.lower(Entity.name), Entity.id, func.lower(Certification.name), Certification.id)).all()
    workers = db.session.execute(
        select(Entity.identifier, User.username)
        .join(job_location_workers, job_location_workers.c.location_id == Entity.id)
        .join(User, User.id == job_location_workers.c.user_id)
        .where(Entity.kind == "location", Entity.archived_at.is_(None), User.id.in_(in_reach))
        .order_by(func.lower(Entity.name), Entity.id, func.lower(User.username))).all()
    yield from ((identifier, name, "") for identifier, name, certification_id in requirements
                if certification_id not in hidden)
    yield from ((identifier, "", username) for identifier, username in workers)


JOB_LOCATION_SITES = ImportKind(
    name="job-location-sites", title=N_("Job Location Requirements and Workers"), headers=SITE_HEADERS,
    permissions=frozenset({Permission.MANAGE_CERTIFICATIONS}),
    plan=plan_sites, write=write_sites, export_rows=export_sites,
    column_help={
        LOCATION: N_("The job location's identifier (any case), as in the Assets, Clients and Job Locations file."),
        REQUIRED: N_("An Employee certification everyone working there must hold. Blank: the row only names a "
                     "worker."),
        WORKER: N_("The username or e-mail address of an active person who works there. Blank: the row only names a "
                   "requirement. An import only adds: it never removes a requirement or a worker."),
    },
    description=N_("One row per certification a job location requires of the people working there, or per person "
                   "who works there."),
    template_rows=(("JL-01", "Site Induction", ""), ("JL-01", "", "emma")),
)
