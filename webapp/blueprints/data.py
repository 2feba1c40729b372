"""Import and export: every kind of file FieldCert takes in and gives out, one set of pages for all
(the upload, the preview with its errors, the progress of a long job, the downloads)."""
from flask_babel import gettext
from flask import Blueprint, Response, abort, redirect, stream_with_context, url_for
from flask_login import current_user

from webapp.bounds import database_int
from webapp.clock import today
from webapp.extensions import db
from webapp.forms.imports import upload_form_for
from webapp.forms.supervising import ActionForm
from webapp.htmx import is_htmx, render
from webapp.jobs import run_job
from webapp.models import ImportJob, User, utcnow
from webapp.permissions import Permission
from webapp.security import permission_required
from webapp.services.import_kinds import IMPORT_KINDS
from webapp.services.imports import (
    ImportKind,
    ImportRefused,
    check_import,
    confirm_import,
    fail_job,
    job_stopped,
    may_use_kind,
    recent_imports,
    record_export,
    run_import,
    start_import,
)
from webapp.tabular import CSV_MEDIA_TYPE, FORMATS, XLSX_MEDIA_TYPE, csv_chunks, xlsx_bytes

bp = Blueprint("data", __name__, url_prefix="/data")


def _kind_or_404(name: str) -> ImportKind:
    kind = IMPORT_KINDS.get(name)
    if kind is None or not may_use_kind(current_user, kind):
        abort(404)
    return kind


def _job_or_404(job_id: int) -> tuple[ImportJob, ImportKind]:
    """Only the person who uploaded a file sees its job: the preview shows the file's contents."""
    job = db.session.get(ImportJob, database_int(job_id))
    if job is None or job.created_by_id != current_user.id:
        abort(404)
    return job, _kind_or_404(job.kind)


def _redirect(url: str):
    if is_htmx():
        return Response(status=204, headers={"HX-Redirect": url})
    return redirect(url, 303)


@bp.get("/")
@permission_required(Permission.IMPORT_EXPORT)
def index():
    kinds = [kind for kind in IMPORT_KINDS.values() if may_use_kind(current_user, kind)]
    return render("data/index.html", kinds=kinds)


@bp.get("/<name>/export.<file_format>")
@permission_required(Permission.IMPORT_EXPORT)
def export(name: str, file_format: str):
    """The kind's data as the viewer may see it: CSV streamed as it is written, or an .xlsx workbook."""
    kind = _kind_or_404(name)
    if file_format not in FORMATS:
        abort(404)
    record_export(current_user, kind, file_format)
    return _download(kind, f"{kind.name}.{file_format}", file_format, _exported(kind, current_user.id))


@bp.get("/<name>/template.<file_format>")
@permission_required(Permission.IMPORT_EXPORT)
def template(name: str, file_format: str):
    """The header row and an example, to fill in and import."""
    kind = _kind_or_404(name)
    if file_format not in FORMATS:
        abort(404)
    return _download(kind, f"{kind.name}-template.{file_format}", file_format, [kind.headers, *kind.template_rows])


def _exported(kind: ImportKind, user_id: int):
    """The header, then the kind's rows as the person sees them. A streamed CSV is written after the view has
    returned and its session has ended, so the person is read again in the session that writes the rows (the
    signed-in one is detached by then, and reading their module levels would fail)."""
    yield kind.headers
    yield from kind.export_rows(db.session.get(User, user_id))


def _download(kind: ImportKind, filename: str, file_format: str, rows) -> Response:
    if file_format == "xlsx":
        response = Response(xlsx_bytes(rows, kind.title), mimetype=XLSX_MEDIA_TYPE)
    else:
        response = Response(stream_with_context(csv_chunks(rows)), mimetype=CSV_MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/<name>/import", methods=["GET", "POST"])
@permission_required(Permission.IMPORT_EXPORT)
def upload(name: str):
    kind = _kind_or_404(name)
    if not kind.importable:
        abort(404)
    form = upload_form_for(kind)
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            import_job = start_import(kind, current_user, upload_file.filename or "upload.csv", upload_file.read(),
                               {option.name: form[option.name].data for option in kind.options})
        except ImportRefused as refused:
            form.file.errors = list(refused.errors.values())
        else:
            run_job(check_import, lambda: fail_job(import_job.id, gettext("The file could not be checked.")), import_job.id,
                    kind, today())
            return _redirect(url_for("data.job", job_id=import_job.id))
    status = 422 if form.errors else 200
    return render("data/upload.html", status=status, kind=kind, form=form,
                  recent=recent_imports(current_user, kind))


@bp.get("/imports/<int:job_id>")
@permission_required(Permission.IMPORT_EXPORT)
def job(job_id: int):
    """The job's progress (polled by htmx while it runs), then its preview or outcome."""
    import_job, kind = _job_or_404(job_id)
    return render("data/job.html", block="job", job=import_job, kind=kind, form=ActionForm(),
                  stopped=job_stopped(import_job, utcnow()))


@bp.post("/imports/<int:job_id>/confirm")
@permission_required(Permission.IMPORT_EXPORT)
def confirm(job_id: int):
    import_job, kind = _job_or_404(job_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        confirm_import(import_job, current_user)
    except ImportRefused as refused:
        return render("data/job.html", block="job", status=409, job=import_job, kind=kind, form=form,
                      stopped=job_stopped(import_job, utcnow()), refusal=refused.errors["confirm"])
    run_job(run_import, lambda: fail_job(import_job.id, gettext("The import failed; nothing was imported.")),
            import_job.id, kind, today())
    return _redirect(url_for("data.job", job_id=import_job.id))
