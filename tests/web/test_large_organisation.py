"""The large-organisation generator (`flask generate-organisation`), at a size a test can afford."""
from sqlalchemy import func, select

from tests.conftest import FROZEN_NOW
from webapp.extensions import db
from webapp.models import Certification, Company, Submission, User
from webapp.models.people import supervisor_links
from webapp.rules import Status
from webapp.services.compliance import load_requirements, tracking_policy
from webapp.services.demo import load_demo_organisation
from webapp.services.large_organisation import _certification_settings, plan_person

DAY = FROZEN_NOW.date()


def _unsaved(settings: dict) -> Certification:
    """A certification as it is once flushed: the columns' defaults filled in."""
    defaults = {column.key: column.default.arg for column in Certification.__table__.columns
                if column.default is not None and column.default.is_scalar}
    return Certification(**{**defaults, **settings})


def _policies():
    return [(tracking_policy(_unsaved(settings)), bool(settings.get("allow_upcoming")))
            for _, settings in _certification_settings()]


def test_a_person_is_planned_the_same_from_the_same_seed_and_differently_from_another():
    policies = _policies()
    assert plan_person(7, 1, DAY, policies) == plan_person(7, 1, DAY, policies)
    assert plan_person(7, 1, DAY, policies) != plan_person(7, 2, DAY, policies)
    assert plan_person(7, 1, DAY, policies) != plan_person(8, 1, DAY, policies)


def test_the_command_adds_60_people_beside_the_demo_in_every_status(app, app_context, frozen_clock, monkeypatch):
    monkeypatch.setattr("webapp.cli.schema_problem", lambda: None)  # the tests' schema is made without Alembic
    load_demo_organisation(DAY)
    demo_people = db.session.scalar(select(func.count()).select_from(User))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["generate-organisation", "--people", "60", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "Generated 60 people in 1 companies" in result.output
    generated = list(db.session.scalars(select(User).where(User.username.like("large%")).order_by(User.username)))
    assert len(generated) == 60
    assert db.session.scalar(select(func.count()).select_from(User)) == demo_people + 60
    assert db.session.scalar(select(User.id).where(User.username == "ada")) is not None
    assert db.session.scalar(select(func.count()).select_from(supervisor_links).where(
        supervisor_links.c.supervisor_id == generated[0].id)) == 19

    requirements = load_requirements([u.id for u in generated], DAY)
    per_person = [len(rows) for rows in requirements.values()]
    assert min(per_person) >= 25 and max(per_person) <= 30
    statuses = {r.status.status for rows in requirements.values() for r in rows}
    assert statuses == set(Status)
    assert any(r.status.pending for rows in requirements.values() for r in rows)
    assert db.session.scalar(select(func.count()).select_from(Submission).where(Submission.status == "declined"))

    again = runner.invoke(args=["generate-organisation", "--people", "60", "--seed", "5"])
    assert again.exit_code != 0 and "already" in again.output
    assert db.session.scalar(select(func.count()).select_from(Company).where(Company.name.like("Large%"))) == 1


def test_the_written_records_are_the_planned_ones(app, app_context, frozen_clock, monkeypatch):
    monkeypatch.setattr("webapp.cli.schema_problem", lambda: None)
    assert app.test_cli_runner().invoke(args=["generate-organisation", "--people", "3", "--seed", "9"]).exit_code == 0
    person = db.session.scalar(select(User).where(User.username == "large00002"))
    plan = plan_person(2, 9, DAY, _policies())
    names = dict(db.session.execute(select(Certification.id, Certification.name)).all())
    written = sorted(
        (names[s.certification_id], s.completed_on, s.expires_on, s.status)
        for s in db.session.scalars(select(Submission).where(Submission.user_id == person.id))
    )
    settings = _certification_settings()
    assert written == sorted((settings[c][0], completed, expires, status)
                             for c, completed, expires, status, _, _ in plan.records)
