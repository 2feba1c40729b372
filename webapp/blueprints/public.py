"""Pages anyone may open without signing in: the QR report, shared reports, certificate verification,
the calendar feed.

They carry private data behind an unguessable token, so search engines are told not to
index them and shared caches are told not to keep them.
"""
from flask import Blueprint, abort, make_response, request, url_for

from webapp.blueprints.common import send_stored_file
from webapp.clock import today
from webapp.htmx import render
from webapp.models.base import utcnow
from webapp.security import public
from webapp.services.calendar import calendar_feed, user_for_calendar
from webapp.services.certificates import verify_certificate as load_verification
from webapp.services.credentials import credential_code
from webapp.services.qr_codes import load_qr_report, qr_attachment
from webapp.services.shared_reports import load_shared_report, shared_attachment
from webapp.services.submissions import is_web_address

bp = Blueprint("public", __name__)


@bp.after_request
def private_and_unindexed(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/r/<token>")
@public
def qr_report(token: str):
    # An empty ?role= (a cleared filter box) asks for every role.
    report = load_qr_report(token, today(), request.args.get("role") or None)
    if report is None:
        return render("public/invalid_code.html", status=404)
    # The signed credential speaks for the whole report, so a report narrowed to one role carries none.
    credential = credential_code(report, utcnow()) if report.role_filter is None and report.unknown_role is None else None
    return render("public/qr_report.html", status=404 if report.unknown_role is not None else 200, report=report,
                  token=token, day=today(), credential=credential)


def _send_attachment(attachment, report_url: str):
    if attachment is None:
        abort(404)
    if attachment.kind == "link":
        # ASVS 3.7.2: a page on our domain never forwards blindly elsewhere; the reader sees the address.
        return render("public/leaving.html", attachment=attachment, openable=is_web_address(attachment.url),
                      report_url=report_url)
    return send_stored_file(attachment.stored_file, attachment.name, download=True)


@bp.get("/r/<token>/attachments/<int:attachment_id>")
@public
def qr_report_attachment(token: str, attachment_id: int):
    return _send_attachment(qr_attachment(token, attachment_id, today()), url_for("public.qr_report", token=token))


@bp.get("/s/<token>")
@public
def shared_report(token: str):
    view = load_shared_report(token, today())
    if view is None:
        return render("public/invalid_link.html", status=404)
    return render("public/shared_report.html", view=view, token=token, day=today())


@bp.get("/s/<token>/attachments/<int:attachment_id>")
@public
def shared_report_attachment(token: str, attachment_id: int):
    return _send_attachment(shared_attachment(token, attachment_id, today()),
                            url_for("public.shared_report", token=token))


@bp.get("/c/<token>")
@public
def verify_certificate(token: str):
    verification = load_verification(token, today())
    return render("public/certificate.html", status=200 if verification else 404, verification=verification,
                  day=today())


@bp.get("/cal/<token>.ics")
@public
def calendar(token: str):
    user = user_for_calendar(token)
    if user is None:
        abort(404)
    response = make_response(calendar_feed(user, today()))
    response.mimetype = "text/calendar"
    return response
