"""Companies page: table, create, details with company roles, Edit Company Roles, edit, delete."""
from flask_babel import gettext, ngettext
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from webapp.blueprints.common import add_errors, confirm_delete, erase_archived, restore_archived
from webapp.forms.companies import CompanyForm
from webapp.htmx import render
from webapp.permissions import Permission
from webapp.rules.periods import plural
from webapp.security import permission_required
from webapp.services.archive import archive_item
from webapp.services.companies import (
    CompanyInvalid,
    all_roles,
    company_people,
    company_roles,
    create_company,
    delete_company,
    delete_refusal,
    erase_company,
    get_company,
    list_companies,
    roles_to_remove,
    set_company_roles,
    update_company,
)

bp = Blueprint("companies", __name__, url_prefix="/companies")


def _company_or_404(company_id: int):
    company = get_company(company_id)
    if company is None:
        abort(404)
    return company


def _save(form: CompanyForm, company=None):
    if not form.validate():
        return None
    try:
        if company is None:
            return create_company(current_user, form.values())
        return update_company(current_user, company, form.values())
    except CompanyInvalid as invalid:
        add_errors(form, invalid)
        return None


@bp.route("/")
@permission_required(Permission.MANAGE_COMPANIES)
def index():
    archived = bool(request.args.get("archived"))
    return render("companies/index.html", companies=list_companies(archived=archived), archived=archived)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_COMPANIES)
def create():
    form = CompanyForm()
    if form.is_submitted():
        company = _save(form)
        if company is not None:
            flash(gettext("Company %(name)s created.", name=company.name), "success")
            return redirect(url_for("companies.detail", company_id=company.id))
        return render("companies/form.html", form=form, company=None, status=422)
    return render("companies/form.html", form=form, company=None)


@bp.route("/<int:company_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_COMPANIES)
def edit(company_id: int):
    company = _company_or_404(company_id)
    form = CompanyForm()
    if form.is_submitted():
        if _save(form, company) is not None:
            flash(gettext("Company %(name)s saved.", name=company.name), "success")
            return redirect(url_for("companies.detail", company_id=company.id))
        return render("companies/form.html", form=form, company=company, status=422)
    form.fill_from(company)
    return render("companies/form.html", form=form, company=company)


@bp.route("/<int:company_id>")
@permission_required(Permission.MANAGE_COMPANIES)
def detail(company_id: int):
    company = _company_or_404(company_id)
    return render("companies/detail.html", company=company, company_roles=company_roles(company))


@bp.route("/<int:company_id>/roles", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_COMPANIES)
def edit_roles(company_id: int):
    company = _company_or_404(company_id)
    roles = all_roles()
    if request.method == "POST":
        applied = {
            role.id: (request.form.get(f"description-{role.id}", "").strip() or None)
            for role in roles
            if str(role.id) in request.form.getlist("role_id")
        }
        removing = roles_to_remove(company, applied)
        if removing and request.form.get("confirmed") != "yes":
            # The documents' confirmation before a role and its requirements are deleted.
            return render("companies/confirm_roles.html", company=company, removing=removing, form_data=request.form)
        set_company_roles(current_user, company, applied)
        flash(gettext("Company roles saved."), "success")
        return redirect(url_for("companies.detail", company_id=company.id))
    current = {company_role.role_id: company_role.description for company_role in company_roles(company)}
    return render("companies/roles.html", company=company, roles=roles, current=current)


@bp.route("/<int:company_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_COMPANIES)
def delete(company_id: int):
    """Delete a company nobody belongs to; one with people is archived instead (decision 55)."""
    company = _company_or_404(company_id)
    roles, people = len(company_roles(company)), company_people(company)
    cancel_url = url_for("companies.detail", company_id=company.id)
    if not people:
        return confirm_delete(
            heading=gettext("Permanently Delete Company: %(name)s", name=company.name),
            explanation=ngettext(
                "This cannot be undone. Nobody belongs to %(name)s; deleting it also deletes its %(num)d company role"
                " and their certification requirements.",
                "This cannot be undone. Nobody belongs to %(name)s; deleting it also deletes its %(num)d company roles"
                " and their certification requirements.", roles, name=company.name),
            button=gettext("Permanently Delete Company"), cancel_url=cancel_url,
            delete=lambda: delete_company(current_user, company),
            done=gettext("Company %(name)s permanently deleted.", name=company.name), done_url=url_for("companies.index"),
            refusal=delete_refusal(company),
        )
    return confirm_delete(
        heading=gettext("Archive Company: %(name)s", name=company.name),
        explanation=ngettext(
            "%(name)s has %(num)d member, so it is archived, not deleted: it leaves the lists and pickers and its roles"
            " require nothing of anyone; its people, their records, its roles and their requirements are kept. Restore"
            " it from Archived Companies at any time; an administrator may erase it for good from there.",
            "%(name)s has %(num)d members, so it is archived, not deleted: it leaves the lists and pickers and its roles"
            " require nothing of anyone; its people, their records, its roles and their requirements are kept. Restore"
            " it from Archived Companies at any time; an administrator may erase it for good from there.",
            people, name=company.name),
        button=gettext("Archive Company"), cancel_url=cancel_url,
        delete=lambda: archive_item(current_user, company, f" with its {plural(people, 'members')}"),
        done=gettext("Company %(name)s archived; its people remain.", name=company.name), done_url=url_for("companies.index"),
        refusal=delete_refusal(company),
    )


@bp.post("/<int:company_id>/restore")
@permission_required(Permission.MANAGE_COMPANIES)
def restore(company_id: int):
    company = _company_or_404(company_id)
    return restore_archived(company, current_user, url_for("companies.detail", company_id=company.id))


@bp.route("/<int:company_id>/erase", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_MODULE_LEVELS)
def erase(company_id: int):
    """Erase an archived company for good, once its name is typed (administrators)."""
    company = _company_or_404(company_id)
    return erase_archived(
        company, what="company", manager=Permission.MANAGE_COMPANIES,
        explanation=" ".join((
            ngettext("Erasing %(name)s deletes it and its %(num)d company role with their certification requirements,"
                     " for good.", "Erasing %(name)s deletes it and its %(num)d company roles with their certification"
                     " requirements, for good.", len(company_roles(company, with_archived=True)), name=company.name),
            ngettext("Its %(num)d member stays, without a company, with their records.",
                     "Its %(num)d members stay, without a company, with their records.", company_people(company)))),
        erase=lambda typed: erase_company(current_user, company, typed),
        cancel_url=url_for("companies.detail", company_id=company.id),
        done=gettext("Company %(name)s erased.", name=company.name), done_url=url_for("companies.index", archived=1),
    )
