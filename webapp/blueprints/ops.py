"""What a load balancer or orchestrator asks: is the process alive (`/healthz`), can it serve (`/readyz`).

Both are public and say only "ok" or "unavailable" per check: the reasons go to the log, never to the caller.
"""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.errors import schema_problem
from webapp.extensions import db
from webapp.security import public
from webapp.services.storage import StorageUnavailable, check_store

bp = Blueprint("ops", __name__)

OK, UNAVAILABLE = "ok", "unavailable"


@bp.get("/healthz")
@public
def healthz():
    """The process answers. Nothing else is checked, so a database outage does not get every worker restarted."""
    return jsonify(status=OK)


def _database() -> str:
    """A query answers now; the schema is checked until this process has once found it at head."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.error("Not ready: the database does not answer: %s", error)
        return UNAVAILABLE
    problem = None if current_app.extensions.get("fieldcert_schema_checked") else schema_problem()
    if problem:
        current_app.logger.error("Not ready: %s", problem)
    return UNAVAILABLE if problem else OK


def _storage() -> str:
    try:
        check_store()
    except (StorageUnavailable, OSError) as error:
        current_app.logger.error("Not ready: %s", error)
        return UNAVAILABLE
    return OK


@bp.get("/readyz")
@public
def readyz():
    """The database answers and is migrated to this release's schema, and the file store can be written."""
    checks = {"database": _database(), "storage": _storage()}
    ready = all(state == OK for state in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503
