"""Roles page: the roles table, create and Define Role, details tabs, users, delete."""
from flask_babel import gettext, lazy_gettext as _l, ngettext
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from webapp.blueprints.common import add_errors, confirm_delete, erase_archived, restore_archived, saved, tab_items
from webapp.clock import today
from webapp.forms.roles import RoleForm, RoleNameForm
from webapp.htmx import render
from webapp.permissions import Permission
from webapp.security import permission_required
from webapp.services.access import may_act_on, users_in_reach
from webapp.services.certifications import list_active_users
from webapp.rules.periods import plural
from webapp.services.archive import archive_item
from webapp.services.invalid import Invalid
from webapp.services.roles import (
    RoleInvalid,
    add_role_user,
    assigned_user_ids,
    create_role,
    delete_role,
    erase_role,
    find_user,
    get_role,
    list_roles,
    required_certification_ids,
    role_certifications,
    role_choices,
    role_users_table,
    set_role_certifications,
    set_role_users,
    update_role,
)

bp = Blueprint("roles", __name__, url_prefix="/roles")
TABS = {"users": _l("Assigned Users"), "certifications": _l("Required Certifications"), "info": _l("Role Info")}


def _role_or_404(role_id: int):
    role = get_role(role_id)
    if role is None:
        abort(404)
    return role


@bp.route("/")
@permission_required(Permission.MANAGE_ROLES)
def index():
    archived = bool(request.args.get("archived"))
    return render("roles/index.html", roles=list_roles(archived=archived), archived=archived)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROLES)
def create():
    form = RoleNameForm()
    done = saved(form, lambda: create_role(current_user, form.name.data),
                 lambda role: gettext("Role %(name)s created. Now define it.", name=role.name),
                 lambda role: url_for("roles.define", role_id=role.id, new=1))
    return done or render("roles/new.html", form=form, status=422 if form.is_submitted() else 200)


@bp.route("/<int:role_id>/define", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROLES)
def define(role_id: int):
    """Define Role (after creating it) and Edit Role Info: the same settings."""
    role = _role_or_404(role_id)
    form = RoleForm()
    form.set_choices(role_choices())
    form.set_certificate_choices(role)
    if form.is_submitted():
        valid = form.validate()
        certificate = form.certificate_value()
        if valid and not form.competency_file.errors:
            first_definition = request.args.get("new") == "1"
            try:
                update_role(current_user, role, {**form.values(), "competency_certificate": certificate})
            except RoleInvalid as invalid:
                add_errors(form, invalid)
            else:
                flash(gettext("Role %(name)s saved.", name=role.name), "success")
                if first_definition:
                    return redirect(url_for("roles.edit_users", role_id=role.id))
                return redirect(url_for("roles.detail", role_id=role.id, tab="info"))
        return render("roles/define.html", form=form, role=role, status=422)
    form.fill_from(role, required_certification_ids(role))
    return render("roles/define.html", form=form, role=role)


@bp.route("/<int:role_id>")
@permission_required(Permission.MANAGE_ROLES)
def detail(role_id: int):
    role = _role_or_404(role_id)
    tab = request.args.get("tab", "users")
    if tab not in TABS:
        abort(404)
    # Only the Users tab shows statuses: the other tabs do not load everyone's requirements.
    if tab == "users":
        certifications, users, cells, candidates = role_users_table(role, today(), current_user)
    else:
        certifications, users, cells, candidates = role_certifications(role), [], {}, []
    return render("roles/detail.html", role=role, tab=tab, tab_items=tab_items(TABS, tab, "roles.detail", role_id=role.id),
                  certifications=certifications, users=users, cells=cells, candidates=candidates)


@bp.route("/<int:role_id>/users", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROLES)
def edit_users(role_id: int):
    role = _role_or_404(role_id)
    if request.method == "POST":
        ids = {int(value) for value in request.form.getlist("user_id") if value.isdecimal()}
        try:
            set_role_users(current_user, role, ids)
        except Invalid as invalid:
            users = list_active_users(users_in_reach(current_user, "manage_requirements"))
            return render("roles/users.html", role=role, users=users, assigned=ids,
                          page_error=invalid.errors["user_ids"], status=422)
        flash(gettext("Assigned users saved."), "success")
        return redirect(url_for("roles.detail", role_id=role.id))
    users = list_active_users(users_in_reach(current_user, "manage_requirements"))
    return render("roles/users.html", role=role, users=users, assigned=assigned_user_ids(role))


@bp.route("/<int:role_id>/users/add", methods=["POST"])
@permission_required(Permission.MANAGE_ROLES)
def add_user(role_id: int):
    """Add User, from the candidate users list."""
    role = _role_or_404(role_id)
    user_id = request.form.get("user_id", "")
    user = find_user(int(user_id)) if user_id.isdecimal() else None
    if user is None or not may_act_on(current_user, user, "manage_requirements"):
        abort(404)
    add_role_user(current_user, role, user)
    flash(gettext("%(full_name)s added to %(name)s.", full_name=user.full_name, name=role.name), "success")
    return redirect(url_for("roles.detail", role_id=role.id))


@bp.route("/<int:role_id>/certifications", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROLES)
def edit_certifications(role_id: int):
    role = _role_or_404(role_id)
    if request.method == "POST":
        ids = {int(value) for value in request.form.getlist("certification_id") if value.isdecimal()}
        try:
            set_role_certifications(current_user, role, ids)
        except RoleInvalid as invalid:
            return render("roles/certifications.html", role=role, certifications=role_choices()["certifications"],
                          required=ids, page_error=invalid.errors["certification_ids"], status=422)
        flash(gettext("Required certifications saved."), "success")
        return redirect(url_for("roles.detail", role_id=role.id, tab="certifications"))
    return render("roles/certifications.html", role=role, certifications=role_choices()["certifications"],
                  required=required_certification_ids(role))


@bp.route("/<int:role_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROLES)
def delete(role_id: int):
    """Delete a role nobody holds; one with assigned users is archived instead (decision 55)."""
    role = _role_or_404(role_id)
    users = len(assigned_user_ids(role))
    cancel_url = url_for("roles.detail", role_id=role.id)
    if not users:
        return confirm_delete(
            heading=gettext("Delete Role: %(name)s", name=role.name),
            explanation=gettext("This cannot be undone. Nobody is assigned %(name)s; deleting it removes the"
                                " certification requirements it sets. The certifications themselves are not deleted.",
                                name=role.name),
            button=gettext("Delete Role"), cancel_url=cancel_url,
            delete=lambda: delete_role(current_user, role),
            done=gettext("Role %(name)s deleted.", name=role.name), done_url=url_for("roles.index"),
        )
    return confirm_delete(
        heading=gettext("Archive Role: %(name)s", name=role.name),
        explanation=ngettext(
            "%(name)s is assigned to %(num)d user, so it is archived, not deleted: it leaves the lists and pickers and"
            " requires nothing of anyone, and its assignments and requirements are kept. Restore it from Archived"
            " Roles at any time; an administrator may erase it for good from there.",
            "%(name)s is assigned to %(num)d users, so it is archived, not deleted: it leaves the lists and pickers and"
            " requires nothing of anyone, and its assignments and requirements are kept. Restore it from Archived"
            " Roles at any time; an administrator may erase it for good from there.", users, name=role.name),
        button=gettext("Archive Role"), cancel_url=cancel_url,
        delete=lambda: archive_item(current_user, role, f" assigned to {plural(users, 'users')}"),
        done=gettext("Role %(name)s archived; its users and certifications remain.", name=role.name),
        done_url=url_for("roles.index"),
    )


@bp.post("/<int:role_id>/restore")
@permission_required(Permission.MANAGE_ROLES)
def restore(role_id: int):
    role = _role_or_404(role_id)
    return restore_archived(role, current_user, url_for("roles.detail", role_id=role.id))


@bp.route("/<int:role_id>/erase", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_MODULE_LEVELS)
def erase(role_id: int):
    """Erase an archived role for good, once its name is typed (administrators)."""
    role = _role_or_404(role_id)
    users = len(assigned_user_ids(role))
    return erase_archived(
        role, what="role", manager=Permission.MANAGE_ROLES,
        explanation=ngettext(
            "Erasing %(name)s deletes it, its %(num)d assignment and the certification requirements it sets, for good."
            " The users and the certifications themselves stay.",
            "Erasing %(name)s deletes it, its %(num)d assignments and the certification requirements it sets, for good."
            " The users and the certifications themselves stay.", users, name=role.name),
        erase=lambda typed: erase_role(current_user, role, typed),
        cancel_url=url_for("roles.detail", role_id=role.id),
        done=gettext("Role %(name)s erased.", name=role.name), done_url=url_for("roles.index", archived=1),
    )
