"""Competency certificates' files and verdicts (issue 19, part 7; decision 63): files uploaded with a New
Competency Certificate, downloaded as the role's competency privacy allows, on the person's page, the QR
report and shared reports; a role that requires competency is cleared only with a current certificate."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from webapp.clock import today
from webapp.extensions import db
from webapp.models import CompetencyCertificate, CompetencyFile, SharedReport, StoredFile
from webapp.services.competency import record_competency_certificate

PDF = b"%PDF-1.4 assessed on the site crane"


def _upload(data=PDF, name="assessment.pdf"):
    return FileStorage(io.BytesIO(data), name)


@pytest.fixture
def crew(factory, sign_in, frozen_clock):
    """Carl holds Crane Operator, which requires First Aid and competency for 2 years, warned a month before;
    his First Aid is valid. Sam supervises him and is signed in."""
    company = factory.company(name="Acme")
    first_aid = factory.yearly_certification(name="First Aid")
    role = factory.role(first_aid, companies=[company], name="Crane Operator", require_competency=True,
                        competency_expires=True, competency_duration_amount=2, competency_duration_unit="years",
                        competency_lead_time_amount=1, competency_lead_time_unit="months")
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss", company=company)
    worker = factory.user(supervisors=[supervisor], first_name="Carl", last_name="Crane", company=company)
    factory.assign(worker, role)
    factory.record(worker, first_aid, date(2026, 1, 10))
    sign_in(supervisor)
    return supervisor, worker, role


def _certify(supervisor, worker, role, completed_on=date(2026, 6, 1)):
    return record_competency_certificate(worker, role, supervisor, completed_on, None, today(), files=[_upload()])


def test_files_recorded_with_the_certificate_are_listed_and_downloaded_from_the_persons_page(client, csrf, crew):
    _, worker, role = crew
    form = client.get(f"/people/{worker.id}/competency/{role.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "Certificate files" in form
    response = client.post(f"/people/{worker.id}/competency/{role.id}", data={
        "csrf_token": csrf(), "completed_on": "06/01/2026", "files": [_upload(), _upload(b"\x89PNG\r\n\x1a\nxx", "back.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    files = db.session.scalars(select(CompetencyFile).order_by(CompetencyFile.id)).all()
    assert [f.name for f in files] == ["assessment.pdf", "back.png"]
    page = client.get(f"/people/{worker.id}/certifications").get_data(as_text=True)
    assert f"/files/competency/{files[0].id}" in page and "assessment.pdf" in page
    download = client.get(f"/files/competency/{files[0].id}")
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("data, name, message", [
    (b"", "empty.pdf", "empty.pdf is empty."),
    (b"MZ\x90\x00 not a document", "tool.exe", "tool.exe is not a type we accept"),
])
def test_a_refused_file_stores_nothing(client, csrf, crew, data, name, message):
    _, worker, role = crew
    response = client.post(f"/people/{worker.id}/competency/{role.id}", data={
        "csrf_token": csrf(), "completed_on": "06/01/2026", "files": [_upload(data, name)]},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert db.session.scalar(select(func.count()).select_from(CompetencyCertificate)) == 0
    assert db.session.scalar(select(func.count()).select_from(CompetencyFile)) == 0


def test_a_file_over_the_upload_limit_is_refused(app, client, csrf, crew, monkeypatch):
    _, worker, role = crew
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)  # the app is shared by every test of the worker
    response = client.post(f"/people/{worker.id}/competency/{role.id}", data={
        "csrf_token": csrf(), "completed_on": "06/01/2026", "files": [_upload(PDF + b"x" * (1024 * 1024), "big.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code in (413, 422) and db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_only_those_who_may_view_the_holder_and_see_the_competency_download_its_files(client, factory, sign_in, crew):
    supervisor, worker, role = crew
    file = _certify(supervisor, worker, role).files[0]
    url = f"/files/competency/{file.id}"
    sign_in(worker)
    assert client.get(url).status_code == 200  # the holder
    sign_in(factory.user())
    assert client.get(url).status_code == 404  # someone else's
    sign_in(factory.user("Supervisor"))
    assert client.get(url).status_code == 404  # supervises others
    sign_in(supervisor)
    role.competency_hidden_from_levels = list(supervisor.module_levels)
    db.session.commit()
    assert client.get(url).status_code == 404
    assert "assessment.pdf" not in client.get(f"/people/{worker.id}/certifications").get_data(as_text=True)
    assert client.get("/files/competency/999999").status_code == 404


def test_the_qr_report_offers_the_files_unless_competency_is_hidden_from_qr_reports(client, crew):
    supervisor, worker, role = crew
    file = _certify(supervisor, worker, role).files[0]
    url = f"/r/{worker.qr_token}/competency-files/{file.id}"
    assert url in client.get(f"/r/{worker.qr_token}").get_data(as_text=True)
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF and "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/r/not-a-token/competency-files/{file.id}").status_code == 404
    role.hide_competency_from_qr_reports = True
    db.session.commit()
    assert client.get(url).status_code == 404


def _shared(client, supervisor, worker, role):
    report = SharedReport(title="Crane crew", created_by=supervisor, users=[worker])
    db.session.add(report)
    db.session.commit()
    return report.token


def test_shared_reports_show_competency_and_its_files_as_shared_report_privacy_allows(client, crew):
    supervisor, worker, role = crew
    file = _certify(supervisor, worker, role).files[0]
    token = _shared(client, supervisor, worker, role)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    competency = page.split("Role Competency")[1]
    assert "Crane Operator" in competency and "06/01/2026" in competency and "06/01/2028" in competency
    url = f"/s/{token}/competency-files/{file.id}"
    assert url in competency and client.get(url).data == PDF
    role.hide_competency_from_shared_reports = True
    db.session.commit()
    assert "Role Competency" not in client.get(f"/s/{token}").get_data(as_text=True)
    assert client.get(url).status_code == 404


def test_a_shared_report_follows_its_creators_competency_privacy(client, crew):
    supervisor, worker, role = crew
    file = _certify(supervisor, worker, role).files[0]
    token = _shared(client, supervisor, worker, role)
    role.competency_hidden_from_levels = list(supervisor.module_levels)
    db.session.commit()
    assert "Role Competency" not in client.get(f"/s/{token}").get_data(as_text=True)
    assert client.get(f"/s/{token}/competency-files/{file.id}").status_code == 404


def test_the_shared_report_with_competency_reads_a_fixed_number_of_queries(client, factory, count_queries, crew):
    supervisor, worker, role = crew
    _certify(supervisor, worker, role)
    report = SharedReport(title="Crane crew", created_by=supervisor, roles=[role])
    db.session.add(report)
    db.session.commit()

    def count():
        with count_queries() as queries:
            assert client.get(f"/s/{report.token}").status_code == 200
        return len(queries)

    two = count()
    for i in range(10):
        person = factory.user(supervisors=[supervisor], last_name=f"Extra{i:02d}", company=worker.company)
        factory.assign(person, role)
        _certify(supervisor, person, role)
    assert count() == two


def _verdict(client, worker) -> str:
    page = client.get(f"/r/{worker.qr_token}").get_data(as_text=True)
    return page[page.index('class="verdicts"'):page.index("</ul>", page.index('class="verdicts"'))]


def test_a_role_that_requires_competency_is_not_cleared_without_a_current_certificate(client, frozen_clock, crew):
    supervisor, worker, role = crew
    verdict = _verdict(client, worker)
    assert "Not cleared for Crane Operator" in verdict
    assert "<strong>Competency in Crane Operator</strong> nothing on file" in verdict
    record_competency_certificate(worker, role, supervisor, date(2024, 6, 1), None, today())
    assert "<strong>Competency in Crane Operator</strong> expired 06/01/2026" in _verdict(client, worker)
    _certify(supervisor, worker, role, date(2024, 6, 20))  # due: within the lead time, still clears
    assert "Cleared for Crane Operator" in _verdict(client, worker)
    assert "Not cleared" not in _verdict(client, worker)


def test_the_persons_qr_page_gives_the_same_verdict(client, sign_in, crew):
    _, worker, _ = crew
    sign_in(worker)
    page = client.get("/qr/").get_data(as_text=True)
    assert "Not cleared for Crane Operator" in page and "Competency in Crane Operator" in page


def test_competency_hidden_from_qr_reports_still_counts_but_is_not_named(client, crew):
    _, worker, role = crew
    role.hide_competency_from_qr_reports = True
    db.session.commit()
    verdict = _verdict(client, worker)
    assert "Not cleared for Crane Operator" in verdict and "Competency in" not in verdict
    assert "1 more requirement not shown on this report" in verdict


def test_the_service_refuses_files_before_storing_anything(factory, crew):
    supervisor, worker, role = crew
    with pytest.raises(ValueError, match="empty.pdf is empty"):
        record_competency_certificate(worker, role, supervisor, date(2026, 6, 1), None, today(),
                                      files=[_upload(b"", "empty.pdf")])
    assert db.session.scalar(select(func.count()).select_from(CompetencyCertificate)) == 0
