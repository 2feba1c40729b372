"""The matrix: users x certifications, one status cell each, a page of users at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
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
    """Options for the matrix filters: companies, roles, groups and supervisors in the viewer's reach."""
    in_reach = users_in_reach(viewer, "view").with_only_columns(User.id)
    supervisors = db.session.scalars(
        select(User)
        .where(User.id.in_(select(supervisor_links.c.supervisor_id).where(supervisor_links.c.user_id.in_(in_reach))))
        .order_by(User.last_name, User.first_name)
    )
    hidden = hidden_certification_ids(viewer)
    return {
        "company": [(c.id, c.name) for c in db.session.scalars(
            select(Company).where(Company.archived_at.is_(None)).order_by(Company.name))],
        "role": [(r.id, r.name) for r in db.session.scalars(
            select(CertificationRole).where(CertificationRole.archived_at.is_(None)).order_by(CertificationRole.name))],
        "group": [(g.id, g.name) for g in db.session.scalars(select(CertificationGroup).order_by(CertificationGroup.name))],
        "supervisor": [(u.id, u.sort_name) for u in supervisors],
        "certification": [
            (c.id, c.name)
            for c in db.session.scalars(select(Certification).where(Certification.archived_at.is_(None))
                                        .order_by(Certification.name))
            if c.id not in hidden
        ],
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


def load_report(viewer: User, filters: ReportFilters, day: date) -> list[ReportLine]:
    """Every requirement of every user in reach (hidden users included) that the filters keep."""
    query = (
        users_in_reach(viewer, "view")
        .options(selectinload(User.company))
        .where(User.active.is_(True))
        .order_by(User.last_name, User.first_name, User.id)
    )
    if filters.company_id:
        query = query.where(User.company_id == filters.company_id)
    if filters.supervisor_id:
        query = query.where(
            User.id.in_(
                select(supervisor_links.c.user_id).where(supervisor_links.c.supervisor_id == filters.supervisor_id)
            )
        )
    role_name = db.session.get(CertificationRole, filters.role_id).name if filters.role_id else None
    users = list(db.session.scalars(query))
    requirements = load_requirements([u.id for u in users], day)
    hidden = hidden_certification_ids(viewer)
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


CSV_HEADER = ["Last Name", "First Name", "Username", "Company", "Certification", "Required By", "Status",
              "Pending Approval", "Completed", "Expires", "Days Left"]


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv_rows(lines: list[ReportLine]):
    yield CSV_HEADER
    for line in lines:
        s = line.requirement.status
        yield [csv_cell(value) for value in [
            line.user.last_name, line.user.first_name, line.user.username,
            line.user.company.name if line.user.company else "",
            line.requirement.certification.name, "; ".join(line.requirement.source_names), s.status.label,
            "Yes" if s.pending else "No",
            s.completed_on.strftime("%m/%d/%Y") if s.completed_on else "",
            s.expires_on.strftime("%m/%d/%Y") if s.expires_on else "",
            "" if s.days_left is None else s.days_left,
        ]]


def record_report_export(actor: User, rows: int, everything: bool) -> None:
    """Note in the audit log that `actor` downloaded the report as CSV: the data leaves FieldCert with them."""
    which = "the whole report" if everything else "the filtered report"
    record_audit(actor, "report.export", actor, f"Exported {which} as CSV ({rows} rows)",
                 after={"rows": rows, "everything": everything})
    db.session.commit()
