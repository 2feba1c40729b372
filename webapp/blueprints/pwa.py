"""The installable app: web app manifest, service worker, and the page shown without signal.

Static URLs carry the version of the static files (`?v=`), and the service worker names its
asset cache after it, so a deploy with changed assets replaces what phones keep.
"""
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, current_app, jsonify, make_response, render_template, url_for
from flask_babel import gettext as _

from webapp.htmx import render
from webapp.i18n import current_language
from webapp.security import public

bp = Blueprint("pwa", __name__)

THEME_COLOUR = "#0b5cad"
BACKGROUND_COLOUR = "#ffffff"
# What the service worker keeps from its install on: enough to open any page without signal.
PRECACHED_STATIC = (
    "css/app.css",
    "vendor/htmx.min.js",
    "js/queue.js",
    "js/app.js",
    "js/credential.js",
    "js/verify.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-192.png",
    "icons/maskable-512.png",
)

# Public pages the service worker keeps for the credential verifier (sw.js, VERIFIER_CACHE).
VERIFIER_ENDPOINTS = ("credentials.verify", "credentials.keys", "credentials.revocations")


def static_version(folder: str) -> str:
    """A short hash of every static file: it changes whenever any of them does."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@bp.record_once
def _remember_static_version(state):
    state.app.config.setdefault("STATIC_VERSION", static_version(state.app.static_folder))


@bp.app_url_defaults
def _version_static_urls(endpoint, values):
    if endpoint == "static" and "v" not in values:
        values["v"] = current_app.config["STATIC_VERSION"]


@bp.app_context_processor
def _rendered_at():
    # When the server made the page: a copy saved on the phone shows it as "last refreshed".
    return {"rendered_at": lambda: datetime.now(UTC).isoformat(timespec="seconds")}


@bp.get("/manifest.webmanifest")
@public
def manifest():
    icons = [
        {"src": url_for("static", filename=f"icons/{kind}-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": purpose}
        for kind, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in (192, 512)
    ]
    response = jsonify(
        {
            "id": url_for("home.index"),
            "name": "FieldCert",
            "short_name": "FieldCert",
            "description": _("Your certifications, QR code and certificate files, with or without signal."),
            "lang": current_language(),
            "start_url": url_for("home.index"),
            "scope": url_for("home.index"),
            "display": "standalone",
            "orientation": "any",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": icons,
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
@public
def service_worker():
    body = render_template(
        "pwa/sw.js",
        version=current_app.config["STATIC_VERSION"],
        static_prefix=current_app.static_url_path + "/",
        precache=[url_for("static", filename=name) for name in PRECACHED_STATIC],
        queue_script=url_for("static", filename="js/queue.js"),
        offline_url=url_for("pwa.offline"),
        offline_list_url=url_for("my_account.offline_pages"),
        verifier_urls=[url_for(endpoint) for endpoint in VERIFIER_ENDPOINTS],
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    # Served from the root so it may control every page; always checked for a new version.
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
@public
def offline():
    return render("pwa/offline.html")
