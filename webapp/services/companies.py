"""Companies: the roles that apply to each (with its own description), edit, delete.

The original company cannot be deleted. Removing a role from a company deletes the
certification requirements the role had in that company.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import CertificationRole, Company, CompanyRole, User
from webapp.services.archive import check_typed_name
from webapp.services.audit import record_audit, snapshot
from webapp.services.invalid import Invalid
from webapp.services.names import name_taken, name_too_long, saving_unique_name
from webapp.services.tags import tags_named

COLUMNS = ("name", "url", "information")


class CompanyInvalid(Invalid):
    """Company input refused."""


def list_companies(*, archived: bool = False) -> list[Company]:
    """The companies in use (or, with `archived`, the archived ones), by name."""
    return list(db.session.scalars(
        select(Company).options(selectinload(Company.tags))
        .where(Company.archived_at.is_not(None) if archived else Company.archived_at.is_(None))
        .order_by(func.lower(Company.name))
    ))


def get_company(company_id: int) -> Company | None:
    return db.session.scalar(select(Company).where(Company.id == company_id).options(selectinload(Company.tags)))


COMPANY_NAME_TAKEN = _l("Another company already has this name.")


def _check(values: dict, company: Company | None) -> None:
    name = (values.get("name") or "").strip()
    if not name:
        raise CompanyInvalid({"name": gettext("Enter the company name.")})
    if too_long := name_too_long(Company, name):
        raise CompanyInvalid({"name": too_long})
    if name_taken(Company, name, company.id if company else None):
        raise CompanyInvalid({"name": COMPANY_NAME_TAKEN})


def _state(company: Company) -> dict:
    return {**snapshot(company, COLUMNS), "tags": sorted(tag.name for tag in company.tags)}


def _apply(company: Company, values: dict) -> None:
    company.name = values["name"].strip()
    company.url = values.get("url")
    company.information = values.get("information")
    company.tags = tags_named(values.get("tag_names") or ())


def create_company(actor: User, values: dict) -> Company:
    _check(values, None)
    company = Company()
    with saving_unique_name(Company, values["name"], None, CompanyInvalid, COMPANY_NAME_TAKEN):
        _apply(company, values)
        db.session.add(company)
        db.session.flush()
        record_audit(actor, "company.create", company, f"Created company {company.name}", after=_state(company))
        db.session.commit()
    return company


def update_company(actor: User, company: Company, values: dict) -> Company:
    _check(values, company)
    before = _state(company)
    with saving_unique_name(Company, values["name"], company.id, CompanyInvalid, COMPANY_NAME_TAKEN):
        _apply(company, values)
        record_audit(actor, "company.update", company, f"Edited company {company.name}", before=before,
                     after=_state(company))
        db.session.commit()
    return company


def company_roles(company: Company, *, with_archived: bool = False) -> list[CompanyRole]:
    """The company's roles in use; `with_archived` adds those of archived roles, which an edit keeps
    untouched for their restore (decision 55) and only deleting the company removes."""
    query = (select(CompanyRole).join(CertificationRole).where(CompanyRole.company_id == company.id)
             .options(selectinload(CompanyRole.role)).order_by(func.lower(CertificationRole.name)))
    if not with_archived:
        query = query.where(CertificationRole.archived_at.is_(None))
    return list(db.session.scalars(query))


def all_roles() -> list[CertificationRole]:
    """The roles in use, for Edit Company Roles: an archived role is not offered until it is restored."""
    return list(db.session.scalars(
        select(CertificationRole).where(CertificationRole.archived_at.is_(None)).order_by(func.lower(CertificationRole.name))
    ))


def roles_to_remove(company: Company, applied: dict[int, str | None]) -> list[CertificationRole]:
    """Roles that apply to the company now and would not after the change (they need confirmation)."""
    return [company_role.role for company_role in company_roles(company) if company_role.role_id not in applied]


def set_company_roles(actor: User, company: Company, applied: dict[int, str | None]) -> None:
    """Make `applied` ({role id: description}) the roles of the company; a removed role loses its requirements."""
    current = {company_role.role_id: company_role for company_role in company_roles(company)}
    before = {company_role.role.name: company_role.description for company_role in current.values()}
    roles = {role.id: role for role in all_roles()}
    for role_id, company_role in current.items():
        if role_id not in applied:
            db.session.delete(company_role)  # cascades to its RoleRequirements
        else:
            company_role.description = applied[role_id]
    for role_id, description in applied.items():
        if role_id in roles and role_id not in current:
            db.session.add(CompanyRole(company=company, role=roles[role_id], description=description))
    after = {roles[role_id].name: description for role_id, description in applied.items() if role_id in roles}
    record_audit(actor, "company.roles", company, f"Edited the roles of {company.name}", before=before, after=after)
    db.session.commit()


def delete_refusal(company: Company) -> str | None:
    """Why `company` cannot be deleted (None: it can)."""
    if company.is_original:
        return (gettext("%(name)s is the original company, which cannot be deleted: the organisation always keeps exactly one. Make another company the original first.", name=company.name))
    return None


def _delete_company(actor: User, company: Company, action: str, summary: str) -> None:
    if refusal := delete_refusal(company):
        raise CompanyInvalid({"company": refusal})
    every_role = company_roles(company, with_archived=True)
    before = {**_state(company), "roles": [company_role.role.name for company_role in every_role]}
    for company_role in every_role:
        db.session.delete(company_role)
    for user in db.session.scalars(select(User).where(User.company_id == company.id)):
        user.company = None
    record_audit(actor, action, company, summary, before=before)
    db.session.delete(company)
    db.session.commit()


def company_people(company: Company) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.company_id == company.id))


def delete_company(actor: User, company: Company) -> None:
    """Permanently delete a company nobody belongs to, with its roles (and their requirements); one with
    people is archived or erased instead (decision 55)."""
    if company_people(company):
        raise CompanyInvalid({"company": gettext("%(name)s has people: archive it instead, or erase it.", name=company.name)})
    _delete_company(actor, company, "company.delete", f"Deleted company {company.name}")


def erase_company(actor: User, company: Company, typed_name: str | None) -> None:
    """Erase an archived company for good, once its name is typed: its roles go, its people stay without a company."""
    check_typed_name(company, typed_name)
    _delete_company(actor, company, "company.erase", f"Erased company {company.name}")
