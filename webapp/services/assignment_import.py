"""Role/certification assignments in and out: which certifications each role requires in each company (the
roles x companies grid), one row per (role, company, certification) (docs/rules.md, decision 41).

An import adds: a role named that does not exist yet is created, a role not yet applying to the company is
applied to it, a certification not yet required is required. Nothing is ever removed by an import.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select

from webapp.extensions import db
from webapp.models import Certification, CertificationRole, Company, CompanyRole, RoleRequirement, User
from webapp.permissions import Permission
from webapp.rules.import_errors import (
    ASSIGNMENT_TWICE,
    COMPANY_NEEDED,
    NO_CERTIFICATION_NAMED,
    NO_COMPANY,
    ROLE_MISSING,
)
from webapp.rules.import_previews import NEW_ROLE, ROLE_AT, ROLE_REQUIRES
from webapp.rules.languages import N_
from webapp.rules.messages import message
from webapp.services.imports import ImportKind, ImportPlan, ImportRow, PlannedRow, Progress, RowError, row_error
from webapp.services.names import name_too_long
from webapp.services.privacy import hidden_certification_ids, hidden_certifications

ROLE, COMPANY, CERTIFICATION = HEADERS = ("Role", "Company", "Certification")


@dataclass
class _Work:
    new_roles: dict[str, str] = field(default_factory=dict)  # lower-case name -> name as first written
    company_roles: set[tuple[int, str]] = field(default_factory=set)  # (company id, role name in lower case)
    requirements: set[tuple[int, str, int]] = field(default_factory=set)  # + certification id


def _by_name(model, hidden: set[int] = frozenset()) -> dict[str, tuple[int, str]]:
    return {name.casefold(): (row_id, name) for row_id, name in db.session.execute(select(model.id, model.name))
            if row_id not in hidden}


def _existing() -> tuple[set[tuple[int, int]], set[tuple[int, int, int]]]:
    company_roles = {tuple(row) for row in db.session.execute(select(CompanyRole.company_id, CompanyRole.role_id))}
    requirements = {tuple(row) for row in db.session.execute(
        select(RoleRequirement.company_id, RoleRequirement.role_id, RoleRequirement.certification_id))}
    return company_roles, requirements


def plan_assignments(rows: list[ImportRow], by: User, day: date, progress: Progress) -> ImportPlan:
    """Check every row: a role name (a new one is created), a company that exists, a certification the importer
    may see (blank: the role applies to the company requiring nothing more; company and certification both
    blank: only the role). Five queries, whatever the file's length. Writes nothing."""
    roles, companies = _by_name(CertificationRole), _by_name(Company)
    certifications = _by_name(Certification, hidden_certification_ids(by))
    company_roles, requirements = _existing()
    work, plan, seen = _Work(), ImportPlan(), {}
    plan.work = work
    for done, row in enumerate(rows, start=1):
        progress(done)
        errors = []
        role_name, company_name, certification_name = row[ROLE], row[COMPANY], row[CERTIFICATION]
        role, company, certification = (roles.get(role_name.casefold()), companies.get(company_name.casefold()),
                                        certifications.get(certification_name.casefold()))
        if not role_name:
            errors.append(row_error(row.line, ROLE, ROLE_MISSING))
        elif role is None and (too_long := name_too_long(CertificationRole, role_name)):
            errors.append(RowError(row.line, ROLE, too_long))
        if company_name and company is None:
            errors.append(row_error(row.line, COMPANY, NO_COMPANY, name=company_name))
        if certification_name and not company_name:
            errors.append(row_error(row.line, COMPANY, COMPANY_NEEDED))
        if certification_name and certification is None:
            errors.append(row_error(row.line, CERTIFICATION, NO_CERTIFICATION_NAMED, name=certification_name))
        key = (role_name.casefold(), company_name.casefold(), certification_name.casefold())
        if not errors and key in seen:
            errors.append(row_error(row.line, ROLE, ASSIGNMENT_TWICE, row=seen[key]))
        seen.setdefault(key, row.line)
        if errors:
            plan.errors.extend(errors)
            continue
        shown_role = role[1] if role else work.new_roles.setdefault(role_name.casefold(), role_name)
        label = _label(shown_role, company, certification)
        changes = () if role else (message(NEW_ROLE).english(),)
        role_id = role[0] if role else None
        new = False
        if company and (company[0], role_id) not in company_roles:
            work.company_roles.add((company[0], role_name.casefold()))
            new = True
        if certification and (company[0], role_id, certification[0]) not in requirements:
            work.requirements.add((company[0], role_name.casefold(), certification[0]))
            new = True
        plan.rows.append(PlannedRow(row.line, "create" if new or not role else "unchanged", label, changes))
    return plan


def _label(role: str, company: tuple[int, str] | None, certification: tuple[int, str] | None) -> str:
    """How the preview says a row: the role, the company it applies to, the certification it requires there."""
    if certification:
        return message(ROLE_REQUIRES, role=role, company=company[1], certification=certification[1]).english()
    return message(ROLE_AT, role=role, company=company[1]).english() if company else role


def write_assignments(plan: ImportPlan, by: User, day: date) -> int:
    """Create the new roles, then apply roles to companies and require the certifications (bulk inserts)."""
    work: _Work = plan.work
    if work.new_roles:
        db.session.execute(insert(CertificationRole), [{"name": name} for name in work.new_roles.values()])
    role_ids = {name.casefold(): role_id for role_id, name in db.session.execute(
        select(CertificationRole.id, CertificationRole.name))}
    if work.company_roles:
        db.session.execute(insert(CompanyRole), [{"company_id": company_id, "role_id": role_ids[role]}
                                                 for company_id, role in sorted(work.company_roles)])
    if work.requirements:
        db.session.execute(insert(RoleRequirement), [
            {"company_id": company_id, "role_id": role_ids[role], "certification_id": certification_id}
            for company_id, role, certification_id in sorted(work.requirements)])
    return len(work.new_roles) + len(work.company_roles) + len(work.requirements)


def export_assignments(by: User) -> Iterator[tuple]:
    """Every (role, company, certification) requirement `by` may see (privacy hides certifications), then the
    roles that apply to a company requiring nothing, then the roles that apply to no company. The grid is
    roles x companies x certifications: small enough to read at once."""
    requirements = (select(CertificationRole.name, Company.name, Certification.name)
                    .select_from(RoleRequirement)
                    .join(CertificationRole, CertificationRole.id == RoleRequirement.role_id)
                    .join(Company, Company.id == RoleRequirement.company_id)
                    .join(Certification, Certification.id == RoleRequirement.certification_id)
                    .where(RoleRequirement.certification_id.not_in(hidden_certifications(by)))
                    .order_by(CertificationRole.name, Company.name, Certification.name))
    yield from db.session.execute(requirements)
    bare = (select(CertificationRole.name, Company.name).join(CompanyRole, CompanyRole.role_id == CertificationRole.id)
            .join(Company, Company.id == CompanyRole.company_id)
            .where(~select(RoleRequirement.role_id).where(RoleRequirement.role_id == CompanyRole.role_id,
                                                          RoleRequirement.company_id == CompanyRole.company_id).exists())
            .order_by(CertificationRole.name, Company.name))
    yield from ((role, company, "") for role, company in db.session.execute(bare))
    lone = select(CertificationRole.name).where(
        ~select(CompanyRole.role_id).where(CompanyRole.role_id == CertificationRole.id).exists()
    ).order_by(CertificationRole.name)
    yield from ((name, "", "") for name in db.session.scalars(lone))


ASSIGNMENTS = ImportKind(
    name="assignments", title=N_("Role/Certification Assignments"), headers=HEADERS,
    permissions=frozenset({Permission.MANAGE_ROLES}),
    plan=plan_assignments, write=write_assignments, export_rows=export_assignments,
    column_help={
        ROLE: N_("The role's name (any case). A role that does not exist yet is created."),
        COMPANY: N_("A company that exists. Blank (with Certification blank too): the role alone, applying to no company."),
        CERTIFICATION: N_("A certification the role requires in that company. Blank: the role applies to the company "
                           "and requires nothing more. An import only adds: it never removes a requirement."),
    },
    description=N_("One row per certification a role requires in a company; roles that require nothing come too."),
    template_rows=(("Welder", "Acme Energy", "H2S Awareness"),),
)
