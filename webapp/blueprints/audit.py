"""The audit trail page: every entry the reader may read (decision 54), filtered, paged, exported as CSV."""

from flask import Blueprint, Response, request, stream_with_context
from flask_babel import gettext
from flask_login import current_user

from webapp.bounds import database_int
from webapp.clock import display_zone
from webapp.forms.audit import AuditFilterForm
from webapp.htmx import render
from webapp.permissions import Permission
from webapp.security import permission_required
from webapp.services.audit_trail import (
    OBJECT_LABELS,
    AuditFilters,
    audit_actions,
    audit_csv_rows,
    audit_page,
    entry_changes,
    record_audit_export,
)
from webapp.tabular import CSV_MEDIA_TYPE, csv_chunks

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filters() -> tuple[AuditFilterForm, AuditFilters, bool]:
    """The form over request.args and the filters it gives; bad input filters nothing and says why."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", gettext("Any action"))] + [(action, action) for action in audit_actions(current_user)]
    form.object_type.choices = [("", gettext("Any object"))] + list(OBJECT_LABELS.items())
    valid = form.validate()
    if not valid:
        return form, AuditFilters(), False
    filters = AuditFilters(
        person=form.person.data or "", person_id=int(form.person_id.data) if form.person_id.data else None,
        actor=form.actor.data or "", action=form.action.data or "", object_type=form.object_type.data or "",
        object_id=form.object_id.data or "", date_from=form.date_from.date, date_to=form.date_to.date,
        zone=display_zone(),
    )
    return form, filters, True


def _page(form: AuditFilterForm, filters: AuditFilters, valid: bool):
    page = audit_page(current_user, filters, max(request.args.get("page", 1, type=database_int), 1))
    query = {key: value for key, value in request.args.items() if key != "page" and value} if valid else {}
    return render("audit/index.html", status=200 if valid else 422, form=form, page=page, query=query,
                  object_labels=OBJECT_LABELS, changes=entry_changes)


@bp.get("/")
@permission_required(Permission.VIEW_AUDIT_LOG)
def index():
    return _page(*_filters())


@bp.get("/export.csv")
@permission_required(Permission.VIEW_AUDIT_LOG)
def export():
    """The matching entries as CSV; with bad filters, the page again with its errors (nothing exported)."""
    form, filters, valid = _filters()
    if not valid:
        return _page(form, filters, valid)
    record_audit_export(current_user, filters)
    response = Response(stream_with_context(csv_chunks(audit_csv_rows(current_user, filters))), mimetype=CSV_MEDIA_TYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
