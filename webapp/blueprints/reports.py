"""Reports: the users x certifications matrix, the status report with CSV export, shared and scheduled reports."""
from flask_babel import gettext
from flask import Blueprint, Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp import rate_limits
from webapp.blueprints.common import any_choice, filter_form, saved
from webapp.bounds import database_int
from webapp.clock import today
from webapp.extensions import db
from webapp.forms.reports import (
    MatrixFilterForm,
    ReportFilterForm,
    ScheduledReportForm,
    ShareByEmailForm,
    SharedReportForm,
)
from webapp.forms.supervising import ActionForm
from webapp.models import Certification, CertificationRole, User
from webapp.htmx import render
from webapp.permissions import Permission
from webapp.rules.entities import KINDS
from webapp.security import login_required, permission_required
from webapp.services.calendar import reset_calendar_token
from webapp.services.access import users_in_reach
from webapp.services.mail import external_url
from webapp.services.privacy import hidden_certification_ids
from webapp.services.reports import (
    MatrixFilters,
    ReportFilters,
    filter_choices,
    load_cell,
    count_report_people,
    iter_report,
    load_matrix_page,
    load_report_page,
    record_report_export,
    report_csv_rows,
)
from webapp.services.scheduled_reports import (
    ScheduleInput,
    delete_scheduled_report,
    get_scheduled_report,
    last_runs,
    next_sending,
    recipient_choices,
    report_problems,
    save_scheduled_report,
    scheduled_reports_of,
    set_paused,
)
from webapp.services.shared_reports import (
    create_shared_report,
    delete_shared_report,
    email_shared_report,
    get_shared_report,
    list_shared_reports,
)
from webapp.services.storage import UploadError
from webapp.tabular import csv_chunks

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _filter_form(form_class, id_fields: tuple[str, ...]):
    return filter_form(form_class, filter_choices(current_user), id_fields)


def _matrix_filters() -> tuple[MatrixFilterForm, MatrixFilters]:
    form = _filter_form(MatrixFilterForm, ("company", "role", "group", "client", "supervisor"))
    filters = MatrixFilters(
        company_id=form.company.data,
        role_id=form.role.data,
        group_id=form.group.data,
        client_id=form.client.data,
        supervisor_id=form.supervisor.data,
        status=form.status.data or None,
        include_hidden=bool(form.include_hidden.data),
        type=form.type.data,
    )
    return form, filters


@bp.get("/matrix")
@permission_required(Permission.VIEW_MATRIX)
def matrix():
    form, filters = _matrix_filters()
    page = max(request.args.get("page", 1, type=database_int), 1)
    matrix_page = load_matrix_page(current_user, filters, today(), page)
    query = {k: v for k, v in request.args.items(multi=False) if k != "page"}
    block = "rows" if page > 1 else "content"
    expanded = form.view.data == "expanded"
    toggle = {**query, "view": "collapsed" if expanded else "expanded"}
    return render("reports/matrix.html", block=block, form=form, matrix=matrix_page, query=query, page=page,
                  expanded=expanded, toggle=toggle, words=KINDS.get(filters.type))


@bp.get("/matrix/<int:user_id>/<int:certification_id>")
@permission_required(Permission.VIEW_MATRIX)
def cell(user_id: int, certification_id: int):
    details = load_cell(current_user, user_id, certification_id, today())
    if details is None:
        abort(404)
    return render("reports/cell.html", block="details", details=details)


def _report_filters() -> tuple[ReportFilterForm, ReportFilters]:
    form = _filter_form(ReportFilterForm, ("certification", "client", "role", "company", "supervisor"))
    filters = ReportFilters(
        status=form.status.data or None,
        within_days=form.within_days.data if form.within_days.data is not None else 30,
        certification_id=form.certification.data,
        client_id=form.client.data,
        role_id=form.role.data,
        company_id=form.company.data,
        supervisor_id=form.supervisor.data,
        include_archived=bool(form.include_archived.data),
        type=form.type.data,
    )
    return form, filters


@bp.get("/")
@permission_required(Permission.VIEW_REPORTS)
def index():
    form, filters = _report_filters()
    page = max(request.args.get("page", 1, type=database_int), 1)
    report = load_report_page(current_user, filters, today(), page)
    query = {k: v for k, v in request.args.items() if k != "page"}
    return render("reports/index.html", form=form, report=report, query=query, words=KINDS.get(filters.type))


@bp.get("/export.csv")
@permission_required(Permission.VIEW_REPORTS)
def export():
    """CSV of what the report shows ("Export filtered"), or of everything with all=1."""
    if request.args.get("all"):
        filters = ReportFilters()
    else:
        _, filters = _report_filters()
    what = KINDS[filters.type].plural.lower() if filters.type in KINDS else "people"
    record_report_export(current_user, count_report_people(current_user, filters), everything=bool(request.args.get("all")),
                         what=what)
    rows = report_csv_rows(iter_report(current_user, filters, today()))
    name = "certifications-report-all.csv" if request.args.get("all") else "certifications-report-filtered.csv"
    if filters.type in KINDS:
        name = f"{KINDS[filters.type].slug}-report-filtered.csv"
    return Response(stream_with_context(csv_chunks(rows, cells_safe=True)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _shared_form() -> tuple[SharedReportForm, dict]:
    """The create form with only the users in reach and the certifications the actor may see."""
    form = SharedReportForm()
    users = {u.id: u for u in db.session.scalars(users_in_reach(current_user, "view").order_by(User.last_name, User.first_name))}
    roles = {r.id: r for r in db.session.scalars(
        select(CertificationRole).where(CertificationRole.archived_at.is_(None)).order_by(CertificationRole.name))}
    hidden = hidden_certification_ids(current_user)
    certifications = {
        c.id: c for c in db.session.scalars(select(Certification).where(Certification.archived_at.is_(None))
                                            .order_by(Certification.name)) if c.id not in hidden
    }
    form.users.choices = [(u.id, u.sort_name) for u in users.values()]
    form.roles.choices = [(r.id, r.name) for r in roles.values()]
    form.certifications.choices = [(c.id, c.name) for c in certifications.values()]
    return form, {"users": users, "roles": roles, "certifications": certifications}


@bp.route("/shared", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SHARED_REPORTS)
def shared():
    form, options = _shared_form()
    status = 200
    if request.method == "POST":
        if form.validate():
            report = create_shared_report(
                current_user,
                form.title.data.strip(),
                [options["users"][i] for i in form.users.data],
                [options["roles"][i] for i in form.roles.data],
                [options["certifications"][i] for i in form.certifications.data],
                idempotency_key=form.idempotency_key.data,
            )
            flash(gettext("Shared report created."), "success")
            return redirect(url_for("reports.shared_show", report_id=report.id))
        status = 422
    return render("reports/shared.html", status=status, form=form, reports=list_shared_reports(current_user))


def _report_or_404(report_id: int):
    report = get_shared_report(current_user, report_id)
    if report is None:
        abort(404)
    return report


@bp.route("/shared/<int:report_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SHARED_REPORTS)
@rate_limits.shared_report_recipients
def shared_show(report_id: int):
    report = _report_or_404(report_id)
    form = ShareByEmailForm()
    link = external_url("public.shared_report", token=report.token)
    if request.method == "POST" and form.validate():
        try:
            email_shared_report(current_user, report, form.emails.addresses, (form.message.data or "").strip(), link,
                                request.files.getlist(form.files.name))
        except UploadError as error:
            form.files.errors = [str(error)]
        else:
            flash(gettext("You successfully shared this report with %(addresses)s.", addresses=", ".join(form.emails.addresses)), "success")
            return redirect(url_for("reports.shared_show", report_id=report.id))
    status = 422 if form.errors else 200
    return render("reports/shared_show.html", status=status, report=report, form=form, link=link)


@bp.post("/shared/<int:report_id>/delete")
@permission_required(Permission.MANAGE_SHARED_REPORTS)
def shared_delete(report_id: int):
    if not delete_shared_report(current_user, _report_or_404(report_id)):
        abort(404)
    flash(gettext("The shared report was deleted."), "success")
    return redirect(url_for("reports.shared"))


# ---- Scheduled reports ----------------------------------------------------------------------


def _scheduled_form(report=None) -> ScheduledReportForm:
    """The form with what the owner may filter by and who may receive reports; an edit starts from the report."""
    form = ScheduledReportForm(formdata=request.form if request.method == "POST" else None)
    choices = filter_choices(current_user)
    for name in ("certification", "client", "role", "company", "supervisor"):
        form[name].choices = [(None, any_choice(name))] + choices[name]
    form.recipients.choices = [(user.id, user.sort_name) for user in recipient_choices()]
    if request.method == "GET" and report is not None:
        form.title.data, form.frequency.data = report.title, report.frequency
        form.status.data, form.within_days.data = report.filters["status"] or "", report.filters["within_days"]
        for name in ("certification", "role", "company", "supervisor"):
            form[name].data = report.filters[f"{name}_id"]
        form.client.data = report.filters.get("client_id")
        form.type.data = report.filters.get("type", "employee")
        form.include_archived.data = report.filters.get("include_archived", False)
        form.recipients.data = [user.id for user in report.recipients]
    elif request.method == "GET":
        form.recipients.data = [current_user.id]
    return form


def _schedule_input(form: ScheduledReportForm) -> ScheduleInput:
    filters = ReportFilters(
        status=form.status.data or None,
        within_days=form.within_days.data if form.within_days.data is not None else 30,
        certification_id=form.certification.data, role_id=form.role.data, company_id=form.company.data,
        supervisor_id=form.supervisor.data, include_archived=bool(form.include_archived.data),
        client_id=form.client.data, type=form.type.data or "employee",
    )
    return ScheduleInput(form.title.data or "", form.frequency.data, filters, frozenset(form.recipients.data or ()))


def _scheduled_report_or_404(scheduled_id: int):
    report = get_scheduled_report(current_user, scheduled_id)
    if report is None:
        abort(404)
    return report


@bp.get("/scheduled")
@permission_required(Permission.MANAGE_SHARED_REPORTS)
def scheduled():
    reports = scheduled_reports_of(current_user)
    runs = last_runs(reports)
    return render("reports/scheduled.html", reports=reports, runs=runs, action_form=ActionForm(),
                  next_sending={r.id: next_sending(r, today(), runs.get(r.id)) for r in reports},
                  problems=report_problems(reports))


def _save_scheduled(report=None):
    form = _scheduled_form(report)
    done = saved(form, lambda: save_scheduled_report(current_user, _schedule_input(form), report,
                                                     idempotency_key=form.idempotency_key.data),
                 lambda saved_report: gettext("Scheduled report %(title)s saved.", title=saved_report.title), url_for("reports.scheduled"))
    if done:
        return done
    problems = report_problems([report])[report.id] if report is not None else []
    return render("reports/scheduled_form.html", form=form, report=report, problems=problems,
                  status=422 if form.is_submitted() else 200)


@bp.route("/scheduled/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SHARED_REPORTS)
def scheduled_new():
    return _save_scheduled()


@bp.route("/scheduled/<int:scheduled_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SHARED_REPORTS)
def scheduled_edit(scheduled_id: int):
    return _save_scheduled(_scheduled_report_or_404(scheduled_id))


def _act_on_scheduled(scheduled_id: int, act, done: str):
    report = _scheduled_report_or_404(scheduled_id)
    if not ActionForm().validate():
        abort(400)
    title = report.title
    act(current_user, report)
    flash(done.format(title=title), "success")
    return redirect(url_for("reports.scheduled"))


@bp.post("/scheduled/<int:scheduled_id>/pause")
@permission_required(Permission.MANAGE_SHARED_REPORTS)
def scheduled_pause(scheduled_id: int):
    return _act_on_scheduled(scheduled_id, lambda owner, report: set_paused(owner, report, True),
                             gettext("Scheduled report {title} paused: nothing is sent until you resume it."))


@bp.post("/scheduled/<int:scheduled_id>/resume")
@permission_required(Permission.MANAGE_SHARED_REPORTS)
def scheduled_resume(scheduled_id: int):
    return _act_on_scheduled(scheduled_id, lambda owner, report: set_paused(owner, report, False),
                             gettext("Scheduled report {title} resumed."))


@bp.post("/scheduled/<int:scheduled_id>/delete")
@permission_required(Permission.MANAGE_SHARED_REPORTS)
def scheduled_delete(scheduled_id: int):
    return _act_on_scheduled(scheduled_id, delete_scheduled_report, gettext("Scheduled report {title} deleted."))


@bp.get("/calendar")
@login_required
def calendar():
    """The signed-in user's own feed address; nobody else's, so there is no id to edit."""
    feed_url = external_url("public.calendar", token=current_user.calendar_token)
    # webcal: opens the device's calendar app at "Subscribe", whatever the feed's own scheme.
    subscribe_url = "webcal:" + feed_url.split(":", 1)[1]
    return render("reports/calendar.html", feed_url=feed_url, subscribe_url=subscribe_url)


@bp.post("/calendar/reset")
@login_required
def calendar_reset():
    reset_calendar_token(current_user, current_user)
    flash(gettext("Your calendar link has been reset. Subscribe again with the new link."), "success")
    return redirect(url_for("reports.calendar"))
