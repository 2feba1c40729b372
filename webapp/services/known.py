"""Ids a form sends must name something that exists: a forged or stale id is refused with a
message, never stored (a dangling link) nor silently dropped (a change the person did not see)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from webapp.bounds import DATABASE_INT_MAX
from webapp.extensions import db


def unknown_ids(model, ids: Iterable[int | None]) -> list[int]:
    """The ids among `ids` that name no row of `model`, smallest first."""
    wanted = {i for i in ids if i is not None}
    # A larger id names nothing, and is not sent to the database.
    plausible = [i for i in wanted if 0 < i <= DATABASE_INT_MAX]
    found = set(db.session.scalars(select(model.id).where(model.id.in_(plausible)))) if plausible else set()
    return sorted(wanted - found)


def check_known(errors: dict[str, str], field: str, model, ids: Iterable[int | None], what: str) -> None:
    """Refuse, under `field`, ids that name no `what` (e.g. "module level"); keeps an earlier message there."""
    missing = unknown_ids(model, ids)
    if missing and field not in errors:
        listed = ", ".join(str(i) for i in missing)
        errors[field] = (f"There is no {what} with the id {listed} (deleted meanwhile, or not offered here):"
                         " reload the page and choose again.")
