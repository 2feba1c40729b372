"""Names people give things (companies, roles, certifications...) are unique whatever their case."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db


def name_taken(model, name: str, own_id: int | None = None) -> bool:
    """Whether another row of `model` already has `name`, in any case; `own_id` is the row being renamed."""
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if own_id is not None:
        query = query.where(model.id != own_id)
    return db.session.scalar(query.limit(1)) is not None
