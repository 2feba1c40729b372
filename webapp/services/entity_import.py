"""Assets, clients and job locations in and out (issue 21, docs/rules.md decisions 98 to 101): the entities
themselves with the certifications each must hold, and what each job location requires of the people working
there with who works there. With the other files they move an organisation whole (decision 62's order: the
entities after the certifications, the job locations' sites after the people).

An import adds and changes, never removes: an entity's details are replaced by its row's, its associations and
a job location's requirements and workers are only added. Revoking, removing and archiving stay on the pages,
where each asks for its reason or confirmation.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import (
    Certification,
    Entity,
    EntityRequirement,
    Tag,
    User,
    job_location_certifications,
    job_location_workers,
)
from webapp.permissions import Permission
from webapp.rules.cells import NOT_ONE_LINE
from webapp.rules.entities import KINDS, identifier_problem
from webapp.rules.languages import N_
from webapp.services.access import users_in_reach
from webapp.services.imports import ImportKind, ImportPlan, ImportRow, PlannedRow, Progress, RowError
from webapp.services.privacy import hidden_certification_ids

KIND, NAME, IDENTIFIER, DESCRIPTION, TAGS, RESPONSIBLE, CERTIFICATIONS = ENTITY_HEADERS = (
    "Kind", "Name", "Identifier", "Description", "Tags", "Responsible User", "Certifications")
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
    """An entity the import creates or changes: its columns, its tags' names and the certifications to add."""

    entity: Entity | None
    kind: str
    columns: dict
    tags: list[str] | None
    certification_ids: list[int] = field(default_factory=list)


def _certification_problem(name: str, found: Certification | None, kind: str) -> str | None:
    """Why the certification named `name` cannot be associated with an entity of `kind` (decision 66)."""
    if found is None:
        return f"There is no certification in use named {name}."
    if found.type != kind:
        holders = "people" if found.type == "employee" else KINDS[found.type].plural.lower()
        return f"{found.name} is held by {holders}, not by {KINDS[kind].plural.lower()}."
    return None


def _read_entity_row(row: ImportRow, kind: str | None, people: dict[str, User]) -> tuple[dict, list[RowError]]:
    """The row's columns as an entity has them, and what is wrong with them."""
    errors = []
    name, identifier, description = row[NAME], row[IDENTIFIER], row[DESCRIPTION]
    if not name:
        errors.append(RowError(row.line, NAME, "Enter the name."))
    elif len(name) > NAME_LIMIT:
        errors.append(RowError(row.line, NAME, f"Keep the name to {NAME_LIMIT} characters."))
    elif NOT_ONE_LINE.search(name):
        errors.append(RowError(row.line, NAME, "Write the name on one line, without line breaks or tabs."))
    if problem := identifier_problem(identifier, IDENTIFIER_LIMIT):
        errors.append(RowError(row.line, IDENTIFIER, problem.english()))
    if len(description) > DESCRIPTION_LIMIT:
        errors.append(RowError(row.line, DESCRIPTION, f"Keep the description to {DESCRIPTION_LIMIT} characters."))
    long_tags = [tag for tag in _names(row[TAGS], TAGS_SEPARATOR) if len(tag) > TAG_LIMIT]
    if long_tags:
        errors.append(RowError(row.line, TAGS, f"Keep each tag to {TAG_LIMIT} characters."))
    owner = None
    if row[RESPONSIBLE]:
        owner = people.get(row[RESPONSIBLE].casefold())
        if owner is None:
            errors.append(RowError(row.line, RESPONSIBLE, f"There is nobody with the username or e-mail "
                                                          f"{row[RESPONSIBLE]}."))
    return {"kind": kind, "name": name, "identifier": identifier, "description": description or None,
            "owner_id": owner.id if owner else None}, errors


def _entity_changes(entity: Entity, columns: dict, tags: list[str], owners: dict[int, str]) -> list[str]:
    changes = []
    if entity.name != columns["name"]:
        changes.append(f"Name: {entity.name} → {columns['name']}")
    if entity.identifier != columns["identifier"]:
        changes.append(f"Identifier: {entity.identifier} → {columns['identifier']}")
    if (entity.description or None) != columns["description"]:
        changes.append("Description")
    if sorted(tag.name for tag in entity.tags) != sorted(tags):
        changes.append("Tags: " + (", ".join(sorted(tags)) or "none"))
    if entity.owner_id != columns["owner_id"]:
        changes.append("Responsible user: " + (owners.get(columns["owner_id"]) or "nobody"))
    return changes


def plan_entities(rows: list[ImportRow], by: User, day: date, progress: Progress) -> ImportPlan:
    """Check every row: a kind, a name, an identifier (a row updates the entity of its kind with that identifier,
    in any case, else creates one), a responsible user who exists, and certifications of the entity's type in
    use that `by` may see. A fixed number of queries, whatever the file's length. Writes nothing."""
    entities = {(entity.kind, entity.identifier.casefold()): entity for entity in db.session.scalars(
        select(Entity).options(selectinload(Entity.tags), selectinload(Entity.requirements)))}
    people = _people_by_name(select(User))
    owners = {person.id: person.username for person in people.values()}
    certifications = _certifications_by_name(by)
    plan, seen = ImportPlan(work=[]), {}
    for done, row in enumerate(rows, start=1):
        progress(done)
        kind = KIND_BY_WORD.get(row[KIND].casefold())
        errors = [] if kind else [RowError(row.line, KIND, "Write Asset, Client or Job Location." if not row[KIND] else
                                           f"Write Asset, Client or Job Location, not {row[KIND]}.")]
        columns, more = _read_entity_row(row, kind, people)
        errors.extend(more)
        existing = entities.get((kind, row[IDENTIFIER].casefold())) if kind else None
        if existing is not None and existing.archived_at is not None:
            errors.append(RowError(row.line, IDENTIFIER, f"The {KINDS[kind].singular.lower()} {existing.name} with this "
                                                         "identifier is archived: restore it on its page first."))
        owner_id = columns["owner_id"]
        if owner_id and not people[row[RESPONSIBLE].casefold()].active and (existing is None or existing.owner_id != owner_id):
            errors.append(RowError(row.line, RESPONSIBLE, f"{row[RESPONSIBLE]} is no longer active: choose someone who is."))
        new_ids, associated = [], {r.certification_id: r for r in existing.requirements} if existing else {}
        for name in _names(row[CERTIFICATIONS]) if kind else ():
            certification = certifications.get(name.casefold())
            if problem := _certification_problem(name, certification, kind):
                errors.append(RowError(row.line, CERTIFICATIONS, problem))
            elif certification.id in associated and associated[certification.id].is_revoked:
                errors.append(RowError(row.line, CERTIFICATIONS, f"{certification.name} is revoked for this "
                                                                 f"{KINDS[kind].singular.lower()}: an import does not "
                                                                 "restore it."))
            elif certification.id not in associated:
                new_ids.append(certification.id)
        if kind and row[IDENTIFIER]:
            key = (kind, row[IDENTIFIER].casefold())
            if key in seen:
                errors.append(RowError(row.line, IDENTIFIER, f"This {KINDS[kind].singular.lower()} is in the file twice "
                                                             f"(also row {seen[key]})."))
            seen.setdefault(key, row.line)
        if errors:
            plan.errors.extend(errors)
            continue
        tags = _names(row[TAGS], TAGS_SEPARATOR)
        label = f"{KINDS[kind].singular} {columns['name']} ({columns['identifier']})"
        names = [certification.name for certification in certifications.values() if certification.id in new_ids]
        added = [f"Requires {name}" for name in sorted(names, key=str.casefold)]
        if existing is None:
            plan.rows.append(PlannedRow(row.line, "create", label, tuple(added)))
            plan.work.append(_NewEntity(None, kind, columns, tags, new_ids))
            continue
        changes = _entity_changes(existing, columns, tags, owners)
        plan.rows.append(PlannedRow(row.line, "update" if changes or added else "unchanged", label,
                                    tuple(changes + added)))
        if changes or added:
            plan.work.append(_NewEntity(existing, kind, columns, tags if changes else None, new_ids))
    return plan


def _tags_by_name(names: set[str]) -> dict[str, Tag]:
    """One Tag for each name, the missing ones created once however many entities name them."""
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(sorted(names))))}
    return {name: existing.get(name) or Tag(name=name) for name in names}


def write_entities(plan: ImportPlan, by: User, day: date) -> int:
    """Create and update the planned entities, then add their associations (the import commits)."""
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
    return len(plan.work)


def export_entities(by: User) -> Iterator[tuple]:
    """Every asset, client and job location in use, by kind and name, with the certifications each must hold
    (not revoked, and only those privacy lets `by` see)."""
    hidden = hidden_certification_ids(by)
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
               "; ".join(names))


ENTITIES = ImportKind(
    name="entities", title=N_("Assets, Clients and Job Locations"), headers=ENTITY_HEADERS,
    permissions=frozenset({Permission.MANAGE_CERTIFICATIONS}),
    plan=plan_entities, write=write_entities, export_rows=export_entities,
    column_help={
        KIND: "Asset, Client or Job Location (any case).",
        NAME: f"The name (required, up to {NAME_LIMIT} characters).",
        IDENTIFIER: "A serial, registration or account number, unique among its kind in any case. A row updates the "
                    "entity of its kind with this identifier, or else adds one.",
        DESCRIPTION: "Anything that helps recognise it (optional).",
        TAGS: "Tag names separated by semicolons (or commas); the row's tags replace the entity's.",
        RESPONSIBLE: "The username or e-mail address of the person responsible (who sees its page and gets its "
                     "notices). Blank: nobody.",
        CERTIFICATIONS: "Names of certifications of its type (Asset, Client or Job Location) it must hold, separated by "
                        "semicolons. An import only adds: it never removes or revokes one, nor restores a revoked one.",
    },
    description=N_("One row per asset, client or job location, with its details, its responsible user and the "
                   "certifications it must hold."),
    template_rows=(("Asset", "Forklift 1", "FL-01", "Yard forklift", "Yard; Lifting", "ada", "Annual Inspection"),
                   ("Job Location", "Pier 4 Terminal", "JL-01", "", "", "", "")),
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
            errors.append(RowError(row.line, LOCATION, "Enter the job location's identifier."))
        elif location is None:
            errors.append(RowError(row.line, LOCATION, f"There is no job location with the identifier {row[LOCATION]}."))
        elif location.archived_at is not None:
            errors.append(RowError(row.line, LOCATION, f"The job location {location.name} is archived: it requires nothing."))
        certification = certifications.get(row[REQUIRED].casefold()) if row[REQUIRED] else None
        if row[REQUIRED] and certification is None:
            errors.append(RowError(row.line, REQUIRED, f"There is no certification in use named {row[REQUIRED]}."))
        elif certification is not None and certification.type != "employee":
            errors.append(RowError(row.line, REQUIRED, f"{certification.name} is held by "
                                                       f"{KINDS[certification.type].plural.lower()}, not by people: "
                                                       "choose an Employee certification."))
        person = people.get(row[WORKER].casefold()) if row[WORKER] else None
        if row[WORKER] and person is None:
            errors.append(RowError(row.line, WORKER, f"No person you manage the requirements of has the username or "
                                                     f"e-mail {row[WORKER]}."))
        elif person is not None and not person.active and (location is None or (location.id, person.id) not in working):
            errors.append(RowError(row.line, WORKER, f"{person.full_name} is no longer active: only active people are "
                                                     "assigned to work at a job location."))
        if not row[REQUIRED] and not row[WORKER]:
            errors.append(RowError(row.line, REQUIRED, "Name a certification the job location requires, a person who "
                                                       "works there, or both."))
        key = (row[LOCATION].casefold(), row[REQUIRED].casefold(), row[WORKER].casefold())
        if not errors and key in seen:
            errors.append(RowError(row.line, LOCATION, f"This row is in the file twice (also row {seen[key]})."))
        seen.setdefault(key, row.line)
        if errors:
            plan.errors.extend(errors)
            continue
        parts, new = [], []
        if certification is not None:
            parts.append(f"requires {certification.name}")
            if (location.id, certification.id) not in required and (location.id, certification.id) not in work.certifications:
                work.certifications.add((location.id, certification.id))
                new.append(certification.name)
        if person is not None:
            parts.append(f"{person.full_name} ({person.username}) works there")
            if (location.id, person.id) not in working and (location.id, person.id) not in work.workers:
                work.workers.add((location.id, person.id))
                new.append(person.username)
        label = f"{location.name} ({location.identifier}): " + "; ".join(parts)
        plan.rows.append(PlannedRow(row.line, "create" if new else "unchanged", label))
    return plan


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
        LOCATION: "The job location's identifier (any case), as in the Assets, Clients and Job Locations file.",
        REQUIRED: "An Employee certification everyone working there must hold. Blank: the row only names a worker.",
        WORKER: "The username or e-mail address of an active person who works there. Blank: the row only names a "
                "requirement. An import only adds: it never removes a requirement or a worker.",
    },
    description=N_("One row per certification a job location requires of the people working there, or per person "
                   "who works there."),
    template_rows=(("JL-01", "Site Induction", ""), ("JL-01", "", "emma")),
)
