"""Doing activities: open and acknowledge a document or video, fill a form (in a modal), take a
course and its quiz; the required-at-login hold; and the learning systems' completion webhook."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, make_response, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in
from flask_login.signals import user_loaded_from_cookie

from webapp.blueprints.common import send_stored_file
from webapp.bounds import database_int
from webapp.extensions import csrf, db
from webapp.forms.activities import AcknowledgeForm
from webapp.htmx import is_htmx, render
from webapp.models import ActivityDocument, Certification, User
from webapp.security import login_required, public
from webapp.services.activities import (
    ACTIVITY_ACTIONS,
    acknowledge_document,
    activity_certification,
    awaiting_payment,
    current_document,
    has_acknowledged,
    held_certifications,
)
from webapp.services.activity_forms import get_form, latest_entry, save_form_entry
from webapp.services.courses import complete_course, get_course
from webapp.services.invalid import Invalid
from webapp.services.learning import receive_completion
from webapp.services.payments import payment_step

bp = Blueprint("activities", __name__, url_prefix="/activity")
bp.add_app_template_global(ACTIVITY_ACTIONS, "activity_actions")

HOLD_KEY = "activity_hold"  # set at sign-in when something is required at login
NEXT_KEY = "activity_hold_next"  # where the user was going when the hold stopped them
ALWAYS_ALLOWED = frozenset({"static", "auth.logout", "auth.login"})


def _is_public(endpoint: str | None) -> bool:
    """Pages anyone may open (the service worker, a QR report) hold nobody: they show nothing of the account."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "access", None) == "public"


# ---- Required at login -----------------------------------------------------------------------


def _on_sign_in(_app, user: User, **_extra) -> None:
    # A shared browser keeps the session: nothing of an earlier user's hold may carry over.
    session.pop(NEXT_KEY, None)
    if held_certifications(user):
        session[HOLD_KEY] = True
    else:
        session.pop(HOLD_KEY, None)


user_logged_in.connect(_on_sign_in)
user_loaded_from_cookie.connect(_on_sign_in)


@bp.before_app_request
def hold_at_login():
    """While a required-at-login activity is outstanding, only that activity (and signing out) is reachable."""
    if (not session.get(HOLD_KEY) or request.endpoint in ALWAYS_ALLOWED or _is_public(request.endpoint)
            or not current_user.is_authenticated):
        return None
    held = held_certifications(current_user)
    if not held:
        session.pop(HOLD_KEY, None)
        return None
    own_activity = request.endpoint == "activities.hold" or (
        request.blueprint == "activities" and (request.view_args or {}).get("certification_id") in {c.id for c in held}
    )
    if own_activity:
        return None
    message = _("Complete %(name)s first: it is required at sign-in, before anything else.", name=held[0].name)
    hold_url = url_for("activities.hold")
    if request.method == "GET" and not is_htmx() and not request.is_json:
        if request.endpoint is not None:  # not a stray request such as /favicon.ico
            session.setdefault(NEXT_KEY, request.full_path.rstrip("?"))
        flash(message, "warning")
        return redirect(hold_url)
    response = make_response(message, 403)
    response.mimetype = "text/plain"
    response.headers["HX-Redirect"] = hold_url
    return response


def _continue(certification: Certification, message: str):
    """After completing an activity: the next held activity, or where the user was going."""
    flash(message, "success")
    if session.get(HOLD_KEY):
        if held_certifications(current_user):
            return redirect(url_for("activities.hold"))
        session.pop(HOLD_KEY, None)
        target = session.pop(NEXT_KEY, None)
        if target:
            return redirect(target)
    return redirect(url_for("activities.show", certification_id=certification.id))


def _go(target: str):
    """A redirect; for htmx (the form modal) a full-page redirect htmx follows."""
    if not is_htmx():
        return redirect(target)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = target
    return response


@bp.get("/required")
@login_required
def hold():
    held = held_certifications(current_user)
    if not held:
        session.pop(HOLD_KEY, None)
        return redirect(session.pop(NEXT_KEY, None) or url_for("home.index"))
    if len(held) == 1:
        return redirect(url_for("activities.show", certification_id=held[0].id))
    return render("activities/hold.html", held=held, actions=ACTIVITY_ACTIONS)


# ---- One certification's activity --------------------------------------------------------------


def _certification_or_404(certification_id: int) -> Certification:
    certification = activity_certification(current_user, certification_id)
    if certification is None:
        abort(404)
    return certification


def _activity_context(certification: Certification) -> dict:
    context = {"certification": certification, "held": session.get(HOLD_KEY) and certification.required_at_login,
               "actions": ACTIVITY_ACTIONS}
    kind = certification.activity_type
    if kind == "document":
        document = current_document(certification)
        context.update(document=document, acknowledged=document is not None and has_acknowledged(current_user, document),
                       ack_form=AcknowledgeForm(formdata=None))
    elif kind == "form":
        context.update(_form_context(certification))
    elif kind == "course":
        context["course"] = get_course(certification.course_id or 0)
    return context


@bp.get("/<int:certification_id>")
@login_required
def show(certification_id: int):
    return render("activities/show.html", **_activity_context(_certification_or_404(certification_id)))


@bp.get("/<int:certification_id>/document/<int:document_id>")
@login_required
def document_file(certification_id: int, document_id: int):
    certification = _certification_or_404(certification_id)
    document = db.session.get(ActivityDocument, document_id)
    if document is None or document.certification_id != certification.id:
        abort(404)
    return send_stored_file(document.stored_file, document.file_name)


@bp.post("/<int:certification_id>/acknowledge")
@login_required
def acknowledge(certification_id: int):
    certification = _certification_or_404(certification_id)
    form = AcknowledgeForm()
    if not form.validate():
        abort(400)
    try:
        acknowledge_document(current_user, certification, form.document_id.data, form.understood.data)
    except Invalid as invalid:
        return render("activities/show.html", status=422, **{
            **_activity_context(certification), "acknowledged": False, "ack_form": form, "errors": invalid.errors})
    document = current_document(certification)
    return _continue(certification, _("You acknowledged %(title)s, revision %(revision)s.", title=document.title,
                                      revision=document.revision))


# ---- Forms and payments -----------------------------------------------------------------------


def _form_context(certification: Certification, errors=None, values=None) -> dict:
    entry = latest_entry(current_user, certification)
    payment = None
    if entry is not None and entry.status == "submitted" and entry.submission_id is None and entry.payments:
        payment = entry.payments[-1]
    draft = entry if entry is not None and entry.status == "draft" else None
    return {
        "activity_form": get_form(certification.form_id or 0), "entry": entry, "draft": draft,
        "answers": values if values is not None else (draft.answers if draft else {}),
        "form_errors": errors or {}, "payment": payment, "payment_step": payment_step(payment) if payment else None,
        "awaiting_payment": awaiting_payment(current_user, certification),
    }


@bp.route("/<int:certification_id>/form", methods=["GET", "POST"])
@login_required
def fill_form(certification_id: int):
    """The form in its modal (htmx) or as a page; save a draft or submit."""
    certification = _certification_or_404(certification_id)
    if certification.activity_type != "form":
        abort(404)
    if request.method == "POST":
        submit = request.form.get("action") == "submit"
        try:
            entry = save_form_entry(current_user, certification, request.form, request.files, submit=submit)
        except Invalid as invalid:
            values = {key.removeprefix("field_"): value for key, value in request.form.items()}
            return render("activities/form.html", block="form_panel", status=422,
                          certification=certification, **_form_context(certification, invalid.errors, values))
        if not submit:
            flash(_("Your draft is saved. Come back any time to finish it."), "success")
            return _go(url_for("activities.show", certification_id=certification.id))
        if entry.submission_id is None:
            message = _("Your form for %(name)s is submitted; the activity completes once the payment is confirmed.",
                        name=certification.name)
        else:
            message = _("Your form for %(name)s is submitted: the required activity is complete.", name=certification.name)
        return _go(_continue(certification, message).location)
    return render("activities/form.html", block="form_panel",
                  certification=certification, **_form_context(certification))


# ---- Courses ----------------------------------------------------------------------------------


@bp.get("/<int:certification_id>/course")
@login_required
def course(certification_id: int):
    certification = _certification_or_404(certification_id)
    course = get_course(certification.course_id or 0) if certification.activity_type == "course" else None
    if course is None or not course.pages:
        abort(404)
    number = request.args.get("page", 1, type=int)
    last = len(course.pages) + (1 if course.questions else 0)
    if not 1 <= number <= last:
        abort(404)
    return render("activities/course.html", certification=certification, course=course, number=number, last=last,
                  page=course.pages[number - 1] if number <= len(course.pages) else None, errors={})


@bp.get("/<int:certification_id>/course/media/<int:page_id>")
@login_required
def course_media(certification_id: int, page_id: int):
    certification = _certification_or_404(certification_id)
    course = get_course(certification.course_id or 0)
    page = next((p for p in course.pages if p.id == page_id), None) if course else None
    if page is None or page.stored_file is None:
        abort(404)
    return send_stored_file(page.stored_file, page.title)


@bp.post("/<int:certification_id>/course/finish")
@login_required
def finish_course(certification_id: int):
    certification = _certification_or_404(certification_id)
    course = get_course(certification.course_id or 0) if certification.activity_type == "course" else None
    if course is None:
        abort(404)
    answers = {}
    for question in course.questions:
        answers[question.id] = request.form.get(f"question_{question.id}", type=database_int)
    try:
        complete_course(current_user, certification, request.form.get("version", type=database_int), answers)
    except Invalid as invalid:
        last = len(course.pages) + (1 if course.questions else 0)
        return render("activities/course.html", status=422, certification=certification, course=course, number=last,
                      last=last, page=None if course.questions else course.pages[-1], errors=invalid.errors,
                      chosen=answers)
    return _continue(certification, _("You completed the course %(name)s.", name=course.name))


# ---- Learning systems' webhook ----------------------------------------------------------------


@bp.post("/learning/<int:integration_id>/completions")
@public
@csrf.exempt
def learning_webhook(integration_id: int):
    """A learning system reports a course completion (signed; see services.learning)."""
    outcome = receive_completion(integration_id, request.headers.get("X-FieldCert-Timestamp"),
                                 request.headers.get("X-FieldCert-Signature"), request.get_data())
    return jsonify(ok=outcome.status == 200, message=outcome.message), outcome.status
