"""Notices: each person's own notices (with the unread count), and the administrators' Sent mail."""
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.bounds import database_int
from webapp.extensions import db
from webapp.forms.certifications import DeleteForm
from webapp.htmx import render
from webapp.models import Notice
from webapp.permissions import Permission
from webapp.security import login_required, permission_required
from webapp.services.mail import hide_secret_links
from webapp.services.notices import (
    OUTBOX_FILTERS,
    count_outbox,
    count_unread_notices,
    get_user_notice,
    list_outbox,
    list_user_notices,
    mark_all_notices_read,
    mark_notice_read,
    retry_notice,
)
from webapp.text import split_site_links

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.app_template_global()
def unread_notice_count() -> int:
    return count_unread_notices(current_user) if current_user.is_authenticated else 0


@bp.route("/")
@login_required
def index():
    return render("notices/index.html", notices=list_user_notices(current_user), form=DeleteForm())


def _own_notice(notice_id: int) -> Notice:
    notice = get_user_notice(current_user, notice_id)
    if notice is None:
        abort(404)
    return notice


@bp.route("/<int:notice_id>")
@login_required
def show(notice_id: int):
    # Reading changes nothing: a prefetch or a link scanner must not mark a notice read (GET is safe).
    notice = _own_notice(notice_id)
    # The mail's links name BASE_URL (the scheduler knows no other); in the app they lead to this site
    # as the reader reached it.
    body = split_site_links(notice.body_text, (current_app.config["BASE_URL"], request.host_url),
                            url_for("home.index", _external=True))
    return render("notices/show.html", notice=notice, body=body, form=DeleteForm())


@bp.route("/<int:notice_id>/read", methods=["POST"])
@login_required
def read(notice_id: int):
    notice = _own_notice(notice_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    mark_notice_read(notice)
    return redirect(url_for("notices.show", notice_id=notice.id))


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    if not DeleteForm().validate_on_submit():
        abort(400)
    count = mark_all_notices_read(current_user)
    flash(ngettext("Marked %(num)d notice as read.", "Marked %(num)d notices as read.", count) if count
          else _("No unread notices."), "success")
    return redirect(url_for("notices.index"))


@bp.route("/sent-mail")
@permission_required(Permission.MANAGE_SETTINGS)
def outbox():
    mail_status = request.args.get("status", "all")
    if mail_status not in OUTBOX_FILTERS:
        mail_status = "all"
    page = list_outbox(mail_status, request.args.get("page", 1, type=database_int))
    return render("notices/outbox.html", page=page, mail_status=mail_status, counts=count_outbox(),
                  filters=OUTBOX_FILTERS, mail_server=current_app.config["MAIL_SERVER"], form=DeleteForm())


def _outbox_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404)
    return notice


@bp.route("/sent-mail/<int:notice_id>")
@permission_required(Permission.MANAGE_SETTINGS)
def outbox_show(notice_id: int):
    notice = _outbox_notice(notice_id)
    return render("notices/outbox_show.html", notice=notice, body=hide_secret_links(notice.body_text), form=DeleteForm())


@bp.route("/sent-mail/<int:notice_id>/retry", methods=["POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def retry(notice_id: int):
    notice = _outbox_notice(notice_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    if retry_notice(current_user, notice):
        flash(_("Queued again: %(subject)s to %(email)s.", subject=notice.subject, email=notice.recipient_email), "success")
    else:
        flash(_("Only failed mail can be retried; this one is not failed."), "error")
    return redirect(url_for("notices.outbox", status="failed"))
