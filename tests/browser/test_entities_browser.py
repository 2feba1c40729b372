"""A sticker on a machine: its QR code opens the asset's inspection status on a phone, verdict first
(docs/rules.md 71); the administrator's entity pages pass the sweep's checks at every width."""
from datetime import date

import pytest

from tests.browser.test_sweep_browser import AXE, AXE_RUN, PAGE_CHECKS
from tests.browser.test_verdict_browser import _above_the_fold
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def crane(factory, frozen_clock):
    crane = factory.entity("asset", name="Tower Crane", identifier="CR-01")
    factory.entity_record(factory.associate(crane, factory.yearly_certification(name="Annual Inspection", type="asset")),
                          date(2026, 1, 10))
    loler = factory.associate(crane, factory.yearly_certification(name="LOLER Thorough Examination", type="asset"))
    factory.entity_record(loler, date(2025, 6, 1))  # expired 06/01/2026
    return crane


def test_scanning_an_assets_code_on_a_phone_shows_its_verdict_first(crane, new_page, live_server):
    page = new_page(viewport=(360, 740))
    page.goto(f"{live_server}/a/{crane.qr_token}")
    for locator in (
        page.get_by_role("heading", name="Tower Crane"),
        page.get_by_text("CR-01"),
        page.get_by_text("Out of service"),
        page.get_by_text("LOLER Thorough Examination expired 06/01/2026"),
    ):
        assert locator.is_visible() and _above_the_fold(page, locator), locator
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `make setup` (npm)")
@pytest.mark.parametrize("width", [360, 820, 1280])
def test_entity_pages_pass_the_sweeps_checks(crane, factory, browser, live_server, width, tmp_path):
    admin = factory.user("Administrator", last_name="Admin")
    certification_id = crane.requirements[0].certification_id
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 740},
                                  service_workers="block")
    context.add_init_script(script=AXE.read_text())
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_label("Username or e-mail").fill(admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    problems = {}
    for path in ("/assets/", f"/assets/{crane.id}", "/assets/new", f"/a/{crane.qr_token}",
                 f"/certifications/{certification_id}/entities", f"/certifications/{certification_id}/entities/add",
                 f"/assets/{crane.id}/requirements/{crane.requirements[0].id}/record"):
        page.goto(path)
        found = page.evaluate(PAGE_CHECKS, 44) + page.evaluate(AXE_RUN)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            found.append("scrolls sideways")
        if found:
            problems[path] = found
    context.close()
    assert problems == {}
