"""Submissions > Pending Approvals: approve, decline with an e-mailed comment, delete."""
from flask_babel import gettext, lazy_gettext as _l, ngettext
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.blueprints.common import add_submission_errors, filter_form
from webapp.bounds import database_ids
from webapp.clock import display_zone, today
from webapp.extensions import db
from webapp.forms.my_account import typed_completion, without_completion_date
from webapp.forms.supervising import (
    ActionForm,
    BatchSubmitForm,
    DeclineForm,
    InboxUploadForm,
    PendingFilterForm,
    RenameAttachmentForm,
)
from webapp.htmx import render, wants_fragment
from webapp.models import Attachment, Submission, User
from webapp.permissions import ACTIONS_ON_PEOPLE, Permission
from webapp.security import permission_required
from webapp.services.access import approvable_submissions, may_act_on, users_in_reach
from webapp.services.approvals import (
    AlreadyDecided,
    PendingFilters,
    approve_selected_submissions,
    approve_submission,
    decidable_submission,
    decline_submission,
    delete_submission,
    filter_pending,
    pending_filter_choices,
    pending_submissions,
)
from webapp.services.compliance import load_requirements, required_to_hold
from webapp.services.privacy import sight_of
from webapp.services.records import (
    add_inbox_files,
    attach_inbox_file,
    batch_certifications,
    batch_submit,
    inbox_files,
    remove_inbox_file,
    suggested_attachment_name,
)
from webapp.services.submissions import SubmissionError

bp = Blueprint("submissions", __name__, url_prefix="/submissions")

APPROVERS = ACTIONS_ON_PEOPLE["approve"]


# static/js/app.js swaps a refusal carrying this header in place of the element it answers.
OUTCOME_IN_PLACE = "FieldCert-Outcome-In-Place"
GONE = (_l("This submission is no longer here to decide: someone deleted it, or it is no longer yours to decide. "
        "Nothing was changed."))


def _decidable_submission(submission_id: int):
    """The submission, or 404; for htmx, a 404 whose row says why, swapped where the button was pressed."""
    submission = decidable_submission(current_user, submission_id)
    if submission is None:
        if not wants_fragment():
            abort(404)
        abort(make_response(_outcome(submission_id, GONE, "error"), 404, {OUTCOME_IN_PLACE: "1"}))
    return submission


def _outcome(submission_id: int, message: str, category: str = "success"):
    """The row's replacement for htmx, or back to the list with a flash message."""
    if wants_fragment():
        return render_template("submissions/_outcome_row.html", submission_id=submission_id, message=message,
                               category=category)
    flash(message, category)
    return redirect(url_for("submissions.pending"))


def _pending_page(status: int = 200, **extra):
    """Pending Approvals, narrowed by the filters in the query string."""
    form = filter_form(PendingFilterForm, pending_filter_choices(current_user), ("person", "certification", "company"))
    filters = PendingFilters(person_id=form.person.data, certification_id=form.certification.data,
                             company_id=form.company.data, submitted_from=form.submitted_from.date,
                             submitted_to=form.submitted_to.date, zone=display_zone())
    submissions = pending_submissions(filter_pending(approvable_submissions(current_user), filters))
    return render("submissions/pending.html", status=status, submissions=submissions, decline_form=DeclineForm(),
                  filter_form=form, filtered=any(request.args.values()), sight=sight_of(current_user), **extra)


@bp.get("/pending")
@permission_required(*APPROVERS)
def pending():
    return _pending_page()


@bp.post("/pending/approve-selected")
@permission_required(*APPROVERS)
def approve_selected():
    """Approve Selected: each ticked submission the current user may approve; the others are named."""
    ids = database_ids(request.form.getlist("submission_id"))
    if not ActionForm().validate() or not ids:
        return _pending_page(422, page_error=gettext("Select at least one submitted certification to approve. Nothing was changed."))
    approved, not_approved = approve_selected_submissions(ids, current_user)
    if approved:
        flash(ngettext("Approved %(num)d certification.", "Approved %(num)d certifications.", len(approved)), "success")
    if not_approved:
        flash(gettext("Not approved: %(refusals)s", refusals=" ".join(not_approved)), "error")
    return redirect(url_for("submissions.pending", **request.args))


@bp.post("/<int:submission_id>/approve")
@permission_required(*APPROVERS)
def approve(submission_id: int):
    submission = _decidable_submission(submission_id)
    try:
        approve_submission(submission, current_user)
    except AlreadyDecided:
        return _outcome(submission_id, gettext("This submission was already decided by someone else; nothing was changed."), "info")
    return _outcome(submission_id, gettext("Approved %(name)s for %(full_name)s.", name=submission.certification.name, full_name=submission.user.full_name))


@bp.post("/<int:submission_id>/decline")
@permission_required(*APPROVERS)
def decline(submission_id: int):
    submission = _decidable_submission(submission_id)
    form = DeclineForm()
    if not form.validate():
        if wants_fragment():
            # Errors go back into the dialog's form, not over the table row the form targets.
            headers = {"HX-Retarget": f"#decline-form-{submission.id}", "HX-Reswap": "outerHTML"}
            return render_template("submissions/_decline_form.html", submission=submission, form=form), 422, headers
        return _pending_page(422, invalid_form=form, invalid_id=submission.id)
    try:
        decline_submission(submission, current_user, form.comment.data)
    except AlreadyDecided:
        return _outcome(submission_id, gettext("This submission was already decided by someone else; nothing was changed."), "info")
    return _outcome(
        submission_id,
        gettext("Declined %(name)s for %(full_name)s; %(first_name)s was e-mailed.", name=submission.certification.name, full_name=submission.user.full_name, first_name=submission.user.first_name),
    )


@bp.post("/<int:submission_id>/delete")
@permission_required(*APPROVERS)
def delete(submission_id: int):
    submission = _decidable_submission(submission_id)
    name, person = submission.certification.name, submission.user.full_name
    try:
        delete_submission(submission, current_user)
    except AlreadyDecided:
        return _outcome(submission_id, gettext("This submission was already decided by someone else; nothing was changed."), "info")
    return _outcome(submission_id, gettext("The submission of %(name)s for %(person)s has been removed from the system.", name=name, person=person))


# ---- Batch Submit Certifications -------------------------------------------------------------


def _candidates(certification_id: int | None, show_all: bool) -> list[User]:
    """Users the current user may record for; without "show all", only those who must hold the certification."""
    query = users_in_reach(current_user, "record").where(User.active.is_(True)).order_by(User.last_name, User.first_name)
    if certification_id and not show_all:
        query = query.where(required_to_hold(certification_id))
    return list(db.session.scalars(query))


def _batch_page(form: BatchSubmitForm, status: int = 200, block: str = "content"):
    candidates = _candidates(form.certification.data, bool(form.show_all.data))
    chosen = set(form.users.data or [])
    return render("submissions/batch.html", block=block, status=status, form=form,
                  available=[u for u in candidates if u.id not in chosen],
                  selected=[u for u in candidates if u.id in chosen])


@bp.route("/batch", methods=["GET", "POST"])
@permission_required(Permission.BATCH_SUBMIT)
def batch():
    form = BatchSubmitForm(formdata=request.form if request.method == "POST" else request.args)
    allowed = batch_certifications(current_user)
    form.certification.choices = [(0, gettext("Choose a certification"))] + [(c.id, c.name) for c in allowed]
    # Another certification means other people who must hold it: reload the user lists.
    form.certification.render_kw = {"hx-get": url_for("submissions.batch"), "hx-trigger": "change",
                                    "hx-target": "#batch-users", "hx-swap": "outerHTML",
                                    "hx-include": "#certification, #show_all"}
    certification = next((c for c in allowed if c.id == form.certification.data), None)
    without_completion_date(form, certification)
    if request.method == "GET":
        if form.completed_on is not None and not form.completed_on.data:
            form.completed_on.date = today()
            form.completed_on.data = today().isoformat()
        block = "batch_users" if request.headers.get("HX-Target") == "batch-users" else "content"
        return _batch_page(form, block=block)
    if form.validate():
        in_reach = users_in_reach(current_user, "record").where(User.id.in_(form.users.data or []))
        users = list(db.session.scalars(in_reach.order_by(User.last_name, User.first_name)))
        if certification is None:
            form.certification.errors = [gettext("Choose a certification.")]
        elif len(users) != len(set(form.users.data or [])) or not users:
            form.users.errors = [gettext("Select at least one user you may record certifications for.")]
        else:
            try:
                submissions = batch_submit(certification, current_user, typed_completion(form), users,
                                           request.files.getlist(form.files.name),
                                           idempotency_key=form.idempotency_key.data)
            except SubmissionError as error:
                add_submission_errors(form, error)
            else:
                flash(ngettext("Submitted %(name)s for %(num)d user.", "Submitted %(name)s for %(num)d users.", len(submissions),
                                 name=certification.name),
                      "success")
                return redirect(url_for("submissions.batch"))
    return _batch_page(form, status=422)


# ---- Attachment Inbox ------------------------------------------------------------------------


def _inbox_page(upload_form: InboxUploadForm, status: int = 200):
    files = inbox_files(current_user)
    chosen = next((f for f in files if f.id == request.args.get("file", type=int)), files[0] if files else None)
    by = "certification" if request.args.get("by") == "certification" else "user"
    # Whom a file could go to is only browsed with a file chosen.
    by_user, by_certification = [], {}
    if chosen is not None:
        users = db.session.scalars(
            users_in_reach(current_user, "record").where(User.active.is_(True)).order_by(User.last_name, User.first_name)
        ).all()
        sight = sight_of(current_user)
        requirements = {
            user_id: sight.shown(rows) for user_id, rows in load_requirements([u.id for u in users], today()).items()
        }
        by_user = [(person, requirements[person.id]) for person in users if requirements[person.id]]
        for person, rows in by_user:
            for r in rows:
                by_certification.setdefault(r.certification, []).append((person, r))
    return render("submissions/inbox.html", status=status, upload_form=upload_form, files=files, chosen=chosen, by=by,
                  by_user=by_user,
                  by_certification=sorted(by_certification.items(), key=lambda item: item[0].name.lower()),
                  action_form=ActionForm())


@bp.route("/inbox", methods=["GET", "POST"])
@permission_required(Permission.USE_ATTACHMENT_INBOX)
def inbox():
    form = InboxUploadForm()
    if request.method == "GET":
        return _inbox_page(form)
    if form.validate():
        try:
            added = add_inbox_files(current_user, request.files.getlist(form.files.name))
        except SubmissionError as error:
            form.files.errors = list(error.errors["files"])
        else:
            flash(ngettext("Uploaded %(num)d file to your inbox.", "Uploaded %(num)d files to your inbox.", len(added)), "success")
            return redirect(url_for("submissions.inbox", file=added[0].id))
    return _inbox_page(form, status=422)


def _inbox_file_or_404(file_id: int) -> Attachment:
    attachment = db.session.get(Attachment, file_id)
    if attachment is None or attachment.inbox_owner_id != current_user.id:
        abort(404)
    return attachment


def _record_in_reach(record_id: int) -> Submission:
    record = db.session.get(Submission, record_id)
    if (record is None or record.status != "approved" or not may_act_on(current_user, record.user, "record")
            or not sight_of(current_user).shows(record.certification_id)):
        abort(404)
    return record


@bp.route("/inbox/<int:file_id>/attach/<int:record_id>", methods=["GET", "POST"])
@permission_required(Permission.USE_ATTACHMENT_INBOX)
def inbox_attach(file_id: int, record_id: int):
    attachment = _inbox_file_or_404(file_id)
    record = _record_in_reach(record_id)
    form = RenameAttachmentForm()
    status = 200
    if request.method == "GET":
        form.name.data = suggested_attachment_name(attachment, record)
    elif form.validate():
        attach_inbox_file(attachment, record, current_user, form.name.data)
        flash(gettext("Attached %(file)s to %(certification)s of %(full_name)s.", file=attachment.name,
                      certification=record.certification.name, full_name=record.user.full_name), "success")
        if wants_fragment():
            return "", 204, {"HX-Redirect": url_for("submissions.inbox")}
        return redirect(url_for("submissions.inbox"))
    else:
        status = 422
    if wants_fragment():
        return render_template("submissions/_rename_form.html", form=form, attachment=attachment, record=record), status
    return render("submissions/rename.html", status=status, form=form, attachment=attachment, record=record)


@bp.post("/inbox/<int:file_id>/remove")
@permission_required(Permission.USE_ATTACHMENT_INBOX)
def inbox_remove(file_id: int):
    attachment = _inbox_file_or_404(file_id)
    if not ActionForm().validate():
        abort(400)
    name = attachment.name
    remove_inbox_file(attachment, current_user)
    flash(gettext("Removed %(name)s from your inbox.", name=name), "success")
    return redirect(url_for("submissions.inbox"))
