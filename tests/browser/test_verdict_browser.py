"""An inspector's phone: the first screen of the QR report answers "may this person do this work?"."""
from datetime import date

import pytest

from tests.browser.test_sweep_browser import AXE, AXE_RUN, PAGE_CHECKS
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def wanda(factory, frozen_clock):
    company = factory.company(name="Acme Field Services")
    worker = factory.user(company=company, first_name="Wanda", last_name="Worker", job_title="Field Technician")
    h2s = factory.yearly_certification(name="H2S Awareness")
    first_aid = factory.yearly_certification(name="First Aid")
    technician = factory.role(first_aid, h2s, companies=[company], name="Field Technician")
    # Alphabetically first and not yet in force: the old report opened with a screen of these.
    trainee = [factory.yearly_certification(name=f"Aerial Lift {n}") for n in range(6)]
    factory.assign(worker, technician)
    factory.assign(worker, factory.role(*trainee, companies=[company], name="Aerial Work"),
                   training_until=date(2026, 9, 1))
    factory.record(worker, first_aid, date(2026, 1, 10))
    factory.record(worker, h2s, date(2025, 6, 12))  # expired 06/12/2026
    return worker


def _above_the_fold(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= page.viewport_size["height"]


def test_the_first_screen_of_a_phone_shows_the_verdict(wanda, new_page, live_server):
    page = new_page(viewport=(360, 740))
    page.goto(f"{live_server}/r/{wanda.qr_token}")
    for locator in (
        page.get_by_role("img", name="No photo on file"),
        page.get_by_role("heading", name="Wanda Worker"),
        page.get_by_text("Acme Field Services"),
        page.get_by_text("Not cleared for Field Technician"),
        page.get_by_text("H2S Awareness expired 06/12/2026"),
        page.get_by_text("Not cleared for Aerial Work"),
    ):
        assert locator.is_visible() and _above_the_fold(page, locator), locator
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_role_filter_answers_on_the_first_screen(wanda, new_page, live_server):
    page = new_page(viewport=(360, 740))
    page.goto(f"{live_server}/r/{wanda.qr_token}?role=field%20technician")
    verdict = page.get_by_text("Not cleared for Field Technician")
    assert verdict.is_visible() and _above_the_fold(page, verdict)
    assert page.get_by_text("Aerial Work").count() == 0


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `make setup` (npm)")
@pytest.mark.parametrize("width", [360, 820, 1280])
def test_the_report_and_the_wallet_card_pass_the_sweeps_checks(wanda, browser, live_server, width):
    """The sweep follows the menu's links only, and the report's address is BASE_URL's: these pages are checked here."""
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 740},
                                  service_workers="block")
    context.add_init_script(script=AXE.read_text())
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_label("Username or e-mail").fill(wanda.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    problems = pages_problems(page, width, (f"/r/{wanda.qr_token}", f"/r/{wanda.qr_token}?role=Aerial%20Work",
                                            f"/r/{wanda.qr_token}?role=Crane", f"/qr/{wanda.id}"))
    context.close()
    assert problems == {}


def pages_problems(page, width: int, paths) -> dict[str, list[str]]:
    """The sweep's checks (44 px targets, axe, no sideways scrolling) of each page at `paths`, by path."""
    problems = {}
    for path in paths:
        page.goto(path)
        found = page.evaluate(PAGE_CHECKS, 44) + page.evaluate(AXE_RUN)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            found.append("scrolls sideways")
        if found:
            problems[path] = found
    return problems
