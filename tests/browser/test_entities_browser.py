"""A sticker on a machine: its QR code opens the asset's inspection status on a phone, verdict first
(docs/rules.md 71); the administrator's entity pages pass the sweep's checks at every width."""
from datetime import date, datetime, timezone

import pytest

from tests.browser.test_sweep_browser import AXE
from tests.browser.test_verdict_browser import _above_the_fold, pages_problems
from webapp.extensions import db
from webapp.models import Certification

pytestmark = pytest.mark.browser


@pytest.fixture
def crane(factory, frozen_clock):
    crane = factory.entity("asset", name="Tower Crane", identifier="CR-01")
    factory.entity_record(factory.associate(crane, factory.yearly_certification(name="Annual Inspection", type="asset")),
                          date(2026, 1, 10))
    loler = factory.associate(crane, factory.yearly_certification(name="LOLER Thorough Examination", type="asset"))
    factory.entity_record(loler, date(2025, 6, 1))  # expired 06/01/2026
    return crane


@pytest.mark.both_databases
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
def test_entity_pages_pass_the_sweeps_checks(crane, factory, signed_in_page, width):
    admin = factory.user("Administrator", last_name="Admin")
    certification_id = crane.requirements[0].certification_id
    page = signed_in_page(admin, viewport=(width, 740))
    page.context.add_init_script(script=AXE.read_text())
    problems = pages_problems(page, width, (
        "/assets/", f"/assets/{crane.id}", "/assets/new", f"/a/{crane.qr_token}",
        f"/certifications/{certification_id}/entities", f"/certifications/{certification_id}/entities/add",
        f"/assets/{crane.id}/requirements/{crane.requirements[0].id}/record"))
    assert problems == {}


def test_the_client_picker_searches_and_keeps_the_ticked_clients(factory, signed_in_page, live_server, frozen_clock):
    """Decision 94: a search fetches other clients while the ticked ones stay; saving keeps them all."""
    for n in range(30):
        factory.entity("client", name=f"Client {n:02}", identifier=f"CL-{n:02}")
    induction = factory.certification(name="Harbour Induction")
    admin = factory.user("Administrator", last_name="Admin")
    page = signed_in_page(admin, viewport=(360, 740))
    page.goto(f"{live_server}/certifications/{induction.id}/edit")
    page.get_by_label("Client 00").check()
    page.get_by_label("Search clients by name or identifier").fill("CL-27")
    page.get_by_label("Client 27").wait_for()
    assert page.get_by_label("Client 00").is_checked() and page.get_by_label("Client 01").count() == 0
    page.get_by_label("Client 27").check()
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("Applies to clients").wait_for()
    db.session.expire_all()
    assert [c.identifier for c in db.session.get(Certification, induction.id).clients] == ["CL-00", "CL-27"]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `make setup` (npm)")
@pytest.mark.parametrize("width", [360, 1280])
def test_restore_and_read_only_site_clearance_pass_the_sweeps_checks(crane, factory, signed_in_page, width):
    """Decisions 95 and 96: the restore confirmation, and the Site Clearance page as its responsible user reads it."""
    owner = factory.user("Supervisor", last_name="Owner")
    site = factory.entity("location", name="Pier 4", identifier="JL-01", owner=owner)
    link = crane.requirements[0]
    link.revoked_reason, link.revoked_at = "Scrapped", datetime(2026, 6, 1, tzinfo=timezone.utc)
    db.session.commit()
    admin = factory.user("Administrator", last_name="Admin")
    page = signed_in_page(admin, viewport=(width, 740))
    page.context.add_init_script(script=AXE.read_text())
    assert pages_problems(page, width, (f"/certifications/{link.certification_id}/entities/{link.id}/restore",)) == {}
    page = signed_in_page(owner, viewport=(width, 740))
    page.context.add_init_script(script=AXE.read_text())
    assert pages_problems(page, width, (f"/job-locations/{site.id}/clearance", f"/job-locations/{site.id}")) == {}
