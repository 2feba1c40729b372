"""The app's frame: migrations match the models, every route states its access, errors never crash."""
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from webapp import create_app
from webapp.extensions import db
from webapp.models import Submission, User
from webapp.services.demo import load_demo_organisation


# SQLite cannot reflect an index on expressions (group names by folder); PostgreSQL compares it.
def test_migrations_build_the_schema_the_models_describe(database_url, tmp_path):
    """Upgrade an empty database to head, then find no drift between models and migrations."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    else:
        url = database_url.rsplit("/", 1)[0] + "/" + database_url.rsplit("/", 1)[1] + "_migrations"
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        name = url.rsplit("/", 1)[1]
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_unmigrated_database_gets_a_clear_page_not_a_crash(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/auth/login")
    assert response.status_code == 503
    assert "flask db upgrade" in response.get_data(as_text=True)


def test_every_route_states_who_may_reach_it(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "access", None), f"{rule.endpoint} does not say who may reach it"


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "There is nothing at this address" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/auth/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_request_gets_only_the_content_block(client):
    full = client.get("/auth/login").get_data(as_text=True)
    fragment = client.get("/auth/login", headers={"HX-Request": "true"}).get_data(as_text=True)
    boosted = client.get("/auth/login", headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in full and "<html" not in fragment and "Sign in" in fragment
    assert "<html" in boosted


def test_templates_have_no_inline_scripts_or_styles(app):
    loader = app.jinja_env.loader
    for name in loader.list_templates():
        source = loader.get_source(app.jinja_env, name)[0]
        assert "<script>" not in source and " style=" not in source and " onclick=" not in source, name


@pytest.mark.parametrize("level, sees, hidden", [
    ("Employee", ["Your certifications"], ["Pending approvals", "Organisation"]),
    ("Supervisor", ["Pending approvals"], ["Organisation"]),
    ("Administrator", ["Organisation", "Pending approvals"], []),
])
def test_home_page_per_level(client, sign_in, factory, frozen_clock, level, sees, hidden):
    sign_in(factory.user(level))
    page = client.get("/").get_data(as_text=True)
    for text_ in sees:
        assert text_ in page
    for text_ in hidden:
        assert text_ not in page


def test_home_counts_the_submissions_each_approver_may_approve(client, sign_in, factory, frozen_clock):
    supervisor = factory.user("Supervisor")
    team, other = factory.user(supervisors=[supervisor]), factory.user()
    first_aid, hidden = factory.certification(name="First Aid"), factory.certification(name="Medical")
    hidden.hidden_from_levels = [factory.levels["Supervisor"]]
    for person, certification in ((team, first_aid), (team, hidden), (other, first_aid), (supervisor, first_aid)):
        factory.record(person, certification, date(2026, 6, 1), status="pending")
    sign_in(supervisor)
    assert ">1</strong> submission waiting for your approval." in client.get("/").get_data(as_text=True)
    sign_in(factory.user("Administrator"))
    assert ">4</strong> submissions waiting for your approval." in client.get("/").get_data(as_text=True)


def test_employee_home_counts_outstanding_requirements(client, sign_in, factory, frozen_clock):
    company = factory.company()
    first_aid = factory.yearly_certification(name="First Aid")
    induction = factory.certification(name="Site Induction")
    role = factory.role(first_aid, induction, companies=[company])
    user = factory.user(company=company)
    factory.assign(user, role)
    factory.record(user, induction, date(2026, 1, 5))
    sign_in(user)
    page = client.get("/").get_data(as_text=True)
    assert "<strong>1</strong> outstanding requirement." in page
    assert "Nothing on File" in page and "Valid" in page


def test_demo_organisation_loads_once_with_every_status(app_context, frozen_clock):
    assert load_demo_organisation(date(2026, 6, 15)) is True
    users = db.session.scalar(select(func.count(User.id)))
    assert users >= 40
    assert load_demo_organisation(date(2026, 6, 15)) is False
    assert db.session.scalar(select(func.count(User.id))) == users
    assert db.session.scalar(select(func.count(Submission.id)).where(Submission.status == "pending")) > 0
