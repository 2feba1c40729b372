"""QR codes for signed-in people: show, print as a wallet card, download as PNG, reset."""
from flask import Blueprint, abort, flash, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from webapp.clock import today
from webapp.extensions import db
from webapp.htmx import render
from webapp.models import User
from webapp.models.base import utcnow
from webapp.security import login_required
from webapp.services.access import may_act_on, supervises
from webapp.services.credentials import credential_code
from webapp.services.qr_codes import qr_png, qr_report_for, qr_report_url, qr_svg_data_uri, reset_qr_token

bp = Blueprint("qr", __name__, url_prefix="/qr")


def _may_see(user: User) -> bool:
    return user.id == current_user.id or supervises(current_user, user) or may_act_on(current_user, user, "view")


def _visible_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    # 404, not 403: editing the id in the URL must not reveal who exists.
    if user is None or not _may_see(user):
        abort(404)
    return user


@bp.get("/")
@login_required
def mine():
    """The signed-in user's own code, the main navigation's entry: the page itself, not a redirect,
    so the phone can keep it under this address for use without signal."""
    return _code_page(current_user)


@bp.get("/<int:user_id>")
@login_required
def show(user_id: int):
    return _code_page(_visible_user_or_404(user_id))


def _code_page(user: User):
    url = qr_report_url(user)
    report = qr_report_for(user, today())
    return render(
        "qr/show.html",
        user=user,
        report_url=url,
        svg_uri=qr_svg_data_uri(url),
        report=report,
        day=today(),
        credential=credential_code(report, utcnow()),
        may_reset=may_act_on(current_user, user, "edit_account"),
    )


@bp.get("/<int:user_id>.png")
@login_required
def png(user_id: int):
    user = _visible_user_or_404(user_id)
    response = make_response(qr_png(qr_report_url(user)))
    response.mimetype = "image/png"
    filename = secure_filename(f"qr-{user.last_name}-{user.first_name}.png".lower()) or "qr.png"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/<int:user_id>/reset")
@login_required
def reset(user_id: int):
    user = _visible_user_or_404(user_id)
    if not may_act_on(current_user, user, "edit_account"):
        abort(403)
    reset_qr_token(current_user, user)
    flash(_("QR Code has been reset."), "success")
    return redirect(url_for("qr.show", user_id=user.id))
