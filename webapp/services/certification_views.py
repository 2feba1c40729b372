"""The certifications page's views other than Groups: employees, assets, clients or job locations, each a
page of rows (a person or an entity) with a status line for each certification it must hold (issue 21
part 5), in a fixed number of queries however many rows and certifications there are."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import User
from webapp.rules import RequirementStatus
from webapp.rules.languages import N_
from webapp.services.access import users_in_reach
from webapp.services.compliance import load_requirements
from webapp.services import entities
from webapp.services.entity_reports import association_lines
from webapp.services.privacy import sight_of

PAGE_SIZE = 25
# The view switcher's choices, in its order: the query value and the label (a message id, translated where shown).
VIEWS = {"groups": N_("Groups"), "employees": N_("Employees"), "assets": N_("Assets"), "clients": N_("Clients"),
         "locations": N_("Job Locations")}
VIEW_KINDS = {"assets": "asset", "clients": "client", "locations": "location"}


@dataclass(frozen=True)
class StatusLine:
    certification: str
    status: RequirementStatus


@dataclass(frozen=True)
class ViewRow:
    """One person or entity: its name, what identifies it beside the name, and its status lines."""

    id: int
    name: str
    detail: str
    lines: list[StatusLine]


@dataclass(frozen=True)
class ViewPage:
    rows: list[ViewRow]
    total: int
    page: int
    pages: int
    first: int  # the page's first and last row, counted from 1
    last: int


def _paged(query, page: int, count_column):
    """(rows of the page, total, page, pages) for a query, counted and paged in SQL."""
    total = db.session.scalar(query.with_only_columns(func.count(count_column)).order_by(None))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))), total, page, pages


def _view_page(rows: list[ViewRow], total: int, page: int, pages: int, page_size: int) -> ViewPage:
    first = (page - 1) * page_size
    return ViewPage(rows, total, page, pages, first + 1 if rows else 0, first + len(rows))


def load_people_view(viewer: User, day: date, page: int = 1) -> ViewPage:
    """The Employees view: the active people `viewer` may view, each with the certifications they must
    hold that privacy lets `viewer` see, their statuses from the rules."""
    query = (users_in_reach(viewer, "view").where(User.active.is_(True))
             .options(selectinload(User.company)).order_by(User.last_name, User.first_name, User.id))
    users, total, page, pages = _paged(query, page, User.id)
    requirements = load_requirements([user.id for user in users], day)
    sight = sight_of(viewer)
    rows = [
        ViewRow(user.id, user.sort_name, user.company.name if user.company else "",
                [StatusLine(r.certification.name, r.status) for r in sight.shown(requirements[user.id])])
        for user in users
    ]
    return _view_page(rows, total, page, pages, PAGE_SIZE)


def load_entity_view(viewer: User, kind: str, day: date, page: int = 1) -> ViewPage:
    """The Assets, Clients or Job Locations view: a page of the entities of `kind` in use (as their list
    pages them), each with its associations' statuses (decision 68) that privacy lets `viewer` see."""
    listed = entities.list_entities(kind, page=page)
    lines = association_lines(viewer, [entity.id for entity in listed.entities], day)
    rows = [
        ViewRow(entity.id, entity.name, entity.identifier,
                [StatusLine(line.requirement.certification.name, line.status) for line in lines[entity.id]])
        for entity in listed.entities
    ]
    return _view_page(rows, listed.total, listed.page, listed.pages, entities.PAGE_SIZE)


def load_view(viewer: User, view: str, day: date, page: int = 1) -> ViewPage:
    """The page of the Employees, Assets, Clients or Job Locations view."""
    if view == "employees":
        return load_people_view(viewer, day, page)
    return load_entity_view(viewer, VIEW_KINDS[view], day, page)
