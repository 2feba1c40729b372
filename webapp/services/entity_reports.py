"""Assets, clients and job locations in the matrix and on the Reports page (decision 75): the type filter
picks the kind, the rows are its entities (paged in SQL), the statuses those of their associations
(decision 68), in a fixed number of queries however many entities, certifications and records."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.extensions import db
from webapp.models import Entity, EntityRequirement, User
from webapp.permissions import Permission
from webapp.services.entities import AssociationLine, association_line
from webapp.services.privacy import hidden_certification_ids


def entities_in_sight(viewer: User) -> Select:
    """The ids of the entities `viewer` may see (decision 70): every one for who manages certifications,
    else those they are responsible for."""
    query = select(Entity.id)
    return query if viewer.can(Permission.MANAGE_CERTIFICATIONS) else query.where(Entity.owner_id == viewer.id)


def entities_of_kind(viewer: User, kind: str) -> Select:
    """The entities of `kind` in use that `viewer` may see, by name."""
    return (select(Entity).where(Entity.kind == kind, Entity.archived_at.is_(None), Entity.id.in_(entities_in_sight(viewer)))
            .order_by(func.lower(Entity.name), Entity.id))


def association_lines(viewer: User, entity_ids: list[int], day: date) -> dict[int, list[AssociationLine]]:
    """Each entity's associations that privacy lets `viewer` see, with their statuses, by certification name,
    in one query."""
    return association_lines_hiding(hidden_certification_ids(viewer), entity_ids, day)


def association_lines_hiding(hidden: set[int], entity_ids: list[int], day: date) -> dict[int, list[AssociationLine]]:
    """association_lines for a reader from whom privacy hides the certifications `hidden` (read beforehand)."""
    lines: dict[int, list[AssociationLine]] = defaultdict(list)
    for requirement in db.session.scalars(
        select(EntityRequirement).where(EntityRequirement.entity_id.in_(entity_ids))
        .options(joinedload(EntityRequirement.certification), selectinload(EntityRequirement.records))
    ):
        if requirement.certification_id not in hidden and requirement.certification.archived_at is None:
            lines[requirement.entity_id].append(association_line(requirement, day))
    for entity_lines in lines.values():
        entity_lines.sort(key=lambda line: line.requirement.certification.name.lower())
    return lines


@dataclass
class EntityLine:
    """A line of the Reports page (and its CSV, and scheduled reports) for an entity: its association and status."""

    entity: Entity
    line: AssociationLine

    @property
    def certification(self):
        return self.line.requirement.certification

    @property
    def status_label(self) -> str:
        return self.line.status.status.label


def count_entities(viewer: User, kind: str) -> int:
    return db.session.scalar(entities_of_kind(viewer, kind).with_only_columns(func.count(Entity.id)).order_by(None))


def entity_page(viewer: User, kind: str, offset: int, limit: int) -> list[Entity]:
    return list(db.session.scalars(entities_of_kind(viewer, kind).offset(offset).limit(limit)))


def entity_ids_of_kind(viewer: User, kind: str) -> list[int]:
    """The ids of the entities of `kind` in use that `viewer` may see, by name (for an export's chunks)."""
    return list(db.session.scalars(entities_of_kind(viewer, kind).with_only_columns(Entity.id)))


def entities_by_ids(ids: list[int]) -> list[Entity]:
    """The entities with these ids, in the order of `ids` (one query)."""
    by_id = {entity.id: entity for entity in db.session.scalars(select(Entity).where(Entity.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]
