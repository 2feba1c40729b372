"""Names people give things (companies, roles, certifications...) are unique whatever their case,
and no longer than their column holds."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.rules.certifications import NAME_TOO_LONG
from webapp.rules.messages import message
from webapp.services.invalid import Invalid


def name_taken(model, name: str, own_id: int | None = None) -> bool:
    """Whether another row of `model` already has `name`, in any case; `own_id` is the row being renamed."""
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if own_id is not None:
        query = query.where(model.id != own_id)
    return db.session.scalar(query.limit(1)) is not None


def name_too_long(model, name: str) -> str | None:
    """The message for a name longer than `model`'s name column holds; None when it fits."""
    limit = model.__table__.c.name.type.length
    return message(NAME_TOO_LONG, limit=limit).english() if limit and len(name) > limit else None


@contextmanager
def refusing_when_taken(is_taken: Callable[[], bool], refusal: Invalid) -> Iterator[None]:
    """Around the commit of a checked name: when another save took the name after the check (two
    people saving at once), the unique constraint's refusal becomes `refusal`, as the check's would."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        if is_taken():
            raise refusal from None
        raise


def saving_unique_name(model, name: str, own_id: int | None, invalid: type[Invalid], taken: str):
    """refusing_when_taken for a name unique among all rows of `model`."""
    return refusing_when_taken(lambda: name_taken(model, name.strip(), own_id), invalid({"name": taken}))
