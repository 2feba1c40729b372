"""The matrix: statuses, filters, reach, privacy, paging, cell details and a fixed query count."""
import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import Factory
from webapp.extensions import db
from webapp.models import Attachment, CertificationGroup, Notice, SharedReport, StoredFile, User
from webapp.services.compliance import load_user_requirements
from webapp.services.demo import load_demo_organisation
from webapp.services.mail import build_message, deliver_notices
from webapp.services.privacy import hidden_certification_ids
from webapp.services.reports import PAGE_SIZE, REPORT_PAGE_PEOPLE, matrix_page_size
from webapp.services.sessions import start_session
from webapp.services.storage import file_path


def _org(factory, n=2):
    company = factory.company(name="Acme Field")
    first_aid = factory.yearly_certification(name="First Aid")
    forklift = factory.yearly_certification(name="Forklift")
    role = factory.role(first_aid, forklift, companies=[company], name="Rigger")
    users = []
    for i in range(n):
        user = factory.user(company=company, last_name=f"Worker{i:03d}")
        factory.assign(user, role)
        factory.record(user, first_aid, date(2026, 1, 10))
        users.append(user)
    return company, role, first_aid, forklift, users


def test_matrix_shows_status_cells_with_text(client, factory, sign_in, frozen_clock):
    _, _, first_aid, forklift, users = _org(factory)
    sign_in(factory.user("Administrator", last_name="Admin"))
    page = client.get("/reports/matrix?view=expanded").get_data(as_text=True)
    assert "Worker000" in page and "Worker001" in page
    assert "status-valid" in page and "01/10/2027" in page
    assert "status-missing" in page and "Nothing on File" in page
    assert f"/reports/matrix/{users[0].id}/{forklift.id}" in page
    assert "style=" not in page


def test_matrix_opens_collapsed_and_toggles_to_expanded_keeping_filters(client, factory, sign_in, frozen_clock):
    company, _, _, _, users = _org(factory)
    sign_in(factory.user("Administrator", last_name="Admin"))
    collapsed = client.get(f"/reports/matrix?company={company.id}").get_data(as_text=True)
    assert "matrix-collapsed" in collapsed and "01/10/2027" not in collapsed
    assert f'aria-label="{users[0].full_name}, First Aid: Valid"' in collapsed and 'title="Valid"' in collapsed
    assert "Expand view" in collapsed and "view=expanded" in collapsed and f"company={company.id}" in collapsed
    assert '<input type="hidden" name="view" value="collapsed">' in collapsed
    expanded = client.get(f"/reports/matrix?company={company.id}&view=expanded").get_data(as_text=True)
    assert "matrix-expanded" in expanded and "01/10/2027" in expanded and "Collapse view" in expanded
    assert '<input type="hidden" name="view" value="expanded">' in expanded
    bogus = client.get("/reports/matrix?view=sideways")
    assert bogus.status_code == 200 and "matrix-collapsed" in bogus.get_data(as_text=True)


def test_supervisor_sees_only_supervised_and_employee_is_refused(client, factory, sign_in, frozen_clock):
    _, _, _, _, users = _org(factory)
    boss = factory.user("Supervisor", last_name="Boss")
    mine = factory.user(supervisors=[boss], last_name="Mine")
    sign_in(boss)
    page = client.get("/reports/matrix").get_data(as_text=True)
    assert "Mine" in page and "Worker000" not in page
    cert = factory.yearly_certification(name="Crane")
    factory.require(mine, cert)
    assert client.get(f"/reports/matrix/{mine.id}/{cert.id}").status_code == 200
    assert client.get(f"/reports/matrix/{users[0].id}/{cert.id}").status_code == 404
    sign_in(factory.user())
    assert client.get("/reports/matrix").status_code == 403


def test_filters_by_status_company_and_hidden(client, factory, sign_in, frozen_clock):
    _, _, first_aid, _, users = _org(factory)
    other = factory.company(name="Other Co")
    outsider = factory.user(company=other, last_name="Outsider")
    factory.require(outsider, first_aid)
    factory.record(outsider, first_aid, date(2026, 1, 10))
    hidden = factory.user(company=other, last_name="Ghost", hidden=True)
    factory.require(hidden, first_aid)
    sign_in(factory.user("Administrator", last_name="Admin"))
    page = client.get("/reports/matrix?status=missing").get_data(as_text=True)
    assert "Worker000" in page and "Outsider" not in page
    page = client.get(f"/reports/matrix?company={other.id}").get_data(as_text=True)
    assert "Outsider" in page and "Worker000" not in page and "Ghost" not in page
    page = client.get(f"/reports/matrix?company={other.id}&include_hidden=y").get_data(as_text=True)
    assert "Ghost" in page
    assert client.get("/reports/matrix?company=nonsense&status=bogus").status_code == 200


def test_certification_hidden_from_viewer_levels_is_not_a_column(client, factory, sign_in, frozen_clock):
    _, _, _, _, users = _org(factory)
    boss = factory.user("Supervisor", last_name="Boss")
    secret = factory.yearly_certification(name="Secret Clearance")
    secret.hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    worker = factory.user(supervisors=[boss], last_name="Mine")
    factory.require(worker, secret)
    sign_in(boss)
    assert "Secret Clearance" not in client.get("/reports/matrix").get_data(as_text=True)
    assert client.get(f"/reports/matrix/{worker.id}/{secret.id}").status_code == 404


def test_cell_details_modal(client, factory, sign_in, frozen_clock):
    _, _, first_aid, _, users = _org(factory)
    submission = factory.record(users[0], first_aid, date(2026, 2, 1))
    db.session.add(Attachment(kind="link", submission=submission, name="card-scan", url="https://example.test/c"))
    db.session.commit()
    sign_in(factory.user("Administrator"))
    response = client.get(f"/reports/matrix/{users[0].id}/{first_aid.id}", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert "Certification Details" in page and "First Aid" in page
    assert "02/01/2026" in page and "02/01/2027" in page and "card-scan" in page
    assert "<html" not in page
    assert ("Record Certification" in page) == ("people.record" in client.application.view_functions)


def test_matrix_pages_progressively(client, factory, sign_in, frozen_clock):
    _org(factory, n=PAGE_SIZE + 3)
    sign_in(factory.user("Administrator", last_name="Admin"))
    first = client.get("/reports/matrix").get_data(as_text=True)
    assert first.count('<th scope="row">') == PAGE_SIZE
    assert 'hx-trigger="revealed"' in first and "page=2" in first
    second = client.get("/reports/matrix?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert second.count('<th scope="row">') == 4  # 3 workers and the admin
    assert "<html" not in second and 'hx-trigger="revealed"' not in second


@pytest.mark.parametrize(("columns", "rows"), [(0, 50), (2, 50), (19, 50), (20, 50), (21, 47), (59, 16), (100, 10), (500, 10)])
def test_a_matrix_page_holds_about_a_thousand_cells(columns, rows):
    assert matrix_page_size(columns) == rows


def test_many_certifications_give_fewer_rows_a_page_and_the_rest_on_scrolling(client, factory, sign_in, frozen_clock):
    """Decision 82: 40 columns, 1000 // 40 = 25 people a page; the next page brings the rest."""
    _, _, first_aid, forklift, users = _org(factory, n=30)
    for i in range(38):
        factory.yearly_certification(name=f"Extra {i:02d}")
    sign_in(factory.user("Administrator", last_name="Admin"))
    first = client.get("/reports/matrix").get_data(as_text=True)
    assert first.count('<th scope="row">') == 25 and first.count('class="cell ') == 25 * 40
    assert 'hx-trigger="revealed"' in first and "page=2" in first
    second = client.get("/reports/matrix?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert second.count('<th scope="row">') == 6  # the last 5 workers and the admin
    assert 'hx-trigger="revealed"' not in second


def test_matrix_loads_in_fixed_number_of_queries(client, factory, sign_in, count_queries, frozen_clock):
    sign_in(factory.user("Administrator", last_name="Admin"))
    _org(factory, n=2)
    with count_queries() as few:
        assert client.get("/reports/matrix").status_code == 200
    for i in range(8):
        extra = factory.user(company=None, last_name=f"Extra{i}")
        factory.require(extra, factory.yearly_certification())
    with count_queries() as many:
        assert client.get("/reports/matrix").status_code == 200
    assert len(few) == len(many)


def _status_org(factory):
    company = factory.company(name="Acme")
    valid = factory.yearly_certification(name="Valid Cert")
    expiring = factory.yearly_certification(name="Soon Cert")
    missing = factory.yearly_certification(name="=Missing Cert")
    role = factory.role(valid, expiring, missing, companies=[company], name="Rigger")
    worker = factory.user(company=company, last_name="Worker")
    factory.assign(worker, role)
    factory.record(worker, valid, date(2026, 1, 10))
    factory.record(worker, expiring, date(2025, 6, 20))  # expires 06/20/2026: overdue on 06/15
    hidden = factory.user(company=company, last_name="Ghost", hidden=True)
    factory.require(hidden, missing)
    return worker, hidden


def test_report_status_filters(client, factory, sign_in, frozen_clock):
    _status_org(factory)
    sign_in(factory.user("Administrator", last_name="Admin"))
    page = client.get("/reports/").get_data(as_text=True)
    assert "<td>Valid Cert</td>" in page and "<td>Soon Cert</td>" in page
    assert "Ghost" in page  # hidden users stay in module-wide reports
    page = client.get("/reports/?status=missing").get_data(as_text=True)
    assert "<td>=Missing Cert</td>" in page and "<td>Valid Cert</td>" not in page and "<td>Soon Cert</td>" not in page
    page = client.get("/reports/?status=expiring&within_days=10").get_data(as_text=True)
    assert "<td>Soon Cert</td>" in page and "<td>Valid Cert</td>" not in page
    page = client.get("/reports/?status=active").get_data(as_text=True)
    assert "<td>Valid Cert</td>" in page and "<td>Soon Cert</td>" not in page
    assert client.get("/reports/?status=bogus&within_days=x&company=zz").status_code == 200


def test_report_csv_exports_filtered_and_all(client, factory, sign_in, frozen_clock):
    _status_org(factory)
    sign_in(factory.user("Administrator", last_name="Admin"))
    filtered = client.get("/reports/export.csv?status=missing")
    assert filtered.mimetype == "text/csv" and "attachment" in filtered.headers["Content-Disposition"]
    rows = filtered.get_data(as_text=True).splitlines()
    assert rows[0].lstrip("\ufeff").startswith("Last Name,First Name") and len(rows) == 3  # header + 2 missing rows
    assert "'=Missing Cert" in rows[1]  # never a spreadsheet formula
    everything = client.get("/reports/export.csv?all=1&status=missing").get_data(as_text=True).splitlines()
    assert len(everything) == 5  # header, the worker's 3 requirements and Ghost's 1


def test_report_refused_without_permission_and_scoped_for_supervisor(client, factory, sign_in, frozen_clock):
    worker, _ = _status_org(factory)
    sign_in(factory.user())
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/export.csv").status_code == 403
    sign_in(factory.user("Supervisor"))
    page = client.get("/reports/").get_data(as_text=True)
    assert worker.sort_name not in page and "0 requirements shown" in page


def test_report_fixed_number_of_queries(client, factory, sign_in, count_queries, frozen_clock):
    sign_in(factory.user("Administrator", last_name="Admin"))
    _status_org(factory)
    with count_queries() as few:
        client.get("/reports/")
    for i in range(6):
        extra = factory.user(company=factory.company(), last_name=f"Extra{i}")
        factory.require(extra, factory.yearly_certification())
    with count_queries() as many:
        client.get("/reports/")
    assert len(few) == len(many)


def _shared_setup(factory):
    company = factory.company(name="Acme")
    shown = factory.yearly_certification(name="First Aid")
    secret = factory.yearly_certification(name="Secret Clearance", hide_from_shared_reports=True)
    role = factory.role(shown, secret, companies=[company], name="Rigger")
    worker = factory.user(company=company, last_name="Worker")
    factory.assign(worker, role)
    factory.record(worker, shown, date(2026, 1, 10))
    return role, worker, shown


def test_create_share_email_and_delete_shared_report(client, factory, sign_in, csrf, frozen_clock):
    role, worker, _ = _shared_setup(factory)
    worker.supervisors = [sign_in(factory.user("Supervisor", last_name="Boss"))]
    db.session.commit()
    response = client.post("/reports/shared", data={"title": "For the client", "roles": [role.id], "csrf_token": csrf()})
    assert response.status_code == 302
    report = db.session.scalar(db.select(SharedReport))
    public = client.get(f"/s/{report.token}")
    page = public.get_data(as_text=True)
    assert public.headers["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in public.headers["Cache-Control"]
    assert "Worker" in page and "First Aid" in page and "01/10/2027" in page
    assert "Secret Clearance" not in page
    sent = client.post(f"/reports/shared/{report.id}", data={
        "emails": "client@example.test, boss@example.test", "message": "See attached", "csrf_token": csrf()},
        follow_redirects=True).get_data(as_text=True)
    assert "You successfully shared this report with client@example.test, boss@example.test." in sent
    notices = db.session.scalars(db.select(Notice).where(Notice.kind == "shared_report")).all()
    assert sorted(n.recipient_email for n in notices) == ["boss@example.test", "client@example.test"]
    assert f"/s/{report.token}" in notices[0].body_text
    listing = client.get("/reports/shared").get_data(as_text=True)
    assert "For the client" in listing and "Are you sure you want to delete this report?" in listing
    assert client.post(f"/reports/shared/{report.id}/delete", data={"csrf_token": csrf()}).status_code == 302
    assert "This report is no longer available" in client.get(f"/s/{report.token}").get_data(as_text=True)


def test_shared_report_bad_input_and_other_peoples_reports(client, factory, sign_in, csrf, frozen_clock):
    role, worker, _ = _shared_setup(factory)
    sign_in(factory.user("Supervisor"))
    response = client.post("/reports/shared", data={"title": "", "csrf_token": csrf()})
    assert response.status_code == 422 and db.session.scalar(db.select(SharedReport)) is None
    # a user out of reach cannot be chosen
    assert client.post("/reports/shared", data={"title": "x", "users": [worker.id], "csrf_token": csrf()}).status_code == 422
    client.post("/reports/shared", data={"title": "Mine", "roles": [role.id], "csrf_token": csrf()})
    report = db.session.scalar(db.select(SharedReport))
    bad = client.post(f"/reports/shared/{report.id}", data={"emails": "nope, a@b.test", "csrf_token": csrf()})
    assert bad.status_code == 422 and "Not a valid e-mail address: nope" in bad.get_data(as_text=True)
    assert db.session.scalar(db.select(Notice)) is None
    sign_in(factory.user("Supervisor"))
    assert client.get(f"/reports/shared/{report.id}").status_code == 404
    assert client.post(f"/reports/shared/{report.id}/delete", data={"csrf_token": csrf()}).status_code == 404
    sign_in(factory.user())
    assert client.get("/reports/shared").status_code == 403


def test_public_shared_report_fixed_number_of_queries(client, factory, count_queries, frozen_clock):
    role, worker, shown = _shared_setup(factory)
    report = SharedReport(title="Client", roles=[role], created_by=factory.user("Administrator"))
    db.session.add(report)
    db.session.commit()
    with count_queries() as few:
        assert client.get(f"/s/{report.token}").status_code == 200
    for i in range(6):
        extra = factory.user(company=worker.company, last_name=f"Extra{i}")
        factory.assign(extra, role)
        factory.record(extra, shown, date(2026, 2, 1))
    with count_queries() as many:
        assert client.get(f"/s/{report.token}").status_code == 200
    assert len(few) == len(many)


def test_share_by_email_with_attachments(client, factory, sign_in, csrf, frozen_clock):
    role, _, _ = _shared_setup(factory)
    sign_in(factory.user("Supervisor", last_name="Boss"))
    client.post("/reports/shared", data={"title": "For the client", "roles": [role.id], "csrf_token": csrf()})
    report = db.session.scalar(db.select(SharedReport))
    form = client.get(f"/reports/shared/{report.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form
    sent = client.post(f"/reports/shared/{report.id}", data={
        "emails": "client@example.test,site@example.test", "message": "Site induction pack", "csrf_token": csrf(),
        "files": [(io.BytesIO(b"%PDF-1.4 induction"), "induction.pdf"), (io.BytesIO(b"\x89PNG\r\n\x1a\nmap"), "map.png")],
    }, content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "You successfully shared this report with client@example.test, site@example.test." in sent
    notices = db.session.scalars(db.select(Notice).where(Notice.kind == "shared_report")).all()
    assert len(notices) == 2
    for notice in notices:
        assert [entry["name"] for entry in notice.attachment_ids] == ["induction.pdf", "map.png"]
        assert "Site induction pack" in notice.body_text and "induction.pdf, map.png" in notice.body_text
        stored = [db.session.get(StoredFile, entry["stored_file_id"]) for entry in notice.attachment_ids]
        assert file_path(stored[0]).read_bytes() == b"%PDF-1.4 induction"
        message = build_message(notice)
        assert [(part.get_filename(), part.get_content()) for part in message.iter_attachments()] == [
            ("induction.pdf", b"%PDF-1.4 induction"), ("map.png", b"\x89PNG\r\n\x1a\nmap")]


def test_share_by_email_refuses_a_bad_attachment_and_queues_nothing(client, factory, sign_in, csrf, frozen_clock):
    role, _, _ = _shared_setup(factory)
    sign_in(factory.user("Supervisor", last_name="Boss"))
    client.post("/reports/shared", data={"title": "For the client", "roles": [role.id], "csrf_token": csrf()})
    report = db.session.scalar(db.select(SharedReport))
    response = client.post(f"/reports/shared/{report.id}", data={
        "emails": "client@example.test", "csrf_token": csrf(),
        "files": [(io.BytesIO(b"MZ\x90\x00 not a document"), "tool.exe")],
    }, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "tool.exe is not a type we accept" in page
    assert "You successfully shared" not in page and db.session.scalar(db.select(Notice)) is None


def _shared_with_attachment(factory, **privacy):
    company = factory.company(name="Acme")
    cert = factory.yearly_certification(name="Crane", **privacy)
    role = factory.role(cert, companies=[company], name="Rigger")
    worker = factory.user(company=company, last_name="Worker")
    factory.assign(worker, role)
    record = factory.record(worker, cert, date(2026, 1, 10))
    administrator = factory.user("Administrator")
    attachment = Attachment(kind="link", submission=record, name="crane-ticket.pdf", url="https://files.example.test/c")
    report = SharedReport(title="Client", roles=[role], created_by=administrator)
    db.session.add_all([attachment, report])
    db.session.commit()
    return report, attachment


def test_public_shared_report_shows_and_serves_visible_attachments(client, factory, frozen_clock):
    report, attachment = _shared_with_attachment(factory)
    page = client.get(f"/s/{report.token}").get_data(as_text=True)
    assert "crane-ticket.pdf" in page and f"/s/{report.token}/attachments/{attachment.id}" in page
    response = client.get(f"/s/{report.token}/attachments/{attachment.id}")
    assert response.status_code == 200 and "Location" not in response.headers
    assert 'href="https://files.example.test/c" rel="noopener noreferrer nofollow">Open the link' in response.get_data(
        as_text=True)
    assert client.get(f"/s/not-the-token/attachments/{attachment.id}").status_code == 404


def test_a_shared_report_serves_nobody_elses_attachments(client, factory, frozen_clock):
    report, attachment = _shared_with_attachment(factory)
    outsider = factory.user(last_name="Outsider")
    other = Attachment(kind="link", submission=factory.record(outsider, attachment.submission.certification,
                                                                date(2026, 1, 10)),
                       name="outsider.pdf", url="https://files.example.test/o")
    db.session.add(other)
    db.session.commit()
    assert client.get(f"/s/{report.token}/attachments/{other.id}").status_code == 404
    assert client.get(f"/s/{report.token}/attachments/{attachment.id}").status_code == 200


def test_attachments_hidden_from_shared_reports_are_absent(client, factory, frozen_clock):
    report, attachment = _shared_with_attachment(factory, hide_attachments_from_shared_reports=True)
    page = client.get(f"/s/{report.token}").get_data(as_text=True)
    assert "Crane" in page and "01/10/2027" in page and "crane-ticket" not in page
    assert client.get(f"/s/{report.token}/attachments/{attachment.id}").status_code == 404


def test_certification_hidden_from_shared_reports_hides_its_attachments(client, factory, frozen_clock):
    report, attachment = _shared_with_attachment(factory, hide_from_shared_reports=True)
    page = client.get(f"/s/{report.token}").get_data(as_text=True)
    assert "Crane" not in page and "crane-ticket" not in page
    assert client.get(f"/s/{report.token}/attachments/{attachment.id}").status_code == 404


def test_hidden_from_qr_reports_still_shows_on_shared_report(client, factory, frozen_clock):
    report, _ = _shared_with_attachment(factory, hide_from_qr_reports=True, hide_attachments_from_qr_reports=True)
    page = client.get(f"/s/{report.token}").get_data(as_text=True)
    assert "Crane" in page and "crane-ticket.pdf" in page


def test_filter_pages_show_no_error_without_filters_or_with_stale_options(client, factory, sign_in, frozen_clock):
    sign_in(factory.user("Administrator"))
    for url in ("/reports/matrix", "/reports/", "/reports/matrix?status=bogus&company=999999", "/reports/?status=x&role=abc"):
        response = client.get(url)
        assert response.status_code == 200 and "Not a valid choice" not in response.get_data(as_text=True), url
    typed = client.get("/reports/?status=expiring&within_days=-5").get_data(as_text=True)
    assert "Number must be between 0 and 3650" in typed


def test_group_filter_includes_nested_groups(client, factory, sign_in, frozen_clock):
    safety = CertificationGroup(name="Safety")
    height = CertificationGroup(name="Working at Height", parent=safety)
    other = CertificationGroup(name="Plant")
    db.session.add_all([safety, height, other])
    db.session.commit()
    worker = factory.user(last_name="Worker")
    for name, group in (("First Aid", safety), ("Harness", height), ("Forklift", other)):
        factory.require(worker, factory.yearly_certification(name=name, group=group))
    sign_in(factory.user("Administrator"))
    page = client.get(f"/reports/matrix?group={safety.id}").get_data(as_text=True)
    assert "First Aid" in page and "Harness" in page and "Forklift" not in page
    page = client.get(f"/reports/matrix?group={height.id}").get_data(as_text=True)
    assert "Harness" in page and "First Aid" not in page


def test_pages_render_as_htmx_fragments(client, factory, sign_in, frozen_clock):
    role, worker, _ = _shared_setup(factory)
    admin = sign_in(factory.user("Administrator"))
    report = SharedReport(title="Client", roles=[role], created_by_id=admin.id)
    db.session.add(report)
    db.session.commit()
    for url in ("/reports/matrix", "/reports/matrix?view=expanded", "/reports/", "/reports/shared",
                f"/reports/shared/{report.id}", "/reports/calendar", f"/qr/{worker.id}", f"/s/{report.token}",
                f"/r/{worker.qr_token}", "/c/unknown-token"):
        response = client.get(url, headers={"HX-Request": "true"})
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 404) and "<html" not in page and "<h1" in page, url


def test_shared_report_title_with_a_line_break_is_refused(client, factory, sign_in, csrf, frozen_clock):
    role, *_ = _shared_setup(factory)
    sign_in(factory.user("Supervisor"))
    response = client.post("/reports/shared", data={"title": "Q2\r\nBcc: all@example.test", "roles": [role.id],
                                                    "csrf_token": csrf()})
    assert response.status_code == 422
    assert "Write the report title on one line, without line breaks or tabs." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(SharedReport)) is None


def test_a_shared_report_link_is_sent_but_never_shown_on_sent_mail_nor_kept_once_sent(
        client, factory, sign_in, csrf, smtp, frozen_clock):
    role, *_ = _shared_setup(factory)
    sign_in(factory.user("Administrator"))
    client.post("/reports/shared", data={"title": "For the client", "roles": [role.id], "csrf_token": csrf()})
    report = db.session.scalar(db.select(SharedReport))
    client.post(f"/reports/shared/{report.id}", data={"emails": "client@example.test", "csrf_token": csrf()})
    notice = db.session.scalar(db.select(Notice).where(Notice.kind == "shared_report"))
    queued = client.get(f"/notices/sent-mail/{notice.id}").get_data(as_text=True)
    assert report.token not in queued and "[link removed]" in queued
    deliver_notices()
    [received] = smtp.to("client@example.test")
    assert f"/s/{report.token}" in received.get_body(("plain",)).get_content()
    assert f"/s/{report.token}" in received.get_body(("html",)).get_content()
    db.session.expire_all()
    sent = db.session.get(Notice, notice.id)
    assert sent.status == "sent" and report.token not in sent.body_text + sent.body_html
    assert report.token not in client.get(f"/notices/sent-mail/{notice.id}").get_data(as_text=True)


def test_report_pages_people_in_sql_and_keeps_the_filters_in_its_links(client, factory, sign_in, frozen_clock):
    _company, _role, _first_aid, _forklift, users = _org(factory, n=REPORT_PAGE_PEOPLE + 2)
    sign_in(factory.user("Administrator", last_name="Zz Admin"))
    first = client.get("/reports/?status=missing").get_data(as_text=True)
    # Each worker's Forklift is missing; the admin (last) requires nothing.
    assert first.count("<td>Forklift</td>") == REPORT_PAGE_PEOPLE
    assert f"people 1 to {REPORT_PAGE_PEOPLE} of {REPORT_PAGE_PEOPLE + 3}" in first
    assert "Page 1 of 2." in first and 'rel="next" href="/reports/?page=2&amp;status=missing"' in first
    assert 'rel="prev"' not in first
    second = client.get("/reports/?status=missing&page=2").get_data(as_text=True)
    assert second.count("<td>Forklift</td>") == 2 and users[-1].sort_name in second
    assert 'rel="prev" href="/reports/?page=1&amp;status=missing"' in second and 'rel="next"' not in second
    assert client.get("/reports/?status=missing&page=99").get_data(as_text=True).count("<td>Forklift</td>") == 2


def test_report_role_filter_pages_only_the_role_holders(client, factory, sign_in, frozen_clock):
    company, role, _first_aid, _forklift, users = _org(factory, n=3)
    factory.user(company=company, last_name="Roleless")
    sign_in(factory.user("Administrator", last_name="Admin"))
    page = client.get(f"/reports/?role={role.id}").get_data(as_text=True)
    assert "for people 1 to 3 of 3." in page and "Roleless" not in page


def test_report_export_is_streamed_in_chunks_with_every_row(client, factory, sign_in, frozen_clock, monkeypatch,
                                                             count_queries):
    monkeypatch.setattr("webapp.services.reports.EXPORT_CHUNK", 2)
    _org(factory, n=5)
    sign_in(factory.user("Administrator", last_name="Admin"))
    with count_queries() as few:
        response = client.get("/reports/export.csv?all=1")
        assert response.is_streamed
        rows = response.get_data(as_text=True).splitlines()
    assert len(rows) == 1 + 5 * 2 and rows[1].startswith("Worker000,Test,")
    assert [row.split(",")[0] for row in rows[1::2]] == [f"Worker{i:03d}" for i in range(5)]
    for i in range(2):
        factory.user(company=None, last_name=f"Zz Extra{i}")
    with count_queries() as more:
        client.get("/reports/export.csv?all=1").get_data()
    # Two more people are one more chunk: a fixed number of queries a chunk, never one a person.
    assert len(few) < len(more) <= len(few) + 3  # a chunk: its people, and load_requirements' two queries


def test_filter_choices_read_supervisors_as_names_not_whole_users(client, factory, sign_in, frozen_clock,
                                                                  count_queries):
    company, *_ = _org(factory, n=1)
    boss = factory.user("Supervisor", company=company, first_name="Bo", last_name="Boss")
    factory.user(company=company, supervisors=[boss])
    sign_in(factory.user("Administrator", last_name="Admin"))
    with count_queries() as queries:
        page = client.get("/reports/matrix").get_data(as_text=True)
    assert f'<option value="{boss.id}">Boss, Bo</option>' in page
    supervisor_reads = [q for q in queries if "supervisor_links" in q and "users.email" in q]
    assert supervisor_reads == []


def test_the_streamed_export_of_the_whole_demo_matches_the_rules_person_by_person(client, app_context, sign_in, frozen_clock,
                                                                                 monkeypatch):
    monkeypatch.setattr("webapp.services.reports.EXPORT_CHUNK", 7)  # many chunks, one of them partial
    load_demo_organisation(date(2026, 6, 15))
    ada = db.session.scalar(select(User).where(User.username == "ada"))
    sign_in(ada)
    exported = list(csv.reader(io.StringIO(client.get("/reports/export.csv?all=1").get_data(as_text=True))))[1:]
    hidden = hidden_certification_ids(ada)
    expected = []
    for user in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.last_name, User.first_name, User.id)):
        for requirement in load_user_requirements(user, date(2026, 6, 15)):
            if requirement.certification.id not in hidden:
                expected.append([user.username, requirement.certification.name.lstrip("=+-@"),
                                 requirement.status.status.label, "Yes" if requirement.status.pending else "No"])
    assert len(expected) > 200 and len({row[2] for row in expected}) >= 8
    assert [[row[2], row[4].lstrip("'=+-@"), row[6], row[7]] for row in exported] == expected


def test_the_export_streams_after_the_requests_own_session_is_gone(app, client, frozen_clock):
    """A server tears the request's app context down before sending a streamed body: the export must
    not need the signed-in user's session by then (no outer app context here, unlike most tests)."""
    with app.app_context():
        factory = Factory()
        _org(factory, n=3)
        admin = factory.user("Administrator", last_name="Admin")
        db.session.commit()
        keys = start_session(admin, address="127.0.0.1", user_agent="pytest", remember=False)
    with client.session_transaction() as session:
        session["_user_id"] = keys.key
        session["_fresh"] = True
    response = client.get("/reports/export.csv?all=1")
    assert response.status_code == 200
    assert len(response.get_data(as_text=True).splitlines()) == 1 + 3 * 2
