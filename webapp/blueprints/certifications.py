"""Certifications page: the table, the Add/Edit form, the details tabs, and delete."""
from flask_babel import gettext, lazy_gettext as _l, ngettext
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from webapp import rate_limits
from webapp.blueprints.common import add_errors, confirm_delete, erase_archived, restore_archived, saved, tab_items
from webapp.bounds import database_id, database_ids, database_int
from webapp.clock import today
from webapp.extensions import db
from webapp.forms.certifications import ACTIVITY_CHOICES, TYPE_LABELS, AssociatedUsersForm, CertificationForm, GroupForm
from webapp.htmx import render, render_fragment
from webapp.i18n import day
from webapp.permissions import ACTIONS_ON_PEOPLE, Permission
from webapp.security import permission_required
from webapp.rules.entities import KINDS
from webapp.services.access import names_of, users_in_reach
from webapp.services.bulk import chosen_people, notify_people, record_completion_for_people, set_requirement_states
from webapp.services.activities import current_document
from webapp.services.certifications import (
    CertificationInvalid,
    associated_roles,
    associated_users,
    certification_in_use,
    check_certification,
    count_certification_records,
    create_certification,
    create_group,
    delete_certification,
    delete_group,
    direct_user_ids,
    erase_certification,
    example_for,
    filter_choices,
    form_choices,
    get_certification,
    get_group,
    group_tree,
    list_active_users,
    list_certifications,
    policy_from_values,
    role_grid,
    set_associated_roles,
    set_direct_users,
    update_certification,
    update_group,
)
from webapp.services.certification_clients import client_choices as load_client_choices, client_filter_choices
from webapp.services.certification_views import VIEW_KINDS, VIEWS, load_view
from webapp.services.compliance import roles_requiring, tracking_policy
from webapp.rules.periods import plural
from webapp.services.archive import archive_item
from webapp.services.invalid import Invalid
from webapp.services.rule_changes import preview_rule_change

bp = Blueprint("certifications", __name__, url_prefix="/certifications")
ACTIVITY_LABELS = dict(ACTIVITY_CHOICES)
# Where each view's row links: a person's certifications, or the entity's page.
VIEW_LINKS = {"employees": {"row_endpoint": "people.certifications", "row_arg": "user_id", "row_kind": None},
              **{view: {"row_endpoint": "entities.detail", "row_arg": "entity_id", "row_kind": kind}
                 for view, kind in VIEW_KINDS.items()}}
TABS = {"info": _l("Certification Info"), "roles": _l("Associated Roles"), "users": _l("Associated Users")}


def certification_or_404(certification_id: int):
    certification = get_certification(certification_id)
    if certification is None:
        abort(404)
    return certification


@bp.route("/")
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def index():
    view = request.args.get("view", "groups")
    if view not in VIEWS:
        view = "groups"
    target = request.headers.get("HX-Target")
    block = {"certification-results": "results", "certification-view": "view"}.get(target, "content")
    if view != "groups":
        page = request.args.get("page", 1, type=database_int)
        return render("certifications/index.html", block=block, view=view, views=VIEWS, archived=False,
                      rows=load_view(current_user, view, today(), page), **VIEW_LINKS[view])
    search, tag_id, group_id = request.args.get("q", ""), request.args.get("tag", type=database_int), request.args.get("group", type=database_int)
    clients = client_filter_choices()
    client_id = request.args.get("client", type=database_int)
    if client_id not in dict(clients):  # an unknown client in a bookmarked address is no filter
        client_id = None
    archived = bool(request.args.get("archived"))
    return render(
        "certifications/index.html",
        block=block,
        certifications=list_certifications(search, tag_id, group_id, archived=archived, client_id=client_id),
        archived=archived,
        view=view, views=VIEWS,
        **filter_choices(),
        clients=clients,
        activity_labels=ACTIVITY_LABELS,
        search=search, tag_id=tag_id, group_id=group_id, client_id=client_id,
    )


def _save(form: CertificationForm, certification=None):
    """Validate with the form, then with the rules; a valid form is saved. Returns the certification or None."""
    form_ok = form.validate()
    uploads = form.checked_uploads()
    document = form.document_upload() if form.activity_type.data == "document" else None
    form_ok = form_ok and not form.supporting_files.errors and not form.document_file.errors
    values = {**form.values(), "new_files": uploads, "document_upload": document}
    try:
        if not form_ok:
            check_certification(values, certification)
            return None
        if certification is None:
            return create_certification(current_user, values)
        return update_certification(current_user, certification, values, recalculate=form.recalculate.data,
                                    previewed=form.preview_digest.data or "")
    except CertificationInvalid as invalid:
        add_errors(form, invalid)
        return None


def _form_page(form: CertificationForm, certification=None, status=200):
    return render("certifications/form.html", form=form, certification=certification,
                  document=current_document(certification) if certification is not None else None,
                  example=_example(form) if form.is_submitted() else _saved_example(certification),
                  rule_change=_rule_change(form, certification), clients=load_client_choices(form.client_ids.data or []),
                  status=status)


def _rule_change(form: CertificationForm, certification):
    """Who saving these tracking settings would affect, and how (None: a new certification, or settings invalid)."""
    if certification is None:
        return None
    try:
        policy = policy_from_values(form.values()) if form.is_submitted() else tracking_policy(certification)
    except CertificationInvalid:
        return None
    return preview_rule_change(certification, policy, bool(form.recalculate.data), current_user, today())


def _example(form: CertificationForm):
    try:
        return example_for(policy_from_values(form.values()), today())
    except CertificationInvalid as invalid:
        return invalid


def _saved_example(certification):
    return example_for(tracking_policy(certification), today()) if certification is not None else None


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def create():
    form = CertificationForm()
    choices = form_choices()
    form.set_choices(choices)
    if form.is_submitted():
        certification = _save(form)
        if certification is not None:
            flash(gettext("Certification %(name)s created.", name=certification.name), "success")
            return redirect(url_for("certifications.detail", certification_id=certification.id))
        return _form_page(form, status=422)
    # "Create a certification in <group>" from the list filtered by that group: the group comes chosen.
    chosen_group = request.args.get("group", type=database_int)
    if chosen_group in {group.id for group in choices["groups"]}:
        form.group_id.data = chosen_group
    return _form_page(form)


@bp.route("/<int:certification_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def edit(certification_id: int):
    certification = certification_or_404(certification_id)
    form = CertificationForm()
    form.set_choices(form_choices(), editing=certification)
    if certification_in_use(certification):
        form.lock_type(certification.type)
    if form.is_submitted():
        if _save(form, certification) is not None:
            flash(gettext("Certification %(name)s saved. Existing records keep their expiration dates.", name=certification.name), "success")
            return redirect(url_for("certifications.detail", certification_id=certification.id))
        return _form_page(form, certification, status=422)
    form.fill_from(certification)
    return _form_page(form, certification)


@bp.route("/example", methods=["POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def example():
    """The live "completed today -> expires ..." line of the form.

    Only the tracking settings matter here: the pickers' choices (every user, role, course...) are
    neither loaded nor checked on each keystroke; saving checks them.
    """
    form = CertificationForm()
    return render_fragment("certifications/form.html", "example", example=_example(form))


@bp.get("/client-choices")
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def client_choices():
    """The form's client picker, searched: the ticked clients, then the first others matching (decision 94)."""
    ticked = database_ids(request.args.getlist("client_ids"))
    return render_fragment("certifications/form.html", "clients",
                           clients=load_client_choices(ticked, request.args.get("client_q", "")))


@bp.route("/<int:certification_id>/recalculate-preview", methods=["POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def recalculate_preview(certification_id: int):
    """The live list of who saving these settings would affect (expiration, status, notice); changes nothing."""
    certification = certification_or_404(certification_id)
    form = CertificationForm()  # as for the example: tracking settings only
    return render_fragment("certifications/form.html", "recalculate", rule_change=_rule_change(form, certification))


@bp.route("/<int:certification_id>")
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def detail(certification_id: int):
    certification = certification_or_404(certification_id)
    tab = request.args.get("tab", "info")
    if tab not in TABS:
        abort(404)
    return _detail_page(certification, tab)


def certification_tab_items(certification, current: str) -> list[tuple[str, str, bool]]:
    """The details page's tabs: an Employee certification's roles and users, another type's entities
    (Assets, Clients or Job Locations: their associations tab, decision 67)."""
    if certification.type not in KINDS:
        return tab_items(TABS, current, "certifications.detail", certification_id=certification.id)
    return [*tab_items({"info": TABS["info"]}, current, "certifications.detail", certification_id=certification.id),
            (url_for("entities.associations", certification_id=certification.id), KINDS[certification.type].plural,
             current == "entities")]


def _detail_page(certification, tab: str, status: int = 200, form: AssociatedUsersForm | None = None,
                 chosen: frozenset[int] = frozenset()):
    context = {"certification": certification, "tab": tab, "activity_labels": ACTIVITY_LABELS,
               "type_labels": TYPE_LABELS,
               "tab_items": certification_tab_items(certification, tab)}
    if tab == "info":
        context["example"] = _saved_example(certification)
        context["records"] = count_certification_records(certification)
    elif tab == "roles":
        context["roles"] = associated_roles(certification)
    else:
        context["users"] = associated_users(certification, today(), current_user)
        context["direct_ids"] = direct_user_ids(certification)
        context["may_view_people"] = any(current_user.can(p) for p in ACTIONS_ON_PEOPLE["view"])
        context["may_manage_people"] = any(current_user.can(p) for p in ACTIONS_ON_PEOPLE["manage_requirements"])
        context["form"] = form or AssociatedUsersForm(formdata=None)
        context["chosen"] = chosen
    return render("certifications/detail.html", status=status, **context)


def _bulk(certification_id: int, act, done):
    """A bulk action over the people ticked on Associated Users: `act(certification, users, form)` (a
    service, all or nothing), then `done(form, users, result)` flashed; a refusal shows the page again, 422."""
    certification = certification_or_404(certification_id)
    form = AssociatedUsersForm()
    chosen = frozenset(database_ids(request.form.getlist("user_id")))
    if form.validate():
        try:
            users = chosen_people(certification, current_user, chosen)
            result = act(certification, users, form)
        except Invalid as invalid:
            db.session.rollback()
            add_errors(form, invalid)
        else:
            flash(done(form, users, result), "success")
            return redirect(url_for("certifications.detail", certification_id=certification.id, tab="users"))
    return _detail_page(certification, "users", status=422, form=form, chosen=chosen)


@bp.post("/<int:certification_id>/users/email")
@permission_required(Permission.MANAGE_CERTIFICATIONS)
@rate_limits.notify_many_recipients
def bulk_email(certification_id: int):
    return _bulk(certification_id,
                 lambda certification, users, form: notify_people(certification, current_user, users, form.message.data),
                 lambda form, users, _: gettext("E-mailed %(names)s.", names=names_of(users)))


@bp.post("/<int:certification_id>/users/not-applicable")
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def bulk_not_applicable(certification_id: int):
    return _bulk(certification_id,
                 lambda certification, users, form: set_requirement_states(
                     certification, current_user, users, "not_applicable", notes=form.notes.data, day=today()),
                 lambda form, users, _: gettext("Not applicable to %(names)s.", names=names_of(users)))


@bp.post("/<int:certification_id>/users/defer")
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def bulk_defer(certification_id: int):
    return _bulk(certification_id,
                 lambda certification, users, form: set_requirement_states(
                     certification, current_user, users, "deferred", deferred_until=form.deferred_until.date,
                     notes=form.notes.data, day=today()),
                 lambda form, users, _: gettext("Deferred until %(day)s for %(names)s.", day=day(form.deferred_until.date),
                                                names=names_of(users)))


@bp.post("/<int:certification_id>/users/record")
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def bulk_record(certification_id: int):
    return _bulk(certification_id,
                 lambda certification, users, form: record_completion_for_people(
                     certification, current_user, users, form.completed_on.date,
                     request.files.getlist(form.files.name), form.idempotency_key.data),
                 lambda form, users, records: gettext("Recorded the completion for %(people)s.", people=", ".join(
                     gettext("%(full_name)s (approved)", full_name=r.user.full_name) if r.status == "approved"
                     else gettext("%(full_name)s (pending approval)", full_name=r.user.full_name) for r in records)))


@bp.route("/<int:certification_id>/roles", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def edit_roles(certification_id: int):
    certification = certification_or_404(certification_id)
    if request.method == "POST":
        cells = set()
        for cell in request.form.getlist("cell"):
            role_id, _, company_id = cell.partition(":")
            if database_id(role_id) and database_id(company_id):
                cells.add((int(role_id), int(company_id)))
        try:
            set_associated_roles(current_user, certification, cells)
        except CertificationInvalid as invalid:
            roles, companies, _ = role_grid(certification)
            return render("certifications/roles.html", certification=certification, roles=roles, companies=companies,
                          checked=cells, page_error=invalid.errors["cells"], status=422)
        flash(gettext("Associated roles saved."), "success")
        return redirect(url_for("certifications.detail", certification_id=certification.id, tab="roles"))
    roles, companies, checked = role_grid(certification)
    return render("certifications/roles.html", certification=certification, roles=roles, companies=companies,
                  checked=checked)


@bp.route("/<int:certification_id>/users", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def edit_users(certification_id: int):
    certification = certification_or_404(certification_id)
    if request.method == "POST":
        ids = database_ids(request.form.getlist("user_id"))
        try:
            set_direct_users(current_user, certification, ids)
        except Invalid as invalid:
            users = list_active_users(users_in_reach(current_user, "manage_requirements"))
            return render("certifications/users.html", certification=certification, users=users, direct_ids=ids,
                          from_roles=roles_requiring(certification.id), page_error=invalid.errors["user_ids"],
                          status=422)
        flash(gettext("Assigned users saved."), "success")
        return redirect(url_for("certifications.detail", certification_id=certification.id, tab="users"))
    users = list_active_users(users_in_reach(current_user, "manage_requirements"))
    return render("certifications/users.html", certification=certification, users=users,
                  direct_ids=direct_user_ids(certification), from_roles=roles_requiring(certification.id))


@bp.route("/<int:certification_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def delete(certification_id: int):
    """Delete a certification nobody has a record of; one with records is archived instead (decision 55)."""
    certification = certification_or_404(certification_id)
    records = count_certification_records(certification)
    cancel_url = url_for("certifications.detail", certification_id=certification.id)
    if not records:
        return confirm_delete(
            heading=gettext("Delete Certification: %(name)s", name=certification.name),
            explanation=gettext("This cannot be undone. Nobody has a record of %(name)s; deleting it removes it from every role and from every user's Other Required Certifications, and detaches its child certifications.", name=certification.name),
            button=gettext("Permanently Delete Certification"), cancel_url=cancel_url,
            delete=lambda: delete_certification(current_user, certification),
            done=gettext("Certification %(name)s deleted.", name=certification.name), done_url=url_for("certifications.index"),
        )
    return confirm_delete(
        heading=gettext("Archive Certification: %(name)s", name=certification.name),
        explanation=ngettext(
            "%(name)s has %(num)d record, so it is archived, not deleted: it leaves the lists, the roles' and users'"
            " requirements and the reports, and every record stays in the people's history and the audit trail."
            " Restore it from Archived Certifications at any time; an administrator may erase it for good from there.",
            "%(name)s has %(num)d records, so it is archived, not deleted: it leaves the lists, the roles' and users'"
            " requirements and the reports, and every record stays in the people's history and the audit trail."
            " Restore it from Archived Certifications at any time; an administrator may erase it for good from there.",
            records, name=certification.name),
        button=gettext("Archive Certification"), cancel_url=cancel_url,
        delete=lambda: archive_item(current_user, certification, f" with its {plural(records, 'records')}"),
        done=ngettext("Certification %(name)s archived, with its %(num)d record.",
                      "Certification %(name)s archived, with its %(num)d records.", records, name=certification.name),
        done_url=url_for("certifications.index"),
    )


@bp.post("/<int:certification_id>/restore")
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def restore(certification_id: int):
    certification = certification_or_404(certification_id)
    return restore_archived(certification, current_user,
                            url_for("certifications.detail", certification_id=certification.id))


@bp.route("/<int:certification_id>/erase", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_MODULE_LEVELS)
def erase(certification_id: int):
    """Erase an archived certification and all its records for good, once its name is typed (administrators)."""
    certification = certification_or_404(certification_id)
    records = count_certification_records(certification)
    return erase_archived(
        certification, what="certification", manager=Permission.MANAGE_CERTIFICATIONS,
        explanation=ngettext(
            "Erasing %(name)s deletes it and its %(num)d record (submissions, with their attachments and comments)"
            " for good, removes it from every role and every user's Other Required Certifications, and detaches its"
            " child certifications.",
            "Erasing %(name)s deletes it and its %(num)d records (submissions, with their attachments and comments)"
            " for good, removes it from every role and every user's Other Required Certifications, and detaches its"
            " child certifications.", records, name=certification.name),
        erase=lambda typed: erase_certification(current_user, certification, typed),
        cancel_url=url_for("certifications.detail", certification_id=certification.id),
        done=ngettext("Certification %(name)s erased, with its %(num)d record.",
                      "Certification %(name)s erased, with its %(num)d records.", records, name=certification.name),
        done_url=url_for("certifications.index", archived=1),
    )


@bp.route("/groups", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def groups():
    """The nested certification groups, and a form to create one."""
    tree = group_tree()
    form = GroupForm()
    form.set_choices(tree)
    done = saved(form, lambda: create_group(current_user, form.name.data, form.parent_id.data),
                 lambda group: gettext("Group %(name)s created.", name=group.name), url_for("certifications.groups"))
    if done:
        return done
    return render("certifications/groups.html", tree=tree, form=form, status=422 if form.is_submitted() else 200)


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def edit_group(group_id: int):
    """Rename or move a group (with its certifications and subgroups)."""
    group = get_group(group_id)
    if group is None:
        abort(404)
    form = GroupForm()
    form.set_choices(group_tree(), editing=group)
    done = saved(form, lambda: update_group(current_user, group, form.name.data, form.parent_id.data),
                 lambda group: gettext("Group %(name)s saved.", name=group.name), url_for("certifications.groups"))
    if done:
        return done
    if not form.is_submitted():
        form.name.data, form.parent_id.data = group.name, group.parent_id
    return render("certifications/group_form.html", group=group, form=form, status=422 if form.is_submitted() else 200)


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CERTIFICATIONS)
def group_delete(group_id: int):
    group = get_group(group_id)
    if group is None:
        abort(404)
    into = gettext("the group %(name)s", name=group.parent.name) if group.parent else gettext("the top level")
    return confirm_delete(
        heading=gettext("Delete Group: %(name)s", name=group.name),
        explanation=gettext("Its certifications and subgroups are not deleted: they move to %(into)s.", into=into),
        button=gettext("Delete Group"),
        cancel_url=url_for("certifications.groups"),
        delete=lambda: delete_group(current_user, group),
        done=gettext("Group %(name)s deleted; its certifications and subgroups moved to %(into)s.", name=group.name, into=into),
        done_url=url_for("certifications.groups"),
    )
