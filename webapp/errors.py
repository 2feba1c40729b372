"""Error pages, a clear page instead of a crash when the database is not migrated, and a 503 when
the upload folder cannot take files."""
import time

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import HTTPException

from webapp.extensions import db, limiter
from webapp.htmx import is_htmx, render
from webapp.i18n import remember_organisation_default
from webapp.services.storage import StorageUnavailable

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page. Ask an administrator if you need it.")),
    404: (_l("Not found"), _l("There is nothing at this address. It may have been moved or deleted.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("The upload is larger than allowed. Choose a smaller file.")),
    429: (_l("Too many attempts"), _l("This was tried too often. Wait a while, then try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened; nothing was changed. Try again.")),
}

STORAGE_UNAVAILABLE = _l("The server cannot store files right now, so nothing was saved. "
                         "Try again later, and tell an administrator if it keeps happening.")


def schema_problem() -> str | None:
    """Why the database cannot serve the app, or None when it is migrated to head."""
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except (OperationalError, ProgrammingError) as error:
        return f"The database cannot be reached ({error.orig})."
    if current != heads:
        return "The database is not migrated to the current schema. Run `flask db upgrade`, then reload."
    return None


def _error_page(code: int, message: str | None = None):
    title, text = MESSAGES[code]
    return render("errors/error.html", block="content", status=code, title=title, message=message or text, code=code)


def _wait_text() -> str:
    """How long until the limit that refused this request lets it through again."""
    current = limiter.current_limit
    if current is None:
        return _("a while")
    minutes = max(round((current.reset_at - time.time()) / 60), 1)
    if minutes < 90:
        return ngettext("a minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d hour", "%(num)d hours", round(minutes / 60))


def _own_message(error: HTTPException) -> str | None:
    """The message an `abort(code, message)` gave, None for the code's stock one."""
    return error.description if error.description != type(error).description else None


def init_errors(app: Flask) -> None:
    for code in MESSAGES:
        if code != 500:
            app.register_error_handler(code, lambda error, code=code: _error_page(code, _own_message(error)))

    @app.errorhandler(500)
    def server_error(error):
        # A failed statement leaves the session refusing every query (PendingRollbackError) until it is
        # rolled back, and the error page needs it for the navigation.
        db.session.rollback()
        return _error_page(500)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(ObjectDeletedError)
    def deleted_meanwhile(error):
        # Someone deleted the row between this request loading it and saving it.
        db.session.rollback()
        return _error_page(404, _("Someone deleted this while you were working on it; nothing was saved."))

    @app.errorhandler(RateLimitExceeded)
    def too_many(error):
        response = _error_page(429, _("This was tried too often. Nothing was done: wait %(wait)s, then try again.",
                                      wait=_wait_text()))
        if is_htmx():
            # Whatever part of the page the request meant to replace, the message replaces the page's content.
            response.headers["HX-Retarget"] = "#main"
            response.headers["HX-Reswap"] = "innerHTML"
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return _error_page(400, _("This form has expired or was sent from elsewhere. Reload the page and try again."))

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(error):
        # Rows that would have pointed at the missing file must not be saved by a later commit.
        db.session.rollback()
        app.logger.error("Upload refused: %s", error)
        return render("errors/error.html", block="content", status=503, title=_("Files cannot be saved"),
                      message=STORAGE_UNAVAILABLE, code=503)

    @app.before_request
    def refuse_unmigrated_database():
        # The readiness check looks for itself; the liveness check must not depend on the database.
        if app.extensions.get("fieldcert_schema_checked") or request.endpoint in ("static", "ops.healthz", "ops.readyz"):
            return None
        problem = schema_problem()
        if problem:
            app.logger.error(problem)
            # The settings table may not be there either: the browser's language decides.
            remember_organisation_default("")
            return render("errors/error.html", status=503, title=_("Not ready"), message=problem, code=503)
        app.extensions["fieldcert_schema_checked"] = True
        return None

