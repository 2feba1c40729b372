"""The QR credential in public: the key set and revocation list verifiers cache, and the verifier page."""
from flask import Blueprint, jsonify, request

from webapp.htmx import render
from webapp.models.base import utcnow
from webapp.rules.status import Status
from webapp.security import public
from webapp.services.credentials import check_credential, published_keys, revocation_list

bp = Blueprint("credentials", __name__)


def _published(body: dict):
    response = jsonify(body)
    # Anyone may keep a copy, but must ask again when online: a revocation must reach them.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/fieldcert-keys.json")
@public
def keys():
    return _published(published_keys())


@bp.get("/.well-known/fieldcert-revocations.json")
@public
def revocations():
    return _published(revocation_list(utcnow()))


@bp.get("/verify")
@public
def verify():
    """The verifier: its script checks codes in the browser, offline too; a code sent without the
    script (or to this address) is checked here, with the same rule."""
    code = request.args.get("code", "").strip()
    verification = check_credential(code, utcnow()) if code else None
    return render("credentials/verify.html", code=code, verification=verification,
                  statuses={status.value: status for status in Status})
