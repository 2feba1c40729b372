"""People > Users: the searchable users table and its per-user menu; adding, inviting, deactivating
and erasing people."""
from flask_babel import gettext, ngettext
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import rate_limits
from webapp.blueprints.common import add_errors, add_submission_errors, uploaded_bytes
from webapp.bounds import database_ids, database_int
from webapp.clock import today
from webapp.extensions import db
from webapp.forms.my_account import preview_on_change, typed_completion, without_completion_date
from webapp.forms.supervising import (
    ActionForm,
    AttachForm,
    AssignRoleForm,
    CommentForm,
    CompetencyCertificateForm,
    DirectRequirementForm,
    EditAccountForm,
    EraseForm,
    NotifyForm,
    PeopleFilterForm,
    RecordCertificationForm,
    RecordDatesForm,
    RequirementStateForm,
    RevocationForm,
    TrainingForm,
    add_person_form,
)
from webapp.htmx import render, wants_fragment
from webapp.i18n import day
from webapp.models import (
    Certification,
    CertificationRole,
    Comment,
    DirectRequirement,
    RoleAssignment,
    Submission,
    User,
    UserPhoto,
    people_by_name,
)
from webapp.permissions import ACTIONS_ON_PEOPLE, Permission
from webapp.security import login_required, permission_required, public
from webapp.services.access import may_act_on, may_approve_for, users_in_reach
from webapp.services.activities import activity_evidence
from webapp.services.approvals import approve_chosen_submissions, pending_submissions
from webapp.services.cards import issuer_suggestions
from webapp.services.competency import (
    CompetencyInvalid,
    competencies_of,
    competency_duration,
    competency_lead_time,
    competency_role,
    record_competency_certificate,
)
from webapp.services.comments import add_comment, delete_comment, edit_comment, may_change_comment
from webapp.services.compliance import load_requirements, load_user_requirements
from webapp.services.dates import read_person_date, typed_date_format
from webapp.services.known import employee_certifications
from webapp.services.module_levels import list_module_levels
from webapp.services.privacy import hidden_certification_ids, hidden_certifications, sight_of
from webapp.services.qr_codes import site_role_verdicts
from webapp.services.people import (
    AccountInput,
    AccountInvalid,
    company_choices,
    create_person,
    deactivate_person,
    edit_account,
    erase_person,
    find_people,
    hide_user,
    invite_person,
    notify_user,
    reactivate_person,
    show_user,
    supervised_people,
    supervisor_choices,
)
from webapp.services.roles import role_names
from webapp.services.photos import qr_photo
from webapp.services.records import attach_to_record, edit_record_dates, record_certification
from webapp.services.revocations import RevocationRefused, restore_record, revoke_record
from webapp.services.requirements import (
    RequirementError,
    add_direct_requirement,
    assign_role,
    may_override_lock,
    remove_direct_requirement,
    remove_role,
    set_requirement_state,
    set_training,
)
from webapp.services.sessions import end_all_sessions, list_live_sessions
from webapp.services.settings import show_photos_on_qr
from webapp.services.submissions import SubmissionError, preview_completion, record_date, standings_of
from webapp.text import non_blank_lines

bp = Blueprint("people", __name__, url_prefix="/people")

# Each view is open to holders of either permission of its action; the view then checks the person.
VIEWERS = ACTIONS_ON_PEOPLE["view"]
DEFERRERS = ACTIONS_ON_PEOPLE["defer"]
RECORDERS = ACTIONS_ON_PEOPLE["record"]
MANAGERS = ACTIONS_ON_PEOPLE["manage_requirements"]
APPROVERS = ACTIONS_ON_PEOPLE["approve"]
# Hiding changes what the People pages show about someone: an account edit.
EDITORS = ACTIONS_ON_PEOPLE["edit_account"]


def _user_in_reach(user_id: int, action: str) -> User:
    """The user if the current user may do `action` to them; 404 otherwise, so ids reveal nothing."""
    user = db.session.get(User, user_id)
    if user is None or not may_act_on(current_user, user, action):
        abort(404)
    return user


def _filters() -> PeopleFilterForm:
    form = PeopleFilterForm(request.args)
    form.company.choices = company_choices()
    form.role.choices = [("", gettext("Any role"))] + [(str(role_id), name) for role_id, name in role_names()]
    return form


def _table_context(form: PeopleFilterForm) -> dict:
    valid = form.validate()
    company = form.company.data if valid and (form.company.data or "").isdigit() else None
    role = form.role.data if valid and (form.role.data or "").isdigit() else None
    found = find_people(
        current_user,
        search=form.q.data if valid else None,
        company_id=int(company) if company else None,
        include_hidden=bool(form.include_hidden.data),
        inactive=bool(form.inactive.data),
        role_id=int(role) if role else None,
        status=(form.status.data or None) if valid else None,
        day=today(),
        page=max(request.args.get("page", 1, type=database_int), 1),
    )
    users = found.users
    editable = set(db.session.scalars(
        users_in_reach(current_user, "edit_account").with_only_columns(User.id).where(User.id.in_([u.id for u in users]))
    )) if users else set()
    query = {k: v for k, v in request.args.items() if k != "page"}
    return {"form": form, "found": found, "users": users, "editable": editable, "query": query}


@bp.get("/")
@permission_required(*VIEWERS)
def index():
    form = _filters()
    block = "users_table" if request.headers.get("HX-Target") == "users-table" else "content"
    return render("people/index.html", block=block, **_table_context(form))


def _row_or_list(user: User, message: str):
    """The user's updated row for htmx, or back to the list with a flash message."""
    if wants_fragment():
        return render_template("people/_user_row.html", user=user, editable={user.id}, message=message)
    return _back_to_list(message)


@bp.get("/supervisor-report")
@permission_required(*VIEWERS)
def supervisor_report():
    """Everyone the current user supervises x the certifications they must hold."""
    people = supervised_people(current_user)
    sight = sight_of(current_user)
    by_user = {
        user_id: sight.shown(rows) for user_id, rows in load_requirements([p.id for p in people], today()).items()
    }
    certifications = sorted(
        {r.certification.id: r.certification for rows in by_user.values() for r in rows}.values(),
        key=lambda c: c.name.lower(),
    )
    cells = {(user_id, r.certification.id): r for user_id, rows in by_user.items() for r in rows}
    return render("people/supervisor_report.html", people=people, certifications=certifications, cells=cells,
                  may_record=any(current_user.can(p) for p in RECORDERS))


def _back_to_list(message: str, category: str = "success"):
    flash(message, category)
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/people") else url_for("people.index"))


@bp.post("/<int:user_id>/hide")
@permission_required(*EDITORS)
def hide(user_id: int):
    user = _user_in_reach(user_id, "edit_account")
    hide_user(user, current_user)
    return _row_or_list(user, gettext("%(full_name)s is hidden from reports in the People module.", full_name=user.full_name))


@bp.post("/<int:user_id>/show")
@permission_required(*EDITORS)
def show(user_id: int):
    user = _user_in_reach(user_id, "edit_account")
    show_user(user, current_user)
    return _row_or_list(user, gettext("%(full_name)s is shown in reports again.", full_name=user.full_name))


def _choices(form: EditAccountForm, user: User | None) -> None:
    keep = user.company_id if user is not None else None
    form.company.choices = [(0, gettext("No company"))] + [(int(value), name) for value, name in company_choices(keep)[1:]]
    # Current supervisors first, so a long list opens on them.
    current = {s.id for s in user.supervisors} if user is not None else set()
    candidates = sorted(supervisor_choices(user), key=lambda s: s.id not in current)
    form.supervisors.choices = [(s.id, s.sort_name) for s in candidates]
    form.module_levels.choices = [(level.id, level.name) for level in list_module_levels()]


def _account_input(form: EditAccountForm, may_set_levels: bool) -> AccountInput:
    return AccountInput(
        first_name=form.first_name.data, last_name=form.last_name.data, email=form.email.data,
        username=form.username.data, job_title=form.job_title.data, phone=form.phone.data,
        employee_number=form.employee_number.data, company_id=form.company.data or None,
        supervisor_ids=frozenset(form.supervisors.data or ()),
        level_ids=frozenset(form.module_levels.data or ()) if may_set_levels else None,
    )


def _account_form(user: User) -> EditAccountForm:
    form = EditAccountForm(obj=None if request.method == "POST" else user)
    _choices(form, user)
    if request.method == "GET":
        form.company.data = user.company_id or 0
        form.supervisors.data = [s.id for s in user.supervisors]
        form.module_levels.data = [level.id for level in user.module_levels]
    return form


@bp.route("/<int:user_id>/account", methods=["GET", "POST"])
@permission_required(*EDITORS)
def account(user_id: int):
    """Edit Account Info: name, e-mail, username, phone, company, supervisors, module levels, photo, active."""
    user = _user_in_reach(user_id, "edit_account")
    form = _account_form(user)
    may_set_levels = current_user.can(Permission.MANAGE_MODULE_LEVELS)
    if form.validate_on_submit():
        try:
            edit_account(user, current_user, _account_input(form, may_set_levels), active=form.active.data,
                         photo=uploaded_bytes(form.photo))
        except AccountInvalid as invalid:
            add_errors(form, invalid)
        else:
            flash(gettext("Account info of %(full_name)s saved.", full_name=user.full_name), "success")
            return redirect(url_for("people.index"))
    return render("people/account.html", user=user, form=form, may_set_levels=may_set_levels,
                  sessions=list_live_sessions(user, current_user.session_key), erase_form=EraseForm(formdata=None),
                  status=422 if form.is_submitted() else 200)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_ALL_ACCOUNTS)
def add():
    """Add Person: the fields of Edit Account Info, roles with a training end date, and a photo; the
    person is e-mailed an invitation to choose their password."""
    form = add_person_form(role_names())
    _choices(form, None)
    may_set_levels = current_user.can(Permission.MANAGE_MODULE_LEVELS)
    if request.method == "GET":
        form.company.data = 0
        form.module_levels.data = [choice.value for choice in form.module_levels.choices if choice.label == "Employee"]
    if form.validate_on_submit():
        try:
            person = create_person(current_user, _account_input(form, may_set_levels), roles=form.chosen_roles(),
                                   photo=uploaded_bytes(form.photo), day=today())
        except AccountInvalid as invalid:
            add_errors(form, invalid)
        else:
            flash(gettext("%(full_name)s was added and e-mailed an invitation to choose a password.", full_name=person.full_name), "success")
            return redirect(url_for("people.account", user_id=person.id))
    return render("people/add.html", form=form, may_set_levels=may_set_levels,
                  status=422 if form.is_submitted() else 200)


def _act_on_account(user_id: int, act, refused_field: str, done: str):
    """`act(person, actor)` on a person in reach; the refusal, or `done` (with the person's {name}), is flashed."""
    user = _user_in_reach(user_id, "edit_account")
    if not ActionForm().validate():
        abort(400)
    try:
        act(user, current_user)
    except AccountInvalid as invalid:
        flash(invalid.errors[refused_field], "error")
    else:
        flash(done.format(name=user.full_name), "success")
    return redirect(url_for("people.account", user_id=user.id))


@bp.post("/<int:user_id>/invite")
@permission_required(*EDITORS)
def invite(user_id: int):
    """Send the invitation to choose a password again (a new link; the person's password is unchanged)."""
    return _act_on_account(user_id, invite_person, "invite", "{name} was e-mailed a new invitation.")


@bp.post("/<int:user_id>/deactivate")
@permission_required(*EDITORS)
def deactivate(user_id: int):
    return _act_on_account(user_id, deactivate_person, "active", "{name} is deactivated and signed out everywhere.")


@bp.post("/<int:user_id>/reactivate")
@permission_required(*EDITORS)
def reactivate(user_id: int):
    return _act_on_account(user_id, reactivate_person, "active", "{name} is active again.")


@bp.route("/<int:user_id>/erase", methods=["GET", "POST"])
@permission_required(Permission.EDIT_ALL_ACCOUNTS)
def erase(user_id: int):
    """Erase a person's personal data on request, after their username is typed to confirm."""
    user = _user_in_reach(user_id, "edit_account")
    form = EraseForm()
    if form.validate_on_submit():
        try:
            erase_person(user, current_user, form.confirmation.data)
        except AccountInvalid as invalid:
            add_errors(form, invalid)
        else:
            flash(gettext("The personal data was erased; the records stay under a former employee."), "success")
            return redirect(url_for("people.index", inactive="y"))
    return render("people/erase.html", user=user, form=form, status=422 if form.is_submitted() else 200)


@bp.get("/<int:user_id>/photo")
@login_required
def photo(user_id: int):
    """The person's photo, for themselves and those who may view them."""
    user = db.session.get(User, user_id)
    if user is None or user.photo is None or (user.id != current_user.id and not may_act_on(current_user, user, "view")):
        abort(404)
    return _photo_response(user.photo)


@bp.get("/qr/<token>/photo")
@public
def public_photo(token: str):
    """The photo on a QR report and wallet card: only while Module Settings shows photos there."""
    found = qr_photo(token, show_photos_on_qr())
    if found is None:
        abort(404)
    return _photo_response(found)


def _photo_response(found: UserPhoto) -> Response:
    return Response(found.content, mimetype=found.media_type,
                    headers={"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"})


@bp.post("/<int:user_id>/sessions/end")
@permission_required(*EDITORS)
def end_sessions(user_id: int):
    """End all sessions: the user is signed out on every device (an administrator's own current one stays)."""
    user = _user_in_reach(user_id, "edit_account")
    ended = end_all_sessions(current_user, user, keep=current_user.session_key if user.id == current_user.id else None)
    flash(ngettext("%(full_name)s was signed out on %(num)d device.", "%(full_name)s was signed out on %(num)d devices.",
                   ended, full_name=user.full_name), "success")
    return redirect(url_for("people.account", user_id=user.id))


@bp.get("/<int:user_id>/notify")
@permission_required(*VIEWERS)
def notify_dialog(user_id: int):
    """The Notify form, fetched into the users page's one dialog when asked for (or a page without script)."""
    user = _user_in_reach(user_id, "view")
    return render("people/notify.html", block="form", user=user, form=NotifyForm(),
                  heading="h2" if wants_fragment() else "h1")


@bp.post("/<int:user_id>/notify")
@permission_required(*VIEWERS)
@rate_limits.notify_recipients
def notify(user_id: int):
    user = _user_in_reach(user_id, "view")
    form = NotifyForm()
    if not form.validate():
        if wants_fragment():
            headers = {"HX-Retarget": f"#notify-form-{user.id}", "HX-Reswap": "outerHTML"}
            return render_template("people/_notify_form.html", user=user, form=form), 422, headers
        return render("people/notify.html", status=422, user=user, form=form, heading="h1")
    notify_user(user, current_user, form.message.data)
    message = f"{user.full_name} was e-mailed."
    if wants_fragment():
        return render_template("people/_notify_done.html", user=user, message=message)
    return _back_to_list(message)


# ---- A user's Certifications Details page -------------------------------------------------


def _details_context(user: User, **extra) -> dict:
    sight = sight_of(current_user)
    every = load_user_requirements(user, today())
    requirements = sight.shown(every)
    record_ids = [r.current_record_id for r in requirements if r.current_record_id]
    records = {
        record.id: record
        for record in db.session.scalars(
            select(Submission).where(Submission.id.in_(record_ids)).options(selectinload(Submission.attachments))
        )
    } if record_ids else {}
    may_approve = may_approve_for(current_user, user)
    pending = pending_submissions(
        select(Submission).where(
            Submission.user_id == user.id,
            Submission.status == "pending",
            Submission.certification_id.not_in(hidden_certifications(current_user)),
        )
    )
    return {
        "user": user,
        "requirements": requirements,
        "outstanding": [r for r in requirements if r.status.status.is_outstanding],
        "records": records,
        "pending": pending,
        "sight": sight,
        "may_approve": may_approve,
        "may_defer": may_act_on(current_user, user, "defer"),
        "may_record": may_act_on(current_user, user, "record"),
        "competencies": competencies_of(user, today(), viewer=current_user),
        "sites": site_role_verdicts(user, every, today(), lambda certification: sight.shows(certification.id)),
        "day": today(),
        "may_manage": may_act_on(current_user, user, "manage_requirements"),
        "may_override_lock": may_override_lock(current_user),
        "action_form": ActionForm(),
        "notify_form": NotifyForm(),
        **extra,
        # Each dialog starts from the saved values; a refused form keeps what was typed.
        "state_forms": {
            r.certification.id: RequirementStateForm(
                formdata=None,
                state=r.setting.state if r.setting else "none",
                deferred_until=r.setting.deferred_until if r.setting else None,
                notes=r.setting.notes if r.setting else None,
            )
            for r in requirements
        } | extra.get("state_forms", {}),
        "dates_forms": {
            record.id: RecordDatesForm(formdata=None, obj=record) for record in records.values()
        } | extra.get("dates_forms", {}),
        "attach_form": AttachForm(formdata=None),
        "attach_forms": extra.get("attach_forms", {}),
    }


def _details(user: User, message: str | None = None, status: int = 200, **extra):
    """The details section again (htmx) or the whole page, so every table reflects the change."""
    if message and not wants_fragment():
        flash(message, "success")
        return redirect(url_for("people.certifications", user_id=user.id))
    return render("people/certifications.html", block="details", status=status,
                  **_details_context(user, message=message, **extra))


def _refused(user: User, template: str, target: str, full_context: dict, **ctx):
    """Bad input: the form again with its errors (in its dialog for htmx), nothing changed."""
    if wants_fragment():
        headers = {"HX-Retarget": f"#{target}", "HX-Reswap": "outerHTML"}
        return render_template(template, user=user, **ctx), 422, headers
    return render("people/certifications.html", status=422, **_details_context(user, **full_context))


@bp.get("/<int:user_id>/certifications")
@permission_required(*VIEWERS)
def certifications(user_id: int):
    user = _user_in_reach(user_id, "view")
    return render("people/certifications.html", **_details_context(user))


@bp.post("/<int:user_id>/approve-selected")
@permission_required(*APPROVERS)
def approve_selected(user_id: int):
    user = _user_in_reach(user_id, "approve")
    if not may_approve_for(current_user, user):
        abort(404)
    ids = database_ids(request.form.getlist("submission_id"))
    if not ActionForm().validate() or not ids:
        return _details(user, status=422, approve_error=gettext("Select at least one submitted certification to approve."))
    approved, not_approved = approve_chosen_submissions(user, ids, current_user)
    message = ngettext("Approved %(num)d certification.", "Approved %(num)d certifications.", len(approved))
    if not_approved and not wants_fragment():
        flash(gettext("Not approved: %(refusals)s", refusals=" ".join(not_approved)), "error")
    return _details(user, message, not_approved=not_approved)


def _shown_or_404(certification_id: int) -> None:
    """Privacy hides the certification from the current user: to them it does not exist."""
    if certification_id in hidden_certification_ids(current_user):
        abort(404)


def _requirement_or_404(user: User, certification_id: int) -> Certification:
    certification = db.session.get(Certification, certification_id)
    if certification is None or not any(r.certification.id == certification_id for r in load_user_requirements(user, today())):
        abort(404)
    _shown_or_404(certification_id)
    return certification


@bp.post("/<int:user_id>/requirements/<int:certification_id>/state")
@permission_required(*DEFERRERS)
def requirement_state(user_id: int, certification_id: int):
    user = _user_in_reach(user_id, "defer")
    certification = _requirement_or_404(user, certification_id)
    form = RequirementStateForm()
    if form.validate():
        try:
            set_requirement_state(user, certification, current_user, form.state.data,
                                  deferred_until=form.deferred_until.date, notes=form.notes.data, day=today())
        except RequirementError as error:
            for name, messages in error.errors.items():
                getattr(form, name).errors = list(messages)
        else:
            return _details(user, gettext("Saved %(name)s for %(full_name)s.", name=certification.name, full_name=user.full_name))
    return _refused(user, "people/_state_form.html", f"state-form-{certification.id}",
                    {"state_forms": {certification.id: form}, "open_dialog": f"state-{certification.id}"},
                    certification=certification, form=form, may_override_lock=may_override_lock(current_user))


@bp.post("/<int:user_id>/requirements/<int:certification_id>/notify")
@permission_required(*VIEWERS)
@rate_limits.notify_recipients
def notify_requirement(user_id: int, certification_id: int):
    user = _user_in_reach(user_id, "view")
    certification = _requirement_or_404(user, certification_id)
    form = NotifyForm()
    if not form.validate():
        return _refused(user, "people/_notify_form.html", f"notify-form-{user.id}-{certification.id}",
                        {"open_dialog": f"notify-{certification.id}", "invalid_notify": (certification.id, form)},
                        certification=certification, form=form)
    notify_user(user, current_user, form.message.data, certification)
    return _details(user, gettext("%(full_name)s was e-mailed about %(name)s.", full_name=user.full_name, name=certification.name))


def _record_of(user: User, record_id: int) -> Submission:
    record = db.session.scalar(select(Submission).where(
        Submission.id == record_id, Submission.user_id == user.id, Submission.status == "approved"))
    if record is None:
        abort(404)
    _shown_or_404(record.certification_id)
    return record


@bp.post("/<int:user_id>/records/<int:record_id>/dates")
@permission_required(*RECORDERS)
def record_dates(user_id: int, record_id: int):
    user = _user_in_reach(user_id, "record")
    record = _record_of(user, record_id)
    form = RecordDatesForm()
    if form.validate():
        try:
            edit_record_dates(record, current_user, form.completed_on.date, form.expires_on.date)
        except RequirementError as error:
            form.expires_on.errors = list(error.errors["expires_on"])
        else:
            return _details(user, gettext("Saved the dates of %(name)s.", name=record.certification.name))
    return _refused(user, "people/_dates_form.html", f"dates-form-{record.id}",
                    {"dates_forms": {record.id: form}, "open_dialog": f"dates-{record.id}"}, record=record, form=form)


@bp.post("/<int:user_id>/records/<int:record_id>/attachments")
@permission_required(*RECORDERS)
def record_attach(user_id: int, record_id: int):
    user = _user_in_reach(user_id, "record")
    record = _record_of(user, record_id)
    form = AttachForm()
    if form.validate():
        try:
            attach_to_record(record, current_user, request.files.getlist(form.files.name), non_blank_lines(form.links.data))
        except SubmissionError as error:
            add_submission_errors(form, error)
        else:
            return _details(user, gettext("Your changes to %(name)s were saved.", name=record.certification.name))
    return _refused(user, "people/_attach_form.html", f"attach-form-{record.id}",
                    {"attach_forms": {record.id: form}, "open_dialog": f"attach-{record.id}"}, record=record, form=form)


# ---- Manage Roles/Certifications ---------------------------------------------------------


def _manage_context(user: User, **extra) -> dict:
    assignments = list(db.session.scalars(
        select(RoleAssignment).where(RoleAssignment.user_id == user.id).join(RoleAssignment.role)
        .order_by(CertificationRole.name)
    ))
    held = {a.role_id for a in assignments}
    hidden = hidden_certification_ids(current_user)
    direct = [d for d in db.session.scalars(
        select(DirectRequirement).where(DirectRequirement.user_id == user.id).join(DirectRequirement.certification)
        .order_by(Certification.name)
    ) if d.certification_id not in hidden]
    directly = {d.certification_id for d in direct}
    from_roles = {r.certification.id: r for r in load_user_requirements(user, today())
                  if r.sources.roles and r.certification.id not in hidden}
    role_form = extra.pop("role_form", None) or AssignRoleForm()
    role_form.role.choices = [(r.id, r.name) for r in db.session.scalars(
        select(CertificationRole).where(CertificationRole.archived_at.is_(None)).order_by(CertificationRole.name))
                              if r.id not in held]
    direct_form = extra.pop("direct_form", None) or DirectRequirementForm()
    direct_form.certification.choices = [
        (c.id, c.name) for c in db.session.scalars(employee_certifications().order_by(Certification.name))
        if c.id not in directly | hidden
    ]
    training_forms = {
        a.id: TrainingForm(formdata=None, in_training=a.training_until is not None, training_until=a.training_until,
                           notes=a.training_notes)
        for a in assignments
    } | extra.pop("training_forms", {})
    return {"user": user, "assignments": assignments, "direct": direct, "from_roles": from_roles, "role_form": role_form,
            "direct_form": direct_form, "action_form": ActionForm(), "training_forms": training_forms, **extra}


def _manage(user: User, message: str | None = None, status: int = 200, **extra):
    if message and not wants_fragment():
        flash(message, "success")
        return redirect(url_for("people.manage", user_id=user.id))
    return render("people/manage.html", block="manage", status=status, **_manage_context(user, message=message, **extra))


@bp.get("/<int:user_id>/roles")
@permission_required(*MANAGERS)
def manage(user_id: int):
    user = _user_in_reach(user_id, "manage_requirements")
    return render("people/manage.html", **_manage_context(user))


@bp.post("/<int:user_id>/roles")
@permission_required(*MANAGERS)
def add_role(user_id: int):
    user = _user_in_reach(user_id, "manage_requirements")
    form = AssignRoleForm()
    form.role.choices = [(r.id, r.name) for r in db.session.scalars(
        select(CertificationRole).where(CertificationRole.archived_at.is_(None)))]
    if not form.validate():
        return _manage(user, status=422, role_form=form)
    role = db.session.get(CertificationRole, form.role.data)
    assign_role(user, role, current_user)
    return _manage(user, gettext("Assigned %(name)s to %(full_name)s.", name=role.name, full_name=user.full_name))


def _assignment_or_404(user: User, assignment_id: int) -> RoleAssignment:
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        abort(404)
    return assignment


@bp.post("/<int:user_id>/roles/<int:assignment_id>/remove")
@permission_required(*MANAGERS)
def delete_role(user_id: int, assignment_id: int):
    user = _user_in_reach(user_id, "manage_requirements")
    assignment = _assignment_or_404(user, assignment_id)
    if not ActionForm().validate():
        abort(400)
    name = assignment.role.name
    remove_role(assignment, current_user)
    return _manage(user, gettext("Removed %(name)s from %(full_name)s.", name=name, full_name=user.full_name))


@bp.post("/<int:user_id>/roles/<int:assignment_id>/training")
@permission_required(*MANAGERS)
def training(user_id: int, assignment_id: int):
    user = _user_in_reach(user_id, "manage_requirements")
    assignment = _assignment_or_404(user, assignment_id)
    form = TrainingForm()
    if form.validate():
        try:
            set_training(assignment, current_user, in_training=form.in_training.data, until=form.training_until.date,
                         notes=form.notes.data, day=today())
        except RequirementError as error:
            form.training_until.errors = list(error.errors["training_until"])
        else:
            return _manage(user, gettext("Saved training for %(name)s.", name=assignment.role.name))
    if wants_fragment():
        headers = {"HX-Retarget": f"#training-form-{assignment.id}", "HX-Reswap": "outerHTML"}
        return render_template("people/_training_form.html", user=user, assignment=assignment, form=form), 422, headers
    return render("people/manage.html", status=422, **_manage_context(
        user, training_forms={assignment.id: form}, open_dialog=f"training-{assignment.id}"))


@bp.post("/<int:user_id>/direct")
@permission_required(*MANAGERS)
def add_direct(user_id: int):
    user = _user_in_reach(user_id, "manage_requirements")
    form = DirectRequirementForm()
    form.certification.choices = [
        (c.id, c.name) for c in db.session.scalars(employee_certifications())]
    if not form.validate():
        return _manage(user, status=422, direct_form=form)
    certification = db.session.get(Certification, form.certification.data)
    add_direct_requirement(user, certification, current_user)
    return _manage(user, gettext("%(name)s is now required of %(full_name)s.", name=certification.name, full_name=user.full_name))


@bp.post("/<int:user_id>/direct/<int:certification_id>/remove")
@permission_required(*MANAGERS)
def delete_direct(user_id: int, certification_id: int):
    user = _user_in_reach(user_id, "manage_requirements")
    certification = db.session.get(Certification, certification_id)
    if certification is None or certification.id in hidden_certification_ids(current_user):
        abort(404)
    if not ActionForm().validate():
        abort(400)
    try:
        remove_direct_requirement(user, certification, current_user)
    except RequirementError as error:
        return _manage(user, status=422, refusal=" ".join(error.errors["certification"]))
    return _manage(user, gettext("%(name)s is no longer directly required of %(full_name)s.", name=certification.name,
                                  full_name=user.full_name))


# ---- Record New Certification for (user) ---------------------------------------------------


def _record_form(user: User) -> RecordCertificationForm:
    form = RecordCertificationForm()
    form.certification.choices = [(0, gettext("Choose a certification"))] + [
        (c.id, c.name)
        for c in db.session.scalars(
            employee_certifications()
            .where(Certification.id.not_in(hidden_certifications(current_user)))
            .order_by(Certification.name)
        )
    ]
    preview_on_change(form, url_for("people.record_preview", user_id=user.id))
    return form


def _recordable(certification_id: int | None) -> Certification | None:
    """The certification to record, unless it does not exist or privacy hides it from the recorder."""
    certification = db.session.get(Certification, certification_id) if certification_id else None
    if certification is None or certification.id in hidden_certification_ids(current_user):
        return None
    return certification


def _preview_for(user: User, certification: Certification | None, completed_on, refusal: str | None = None,
                 printed_expiration=None):
    if certification is None:
        return None, gettext("Choose a certification to see its expiration.")
    completed_on = record_date(certification, completed_on)
    if completed_on is None:
        return None, refusal or gettext("Enter the completion date as %(format)s to see the expiration.",
                                        format=typed_date_format())
    return preview_completion(user, certification, completed_on, today(), printed_expiration)


@bp.route("/<int:user_id>/record", methods=["GET", "POST"])
@permission_required(*RECORDERS)
def record(user_id: int):
    user = _user_in_reach(user_id, "record")
    form = _record_form(user)
    if request.method == "GET":
        form.certification.data = request.args.get("certification", type=database_int) or 0
        form.completed_on.date = today()
        form.completed_on.data = today().isoformat()
        chosen = _recordable(form.certification.data)
        without_completion_date(form, chosen)
        preview, _ = _preview_for(user, chosen, today())
        if preview is not None and preview.expires_on:
            form.expires_on.data = preview.expires_on.isoformat()
        return render("people/record.html", user=user, form=form, preview=preview,
                      may_approve=may_approve_for(current_user, user), issuers=issuer_suggestions(chosen))
    without_completion_date(form, _recordable(form.certification.data))
    certification = db.session.get(Certification, form.certification.data or 0) if form.validate() else None
    if form.is_submitted() and not form.errors and certification is None:
        form.certification.errors = [gettext("Choose a certification.")]
    if certification is not None:
        try:
            submission = record_certification(
                user, certification, current_user, typed_completion(form),
                expires_on=form.expires_on.date,
                files=request.files.getlist(form.files.name),
                links=non_blank_lines(form.links.data),
                comment=form.comment.data,
                idempotency_key=form.idempotency_key.data,
                issuer=form.issuer.data,
                card=form.card_details(),
            )
        except SubmissionError as error:
            add_submission_errors(form, error)
        else:
            done = (gettext("%(name)s for %(full_name)s is approved.") if submission.status == "approved"
                    else gettext("%(name)s for %(full_name)s is submitted and pending approval."))
            flash(done % {"name": certification.name, "full_name": user.full_name}, "success")
            return redirect(url_for("people.certifications", user_id=user.id))
    chosen = _recordable(form.certification.data)
    preview, _ = _preview_for(user, chosen, typed_completion(form), printed_expiration=form.printed_expiration.date)
    return render("people/record.html", status=422, user=user, form=form, preview=preview,
                  may_approve=may_approve_for(current_user, user), issuers=issuer_suggestions(chosen))


@bp.route("/<int:user_id>/competency/<int:role_id>", methods=["GET", "POST"])
@permission_required(*RECORDERS)
def competency(user_id: int, role_id: int):
    """New Competency Certificate for a person in one of their roles that requires competency."""
    user = _user_in_reach(user_id, "record")
    role = competency_role(user, role_id)
    if role is None:
        abort(404)
    form = CompetencyCertificateForm()
    if form.validate_on_submit():
        try:
            record_competency_certificate(user, role, current_user, form.completed_on.date, form.notes.data, today(),
                                          files=request.files.getlist(form.files.name))
        except CompetencyInvalid as invalid:
            add_errors(form, invalid)
        else:
            flash(gettext("Competency in %(name)s is recorded for %(full_name)s.", name=role.name, full_name=user.full_name), "success")
            return redirect(url_for("people.certifications", user_id=user.id))
    return render("people/competency.html", user=user, role=role, form=form,
                  duration=competency_duration(role), lead_time=competency_lead_time(role),
                  status=422 if form.is_submitted() else 200)


@bp.get("/<int:user_id>/record/preview")
@permission_required(*RECORDERS)
def record_preview(user_id: int):
    user = _user_in_reach(user_id, "record")
    certification = _recordable(request.args.get("certification", type=database_int))
    printed_expiration, _ = read_person_date(request.args.get("printed_expiration"), expiration=True)
    preview, error = _preview_for(user, certification, *read_person_date(request.args.get("completed_on")),
                                  printed_expiration=printed_expiration)
    # Always a fragment: the shared preview, and the expiration field refilled from the rules.
    expires_on = RecordCertificationForm(formdata=None).expires_on
    if preview is not None and preview.expires_on:
        expires_on.process_data(preview.expires_on)
    return render_template("people/_record_preview.html", preview=preview, preview_error=error, expires_on=expires_on,
                           issuers=issuer_suggestions(certification))


# ---- Certification history and comments ----------------------------------------------------


def _history(user: User, certification: Certification, status: int = 200, **extra):
    submissions = list(db.session.scalars(
        select(Submission)
        .where(Submission.user_id == user.id, Submission.certification_id == certification.id)
        .options(
            selectinload(Submission.attachments),
            *people_by_name(Submission.decided_by, Submission.submitted_by, Submission.revoked_by),
            selectinload(Submission.comments).selectinload(Comment.author),
        )
        .order_by(Submission.completed_on.desc(), Submission.id.desc())
    ))
    may_revoke = may_approve_for(current_user, user)
    context = {"user": user, "certification": certification, "submissions": submissions,
               "sight": sight_of(current_user), "standings": standings_of(submissions, today()),
               "may_revoke": may_revoke, "may_restore": may_revoke and current_user.can(Permission.APPROVE_ALL),
               "revocation_form": RevocationForm(formdata=None),
               "evidence": activity_evidence(s.id for s in submissions),
               "comment_form": CommentForm(formdata=None), "may_change_comment": may_change_comment, **extra}
    if wants_fragment():
        return render_template("people/_history.html", **context), status
    if status == 200 and extra.get("message"):
        flash(extra["message"], "success")
        return redirect(url_for("people.history", user_id=user.id, certification_id=certification.id))
    return render("people/history.html", status=status, **context)


def _certification_or_404(certification_id: int) -> Certification:
    certification = db.session.get(Certification, certification_id)
    if certification is None:
        abort(404)
    _shown_or_404(certification_id)
    return certification


@bp.get("/<int:user_id>/history/<int:certification_id>")
@permission_required(*VIEWERS)
def history(user_id: int, certification_id: int):
    user = _user_in_reach(user_id, "view")
    return _history(user, _certification_or_404(certification_id))


def _submission_of(user: User, submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.user_id != user.id:
        abort(404)
    _shown_or_404(submission.certification_id)
    return submission


@bp.post("/<int:user_id>/records/<int:record_id>/comments")
@permission_required(*VIEWERS)
def comment_add(user_id: int, record_id: int):
    user = _user_in_reach(user_id, "view")
    submission = _submission_of(user, record_id)
    form = CommentForm()
    if not form.validate():
        return _history(user, submission.certification, 422, invalid_comment=(submission.id, form))
    add_comment(submission, current_user, form.body.data, idempotency_key=form.idempotency_key.data)
    return _history(user, submission.certification, message=gettext("Comment added."))


def _comment_of(user: User, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.submission.user_id != user.id:
        abort(404)
    _shown_or_404(comment.submission.certification_id)
    if not may_change_comment(current_user, comment):
        abort(403)
    return comment


@bp.post("/<int:user_id>/comments/<int:comment_id>/edit")
@permission_required(*VIEWERS)
def comment_edit(user_id: int, comment_id: int):
    user = _user_in_reach(user_id, "view")
    comment = _comment_of(user, comment_id)
    form = CommentForm()
    if not form.validate():
        return _history(user, comment.submission.certification, 422, invalid_edit=(comment.id, form))
    edit_comment(comment, current_user, form.body.data)
    return _history(user, comment.submission.certification, message=gettext("Comment saved."))


@bp.post("/<int:user_id>/comments/<int:comment_id>/delete")
@permission_required(*VIEWERS)
def comment_delete(user_id: int, comment_id: int):
    user = _user_in_reach(user_id, "view")
    comment = _comment_of(user, comment_id)
    if not ActionForm().validate():
        abort(400)
    certification = comment.submission.certification
    delete_comment(comment, current_user)
    return _history(user, certification, message=gettext("Comment deleted."))


# ---- Revoke and restore a record ------------------------------------------------------------


def _revocation(user_id: int, record_id: int, act, done: str):
    """`act(record, actor, reason)` with the posted reason on a record of someone the actor approves for;
    the history again, saying what was done (and that the person was told) or why it was refused."""
    user = _user_in_reach(user_id, "approve")
    if not may_approve_for(current_user, user):
        abort(404)
    record = _record_of(user, record_id)
    form = RevocationForm()
    if form.validate():
        try:
            act(record, current_user, form.reason.data)
        except RevocationRefused as error:
            form.reason.errors = [error.errors["reason"]]
        else:
            return _history(user, record.certification, message=done % {
                "name": record.certification.name, "day": day(record.completed_on), "full_name": user.full_name})
    return _history(user, record.certification, 422, invalid_revocation=(record.id, form))


@bp.post("/<int:user_id>/records/<int:record_id>/revoke")
@permission_required(*APPROVERS)
def revoke(user_id: int, record_id: int):
    return _revocation(user_id, record_id, revoke_record,
                       gettext("Revoked %(name)s completed %(day)s; %(full_name)s was told."))


@bp.post("/<int:user_id>/records/<int:record_id>/restore")
@permission_required(Permission.APPROVE_ALL)
def restore(user_id: int, record_id: int):
    return _revocation(user_id, record_id, restore_record,
                       gettext("Restored %(name)s completed %(day)s; %(full_name)s was told."))
