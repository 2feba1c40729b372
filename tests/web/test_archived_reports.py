"""Reports list the records of archived certifications on request (decision 64): off by default, each
person's latest record labelled Archived, in the CSV export too, never as a requirement."""
import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Submission
from webapp.services.archive import archive_item
from webapp.services.revocations import revoke_record


@pytest.fixture
def archived_org(factory, frozen_clock):
    """Ann holds First Aid (in use) and two records of Forklift, which was archived since."""
    admin = factory.user("Administrator", last_name="Admin")
    first_aid = factory.yearly_certification(name="First Aid")
    forklift = factory.yearly_certification(name="Forklift")
    worker = factory.user(last_name="Ann")
    factory.require(worker, first_aid)
    factory.require(worker, forklift)
    factory.record(worker, first_aid, date(2026, 1, 10))
    factory.record(worker, forklift, date(2025, 3, 1))
    factory.record(worker, forklift, date(2026, 2, 1))
    archive_item(admin, forklift)
    return admin, worker, first_aid, forklift


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_archived_certifications_are_left_out_unless_asked_for(client, sign_in, archived_org):
    admin, worker, _, _ = archived_org
    sign_in(admin)
    page = client.get("/reports/").get_data(as_text=True)
    assert "<td>First Aid</td>" in page and "<td>Forklift</td>" not in page
    assert "Include archived certifications" in page
    page = client.get("/reports/?include_archived=y").get_data(as_text=True)
    row = page.split("<td>Forklift</td>")[1].split("</tr>")[0]
    assert "status-archived" in row and "Archived" in row and "02/01/2026" in row and "02/01/2027" in row
    assert "03/01/2025" not in page  # the latest record only
    assert "<td>First Aid</td>" in page


def test_the_export_labels_archived_rows(client, sign_in, archived_org):
    admin, _, _, _ = archived_org
    sign_in(admin)
    rows = _rows(client.get("/reports/export.csv?include_archived=y"))
    archived = [row for row in rows if row[4] == "Forklift"]
    assert archived == [["Ann", "Test", archived[0][2], "", "Forklift", "", "Archived", "No", "02/01/2026", "02/01/2027", ""]]
    assert [row[4] for row in _rows(client.get("/reports/export.csv"))[1:]] == ["First Aid"]


def test_a_status_or_role_filter_leaves_archived_rows_out_and_the_certification_filter_finds_them(
        client, sign_in, archived_org):
    admin, _, first_aid, forklift = archived_org
    sign_in(admin)
    assert "<td>Forklift</td>" not in client.get("/reports/?include_archived=y&status=valid").get_data(as_text=True)
    page = client.get(f"/reports/?include_archived=y&certification={forklift.id}").get_data(as_text=True)
    assert "<td>Forklift</td>" in page and "<td>First Aid</td>" not in page
    assert "Forklift (archived)</option>" in page


def test_a_revoked_latest_record_says_so(client, sign_in, archived_org):
    admin, worker, _, forklift = archived_org
    latest = db.session.scalar(select(Submission).where(Submission.certification_id == forklift.id)
                               .order_by(Submission.completed_on.desc()).limit(1))
    revoke_record(latest, admin, "Forged card")
    sign_in(admin)
    rows = _rows(client.get("/reports/export.csv?include_archived=y"))
    assert [row[6] for row in rows if row[4] == "Forklift"] == ["Archived, revoked"]


def test_privacy_hides_archived_certifications_as_it_hides_the_others(client, factory, sign_in, archived_org):
    _, _, _, forklift = archived_org
    boss = sign_in(factory.user("Administrator", last_name="Boss"))
    forklift.hidden_from_levels = list(boss.module_levels)
    db.session.commit()
    page = client.get("/reports/?include_archived=y").get_data(as_text=True)
    assert "Forklift" not in page


def test_the_report_with_archived_rows_reads_a_fixed_number_of_queries(client, factory, sign_in, count_queries,
                                                                       archived_org):
    admin, _, _, forklift = archived_org
    sign_in(admin)

    def count():
        with count_queries() as queries:
            client.get("/reports/?include_archived=y")
        return len(queries)

    two = count()
    for i in range(10):
        person = factory.user(last_name=f"Extra{i:02d}")
        factory.record(person, forklift, date(2026, 1, 5))
    assert count() == two
