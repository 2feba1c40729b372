"""FieldCert: the application factory."""
import os
from pathlib import Path

from flask import Flask
from jinja2 import StrictUndefined, Undefined
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import cli, errors, security
from webapp.bounds import init_bounds
from webapp.blueprints import (
    activities,
    activity_admin,
    audit,
    auth,
    certifications,
    companies,
    credentials,
    data,
    files,
    home,
    my_account,
    notices,
    ops,
    people,
    public,
    pwa,
    qr,
    reports,
    roles,
    settings,
    submissions,
)
from webapp.config import CONFIGS, check_production_config, check_sign_in_config, database_url_for, https_settings
from webapp.extensions import csrf, db, limiter, login_manager, migrate
from webapp.htmx import init_htmx
from webapp.i18n import init_i18n
from webapp.logs import init_logging
from webapp.navigation import init_navigation
from webapp.scheduler import init_scheduler
from webapp.services.page_cache import init_page_cache
from webapp.template_tests import init_template_tests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = (
    auth.bp,
    home.bp,
    my_account.bp,
    files.bp,
    submissions.bp,
    people.bp,
    certifications.bp,
    roles.bp,
    companies.bp,
    settings.bp,
    reports.bp,
    qr.bp,
    public.bp,
    pwa.bp,
    notices.bp,
    activities.bp,
    activity_admin.bp,
    credentials.bp,
    audit.bp,
    ops.bp,
    data.bp,
)


class FalsyStrictUndefined(StrictUndefined):
    """Undefined that fails when printed, iterated or looked into, but is false and equal to
    nothing: templates test optional variables that way (`{% if errors %}`, `invalid_id == user.id`)."""

    __eq__, __ne__, __hash__ = Undefined.__eq__, Undefined.__ne__, Undefined.__hash__

    def __bool__(self) -> bool:
        return False


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("FIELDCERT_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    config_name = config_name or os.environ.get("FIELDCERT_CONFIG", "development")
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    if config_name == "production":
        check_production_config(app.config)
    check_sign_in_config(app.config)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    if app.config["HTTPS"]:
        app.config.update(https_settings())
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config.get("SQLALCHEMY_DATABASE_URI") or database_url_for(
        app.instance_path
    )
    app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"] or os.path.join(app.instance_path, "files")
    # Room for several files of the per-file limit plus the form around them.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024 * 5

    if app.testing:
        # A variable a view forgot fails the test that renders it, not quietly as an empty string.
        app.jinja_env.undefined = FalsyStrictUndefined
    init_logging(app)  # first: every later before_request may log, with the request's id
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    init_bounds(app)
    init_i18n(app, PROJECT_ROOT / "translations")
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    security.init_security(app)
    init_htmx(app)
    init_page_cache(app, (PROJECT_ROOT / "webapp", PROJECT_ROOT / "templates"))
    init_navigation(app)
    init_template_tests(app)
    errors.init_errors(app)
    cli.init_cli(app)
    init_scheduler(app)
    return app
