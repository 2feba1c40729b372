"""An administrator on a phone imports a file of user certifications: first a file with a bad row, whose error
is shown by row and column and nothing imported; then the corrected file, previewed and imported, the
progress polled while the job runs outside the request.

No frozen clock (the browser needs real time).
"""
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Submission
from webapp.services.record_import import HEADERS

pytestmark = pytest.mark.browser


@pytest.mark.both_databases
def test_an_administrator_on_a_phone_imports_records_and_sees_the_outcome(app, signed_in_page, factory, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    admin = factory.user("Administrator", username="ada", first_name="Ada", last_name="Admin")
    factory.user(username="emma", first_name="Emma", last_name="Field")
    factory.yearly_certification(name="First Aid")
    bad, good = tmp_path / "bad.csv", tmp_path / "records.csv"
    bad.write_text(",".join(HEADERS) + "\nemma,First Aid,07/01/25,,,,\n")
    good.write_text(",".join(HEADERS) + "\nemma,First Aid,07/01/2025,,,,Card seen\nemma,First Aid,07/01/2024,,,,\n")
    page = signed_in_page(admin, viewport=(360, 780))
    page.goto("/data/")
    page.get_by_role("link", name="Import User Certifications").click()
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(bad))
    page.get_by_role("button", name="Check File").click()
    expect(page.get_by_role("heading", name="Errors: nothing is imported until every row is right")).to_be_visible()
    expect(page.get_by_role("cell", name="Enter the year with four digits, as MM/DD/YYYY.")).to_be_visible()
    expect(page.get_by_role("button", name="Import")).to_have_count(0)

    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(good))
    page.get_by_role("button", name="Check File").click()
    expect(page.get_by_text("Emma Field (emma): First Aid, completed 07/01/2024")).to_be_visible()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text("2 created, 0 updated, 0 unchanged")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert db.session.scalar(select(func.count(Submission.id)).where(Submission.source == "import")) == 2
