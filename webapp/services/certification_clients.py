"""The clients an Employee certification applies to (issue 21 part 7, decision 94): a label naming the
clients whose work it is for (a client's site induction, a client's own safety orientation), picked on the
certification's form from a searched, limited list, shown on the certification's and the client's pages,
filtered by on the certifications list, the matrix and Reports, and carried by the certifications file.

It requires nothing of anybody: who must hold the certification stays the roles', Other Required
Certifications' and job locations' to say."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select

from webapp.bounds import DATABASE_INT_MAX
from webapp.extensions import db
from webapp.models import Certification, Entity, certification_clients
from webapp.services.entities import matching_entities

# Clients offered at once beside those ticked: search for the others (an organisation may have thousands).
CHOICES_SHOWN = 20


@dataclass
class ClientChoices:
    """The clients the form shows: those ticked, then the first matches of the search not ticked."""

    ticked: list[Entity]
    matches: list[Entity]
    more: bool  # more clients match than are shown
    search: str = ""


def _plausible(ids: Iterable[int]) -> list[int]:
    """The ids that may name a row: a larger one names nothing and is not sent to the database."""
    return sorted({i for i in ids if i is not None and 0 < i <= DATABASE_INT_MAX})


def _by_name(query):
    return query.order_by(func.lower(Entity.name), Entity.id)


def client_choices(ticked_ids: Iterable[int], search: str = "") -> ClientChoices:
    """The ticked clients (archived ones too: they stay on the certification until unticked) and the first
    CHOICES_SHOWN clients in use matching `search` by name or identifier, in two queries."""
    ids = _plausible(ticked_ids)
    ticked = list(db.session.scalars(_by_name(select(Entity).where(Entity.kind == "client", Entity.id.in_(ids))))) if ids else []
    where = [Entity.kind == "client", Entity.archived_at.is_(None)]
    if ids:
        where.append(Entity.id.not_in(ids))
    if search.strip():
        where.append(matching_entities(search))
    matches = list(db.session.scalars(_by_name(select(Entity).where(*where)).limit(CHOICES_SHOWN + 1)))
    return ClientChoices(ticked, matches[:CHOICES_SHOWN], len(matches) > CHOICES_SHOWN, search.strip())


def client_problem(certification_type: str | None, client_ids: Iterable[int]) -> str | None:
    """Why these clients cannot be the certification's, or None: only an Employee certification applies to
    clients, and each id must name a client."""
    ids = set(client_ids)
    if not ids:
        return None
    if (certification_type or "employee") != "employee":
        return gettext("Only an Employee certification applies to clients: untick them, or choose the Employee type.")
    known = set(db.session.scalars(select(Entity.id).where(Entity.kind == "client", Entity.id.in_(_plausible(ids)))))
    if ids - known:
        return gettext("Choose the clients from the list.")
    return None


def clients_by_ids(ids: Iterable[int]) -> list[Entity]:
    ids = _plausible(ids)
    return list(db.session.scalars(select(Entity).where(Entity.kind == "client", Entity.id.in_(ids)))) if ids else []


def certifications_for_client(client: Entity, hidden: set[int]) -> list[Certification]:
    """The Employee certifications in use that apply to `client`, those privacy lets the reader see, by name."""
    query = (select(Certification).join(certification_clients, certification_clients.c.certification_id == Certification.id)
             .where(certification_clients.c.client_id == client.id, Certification.archived_at.is_(None))
             .order_by(func.lower(Certification.name)))
    return [c for c in db.session.scalars(query) if c.id not in hidden]


def certification_ids_for_client(client_id: int):
    """A select of the ids of the certifications that apply to the client (for filters)."""
    return select(certification_clients.c.certification_id).where(certification_clients.c.client_id == client_id)


def client_filter_choices() -> list[tuple[int, str]]:
    """(id, "Name (identifier)") of every client some certification applies to, for the filters: read as
    columns, only those in use as a label (a filter offering every client would only find nothing)."""
    labelled = select(certification_clients.c.client_id)
    return [(i, f"{name} ({identifier})") for i, name, identifier in db.session.execute(
        _by_name(select(Entity.id, Entity.name, Entity.identifier).where(Entity.kind == "client", Entity.id.in_(labelled))))]
