"""Assets, clients and job locations: the administrator's lists and forms, each entity's page (also its
responsible user's), records with files, an asset's QR code, and a certification's associations tab."""
from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.utils import secure_filename

from webapp.blueprints.certifications import certification_or_404, certification_tab_items
from webapp.blueprints.common import add_errors, confirm_delete, restore_archived, send_stored_file
from webapp.bounds import database_ids, database_int
from webapp.clock import today
from webapp.extensions import db
from webapp.forms.entities import EntityForm, EntityRecordForm, RevokeAssociationForm
from webapp.forms.supervising import ActionForm
from webapp.htmx import render
from webapp.permissions import Permission
from webapp.rules.entities import KINDS, STATUS_FILTERS
from webapp.security import login_required, permission_required
from webapp.services.archive import archive_item
from webapp.services.certification_clients import certifications_for_client
from webapp.services.entities import (
    add_associations,
    addable_entities,
    certification_associations,
    create_entity,
    entity_lines,
    entity_qr_url,
    get_association,
    get_entity,
    get_entity_attachment,
    get_entity_requirement,
    list_entities,
    may_view_entity,
    owner_choices,
    record_for_entity,
    remove_association,
    reset_entity_qr,
    restore_association,
    revoke_association,
    update_entity,
)
from webapp.services.invalid import Invalid
from webapp.services.privacy import hidden_certification_ids
from webapp.services.qr_codes import qr_png, qr_svg_data_uri

bp = Blueprint("entities", __name__)
MANAGE = Permission.MANAGE_CERTIFICATIONS


def _for_each_kind(path: str, kinds=tuple(KINDS), **options):
    """Register the view at /assets<path>, /clients<path> and /job-locations<path>, its `kind` set by the URL."""
    def decorator(view):
        for kind in kinds:
            bp.add_url_rule(f"/{KINDS[kind].slug}{path}", view_func=view, defaults={"kind": kind}, **options)
        return view
    return decorator


def _entity_or_404(kind: str, entity_id: int):
    """The entity, when the signed-in user may see it; 404 otherwise, as for an id that does not exist
    (decision 70)."""
    entity = get_entity(entity_id, kind)
    if entity is None or not may_view_entity(current_user, entity):
        abort(404)
    return entity


@_for_each_kind("/")
@permission_required(MANAGE)
def index(kind: str):
    search, archived = request.args.get("q", ""), bool(request.args.get("archived"))
    listing = list_entities(kind, search, request.args.get("page", 1, type=database_int), archived=archived)
    query = {key: value for key, value in (("q", search), ("archived", 1 if archived else None)) if value}
    return render("entities/index.html", block="results" if request.headers.get("HX-Target") == "entity-results" else "content",
                  kind=kind, words=KINDS[kind], listing=listing, search=search, archived=archived, query=query)


def _entity_form_page(kind: str, form: EntityForm, entity=None, status: int = 200):
    return render("entities/form.html", kind=kind, words=KINDS[kind], form=form, entity=entity, status=status)


def _saved_entity(form: EntityForm, save):
    """The entity `save()` returned, or None with the refusals on the form."""
    if not form.validate():
        return None
    try:
        return save()
    except Invalid as invalid:
        add_errors(form, invalid)
        return None


@_for_each_kind("/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def create(kind: str):
    form = EntityForm()
    form.set_choices(owner_choices())
    if not form.is_submitted():
        return _entity_form_page(kind, form)
    entity = _saved_entity(form, lambda: create_entity(current_user, kind, form.values()))
    if entity is None:
        return _entity_form_page(kind, form, status=422)
    flash(gettext("%(kind)s %(name)s added.", kind=gettext(KINDS[kind].singular), name=entity.name), "success")
    return redirect(url_for("entities.detail", kind=kind, entity_id=entity.id))


@_for_each_kind("/<int:entity_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit(kind: str, entity_id: int):
    entity = _entity_or_404(kind, entity_id)
    form = EntityForm()
    form.set_choices(owner_choices())
    if not form.is_submitted():
        form.fill_from(entity)
        return _entity_form_page(kind, form, entity)
    if _saved_entity(form, lambda: update_entity(current_user, entity, form.values())) is None:
        return _entity_form_page(kind, form, entity, status=422)
    flash(gettext("%(kind)s %(name)s saved.", kind=gettext(KINDS[kind].singular), name=entity.name), "success")
    return redirect(url_for("entities.detail", kind=kind, entity_id=entity.id))


@_for_each_kind("/<int:entity_id>")
@login_required
def detail(kind: str, entity_id: int):
    entity = _entity_or_404(kind, entity_id)
    qr_url = entity_qr_url(entity) if kind == "asset" else None
    client_certifications = (certifications_for_client(entity, hidden_certification_ids(current_user))
                             if kind == "client" else [])
    return render("entities/detail.html", kind=kind, words=KINDS[kind], entity=entity, lines=entity_lines(entity, today()),
                  qr_url=qr_url, svg_uri=qr_svg_data_uri(qr_url) if qr_url else None, may_manage=current_user.can(MANAGE),
                  client_certifications=client_certifications, may_view_reports=current_user.can(Permission.VIEW_REPORTS))


@_for_each_kind("/<int:entity_id>/archive", methods=["GET", "POST"])
@permission_required(MANAGE)
def archive(kind: str, entity_id: int):
    entity = _entity_or_404(kind, entity_id)
    words = KINDS[kind]
    return confirm_delete(
        heading=gettext("Archive: %(name)s", name=entity.name),
        explanation=gettext("%(name)s leaves the %(list)s list and the certifications' Add lists; its associations, "
                            "records and files are kept. Restore it from the archived list at any time.",
                            name=entity.name, list=gettext(words.plural)),
        button=gettext("Archive"), cancel_url=url_for("entities.detail", kind=kind, entity_id=entity.id),
        delete=lambda: archive_item(current_user, entity),
        done=gettext("%(kind)s %(name)s archived.", kind=gettext(words.singular), name=entity.name),
        done_url=url_for("entities.index", kind=kind),
    )


@_for_each_kind("/<int:entity_id>/restore", methods=["POST"])
@permission_required(MANAGE)
def restore(kind: str, entity_id: int):
    entity = _entity_or_404(kind, entity_id)
    return restore_archived(entity, current_user, url_for("entities.detail", kind=kind, entity_id=entity.id))


@_for_each_kind("/<int:entity_id>/requirements/<int:requirement_id>/record", methods=["GET", "POST"])
@permission_required(MANAGE)
def record(kind: str, entity_id: int, requirement_id: int):
    entity = _entity_or_404(kind, entity_id)
    requirement = get_entity_requirement(entity, requirement_id)
    if requirement is None:
        abort(404)
    form = EntityRecordForm()
    if form.validate_on_submit():
        try:
            record_for_entity(current_user, requirement, form.completed_on.date, form.expires_on.date, form.notes.data,
                              request.files.getlist(form.files.name))
        except Invalid as invalid:
            db.session.rollback()
            add_errors(form, invalid)
        else:
            flash(gettext("%(certification)s recorded for %(name)s.", certification=requirement.certification.name, name=entity.name), "success")
            return redirect(url_for("entities.detail", kind=kind, entity_id=entity.id))
    return render("entities/record.html", kind=kind, words=KINDS[kind], entity=entity, requirement=requirement,
                  form=form, status=422 if form.is_submitted() else 200)


@bp.get("/entity-files/<int:attachment_id>")
@login_required
def file(attachment_id: int):
    attachment = get_entity_attachment(attachment_id)
    if attachment is None or not may_view_entity(current_user, attachment.record.requirement.entity):
        abort(404)
    return send_stored_file(attachment.stored_file, attachment.name)


@_for_each_kind("/<int:entity_id>/qr.png", kinds=("asset",))
@login_required
def qr_code_png(kind: str, entity_id: int):
    entity = _entity_or_404(kind, entity_id)
    response = make_response(qr_png(entity_qr_url(entity)))
    response.mimetype = "image/png"
    filename = secure_filename(f"qr-{entity.identifier}.png".lower()) or "qr.png"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_for_each_kind("/<int:entity_id>/qr/reset", kinds=("asset",), methods=["POST"])
@permission_required(MANAGE)
def reset_qr(kind: str, entity_id: int):
    entity = _entity_or_404(kind, entity_id)
    if not ActionForm().validate():
        abort(400)
    reset_entity_qr(current_user, entity)
    flash(gettext("New QR code for %(name)s: print a new sticker; the old one no longer opens its status.", name=entity.name), "success")
    return redirect(url_for("entities.detail", kind=kind, entity_id=entity.id))


def _entity_certification_or_404(certification_id: int):
    certification = certification_or_404(certification_id)
    if certification.type not in KINDS:
        abort(404)
    return certification


def _associations_page(certification, status: int = 200, form: RevokeAssociationForm | None = None):
    chosen = request.args.get("status") or None
    return render(
        "entities/associations.html", certification=certification, words=KINDS[certification.type],
        tab_items=certification_tab_items(certification, "entities"),
        lines=certification_associations(certification, today(), chosen if chosen in STATUS_FILTERS else None),
        filters=STATUS_FILTERS, chosen=chosen, status=status, form=form,
    )


@bp.get("/certifications/<int:certification_id>/entities")
@permission_required(MANAGE)
def associations(certification_id: int):
    return _associations_page(_entity_certification_or_404(certification_id))


@bp.route("/certifications/<int:certification_id>/entities/add", methods=["GET", "POST"])
@permission_required(MANAGE)
def add(certification_id: int):
    certification = _entity_certification_or_404(certification_id)
    search, form, chosen = request.values.get("q", ""), ActionForm(), set()
    if form.is_submitted():
        chosen = database_ids(request.form.getlist("entity_id"))
        if form.validate():
            try:
                added = add_associations(current_user, certification, chosen)
            except Invalid as invalid:
                db.session.rollback()
                flash(" ".join(invalid.errors.values()), "error")
            else:
                flash(gettext("Added %(names)s.", names=", ".join(entity.name for entity in added)), "success")
                return redirect(url_for("entities.associations", certification_id=certification.id))
    return render("entities/add.html", block="results" if request.headers.get("HX-Target") == "add-results" else "content",
                  certification=certification, words=KINDS[certification.type], search=search,
                  candidates=addable_entities(certification, search), chosen=chosen, form=form,
                  status=422 if form.is_submitted() else 200)


def _association_or_404(certification_id: int, requirement_id: int):
    certification = _entity_certification_or_404(certification_id)
    requirement = get_association(certification, requirement_id)
    if requirement is None:
        abort(404)
    return certification, requirement


@bp.route("/certifications/<int:certification_id>/entities/<int:requirement_id>/revoke", methods=["GET", "POST"])
@permission_required(MANAGE)
def revoke(certification_id: int, requirement_id: int):
    certification, requirement = _association_or_404(certification_id, requirement_id)
    form = RevokeAssociationForm()
    if form.validate_on_submit():
        try:
            revoke_association(current_user, requirement, form.reason.data)
        except Invalid as invalid:
            db.session.rollback()
            add_errors(form, invalid)
        else:
            flash(gettext("%(certification)s revoked for %(name)s; its history is kept.", certification=certification.name, name=requirement.entity.name), "success")
            return redirect(url_for("entities.associations", certification_id=certification.id))
    return render("entities/revoke.html", certification=certification, requirement=requirement, form=form,
                  status=422 if form.is_submitted() else 200)


@bp.route("/certifications/<int:certification_id>/entities/<int:requirement_id>/restore", methods=["GET", "POST"])
@permission_required(MANAGE)
def restore_association_page(certification_id: int, requirement_id: int):
    """Restore a revoked association, after a confirmation (decision 95)."""
    certification, requirement = _association_or_404(certification_id, requirement_id)
    form, error = ActionForm(), None
    if form.validate_on_submit():
        try:
            restore_association(current_user, requirement)
        except Invalid as invalid:
            db.session.rollback()
            error = " ".join(invalid.errors.values())
        else:
            flash(gettext("%(certification)s is required of %(name)s again; the revocation stays in the audit trail.",
                          certification=certification.name, name=requirement.entity.name), "success")
            return redirect(url_for("entities.associations", certification_id=certification.id))
    elif not requirement.is_revoked:
        error = gettext("%(name)s is not revoked.", name=requirement.entity.name)
    return render("entities/restore.html", certification=certification, requirement=requirement, form=form,
                  error=error, status=422 if form.is_submitted() else 409 if error else 200)


@bp.route("/certifications/<int:certification_id>/entities/<int:requirement_id>/remove", methods=["GET", "POST"])
@permission_required(MANAGE)
def remove(certification_id: int, requirement_id: int):
    certification, requirement = _association_or_404(certification_id, requirement_id)
    records = len(requirement.records)
    return confirm_delete(
        heading=gettext("Remove %(name)s from %(certification)s", name=requirement.entity.name,
                        certification=certification.name),
        explanation=ngettext("This cannot be undone: the association and its certification history (%(num)d record "
                             "and its files) are deleted. To stop tracking it but keep the history, revoke it instead.",
                             "This cannot be undone: the association and its certification history (%(num)d records "
                             "and their files) are deleted. To stop tracking it but keep the history, revoke it instead.",
                             records),
        button=gettext("Remove"), cancel_url=url_for("entities.associations", certification_id=certification.id),
        delete=lambda: remove_association(current_user, requirement),
        done=gettext("%(name)s removed from %(certification)s with its history.", name=requirement.entity.name,
                     certification=certification.name),
        done_url=url_for("entities.associations", certification_id=certification.id),
    )
