"""Pages anyone may open without signing in: the QR report, shared reports, certificate verification,
the calendar feed.

They carry private data behind an unguessable token, so search engines are told not to
index them and shared caches are told not to keep them.
"""
import hashlib

from flask import Blueprint, abort, current_app, g, make_response, request, url_for
from flask_login import current_user

from webapp.blueprints.common import send_stored_file
from webapp.clock import today
from webapp.htmx import render, wants_fragment
from webapp.i18n import current_language, remember_organisation_default
from webapp.models.base import utcnow
from webapp.security import public
from webapp.services.calendar import calendar_feed, user_for_calendar
from webapp.services.certificates import verify_certificate as load_verification
from webapp.services.credentials import credential_code
from webapp.services.page_cache import data_version_and_language, page_store
from webapp.services.qr_codes import load_qr_report, qr_attachment
from webapp.services.shared_reports import load_shared_report, shared_attachment
from webapp.services.submissions import is_web_address

bp = Blueprint("public", __name__)


@bp.after_request
def private_and_unindexed(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def _kept_page(page: str, token: str, build):
    """The page `build` renders, kept server side for visitors who are not signed in (a signed-in visitor's
    page carries their menu), under a key of everything it depends on (services/page_cache.py); a
    matching `If-None-Match` is answered 304. Only a 200 holding nothing of this visitor's is kept; a page is
    kept per language, and `Vary: Accept-Language` tells the browser so."""
    if current_user.is_authenticated:
        return build()
    version, language = data_version_and_language()
    remember_organisation_default(language)
    parts = (page, token, today().isoformat(), str(version), current_language(), request.args.get("role") or "",
             "fragment" if wants_fragment() else "page", current_app.extensions["page_cache_release"])
    key = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    etag = key[:40]
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    elif (kept := page_store().get(key)) is not None:
        response = make_response(kept)
    else:
        response = build()
        if response.status_code != 200 or current_app.config["WTF_CSRF_FIELD_NAME"] in g:
            return response
        page_store().set(key, response.get_data())
    response.vary.add("HX-Request")
    response.vary.add("Accept-Language")
    response.set_etag(etag)
    # The browser keeps it but asks each time (If-None-Match); shared caches still keep nothing.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/r/<token>")
@public
def qr_report(token: str):
    return _kept_page("qr_report", token, lambda: _render_qr_report(token))


def _render_qr_report(token: str):
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
    return _kept_page("certificate", token, lambda: _render_certificate_check(token))


def _render_certificate_check(token: str):
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
