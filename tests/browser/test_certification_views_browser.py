"""The certifications page's view switcher on a phone and on a desktop: each view a click away (htmx swaps
the view and pushes the address), its statuses in words and icons, nothing wider than the screen; the links
are real links, which tests/web/test_certification_views.py follows without JavaScript."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.test_sweep_browser import AXE
from tests.browser.test_verdict_browser import pages_problems
from webapp.extensions import db
from webapp.models import job_location_certifications, job_location_workers

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def organisation(factory, frozen_clock):
    forklift = factory.yearly_certification(name="Forklift Licence")
    inspection = factory.yearly_certification(name="Crane Inspection", type="asset")
    worker = factory.user(first_name="Wanda", last_name="Worker")
    factory.require(worker, forklift)
    factory.record(worker, forklift, date(2026, 1, 10))
    crane = factory.entity("asset", name="Tower Crane", identifier="TC-01")
    factory.entity_record(factory.associate(crane, inspection), date(2025, 7, 1))
    return factory.user("Administrator", first_name="Ada", last_name="Admin")


@pytest.mark.parametrize("viewport", [(360, 740), (1280, 800)])
def test_switching_views(signed_in_page, organisation, viewport):
    page = signed_in_page(organisation, viewport=viewport)
    page.goto("/certifications/")
    views = page.get_by_role("navigation", name="Certification views")
    expect(views.get_by_role("link", name="Groups")).to_have_attribute("aria-current", "page")
    views.get_by_role("link", name="Employees").click()
    expect(page).to_have_url("/certifications/?view=employees")
    row = page.get_by_role("row").filter(has_text="Worker, Wanda")
    expect(row.get_by_text("Valid")).to_be_visible()
    expect(row.get_by_text("expires 01/10/2027")).to_be_visible()
    assert _fits(page)
    page.get_by_role("navigation", name="Certification views").get_by_role("link", name="Assets").click()
    expect(page).to_have_url("/certifications/?view=assets")
    row = page.get_by_role("row").filter(has_text="Tower Crane")
    expect(row.get_by_text("Due", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Certification views").get_by_role("link", name="Assets")) \
        .to_have_attribute("aria-current", "page")
    assert _fits(page)
    page.go_back()
    expect(page.get_by_role("row").filter(has_text="Worker, Wanda")).to_be_visible()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `make setup` (npm)")
@pytest.mark.parametrize("width", [360, 820, 1280])
def test_the_views_and_a_sites_clearance_pass_the_sweeps_checks(signed_in_page, organisation, factory, width):
    """Targets, axe and no sideways scrolling on the views, a job location's Site Clearance and a worker's QR report."""
    induction = factory.certification(name="Site Induction")
    site = factory.entity("location", name="Pier 4 Terminal", identifier="JL-01")
    worker = factory.user(first_name="Sam", last_name="Site")
    db.session.execute(job_location_certifications.insert(), [{"location_id": site.id, "certification_id": induction.id}])
    db.session.execute(job_location_workers.insert(), [{"location_id": site.id, "user_id": worker.id}])
    db.session.commit()
    page = signed_in_page(organisation, viewport=(width, 740))
    page.context.add_init_script(script=AXE.read_text())
    problems = pages_problems(page, width, (
        "/certifications/?view=employees", "/certifications/?view=assets", "/certifications/?view=locations",
        f"/job-locations/{site.id}/clearance", f"/r/{worker.qr_token}"))
    assert problems == {}
