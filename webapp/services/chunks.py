"""Reading many rows a piece at a time, so an export of a large organisation holds one piece in memory and
an import's look-ups stay a few queries, never one per row."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, Select

from webapp.extensions import db

CHUNK = 1000
T = TypeVar("T")


def batches(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """`items` in lists of at most `size` (for IN lists a database takes in one query)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def rows_by_key(query: Select, key: ColumnElement[int], size: int = CHUNK) -> Iterator[Sequence]:
    """The rows of `query` in order of the unique integer `key` (which the query selects first), `size`
    at a time: each chunk starts after the last key of the one before (keyset paging), so a long export
    reads each row once and never counts or skips."""
    last = None
    while True:
        page = query if last is None else query.where(key > last)
        rows = db.session.execute(page.order_by(key).limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]
