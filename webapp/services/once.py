"""Storing what one rendered form posts once, however often it is posted (a double click, a replay)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db

Stored = TypeVar("Stored")


def stored_once(model: type[Stored], key: str | None, store: Callable[[], Stored]) -> Stored:
    """The row of `model` an earlier post with `key` stored, or what `store()` stores and commits.

    Two posts at the same moment both pass the first look; the unique key refuses the second,
    which then returns the first one's row. Without a key, `store()` always runs.
    """
    def earlier() -> Stored | None:
        return db.session.scalar(select(model).where(model.idempotency_key == key)) if key else None

    if (found := earlier()) is not None:
        return found
    try:
        return store()
    except IntegrityError:
        db.session.rollback()
        if (found := earlier()) is not None:
            return found
        raise
