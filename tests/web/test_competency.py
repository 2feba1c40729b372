"""Competency certificates (issue 19, part 7): recorded for a person in a role with competency settings,
shown on the person's page and the QR report as the settings allow, with notices at the lead time."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import AuditEntry, CompetencyCertificate, ModuleLevel, Notice
from webapp.services.competency import record_competency_certificate
from webapp.services.notices import queue_scheduled_notices


def _role(factory, **settings):
    return factory.role(name="Crane Operator", require_competency=True, competency_expires=True,
                        competency_duration_amount=2, competency_duration_unit="years",
                        competency_lead_time_amount=1, competency_lead_time_unit="months", **settings)


@pytest.fixture
def crew(factory, sign_in, frozen_clock):
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    worker = factory.user(supervisors=[supervisor], first_name="Carl", last_name="Crane", email="carl@example.test")
    role = _role(factory)
    factory.assign(worker, role)
    sign_in(supervisor)
    return supervisor, worker, role


def _record(client, csrf, worker, role, **fields):
    return client.post(f"/people/{worker.id}/competency/{role.id}",
                       data={"csrf_token": csrf(), "completed_on": "06/01/2026", **fields})


def test_a_supervisor_records_a_competency_certificate_shown_on_the_persons_page(client, csrf, crew):
    supervisor, worker, role = crew
    page = client.get(f"/people/{worker.id}/certifications").get_data(as_text=True)
    assert "Role Competency" in page and "Nothing on File" in page
    form = client.get(f"/people/{worker.id}/competency/{role.id}").get_data(as_text=True)
    assert "New Competency Certificate for Carl Crane" in form and "expires 2 years after" in form
    response = _record(client, csrf, worker, role, notes="Assessed on the site crane by Sam")
    assert response.status_code == 302
    certificate = db.session.scalar(select(CompetencyCertificate))
    assert (certificate.completed_on, certificate.expires_on) == (date(2026, 6, 1), date(2028, 6, 1))
    assert certificate.recorded_by_id == supervisor.id
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "competency.record"))
    page = client.get(response.location).get_data(as_text=True)
    assert "Competency in Crane Operator is recorded for Carl Crane." in page
    assert "06/01/2026" in page and "06/01/2028" in page and "status-valid" in page.split("Role Competency")[1]


@pytest.mark.parametrize("fields, message", [
    ({"completed_on": ""}, "Enter the date competency was assessed."),
    ({"completed_on": "06/16/2026"}, "The completion date cannot be after today (06/15/2026)."),
    ({"notes": "x" * 2001}, "Field cannot be longer than 2000 characters."),
])
def test_bad_input_is_refused_and_nothing_is_stored(client, csrf, crew, fields, message):
    _, worker, role = crew
    response = _record(client, csrf, worker, role, **fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CompetencyCertificate)) == 0


def test_a_role_without_competency_or_not_held_is_not_found(client, csrf, factory, crew):
    _, worker, _ = crew
    plain = factory.role(name="Rigger")
    factory.assign(worker, plain)
    other = factory.role(name="Welder", require_competency=True)
    assert client.get(f"/people/{worker.id}/competency/{plain.id}").status_code == 404
    assert _record(client, csrf, worker, other).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(CompetencyCertificate)) == 0


def test_the_service_refuses_a_role_that_does_not_require_competency(factory, crew):
    supervisor, worker, _ = crew
    plain = factory.role(name="Rigger")
    with pytest.raises(ValueError, match="Rigger does not require competency of Carl Crane"):
        record_competency_certificate(worker, plain, supervisor, date(2026, 6, 1), None, today())


def test_the_qr_report_shows_competency_unless_hidden_from_qr_reports(client, factory, crew):
    supervisor, worker, role = crew
    record_competency_certificate(worker, role, supervisor, date(2026, 6, 1), None, today())
    page = client.get(f"/r/{worker.qr_token}").get_data(as_text=True)
    assert "Role Competency" in page and "06/01/2028" in page
    role.hide_competency_from_qr_reports = True
    db.session.commit()
    assert "Role Competency" not in client.get(f"/r/{worker.qr_token}").get_data(as_text=True)


def test_competency_hidden_from_every_level_of_the_reader_is_not_shown(client, factory, crew):
    supervisor, worker, role = crew
    role.competency_hidden_from_levels = list(supervisor.module_levels)
    db.session.commit()
    assert "Role Competency" not in client.get(f"/people/{worker.id}/certifications").get_data(as_text=True)
    role.competency_hidden_from_levels = [db.session.scalar(select(ModuleLevel).where(ModuleLevel.name == "Employee"))]
    db.session.commit()
    assert "Role Competency" in client.get(f"/people/{worker.id}/certifications").get_data(as_text=True)


def test_the_lead_time_notice_counts_from_the_latest_certificate(factory, crew, frozen_clock):
    supervisor, worker, role = crew
    record_competency_certificate(worker, role, supervisor, date(2024, 7, 20), None, today())
    frozen_clock.move_to(datetime.fromisoformat("2026-06-19T09:00:00+00:00"))
    assert queue_scheduled_notices(today()).queued == 0
    frozen_clock.move_to(datetime.fromisoformat("2026-06-20T09:00:00+00:00"))
    assert queue_scheduled_notices(today()).queued == 1
    notice = db.session.scalar(select(Notice).where(Notice.kind == "competency"))
    assert notice.expiration_date == date(2026, 7, 20) and notice.recipient_email == "carl@example.test"
