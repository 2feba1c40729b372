"""Ids a form sends must name something that exists: a forged or stale id is refused with a
message, never stored (a dangling link) nor silently dropped (a change the person did not see)."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext
from sqlalchemy import Select, select

from webapp.bounds import DATABASE_INT_MAX
from webapp.extensions import db
from webapp.models import Certification


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


def employee_certifications() -> Select:
    """The certifications people may be required to hold or record: Employee ones, not archived. Those of
    assets, clients and job locations are held by those entities (decision 66)."""
    return select(Certification).where(Certification.type == "employee", Certification.archived_at.is_(None))


def check_employee_certifications(errors: dict[str, str], field: str, ids: Iterable[int | None]) -> None:
    """Refuse, under `field`, certifications of assets, clients or job locations: no person holds them."""
    wanted = [i for i in ids if i is not None and 0 < i <= DATABASE_INT_MAX]
    others = list(db.session.scalars(select(Certification.name).where(Certification.id.in_(wanted),
                                                                      Certification.type != "employee")
                                     .order_by(Certification.name))) if wanted else []
    if others and field not in errors:
        errors[field] = gettext("%(names)s is held by assets, clients or job locations, not by people: choose an "
                                "Employee certification.", names=", ".join(others))
