"""Assets, clients and job locations in the matrix and on the Reports page: the Type filter (decision 75)."""
import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEntry, Notice, ScheduledReport
from webapp.services.mail import _attached_files
from webapp.services.reports import CSV_HEADER
from webapp.services.scheduled_reports import send_scheduled_reports
from webapp.services.storage import file_path


@pytest.fixture
def cranes(factory, frozen_clock):
    """Two assets with an inspection each: one due (expires 07/01/2026), one nothing on file."""
    inspection = factory.yearly_certification(name="Crane Inspection", type="asset")
    factory.yearly_certification(name="First Aid")  # an employee certification: never an asset column
    owner = factory.user("Supervisor", username="sam")
    tower = factory.entity("asset", name="Tower Crane", identifier="TC-01", owner=owner)
    mobile = factory.entity("asset", name="Mobile Crane", identifier="MC-02")
    factory.entity_record(factory.associate(tower, inspection), date(2025, 7, 1))
    factory.associate(mobile, inspection)
    return inspection, tower, mobile, owner


def test_the_matrix_shows_assets_by_their_certifications(client, factory, sign_in, cranes):
    inspection, tower, mobile, _ = cranes
    sign_in(factory.user("Administrator"))
    page = client.get("/reports/matrix?type=asset").get_data(as_text=True)
    assert '<th scope="col" class="matrix-corner">Asset</th>' in page
    assert "Crane Inspection" in page and "First Aid" not in page
    assert f'href="/assets/{tower.id}">Tower Crane</a>' in page
    assert "Tower Crane, Crane Inspection: Due" in page and "Mobile Crane, Crane Inspection: Nothing on File" in page
    expanded = client.get("/reports/matrix?type=asset&view=expanded").get_data(as_text=True)
    assert "07/01/2026" in expanded
    only_due = client.get("/reports/matrix?type=asset&status=due").get_data(as_text=True)
    assert "Tower Crane" in only_due and "Mobile Crane" not in only_due
    people = client.get("/reports/matrix").get_data(as_text=True)
    assert "First Aid" in people and "Crane Inspection" not in people


def test_the_reports_page_lists_assets_statuses(client, factory, sign_in, cranes):
    inspection, tower, mobile, _ = cranes
    sign_in(factory.user("Administrator"))
    page = client.get("/reports/?type=asset").get_data(as_text=True)
    assert "2 requirements shown for assets 1 to 2 of 2." in page
    row = page[page.index("Tower Crane"):]
    assert "TC-01" in row[:row.index("</tr>")] and "Due" in row[:row.index("</tr>")]
    lapsed = client.get("/reports/?type=asset&status=lapsed").get_data(as_text=True)
    assert "Mobile Crane" in lapsed and "Tower Crane</a>" not in lapsed
    assert "/reports/export.csv?type=asset" in page and "Export all" not in page  # its own CSV has the assets (decision 97)


def test_who_does_not_manage_certifications_sees_only_their_own_entities(client, sign_in, cranes):
    _, tower, mobile, owner = cranes
    sign_in(owner)
    page = client.get("/reports/?type=asset").get_data(as_text=True)
    assert "Tower Crane" in page and "Mobile Crane" not in page
    matrix = client.get("/reports/matrix?type=asset").get_data(as_text=True)
    assert "Tower Crane" in matrix and "Mobile Crane" not in matrix


def test_the_reports_csv_has_the_entity_rows_in_the_same_columns(client, factory, sign_in, cranes):
    """Decision 97: the entity's name where a person's last name is, its identifier where the username is."""
    inspection, tower, mobile, owner = cranes
    sign_in(factory.user("Administrator"))
    response = client.get("/reports/export.csv?type=asset")
    assert response.status_code == 200 and "assets-report-filtered.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [str(h) for h in CSV_HEADER]
    assert rows[1:] == [
        ["Mobile Crane", "", "MC-02", "", "Crane Inspection", "Association", "Nothing on File", "No", "", "", ""],
        ["Tower Crane", "", "TC-01", "", "Crane Inspection", "Association", "Due", "No", "07/01/2025", "07/01/2026", "16"],
    ]
    lapsed = client.get("/reports/export.csv?type=asset&status=lapsed").get_data(as_text=True)
    assert "Mobile Crane" in lapsed and "Tower Crane" not in lapsed
    assert "Exported the filtered report as CSV (2 assets)" in db.session.scalars(
        select(AuditEntry.summary).where(AuditEntry.action == "report.export")).all()
    # Its responsible user exports only their own.
    sign_in(owner)
    own = client.get("/reports/export.csv?type=asset").get_data(as_text=True)
    assert "Tower Crane" in own and "Mobile Crane" not in own


def test_a_scheduled_report_of_assets_sends_their_rows_to_who_may_see_them(client, csrf, factory, sign_in, cranes):
    inspection, tower, mobile, owner = cranes
    admin = factory.user("Administrator", last_name="Admin")
    sign_in(admin)
    form = client.get("/reports/scheduled/new").get_data(as_text=True)
    assert 'name="type"' in form
    response = client.post("/reports/scheduled/new", data={
        "csrf_token": csrf(), "title": "Cranes", "frequency": "weekly", "type": "asset", "status": "",
        "within_days": "30", "recipients": [admin.id, owner.id]})
    assert response.status_code == 302
    report = db.session.scalar(select(ScheduledReport))
    assert report.filters["type"] == "asset"
    assert 'selected value="asset"' in client.get(f"/reports/scheduled/{report.id}/edit").get_data(as_text=True)
    assert send_scheduled_reports(date(2026, 6, 15)).sent == 1
    mails = {notice.recipient_user_id: notice for notice in db.session.scalars(
        select(Notice).where(Notice.kind == "scheduled_report"))}
    admins = _csv(mails[admin.id])
    assert "Tower Crane,,TC-01" in admins and "Mobile Crane,,MC-02" in admins
    owners = _csv(mails[owner.id])
    assert "Tower Crane,,TC-01" in owners and "Mobile Crane" not in owners


def _csv(notice) -> str:
    [(name, stored)] = _attached_files(notice.attachment_ids)
    return file_path(stored).read_text()


def test_an_unknown_type_is_employees(client, factory, sign_in, cranes):
    sign_in(factory.user("Administrator"))
    for url in ("/reports/?type=ship", "/reports/matrix?type=ship"):
        response = client.get(url)
        assert response.status_code == 200 and "Tower Crane" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/reports/?type=client", "/reports/matrix?type=client"])
def test_entity_rows_load_in_a_fixed_number_of_queries(client, factory, sign_in, frozen_clock, count_queries, url):
    sign_in(factory.user("Administrator"))
    licence = factory.yearly_certification(name="Client Licence", type="client")

    def add(n):
        for _ in range(n):
            factory.entity_record(factory.associate(factory.entity("client"), licence), date(2026, 1, 1))

    def queries():
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    add(2)
    two = queries()
    add(10)
    assert queries() == two
