"""An administrator on a phone downloads the certifications template, imports a small file made from it,
watches the check run outside the request (htmx polling), sees the preview, confirms and sees the outcome.

No frozen clock (the browser needs real time).
"""
import csv
import io

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Certification
from webapp.rules.certification_columns import HEADERS

pytestmark = pytest.mark.browser


def test_an_administrator_on_a_phone_imports_certifications_from_the_template(signed_in_page, factory, app,
                                                                               monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    admin = factory.user("Administrator", username="ada", first_name="Ada", last_name="Admin")
    factory.yearly_certification(name="First Aid")
    page = signed_in_page(admin, viewport=(360, 780))
    page.goto("/certifications/")
    page.get_by_label("More actions").click()
    page.get_by_role("link", name="Import Certifications").click()
    expect(page.get_by_role("heading", name="Import Certifications")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Template (CSV)").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS
    child = dict(zip(HEADERS, rows[1]))
    child.update({"Name": "Forklift Refresher", "Parent Certification": "Forklift Operation"})
    parent = dict(zip(HEADERS, rows[1]))
    parent["Child Certification(s)"] = "Forklift Refresher"
    path = tmp_path / "certifications.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADERS)
        writer.writerow([parent[header] for header in HEADERS])
        writer.writerow([child[header] for header in HEADERS])
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(path))
    page.get_by_role("button", name="Check File").click()
    expect(page.get_by_role("heading", name="What importing will do")).to_be_visible()
    expect(page.locator(".counts")).to_contain_text("To create2")
    expect(page.get_by_role("cell", name="Forklift Refresher")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text("2 created, 0 updated, 0 unchanged")
    db.session.expire_all()
    refresher = db.session.scalars(select(Certification).where(Certification.name == "Forklift Refresher")).one()
    assert refresher.parent.name == "Forklift Operation" and refresher.duration_amount == 3
