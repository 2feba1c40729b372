"""Administration of activities: documents and videos, the form builder, courses and quizzes,
learning systems (webhook secrets) and the confirmation of manual payments."""
from __future__ import annotations

from flask_babel import gettext
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from webapp.bounds import database_int
from webapp.blueprints.common import add_errors, saved
from webapp.extensions import db
from webapp.forms.activities import (
    ConfirmPaymentForm,
    CourseForm,
    CoursePageForm,
    DocumentForm,
    FormDefinitionForm,
    FormFieldForm,
    IntegrationForm,
    QuizQuestionForm,
)
from webapp.forms.certifications import document_upload_from
from webapp.htmx import render
from webapp.models import Certification, CertificationRole, LearningIntegration, Payment, User
from webapp.permissions import Permission
from webapp.security import permission_required
from webapp.services.activities import list_documents, upload_document_revision
from webapp.services.activity_forms import (
    FIELD_KIND_LABELS,
    add_form_field,
    get_form,
    list_forms,
    move_form_field,
    remove_form_field,
    save_form,
)
from webapp.services.certifications import list_active_users
from webapp.services.courses import (
    add_course_page,
    add_quiz_question,
    get_course,
    list_courses,
    move_course_page,
    remove_course_page,
    remove_quiz_question,
    save_course,
)
from webapp.services.invalid import Invalid
from webapp.services.learning import create_integration, list_integrations, replace_secret, set_integration_active
from webapp.services.payments import open_payments, payment_context, settle_payment
from webapp.services.storage import UploadError, check_upload

bp = Blueprint("activity_admin", __name__, url_prefix="/activities")
ADMIN = Permission.MANAGE_CERTIFICATIONS


def _step() -> int:
    return -1 if request.form.get("direction") == "up" else 1


def _change(action, *args, done: str | None, back: str, **ids):
    """Run a builder change on an item of a form or course; an item not there is not found."""
    try:
        action(current_user, *args)
    except Invalid:
        abort(404)
    if done:
        flash(done, "success")
    return redirect(url_for(back, **ids))


@bp.get("/")
@permission_required(ADMIN)
def index():
    return redirect(url_for("activity_admin.documents"))


# ---- Documents and videos --------------------------------------------------------------------


@bp.route("/documents", methods=["GET", "POST"])
@permission_required(ADMIN)
def documents():
    """Every document's revisions, and Upload a Document or Video (a new revision for a certification)."""
    form = DocumentForm()
    form.certification_id.choices = [(0, gettext("Choose a certification"))] + [
        (c.id, c.name) for c in db.session.scalars(select(Certification).order_by(func.lower(Certification.name)))
    ]
    form.document_owner_user_ids.choices = [(u.id, u.full_name) for u in list_active_users(select(User))]
    form.document_owner_role_ids.choices = [
        (r.id, r.name) for r in db.session.scalars(select(CertificationRole).order_by(func.lower(CertificationRole.name)))
    ]
    status = 200
    if form.is_submitted():
        status = 422
        certification = db.session.get(Certification, form.certification_id.data or 0) if form.validate() else None
        upload = document_upload_from(form)
        if certification is None:
            form.certification_id.errors = [*form.certification_id.errors, gettext("Choose the certification this document is for.")]
        elif upload is None and not form.document_file.errors:
            form.document_file.errors = [gettext("Choose the PDF document or the video (MP4 or WebM) to upload.")]
        elif upload is not None:
            try:
                document = upload_document_revision(current_user, certification, upload)
            except Invalid as invalid:
                add_errors(form, invalid)
            else:
                flash(gettext("Revision %(revision)s of %(title)s is now current for %(name)s; everyone who holds it must"
                              " acknowledge it again.", revision=document.revision, title=document.title,
                              name=certification.name), "success")
                return redirect(url_for("activity_admin.documents"))
    else:
        form.certification_id.data = request.args.get("certification", 0, type=database_int)
    return render("activity_admin/documents.html", form=form, documents=list_documents(), status=status)


# ---- Forms -----------------------------------------------------------------------------------


@bp.route("/forms", methods=["GET", "POST"])
@permission_required(ADMIN)
def forms():
    form = FormDefinitionForm()
    if form.is_submitted():
        done = saved(form, lambda: save_form(current_user, None, form.name.data, form.instructions.data,
                                             form.fee_amount.data, form.fee_currency.data),
                     lambda created: gettext("Form %(name)s created; add its fields.", name=created.name),
                     lambda created: url_for("activity_admin.form_detail", form_id=created.id))
        if done:
            return done
    return render("activity_admin/forms.html", form=form, forms=list_forms(),
                  status=422 if form.is_submitted() else 200)


def _form_or_404(form_id: int):
    activity_form = get_form(form_id)
    if activity_form is None:
        abort(404)
    return activity_form


def _form_page(activity_form, settings=None, field_form=None, status=200):
    if settings is None:
        settings = FormDefinitionForm(formdata=None, obj=activity_form)
    return render("activity_admin/form_detail.html", activity_form=activity_form, settings=settings,
                  field_form=field_form or FormFieldForm(formdata=None), kinds=FIELD_KIND_LABELS, status=status)


@bp.route("/forms/<int:form_id>", methods=["GET", "POST"])
@permission_required(ADMIN)
def form_detail(form_id: int):
    activity_form = _form_or_404(form_id)
    if request.method == "GET":
        return _form_page(activity_form)
    settings = FormDefinitionForm()
    done = saved(settings, lambda: save_form(current_user, activity_form, settings.name.data, settings.instructions.data,
                                             settings.fee_amount.data, settings.fee_currency.data),
                 gettext("Form saved."), url_for("activity_admin.form_detail", form_id=form_id))
    return done or _form_page(_form_or_404(form_id), settings=settings, status=422)


@bp.post("/forms/<int:form_id>/fields")
@permission_required(ADMIN)
def add_field(form_id: int):
    activity_form = _form_or_404(form_id)
    field_form = FormFieldForm()
    done = saved(field_form, lambda: add_form_field(current_user, activity_form, field_form.label.data,
                                                    field_form.kind.data, field_form.required.data,
                                                    field_form.choices.data),
                 gettext("Field added."), url_for("activity_admin.form_detail", form_id=form_id))
    return done or _form_page(_form_or_404(form_id), field_form=field_form, status=422)


@bp.post("/forms/<int:form_id>/fields/<int:field_id>/remove")
@permission_required(ADMIN)
def remove_field(form_id: int, field_id: int):
    return _change(remove_form_field, _form_or_404(form_id), field_id, done=gettext("Field removed."),
                   back="activity_admin.form_detail", form_id=form_id)


@bp.post("/forms/<int:form_id>/fields/<int:field_id>/move")
@permission_required(ADMIN)
def move_field(form_id: int, field_id: int):
    return _change(move_form_field, _form_or_404(form_id), field_id, _step(), done=None,
                   back="activity_admin.form_detail", form_id=form_id)


# ---- Courses ---------------------------------------------------------------------------------


@bp.route("/courses", methods=["GET", "POST"])
@permission_required(ADMIN)
def courses():
    form = CourseForm()
    if form.is_submitted():
        done = saved(form, lambda: save_course(current_user, None, form.name.data, form.pass_mark.data),
                     lambda created: gettext("Course %(name)s created; add its pages.", name=created.name),
                     lambda created: url_for("activity_admin.course_detail", course_id=created.id))
        if done:
            return done
    return render("activity_admin/courses.html", form=form, courses=list_courses(),
                  status=422 if form.is_submitted() else 200)


def _course_or_404(course_id: int):
    course = get_course(course_id)
    if course is None:
        abort(404)
    return course


def _course_page(course, settings=None, page_form=None, question_form=None, status=200):
    return render("activity_admin/course_detail.html", course=course,
                  settings=settings or CourseForm(formdata=None, obj=course),
                  page_form=page_form or CoursePageForm(formdata=None),
                  question_form=question_form or QuizQuestionForm(formdata=None), status=status)


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@permission_required(ADMIN)
def course_detail(course_id: int):
    course = _course_or_404(course_id)
    if request.method == "GET":
        return _course_page(course)
    settings = CourseForm()
    done = saved(settings, lambda: save_course(current_user, course, settings.name.data, settings.pass_mark.data),
                 gettext("Course saved."), url_for("activity_admin.course_detail", course_id=course_id))
    return done or _course_page(_course_or_404(course_id), settings=settings, status=422)


@bp.post("/courses/<int:course_id>/pages")
@permission_required(ADMIN)
def add_page(course_id: int):
    course = _course_or_404(course_id)
    page_form = CoursePageForm()

    def add():
        media = None
        if getattr(page_form.media.data, "filename", None):
            try:
                media = check_upload(page_form.media.data)
            except UploadError as error:
                raise Invalid({"media": str(error)}) from None
        return add_course_page(current_user, course, page_form.title.data, page_form.body.data, media)

    done = saved(page_form, add, gettext("Page added."), url_for("activity_admin.course_detail", course_id=course_id))
    return done or _course_page(_course_or_404(course_id), page_form=page_form, status=422)


@bp.post("/courses/<int:course_id>/pages/<int:page_id>/remove")
@permission_required(ADMIN)
def remove_page(course_id: int, page_id: int):
    return _change(remove_course_page, _course_or_404(course_id), page_id, done=gettext("Page removed."),
                   back="activity_admin.course_detail", course_id=course_id)


@bp.post("/courses/<int:course_id>/pages/<int:page_id>/move")
@permission_required(ADMIN)
def move_page(course_id: int, page_id: int):
    return _change(move_course_page, _course_or_404(course_id), page_id, _step(), done=None,
                   back="activity_admin.course_detail", course_id=course_id)


@bp.post("/courses/<int:course_id>/questions")
@permission_required(ADMIN)
def add_question(course_id: int):
    course = _course_or_404(course_id)
    question_form = QuizQuestionForm()
    done = saved(question_form, lambda: add_quiz_question(current_user, course, question_form.prompt.data,
                                                          question_form.choices.data, question_form.correct.data),
                 gettext("Question added."), url_for("activity_admin.course_detail", course_id=course_id))
    return done or _course_page(_course_or_404(course_id), question_form=question_form, status=422)


@bp.post("/courses/<int:course_id>/questions/<int:question_id>/remove")
@permission_required(ADMIN)
def remove_question(course_id: int, question_id: int):
    return _change(remove_quiz_question, _course_or_404(course_id), question_id, done=gettext("Question removed."),
                   back="activity_admin.course_detail", course_id=course_id)


# ---- Learning systems ------------------------------------------------------------------------


@bp.route("/learning", methods=["GET", "POST"])
@permission_required(ADMIN)
def learning():
    form = IntegrationForm()
    if form.is_submitted():
        done = saved(form, lambda: create_integration(current_user, form.name.data),
                     lambda made: gettext("Learning system %(name)s added. Give it its webhook address and secret.", name=made.name),
                     url_for("activity_admin.learning"))
        if done:
            return done
    return render("activity_admin/learning.html", form=form, integrations=list_integrations(),
                  status=422 if form.is_submitted() else 200)


def _integration_or_404(integration_id: int) -> LearningIntegration:
    integration = db.session.get(LearningIntegration, integration_id)
    if integration is None:
        abort(404)
    return integration


@bp.post("/learning/<int:integration_id>/secret")
@permission_required(ADMIN)
def new_secret(integration_id: int):
    integration = replace_secret(current_user, _integration_or_404(integration_id))
    flash(gettext("%(name)s has a new secret; deliveries signed with the old one are refused.", name=integration.name), "success")
    return redirect(url_for("activity_admin.learning"))


@bp.post("/learning/<int:integration_id>/active")
@permission_required(ADMIN)
def toggle_integration(integration_id: int):
    integration = _integration_or_404(integration_id)
    set_integration_active(current_user, integration, request.form.get("active") == "1")
    flash(gettext("%(name)s is enabled.", name=integration.name) if integration.active
          else gettext("%(name)s is disabled.", name=integration.name), "success")
    return redirect(url_for("activity_admin.learning"))


# ---- Payments --------------------------------------------------------------------------------


def _payments_page(forms=None, status=200):
    payments = open_payments()
    forms = forms or {}
    return render("activity_admin/payments.html", payments=payments, context=payment_context(payments),
                  forms={p.id: forms.get(p.id) or ConfirmPaymentForm(formdata=None, prefix=f"p{p.id}") for p in payments},
                  status=status)


@bp.get("/payments")
@permission_required(ADMIN)
def payments():
    return _payments_page()


@bp.post("/payments/<int:payment_id>/confirm")
@permission_required(ADMIN)
def confirm_payment(payment_id: int):
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        abort(404)
    form = ConfirmPaymentForm(prefix=f"p{payment_id}")
    done = saved(form, lambda: settle_payment(payment, current_user, form.receipt_number.data, form.amount.data,
                                              form.paid_on.date),
                 gettext("Payment %(data)s confirmed; the receipt is attached to the record.", data=form.receipt_number.data),
                 url_for("activity_admin.payments"))
    return done or _payments_page({payment_id: form}, status=422)
