"""My Account: an employee's own certifications, one certification's record and history, and submitting proof."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from webapp.blueprints.common import add_errors, add_submission_errors, uploaded_bytes
from webapp.bounds import database_int
from webapp.clock import today
from webapp.extensions import db
from webapp.forms.my_account import (
    ProfileForm,
    RequiredOnlyForm,
    SubmitCertificationForm,
    preview_on_change,
    typed_completion,
    without_completion_date,
)
from webapp.forms.supervising import ActionForm
from webapp.htmx import render
from webapp.models import Attachment, Certification, PushSubscription, Submission, people_by_name
from webapp.permissions import Permission
from webapp.security import login_required, permission_required
from webapp.services.activities import awaiting_payment, certifications_awaiting_payment
from webapp.services.cards import issuer_suggestions
from webapp.services.compliance import load_user_requirements
from webapp.services.dates import read_person_date
from webapp.services.offline import list_offline_pages
from webapp.services.people import AccountInvalid, edit_own_profile, sign_in_history
from webapp.services.push import (
    PushRefused,
    application_server_key,
    list_push_subscriptions,
    subscribe_push,
    unsubscribe_push,
)
from webapp.services.privacy import certification_visible_to, sight_of
from webapp.services.sessions import list_live_sessions
from webapp.services.submissions import (
    SubmissionError,
    load_records_on_file,
    preview_completion,
    record_date,
    standings_of,
    submit_certification,
)
from webapp.text import non_blank_lines

bp = Blueprint("my_account", __name__, url_prefix="/my")

_RECORD_LOADS = (
    selectinload(Submission.attachments).joinedload(Attachment.stored_file),
    joinedload(Submission.certification),
    *people_by_name(Submission.submitted_by, Submission.decided_by, Submission.revoked_by),
)


def _visible_certification(certification_id: int | None) -> Certification:
    """The certification, or 404 when it does not exist or privacy hides it from the user."""
    certification = db.session.get(
        Certification,
        certification_id or 0,
        options=[selectinload(Certification.hidden_from_levels), selectinload(Certification.attachments_hidden_from_levels)],
    )
    if certification is None or not certification_visible_to(current_user, certification):
        abort(404)
    return certification


@bp.route("/certifications")
@permission_required(Permission.VIEW_OWN_CERTIFICATIONS)
def certifications():
    day = today()
    sight = sight_of(current_user)
    requirements = sorted(sight.shown(load_user_requirements(current_user, day)), key=lambda r: r.certification.name.lower())
    on_file = [r for r in load_records_on_file(current_user) if sight.shows(r.certification_id)]
    return render(
        "my_account/certifications.html",
        outstanding=[r for r in requirements if r.status.status.is_outstanding],
        others=[r for r in requirements if not r.status.status.is_outstanding],
        on_file=on_file,
        awaiting_payment=certifications_awaiting_payment(current_user),
        day=day,
        sight=sight,
    )


@bp.route("/certifications/<int:certification_id>")
@permission_required(Permission.VIEW_OWN_CERTIFICATIONS)
def certification(certification_id: int):
    certification = _visible_certification(certification_id)
    requirement = next(
        (r for r in load_user_requirements(current_user, today()) if r.certification.id == certification.id), None
    )
    history = db.session.scalars(
        select(Submission)
        .where(Submission.user_id == current_user.id, Submission.certification_id == certification.id)
        .options(*_RECORD_LOADS)
        .order_by(Submission.completed_on.desc(), Submission.submitted_at.desc())
    ).all()
    current_id = requirement.current_record_id if requirement else None
    current = next((s for s in history if s.id == current_id), None) or next(
        (s for s in history if s.status == "approved" and not s.is_revoked), None
    )
    return render(
        "my_account/certification.html",
        certification=certification,
        requirement=requirement,
        current=current,
        history=history,
        awaiting_payment=awaiting_payment(current_user, certification),
        sight=sight_of(current_user),
        standings=standings_of(history, today()),
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """My Account: one's name, phone and photo, the password and sessions, and one's sign-in history."""
    form = ProfileForm(obj=None if request.method == "POST" else current_user)
    if form.validate_on_submit():
        try:
            edit_own_profile(current_user, first_name=form.first_name.data, last_name=form.last_name.data,
                             phone=form.phone.data, photo=uploaded_bytes(form.photo), time_zone=form.time_zone.data,
                             language=form.language.data)
        except AccountInvalid as invalid:
            add_errors(form, invalid)
        else:
            refresh()  # the saved language may differ from the one this request began in
            flash(_("Your details are saved."), "success")
            return redirect(url_for("my_account.profile"))
    return render("my_account/profile.html", form=form, history=sign_in_history(current_user),
                  sessions=list_live_sessions(current_user, current_user.session_key),
                  push_key=application_server_key(), push_subscriptions=list_push_subscriptions(current_user),
                  action_form=ActionForm(), status=422 if form.is_submitted() else 200)


@bp.post("/push-subscriptions")
@login_required
def push_subscribe():
    """A browser's push subscription, as `PushSubscription.toJSON()` gives it (static/js/push.js)."""
    sent = request.get_json(silent=True)
    keys = sent.get("keys") if isinstance(sent, dict) else None
    if not isinstance(keys, dict) or not all(isinstance(value, str) for value in (
            sent.get("endpoint"), keys.get("p256dh"), keys.get("auth"), sent.get("device", ""))):
        return jsonify(error=_("Send the subscription as the browser gives it.")), 422
    try:
        subscribe_push(current_user, endpoint=sent["endpoint"], p256dh=keys["p256dh"], auth=keys["auth"],
                       device=sent.get("device", ""))
    except PushRefused as refused:
        return jsonify(error=refused.errors["subscription"]), 422
    return jsonify(ok=True), 201


@bp.post("/push-subscriptions/<int:subscription_id>/delete")
@login_required
def push_unsubscribe(subscription_id: int):
    subscription = db.session.get(PushSubscription, database_int(subscription_id))
    if subscription is None or subscription.user_id != current_user.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    unsubscribe_push(current_user, subscription)
    flash(_("Notifications are off on %(device)s.", device=subscription.device), "success")
    return redirect(url_for("my_account.profile"))


def _choices(required_only: bool) -> list[tuple[int, str]]:
    certifications = db.session.scalars(
        select(Certification)
        .where(Certification.type == "employee", Certification.archived_at.is_(None))
        .options(selectinload(Certification.hidden_from_levels))
        .order_by(Certification.name)
    ).all()
    visible = [c for c in certifications if certification_visible_to(current_user, c)]
    if required_only:
        required = {r.certification.id for r in load_user_requirements(current_user, today())}
        visible = [c for c in visible if c.id in required]
    return [(c.id, c.name) for c in visible]


def _wants_json() -> bool:
    """A submission sent again from the phone's offline queue, which reads the outcome as JSON."""
    return request.accept_mimetypes.best == "application/json"


@bp.get("/offline-pages")
@permission_required(Permission.VIEW_OWN_CERTIFICATIONS)
def offline_pages():
    """What the service worker saves for use without signal when My Certifications opens."""
    return jsonify(list_offline_pages(current_user, today()).as_json())


@bp.route("/submit", methods=["GET", "POST"])
@permission_required(Permission.SUBMIT_OWN_CERTIFICATIONS)
def submit():
    filters = RequiredOnlyForm(request.args)
    form = SubmitCertificationForm()
    form.certification.choices = [(0, _("Choose a certification"))] + _choices(filters.required_only.data)
    if not current_user.can(Permission.SET_OWN_EXPIRATION):
        del form.expires_on
    preview_on_change(form, url_for("my_account.preview"))
    if request.method == "GET":
        chosen = request.args.get("certification", type=database_int)
        if chosen:
            form.certification.data = chosen
        if request.headers.get("HX-Target") == "certification-field":
            return render("my_account/submit.html", block="certification_field", form=form, filters=filters)
        certification = _visible_certification(chosen) if chosen in _offered(form) else None
        without_completion_date(form, certification)
        issuers = issuer_suggestions(certification) if certification else []
        return render("my_account/submit.html", form=form, filters=filters, preview=None,
                      issuers=issuers)
    queued_by = request.headers.get("X-Queued-By")
    if queued_by is not None and queued_by != str(current_user.id):
        # Queued on a shared phone by someone else: never stored under the person now signed in.
        return jsonify(errors={"user": [_("Another person is signed in on this phone.")]}), 409
    if form.certification.data in _offered(form):
        without_completion_date(form, _visible_certification(form.certification.data))
    if form.validate():
        certification = _visible_certification(form.certification.data)
        try:
            submission = submit_certification(
                current_user,
                certification,
                typed_completion(form),
                expires_on=form.expires_on.date if "expires_on" in form else None,
                files=request.files.getlist(form.photos.name) + request.files.getlist(form.files.name),
                links=non_blank_lines(form.links.data),
                idempotency_key=form.idempotency_key.data,
                issuer=form.issuer.data,
                card=form.card_details(),
            )
        except SubmissionError as error:
            add_submission_errors(form, error)
        else:
            url = url_for("my_account.certification", certification_id=certification.id)
            if _wants_json():
                # The queue tells the person itself; a flash would turn up on some later page.
                return jsonify(status=submission.status, certification=certification.name, url=url)
            if submission.status == "approved":
                flash(_("%(name)s is approved: this certification is approved automatically.", name=certification.name),
                      "success")
            else:
                flash(_("%(name)s is submitted and pending approval by your supervisor.", name=certification.name),
                      "success")
            return redirect(url)
    if _wants_json():
        return jsonify(errors=form.errors), 422
    preview, issuers = None, []
    if form.certification.data in _offered(form):
        certification = _visible_certification(form.certification.data)
        issuers = issuer_suggestions(certification)
        if completed_on := record_date(certification, typed_completion(form)):
            preview, _refusal = preview_completion(current_user, certification, completed_on, today(),
                                            form.printed_expiration.date)
    return render("my_account/submit.html", status=422, form=form, filters=filters, preview=preview,
                  issuers=issuers)


def _offered(form: SubmitCertificationForm) -> set[int]:
    return {choice.value for choice in form.certification.choices if choice.value}


@bp.route("/submit/preview")
@permission_required(Permission.SUBMIT_OWN_CERTIFICATIONS)
def preview():
    completed_on, refusal = read_person_date(request.args.get("completed_on"))
    printed_expiration, _unread = read_person_date(request.args.get("printed_expiration"), expiration=True)
    certification_id = request.args.get("certification", type=database_int)
    certification = _visible_certification(certification_id) if certification_id else None
    preview = None
    if certification is None:
        preview_error = _("Choose a certification to see its expiration.")
    elif (completed_on := record_date(certification, completed_on)) is None:
        preview_error = refusal
    else:
        preview, preview_error = preview_completion(current_user, certification, completed_on, today(), printed_expiration)
    # Always a fragment: htmx swaps it into the form, whatever page the form is on.
    return render_template("my_account/_expiration_preview.html", preview=preview, preview_error=preview_error,
                           issuers=issuer_suggestions(certification))
