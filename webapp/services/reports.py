"""The matrix: users x certifications, one status cell each, a page of users at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Iterator

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import (
    Attachment,
    Certification,
    CertificationGroup,
    CertificationRole,
    Company,
    RoleAssignment,
    RoleRequirement,
    User,
)
from webapp.models.people import supervisor_links
from webapp.services.access import may_act_on, users_in_reach
from webapp.services.audit import record_audit
from webapp.services.certifications import group_and_nested
from webapp.services.compliance import Requirement, load_requirements
from webapp.services.privacy import hidden_attachment_certification_ids, hidden_certification_ids

PAGE_SIZE = 50
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


@dataclass
class MatrixRow:
    user: User
    cells: dict[int, Requirement]


@dataclass
class MatrixPage:
    certifications: list[Certification]
    rows: list[MatrixRow]
    next_page: int | None


def filter_choices(viewer: User) -> dict[str, list[tuple]]:
    """Options for the matrix and report filters: companies, roles, groups and supervisors in the
    viewer's reach, read as (id, name) columns only, never as whole users, however many there are."""
    in_reach = users_in_reach(viewer, "view").with_only_columns(User.id)
    supervisors = db.session.execute(
        select(User.id, User.last_name, User.first_name)
        .where(User.id.in_(select(supervisor_links.c.supervisor_id).where(supervisor_links.c.user_id.in_(in_reach))))
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
        "certification": [(i, name) for i, name in named(Certification, Certification.archived_at.is_(None))
                          if i not in hidden],
    }


def matrix_certifications(viewer: User, filters: MatrixFilters) -> list[Certification]:
    """The columns: certifications the viewer may see, narrowed by group and role."""
    query = select(Certification).where(Certification.archived_at.is_(None)).order_by(Certification.name)
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
    return list(db.session.scalars(query))


def _users_query(viewer: User, filters: MatrixFilters):
    query = users_in_reach(viewer, "view").where(User.active.is_(True)).order_by(User.last_name, User.first_name, User.id)
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


def load_matrix_page(viewer: User, filters: MatrixFilters, day: date, page: int = 1) -> MatrixPage:
    """One page of matrix rows in a fixed number of queries, however many users and certifications.

    A status filter keeps, within the page, the users with at least one cell in that status,
    so a filtered page may show fewer than PAGE_SIZE rows.
    """
    certifications = matrix_certifications(viewer, filters)
    column_ids = {c.id for c in certifications}
    users = list(
        db.session.scalars(_users_query(viewer, filters).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
    )
    next_page = page + 1 if len(users) > PAGE_SIZE else None
    users = users[:PAGE_SIZE]
    requirements = load_requirements([u.id for u in users], day)
    rows = []
    for user in users:
        cells = {r.certification.id: r for r in requirements[user.id] if r.certification.id in column_ids}
        if filters.status and not any(r.status.status.value == filters.status for r in cells.values()):
            continue
        rows.append(MatrixRow(user, cells))
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


@dataclass
class ReportLine:
    user: User
    requirement: Requirement


_OUTSTANDING_GROUPS = {"active": {"valid"}, "lapsed": {"expired", "missing", "revoked"}}


def _matches(requirement: Requirement, filters: ReportFilters, day: date) -> bool:
    status = requirement.status
    if filters.certification_id and requirement.certification.id != filters.certification_id:
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
    """What keeps a requirement on the report, beside its status: the viewer's sight and the role filter."""
    hidden: set[int]
    role_name: str | None


def _line_filter(viewer: User, filters: ReportFilters) -> _LineFilter:
    role = db.session.get(CertificationRole, filters.role_id) if filters.role_id else None
    return _LineFilter(hidden_certification_ids(viewer), role.name if role else None)


def _report_lines(keep: _LineFilter, filters: ReportFilters, users: list[User], day: date) -> list[ReportLine]:
    """The requirements of `users` that the filters keep, their statuses from the rules."""
    hidden, role_name = keep.hidden, keep.role_name
    requirements = load_requirements([u.id for u in users], day)
    lines = []
    for user in users:
        for requirement in requirements[user.id]:
            if requirement.certification.id in hidden:
                continue
            if role_name and role_name not in requirement.source_names:
                continue
            if _matches(requirement, filters, day):
                lines.append(ReportLine(user, requirement))
    return lines


@dataclass
class ReportPage:
    lines: list[ReportLine]
    people: int  # everyone the people filters keep, counted in SQL
    page: int
    pages: int
    first: int  # the page's first and last person, counted from 1
    last: int


def load_report_page(viewer: User, filters: ReportFilters, day: date, page: int = 1) -> ReportPage:
    """One page of the report: REPORT_PAGE_PEOPLE people (counted and paged in SQL) and those of their
    requirements the filters keep, in a fixed number of queries however large the organisation."""
    query = _report_users(viewer, filters)
    people = db.session.scalar(query.with_only_columns(func.count(User.id)).order_by(None))
    pages = max(1, -(-people // REPORT_PAGE_PEOPLE))
    page = min(max(page, 1), pages)
    offset = (page - 1) * REPORT_PAGE_PEOPLE
    users = list(db.session.scalars(
        query.options(selectinload(User.company)).offset(offset).limit(REPORT_PAGE_PEOPLE)
    ))
    return ReportPage(_report_lines(_line_filter(viewer, filters), filters, users, day), people, page, pages,
                      offset + 1 if users else 0, offset + len(users))


def count_report_people(viewer: User, filters: ReportFilters) -> int:
    return db.session.scalar(_report_users(viewer, filters).with_only_columns(func.count(User.id)).order_by(None))


def iter_report(viewer: User, filters: ReportFilters, day: date) -> Iterator[ReportLine]:
    """Every line of the report, computed by the rules over chunks of EXPORT_CHUNK people, so an
    export of the whole organisation runs in bounded memory (a fixed number of queries a chunk).

    What depends on the viewer is read now; the chunks are read as the response is sent, when the
    request's session (and the viewer loaded in it) may be gone."""
    keep = _line_filter(viewer, filters)
    user_ids = list(db.session.scalars(_report_users(viewer, filters).with_only_columns(User.id)))
    return _report_chunks(keep, filters, user_ids, day)


def _report_chunks(keep: _LineFilter, filters: ReportFilters, user_ids: list[int], day: date) -> Iterator[ReportLine]:
    for start in range(0, len(user_ids), EXPORT_CHUNK):
        chunk = user_ids[start:start + EXPORT_CHUNK]
        users = db.session.scalars(
            select(User).options(selectinload(User.company)).where(User.id.in_(chunk))
        ).all()
        by_id = {u.id: u for u in users}
        yield from _report_lines(keep, filters, [by_id[i] for i in chunk], day)


CSV_HEADER = [_l("Last Name"), _l("First Name"), _l("Username"), _l("Company"),
              _l("Certification"), _l("Required By"), _l("Status"),
              _l("Pending Approval"), _l("Completed"), _l("Expires"), _l("Days Left")]


def report_csv_rows(lines: Iterable[ReportLine]) -> Iterator[list]:
    """The report as CSV rows, its header and yes/no in the language of the request (or the one forced)."""
    yield [str(name) for name in CSV_HEADER]
    for line in lines:
        s = line.requirement.status
        yield [
            line.user.last_name, line.user.first_name, line.user.username,
            line.user.company.name if line.user.company else "",
            line.requirement.certification.name, "; ".join(map(gettext, line.requirement.source_names)), gettext(s.status.label),
            gettext("Yes") if s.pending else gettext("No"),
            s.completed_on.strftime("%m/%d/%Y") if s.completed_on else "",
            s.expires_on.strftime("%m/%d/%Y") if s.expires_on else "",
            "" if s.days_left is None else s.days_left,
        ]


def record_report_export(actor: User, people: int, everything: bool) -> None:
    """Note in the audit log that `actor` is downloading the report as CSV: the data leaves FieldCert with them.

    Noted before the first row is sent (the export is streamed), with the number of people it covers."""
    which = "the whole report" if everything else "the filtered report"
    record_audit(actor, "report.export", actor, f"Exported {which} as CSV ({people} people)",
                 after={"people": people, "everything": everything})
    db.session.commit()
