"""The matrix: users x certifications, one status cell each, a page of users at a time (or assets,
clients or job locations x their certifications); the Reports page's lines."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Iterator

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload, selectinload

from webapp.extensions import db
from webapp.models import (
    Attachment,
    Certification,
    CertificationGroup,
    CertificationRole,
    Company,
    Entity,
    RoleAssignment,
    RoleRequirement,
    Submission,
    User,
)
from webapp.models.people import supervisor_links
from webapp.services.access import may_act_on, reaches_everyone, users_in_reach
from webapp.services.audit import record_audit
from webapp.services.certification_clients import certification_ids_for_client, client_filter_choices
from webapp.services.certifications import group_and_nested
from webapp.services.invalid import message_text
from webapp.rules import RequirementStatus
from webapp.services.compliance import Requirement, load_requirements
from webapp.services.entities import AssociationLine
from webapp.services.entity_reports import (
    EntityLine,
    association_lines,
    association_lines_hiding,
    count_entities,
    entities_by_ids,
    entity_ids_of_kind,
    entity_page,
)
from webapp.services.privacy import hidden_attachment_certification_ids, hidden_certification_ids
from webapp.tabular import safe_cell

PAGE_SIZE = 50
# The people of a matrix or report row are shown, never asked what they may do: their module levels
# and permissions (two queries more for every load of users) stay unloaded (decision 84).
SHOWN_PEOPLE = lazyload(User.module_levels)
# A matrix page holds about this many cells, so its cost does not grow with the certifications' number
# (decision 82): fewer rows a page when there are many columns, never fewer than MATRIX_MIN_ROWS.
MATRIX_PAGE_CELLS = 1000
MATRIX_MIN_ROWS = 10
REPORT_PAGE_PEOPLE = 50
EXPORT_CHUNK = 500


@dataclass(frozen=True)
class MatrixFilters:
    company_id: int | None = None
    role_id: int | None = None
    group_id: int | None = None
    supervisor_id: int | None = None
    status: str | None = None
    include_hidden: bool = False
    client_id: int | None = None  # certifications that apply to the client (decision 94)
    type: str = "employee"  # a certification type: employees, or the entities of one kind (decision 75)


@dataclass
class MatrixRow:
    """A person's row (cells: their requirements), or an entity's (cells: its associations' lines)."""

    user: User | None
    cells: list[tuple[Certification, Requirement | AssociationLine | None]]  # one a column, in the columns' order
    entity: Entity | None = None


@dataclass
class MatrixPage:
    certifications: list[Certification]
    rows: list[MatrixRow]
    next_page: int | None


def filter_choices(viewer: User) -> dict[str, list[tuple]]:
    """Options for the matrix and report filters: companies, roles, groups and supervisors in the
    viewer's reach, read as (id, name) columns only, never as whole users, however many there are."""
    supervising = select(supervisor_links.c.supervisor_id)
    if not reaches_everyone(viewer, "view"):  # for everyone's reach the condition would only cost a semi-join
        supervising = supervising.where(
            supervisor_links.c.user_id.in_(users_in_reach(viewer, "view").with_only_columns(User.id)))
    supervisors = db.session.execute(
        select(User.id, User.last_name, User.first_name)
        .where(User.id.in_(supervising))
        .order_by(User.last_name, User.first_name)
    )
    hidden = hidden_certification_ids(viewer)

    def named(model, *in_use) -> list[tuple]:
        return [tuple(row) for row in db.session.execute(select(model.id, model.name).where(*in_use).order_by(model.name))]

    return {
        "company": named(Company, Company.archived_at.is_(None)),
        "role": named(CertificationRole, CertificationRole.archived_at.is_(None)),
        "group": named(CertificationGroup),
        "supervisor": [(user_id, f"{last}, {first}") for user_id, last, first in supervisors],
        "client": client_filter_choices(),
        "certification": [(i, name) for i, name in named(Certification, Certification.archived_at.is_(None))
                          if i not in hidden]
        + [(i, f"{name} (archived)") for i, name in named(Certification, Certification.archived_at.is_not(None))
           if i not in hidden],
    }


def matrix_certifications(viewer: User, filters: MatrixFilters) -> list[Certification]:
    """The columns: certifications of the type the viewer may see, narrowed by group and role."""
    query = (select(Certification).where(Certification.archived_at.is_(None), Certification.type == filters.type)
             .order_by(Certification.name))
    hidden = hidden_certification_ids(viewer)
    if hidden:
        query = query.where(Certification.id.not_in(hidden))
    if filters.group_id:
        query = query.where(Certification.group_id.in_(group_and_nested(filters.group_id)))
    if filters.role_id:
        query = query.where(
            Certification.id.in_(
                select(RoleRequirement.certification_id).where(RoleRequirement.role_id == filters.role_id)
            )
        )
    if filters.client_id:
        query = query.where(Certification.id.in_(certification_ids_for_client(filters.client_id)))
    return list(db.session.scalars(query))


def _users_query(viewer: User, filters: MatrixFilters):
    query = (users_in_reach(viewer, "view").where(User.active.is_(True)).options(SHOWN_PEOPLE)
             .order_by(User.last_name, User.first_name, User.id))
    if not filters.include_hidden:
        query = query.where(User.hidden.is_(False))
    if filters.company_id:
        query = query.where(User.company_id == filters.company_id)
    if filters.role_id:
        query = query.where(
            User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role_id == filters.role_id))
        )
    if filters.supervisor_id:
        query = query.where(
            User.id.in_(
                select(supervisor_links.c.user_id).where(supervisor_links.c.supervisor_id == filters.supervisor_id)
            )
        )
    return query


def matrix_page_size(columns: int) -> int:
    """Rows on a matrix page of `columns` certifications: PAGE_SIZE, fewer so that a page holds about
    MATRIX_PAGE_CELLS cells, MATRIX_MIN_ROWS at least."""
    return max(MATRIX_MIN_ROWS, min(PAGE_SIZE, MATRIX_PAGE_CELLS // max(columns, 1)))


def load_matrix_page(viewer: User, filters: MatrixFilters, day: date, page: int = 1) -> MatrixPage:
    """One page of matrix rows in a fixed number of queries and about MATRIX_PAGE_CELLS cells, however
    many users and certifications.

    A status filter keeps, within the page, the users with at least one cell in that status,
    so a filtered page may show fewer rows than `matrix_page_size`.
    """
    certifications = matrix_certifications(viewer, filters)
    column_ids = {c.id for c in certifications}
    if filters.type != "employee":
        return _entity_matrix_page(viewer, filters, certifications, day, page)
    size = matrix_page_size(len(certifications))
    users = list(db.session.scalars(_users_query(viewer, filters).offset((page - 1) * size).limit(size + 1)))
    next_page = page + 1 if len(users) > size else None
    users = users[:size]
    requirements = load_requirements([u.id for u in users], day)
    rows = []
    for user in users:
        by_column = {r.certification.id: r for r in requirements[user.id] if r.certification.id in column_ids}
        if filters.status and not any(r.status.status.value == filters.status for r in by_column.values()):
            continue
        rows.append(MatrixRow(user, [(c, by_column.get(c.id)) for c in certifications]))
    return MatrixPage(certifications, rows, next_page)


def _entity_matrix_page(viewer: User, filters: MatrixFilters, certifications: list[Certification], day: date,
                        page: int) -> MatrixPage:
    """A page of the entities of the filter's kind (the people filters do not apply to them)."""
    column_ids = {c.id for c in certifications}
    size = matrix_page_size(len(certifications))
    entities = entity_page(viewer, filters.type, (page - 1) * size, size + 1)
    next_page = page + 1 if len(entities) > size else None
    entities = entities[:size]
    lines = association_lines(viewer, [entity.id for entity in entities], day)
    rows = []
    for entity in entities:
        cells = {line.requirement.certification_id: line for line in lines[entity.id]
                 if line.requirement.certification_id in column_ids}
        if filters.status and not any(line.status.status.value == filters.status for line in cells.values()):
            continue
        rows.append(MatrixRow(None, [(c, cells.get(c.id)) for c in certifications], entity))
    return MatrixPage(certifications, rows, next_page)


@dataclass
class CellDetails:
    user: User
    requirement: Requirement
    attachments: list[Attachment]
    may_record: bool


def load_cell(viewer: User, user_id: int, certification_id: int, day: date) -> CellDetails | None:
    """A user's Certification Details for one matrix cell, or None when out of the viewer's reach."""
    user = db.session.scalar(users_in_reach(viewer, "view").where(User.id == user_id))
    if user is None or certification_id in hidden_certification_ids(viewer):
        return None
    requirement = next(
        (r for r in load_requirements([user.id], day)[user.id] if r.certification.id == certification_id), None
    )
    if requirement is None:
        return None
    attachments = []
    if requirement.current_record_id and certification_id not in hidden_attachment_certification_ids(viewer):
        attachments = list(
            db.session.scalars(
                select(Attachment)
                .options(selectinload(Attachment.stored_file))
                .where(Attachment.submission_id == requirement.current_record_id)
                .order_by(Attachment.id)
            )
        )
    return CellDetails(user, requirement, attachments, may_act_on(viewer, user, "record"))


@dataclass(frozen=True)
class ReportFilters:
    status: str | None = None
    within_days: int = 30
    certification_id: int | None = None
    role_id: int | None = None
    company_id: int | None = None
    supervisor_id: int | None = None
    include_archived: bool = False
    type: str = "employee"  # employees, or the entities of one kind (decision 75)
    client_id: int | None = None  # the lines of certifications that apply to the client (decision 94)


@dataclass
class ReportLine:
    """A requirement of the person's, or (`archived`) their latest record of an archived certification,
    which nothing requires any more but stays reportable (decision 64)."""

    user: User
    requirement: Requirement | None
    archived: Submission | None = None

    @property
    def certification(self) -> Certification:
        return self.archived.certification if self.archived else self.requirement.certification

    @property
    def source_names(self) -> list[str]:
        return [] if self.archived else self.requirement.source_names

    @property
    def status_label(self) -> str:
        """The status in words; an archived certification's record has none, only its history."""
        if self.archived:
            return "Archived, revoked" if self.archived.revoked_at else "Archived"
        return self.requirement.status.status.label


_OUTSTANDING_GROUPS = {"active": {"valid"}, "lapsed": {"expired", "missing", "revoked"}}


def _matches(certification_id: int, status: RequirementStatus, filters: ReportFilters, day: date) -> bool:
    if filters.certification_id and certification_id != filters.certification_id:
        return False
    wanted = filters.status
    if not wanted:
        return True
    if wanted == "pending":
        return status.pending
    if wanted == "expiring":
        return (
            status.status.value in ("valid", "due", "overdue")
            and status.expires_on is not None
            and (status.expires_on - day).days <= filters.within_days
        )
    return status.status.value in _OUTSTANDING_GROUPS.get(wanted, {wanted})


def _report_users(viewer: User, filters: ReportFilters):
    """The active users in reach (hidden users included) that the people filters keep, in report order.

    A role filter keeps the holders of the role here, in SQL; the rules then keep their requirements
    that the role brings."""
    query = (
        users_in_reach(viewer, "view")
        .where(User.active.is_(True))
        .order_by(User.last_name, User.first_name, User.id)
    )
    if filters.company_id:
        query = query.where(User.company_id == filters.company_id)
    if filters.role_id:
        query = query.where(User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role_id == filters.role_id)))
    if filters.supervisor_id:
        query = query.where(
            User.id.in_(
                select(supervisor_links.c.user_id).where(supervisor_links.c.supervisor_id == filters.supervisor_id)
            )
        )
    return query


@dataclass(frozen=True)
class _LineFilter:
    """What keeps a requirement on the report, beside its status: the viewer's sight, the role filter and the
    client filter (None: any certification; else those that apply to the client)."""
    hidden: set[int]
    role_name: str | None
    for_client: frozenset[int] | None = None

    def keeps(self, certification_id: int) -> bool:
        return certification_id not in self.hidden and (self.for_client is None or certification_id in self.for_client)


def _line_filter(viewer: User, filters: ReportFilters) -> _LineFilter:
    role = db.session.get(CertificationRole, filters.role_id) if filters.role_id else None
    for_client = (frozenset(db.session.scalars(certification_ids_for_client(filters.client_id)))
                  if filters.client_id else None)
    return _LineFilter(hidden_certification_ids(viewer), role.name if role else None, for_client)


def _archived_records(keep: _LineFilter, filters: ReportFilters, user_ids: list[int]) -> dict[int, list[Submission]]:
    """With "Include archived certifications", each person's latest record of each archived certification
    the viewer may see, by person, in one query; none under a status or role filter, which an archived
    certification (required of nobody, with no status) never matches (decision 64)."""
    if not filters.include_archived or filters.status or keep.role_name or not user_ids:
        return {}
    query = (
        select(Submission)
        .join(Certification, Certification.id == Submission.certification_id)
        .where(Submission.user_id.in_(user_ids), Submission.status == "approved", Certification.archived_at.is_not(None))
        .options(selectinload(Submission.certification))
        .order_by(Submission.user_id, Certification.name, Submission.completed_on.desc(), Submission.id.desc())
    )
    if keep.hidden:
        query = query.where(Submission.certification_id.not_in(keep.hidden))
    if filters.certification_id:
        query = query.where(Submission.certification_id == filters.certification_id)
    if keep.for_client is not None:
        query = query.where(Submission.certification_id.in_(keep.for_client))
    latest: dict[tuple[int, int], Submission] = {}
    for record in db.session.scalars(query):
        latest.setdefault((record.user_id, record.certification_id), record)
    by_user: dict[int, list[Submission]] = {}
    for (user_id, _), record in latest.items():
        by_user.setdefault(user_id, []).append(record)
    return by_user


def _report_lines(keep: _LineFilter, filters: ReportFilters, users: list[User], day: date) -> list[ReportLine]:
    """The requirements of `users` that the filters keep, their statuses from the rules, each person's
    followed by their archived certifications' records when the filters ask for them."""
    role_name = keep.role_name
    requirements = load_requirements([u.id for u in users], day)
    archived = _archived_records(keep, filters, [u.id for u in users])
    lines = []
    for user in users:
        for requirement in requirements[user.id]:
            if not keep.keeps(requirement.certification.id):
                continue
            if role_name and role_name not in requirement.source_names:
                continue
            if _matches(requirement.certification.id, requirement.status, filters, day):
                lines.append(ReportLine(user, requirement))
        lines += [ReportLine(user, None, record) for record in archived.get(user.id, [])]
    return lines


@dataclass
class ReportPage:
    lines: list[ReportLine] | list[EntityLine]
    people: int  # everyone the people filters keep (or every entity of the type), counted in SQL
    page: int
    pages: int
    first: int  # the page's first and last person, counted from 1
    last: int


def _entity_report_page(viewer: User, filters: ReportFilters, day: date, page: int) -> ReportPage:
    """A page of the entities of the filter's kind and those of their associations the status and
    certification filters keep (the people filters do not apply to them)."""
    total = count_entities(viewer, filters.type)
    pages = max(1, -(-total // REPORT_PAGE_PEOPLE))
    page = min(max(page, 1), pages)
    offset = (page - 1) * REPORT_PAGE_PEOPLE
    entities = entity_page(viewer, filters.type, offset, REPORT_PAGE_PEOPLE)
    lines = association_lines(viewer, [entity.id for entity in entities], day)
    kept = [EntityLine(entity, line) for entity in entities for line in lines[entity.id]
            if _matches(line.requirement.certification_id, line.status, filters, day)]
    return ReportPage(kept, total, page, pages, offset + 1 if entities else 0, offset + len(entities))


def load_report_page(viewer: User, filters: ReportFilters, day: date, page: int = 1) -> ReportPage:
    """One page of the report: REPORT_PAGE_PEOPLE people (counted and paged in SQL) and those of their
    requirements the filters keep, in a fixed number of queries however large the organisation; or, with
    an entity type, as many entities and their associations."""
    if filters.type != "employee":
        return _entity_report_page(viewer, filters, day, page)
    query = _report_users(viewer, filters)
    people = db.session.scalar(query.with_only_columns(func.count(User.id)).order_by(None))
    pages = max(1, -(-people // REPORT_PAGE_PEOPLE))
    page = min(max(page, 1), pages)
    offset = (page - 1) * REPORT_PAGE_PEOPLE
    users = list(db.session.scalars(
        query.options(selectinload(User.company), SHOWN_PEOPLE).offset(offset).limit(REPORT_PAGE_PEOPLE)
    ))
    return ReportPage(_report_lines(_line_filter(viewer, filters), filters, users, day), people, page, pages,
                      offset + 1 if users else 0, offset + len(users))


def count_report_people(viewer: User, filters: ReportFilters) -> int:
    """The people the report covers, or, with an entity type, its entities."""
    if filters.type != "employee":
        return count_entities(viewer, filters.type)
    return db.session.scalar(_report_users(viewer, filters).with_only_columns(func.count(User.id)).order_by(None))


def iter_report(viewer: User, filters: ReportFilters, day: date) -> Iterator[ReportLine | EntityLine]:
    """Every line of the report, computed by the rules over chunks of EXPORT_CHUNK people, so an
    export of the whole organisation runs in bounded memory (a fixed number of queries a chunk); with
    an entity type, the lines of that kind's entities the viewer may see, in chunks too (decision 97).

    What depends on the viewer is read now; the chunks are read as the response is sent, when the
    request's session (and the viewer loaded in it) may be gone."""
    if filters.type != "employee":
        hidden = hidden_certification_ids(viewer)
        return _entity_chunks(hidden, filters, entity_ids_of_kind(viewer, filters.type), day)
    keep = _line_filter(viewer, filters)
    user_ids = list(db.session.scalars(_report_users(viewer, filters).with_only_columns(User.id)))
    return _report_chunks(keep, filters, user_ids, day)


def _report_chunks(keep: _LineFilter, filters: ReportFilters, user_ids: list[int], day: date) -> Iterator[ReportLine]:
    for start in range(0, len(user_ids), EXPORT_CHUNK):
        chunk = user_ids[start:start + EXPORT_CHUNK]
        users = db.session.scalars(
            select(User).options(selectinload(User.company), SHOWN_PEOPLE).where(User.id.in_(chunk))
        ).all()
        by_id = {u.id: u for u in users}
        yield from _report_lines(keep, filters, [by_id[i] for i in chunk], day)


def _entity_chunks(hidden: set[int], filters: ReportFilters, entity_ids: list[int], day: date) -> Iterator[EntityLine]:
    """The entities' association lines the status and certification filters keep, EXPORT_CHUNK entities at a time."""
    for start in range(0, len(entity_ids), EXPORT_CHUNK):
        chunk = entity_ids[start:start + EXPORT_CHUNK]
        lines = association_lines_hiding(hidden, chunk, day)
        for entity in entities_by_ids(chunk):
            yield from (EntityLine(entity, line) for line in lines[entity.id]
                        if _matches(line.requirement.certification_id, line.status, filters, day))


CSV_HEADER = [_l("Last Name"), _l("First Name"), _l("Username"), _l("Company"),
              _l("Certification"), _l("Required By"), _l("Status"),
              _l("Pending Approval"), _l("Completed"), _l("Expires"), _l("Days Left")]


def _day(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _once(made: dict, value, make: Callable) -> str:
    """`make(value)`, made once per export for a value many lines repeat."""
    if value not in made:
        made[value] = make(value)
    return made[value]


def report_csv_rows(lines: Iterable[ReportLine]) -> Iterator[list]:
    """The report's CSV rows, its header and yes/no in the language of the request (or the one forced), every
    cell already safe (`tabular.safe_cell`; write them with `csv_chunks(..., cells_safe=True)`). A person's
    cells are made once for their lines, which come together, and a certification's, a date's and a role
    list's once for the export (a few thousand at most, whatever the organisation's size)."""
    yield [str(name) for name in CSV_HEADER]
    person, person_id = [], None
    texts: dict[str, str] = {}
    dates: dict[date, str] = {}
    yes, no = gettext("Yes"), gettext("No")
    for line in lines:
        if isinstance(line, EntityLine):
            yield _entity_csv_row(line, texts, dates, no)
            continue
        user = line.user
        if user.id != person_id:
            person_id = user.id
            person = [safe_cell(user.last_name), safe_cell(user.first_name), safe_cell(user.username),
                      safe_cell(user.company.name) if user.company else ""]
        if line.archived:
            record = line.archived
            yield [*person, _once(texts, record.certification.name, safe_cell), "", gettext(line.status_label), no,
                   _once(dates, record.completed_on, _day), _once(dates, record.expires_on, _day), ""]
            continue
        requirement = line.requirement
        s = requirement.status
        yield [
            *person,
            _once(texts, requirement.certification.name, safe_cell),
            _once(texts, "; ".join(map(message_text, requirement.source_names)), safe_cell),
            gettext(line.status_label),
            yes if s.pending else no,
            _once(dates, s.completed_on, _day),
            _once(dates, s.expires_on, _day),
            "" if s.days_left is None else s.days_left,
        ]


def _entity_csv_row(line: EntityLine, texts: dict, dates: dict, no: str) -> list:
    """An entity's line in the report's columns (decision 97): its name where a person's last name is, its
    identifier where the username is, Required By "Association", never pending (decision 69)."""
    entity, s = line.entity, line.line.status
    return [safe_cell(entity.name), "", safe_cell(entity.identifier), "",
            _once(texts, line.certification.name, safe_cell), gettext("Association"), gettext(line.status_label), no,
            _once(dates, s.completed_on, _day), _once(dates, s.expires_on, _day), "" if s.days_left is None else s.days_left]


def record_report_export(actor: User, people: int, everything: bool, what: str = "people") -> None:
    """Note in the audit log that `actor` is downloading the report as CSV: the data leaves FieldCert with them.

    Noted before the first row is sent (the export is streamed), with the number of people it covers."""
    which = "the whole report" if everything else "the filtered report"
    record_audit(actor, "report.export", actor, f"Exported {which} as CSV ({people} {what})",
                 after={"people": people, "everything": everything})
    db.session.commit()
