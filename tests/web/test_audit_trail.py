"""The audit trail page: every entry the reader may read, filtered, paged and exported (issue 19, part 3)."""
import csv
import io
import html
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, ModuleLevel
from webapp.services.audit import record_audit
from webapp.services.revocations import revoke_record

HX = {"HX-Request": "true"}


@pytest.fixture
def trail(app, factory, frozen_clock):
    """(administrator, supervisor, supervised worker, other worker, forklift, the worker's record); the record
    is revoked by the supervisor and the other worker's account is changed by the administrator."""
    admin = factory.user("Administrator", first_name="Ada", last_name="Admin")
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    worker = factory.user(supervisors=[supervisor], first_name="Wanda", last_name="Worker", username="wanda")
    other = factory.user(first_name="Oscar", last_name="Other", username="oscar")
    forklift = factory.yearly_certification(name="Forklift")
    record = factory.record(worker, forklift, date(2026, 1, 10))
    with app.test_request_context():
        revoke_record(record, supervisor, "=HYPERLINK(\"http://evil.example\")")
        record_audit(admin, "user.edit", other, "Edited the account of Oscar Other",
                     before={"job_title": "Rigger"}, after={"job_title": "Welder"})
        db.session.commit()
    return admin, supervisor, worker, other, forklift, record


def _page(client, **query):
    response = client.get("/audit/", query_string=query)
    return response, response.get_data(as_text=True)


def test_an_administrator_reads_who_what_when_before_and_after(client, sign_in, trail):
    admin, *_ = trail
    sign_in(admin)
    response, page = _page(client)
    assert response.status_code == 200
    assert "Revoked Forklift completed 01/10/2026 of Wanda Worker" in page and "Sam Boss" in page
    assert "record.revoke" in page and "06/15/2026" in page
    assert "Edited the account of Oscar Other" in page and "<del>Rigger</del>" in page and "<ins>Welder</ins>" in page


def test_the_filters_narrow_the_trail(client, sign_in, trail):
    admin, supervisor, worker, other, _, record = trail
    sign_in(admin)
    assert "Oscar" not in _page(client, person="wanda")[1] and "Wanda Worker" in _page(client, person="wanda")[1]
    assert "Revoked Forklift" not in _page(client, person_id=other.id)[1]
    assert "Revoked Forklift" in _page(client, actor="sam boss")[1]
    assert "Edited the account" not in _page(client, actor="sam boss")[1]
    assert "Edited the account" not in _page(client, action="record.revoke")[1]
    on_record = _page(client, object_type="Submission", object_id=record.id)[1]
    assert "Revoked Forklift" in on_record and "Edited the account" not in on_record
    assert "Revoked Forklift" in _page(client, date_from="2026-06-15", date_to="06/15/2026")[1]
    assert "No entries match." in _page(client, date_from="2026-06-16")[1]
    assert "No entries match." in _page(client, date_to="2026-06-14")[1]


def test_bad_filters_are_refused_with_a_message(client, sign_in, trail):
    sign_in(trail[0])
    response, page = _page(client, date_from="13/45/2026")
    assert response.status_code == 422 and "has-error" in page
    response, page = _page(client, object_id="x'; drop table users")
    assert response.status_code == 422 and "Enter the object's number." in html.unescape(page)
    assert _page(client, action="no.such.action")[0].status_code == 422
    assert client.get("/audit/export.csv?date_to=yesterday").status_code == 422
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "audit.export")) == 0


def test_the_trail_is_paged_newest_first(client, sign_in, factory, trail):
    admin, *_ = trail
    for n in range(55):
        record_audit(admin, "settings.change", None, f"Change number {n:02d}")
    db.session.commit()
    sign_in(admin)
    first = _page(client, action="settings.change")[1]
    assert "Change number 54" in first and "Change number 05" in first and "Change number 04" not in first
    second = _page(client, action="settings.change", page=2)[1]
    assert "Change number 04" in second and "Change number 00" in second and "Older entries" not in second
    assert "Newer entries" in second


def test_a_supervisor_with_view_audit_log_sees_only_entries_about_their_people(client, sign_in, factory, trail):
    admin, supervisor, worker, other, forklift, _ = trail
    level = ModuleLevel(name="Auditor")
    level.permissions = {"view_audit_log"}
    db.session.add(level)
    supervisor.module_levels = [*supervisor.module_levels, level]
    db.session.commit()
    sign_in(supervisor)
    _, page = _page(client)
    assert "Revoked Forklift" in page and "Oscar Other" not in page
    assert "Edited the account" not in _page(client, person_id=other.id)[1]
    forklift.hidden_from_levels = [factory.levels["Supervisor"], level]
    db.session.commit()
    assert "Revoked Forklift" not in _page(client)[1]


def test_nobody_without_the_permission_reaches_the_trail(client, sign_in, trail):
    _, supervisor, worker, *_ = trail
    sign_in(supervisor)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert "Audit Trail" not in client.get(f"/people/{worker.id}/certifications").get_data(as_text=True)


def test_the_csv_export_is_neutralised_and_audited(client, sign_in, trail):
    admin, *_ = trail
    sign_in(admin)
    response = client.get("/audit/export.csv", query_string={"action": "record.revoke"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0][:3] == ["When (UTC)", "Actor", "Action"] and len(rows) == 2
    assert rows[1][1:3] == ["Sam Boss", "record.revoke"] and rows[1][5] == "Wanda Worker"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in rows[1])
    assert "HYPERLINK" in rows[1][7 + 1]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.export"))
    assert entry.actor_id == admin.id and entry.after == {"filters": {"action": "record.revoke"}}


def test_a_person_and_a_record_link_to_their_own_trail(client, sign_in, trail):
    admin, _, worker, _, forklift, record = trail
    sign_in(admin)
    assert f"/audit/?person_id={worker.id}" in client.get(f"/people/{worker.id}/certifications").get_data(as_text=True)
    history = client.get(f"/people/{worker.id}/history/{forklift.id}").get_data(as_text=True)
    assert f"/audit/?object_type=Submission&amp;object_id={record.id}" in history


def test_the_page_runs_a_fixed_number_of_queries(client, sign_in, factory, count_queries, trail):
    admin, *_ = trail
    sign_in(admin)
    with count_queries() as few:
        assert client.get("/audit/").status_code == 200
    for n in range(12):
        person = factory.user(last_name=f"Person{n}")
        record_audit(factory.user(last_name=f"Actor{n}"), "user.edit", person, f"Edited {n}")
    db.session.commit()
    with count_queries() as many:
        assert client.get("/audit/").status_code == 200
    assert len(few) == len(many)


def test_entries_record_the_person_and_certification_they_are_about(trail):
    _, _, worker, other, forklift, record = trail
    revoked = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.revoke"))
    assert (revoked.subject_user_id, revoked.certification_id) == (worker.id, forklift.id)
    edited = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.edit"))
    assert (edited.subject_user_id, edited.certification_id) == (other.id, None)
    assert revoked.at == datetime(2026, 6, 15, 9, tzinfo=timezone.utc)


@pytest.mark.parametrize("language, revoked", [
    ("es", "Revocó Forklift completada el 10/01/2026 de Wanda Worker: "),
    ("fr", "A révoqué Forklift obtenue le 10/01/2026 de Wanda Worker : "),
])
def test_stored_summaries_are_shown_in_the_reader_s_language(client, sign_in, trail, language, revoked):
    """A summary written from one of the fixed messages reads in the reader's language, its parts as written;
    any other stays as written (decision 103). The stored text and the CSV keep the English."""
    admin, *_ = trail
    admin.language = language
    db.session.commit()
    sign_in(admin)
    _response, page = _page(client)
    assert html.escape(revoked) in page and "Revoked Forklift" not in page
    assert "Edited the account of Oscar Other" in page  # no message writes it: shown as written
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.summary.like("Revoked Forklift completed 01/10/2026 of Wanda Worker:%"))) == 1
