"""The header menu at 360, 820 and 1280 px (issue 19's visible defect): an administrator's header is one row
at 1280 px, with the setup pages behind an Admin disclosure that a keyboard opens and closes; at 820 and
360 px everything is behind the Menu button, Admin a sub-list in it. Supervisors' and employees' menus
have no Admin group."""
import pytest
from playwright.sync_api import expect

from sqlalchemy import update

from tests.browser.conftest import sign_in_demo
from webapp.clock import today
from webapp.extensions import db
from webapp.models import User
from webapp.services.demo import load_demo_organisation

pytestmark = pytest.mark.browser

ADMIN_PAGES = ("Certifications", "Activities", "Roles", "Companies", "Assets, Clients and Job Locations",
               "Import and Export", "Settings", "Sent mail", "Audit trail")
ONE_ROW = 60  # px: the header's own row is 52 px (a 44 px target and its padding)


@pytest.fixture
def demo(app_context):
    load_demo_organisation(today())


def _sign_in(new_page, username, width):
    return sign_in_demo(new_page, username, (width, 800))


def _header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def test_the_administrators_header_is_one_row_at_1280_px_and_admin_opens_by_keyboard(new_page, demo):
    page = _sign_in(new_page, "ada", 1280)
    assert _header_height(page) <= ONE_ROW
    menu = page.get_by_role("navigation", name="Main")
    for name in ADMIN_PAGES:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_hidden()
    admin = menu.locator(".nav-group summary")
    admin.focus()
    page.keyboard.press("Enter")
    for name in ADMIN_PAGES:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert _header_height(page) <= ONE_ROW  # the dropdown lies over the page, the header keeps its row
    page.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="Settings")).to_be_hidden()
    expect(admin).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Certifications", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Certifications", exact=True)).to_be_visible()
    # On a page of the group, the group says so; the page's own link is marked current inside it.
    expect(page.locator(".nav-group summary[data-current]")).to_have_count(1)
    page.locator("body").click(position={"x": 5, "y": 700})
    expect(menu.get_by_role("link", name="Certifications", exact=True)).to_be_hidden()


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_administrators_header_is_one_row_at_1280_px_in_every_language(new_page, demo, language):
    """Spanish and French words are longer: "Gestión" once wrapped onto a second row."""
    db.session.execute(update(User).where(User.username == "ada").values(language=language))
    db.session.commit()
    page = _sign_in(new_page, "ada", 1280)
    assert page.evaluate("document.documentElement.lang") == language
    assert _header_height(page) <= ONE_ROW
    page.locator(".nav-group summary").click()
    assert _header_height(page) <= ONE_ROW


@pytest.mark.parametrize("width", [820, 360])
def test_on_narrower_screens_admin_is_a_sub_list_of_the_menu(new_page, demo, width):
    page = _sign_in(new_page, "ada", width)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_hidden()
    page.locator(".menu-toggle > summary").click()
    expect(menu.get_by_role("link", name="Reports")).to_be_visible()
    menu.locator(".nav-group summary").click()
    for name in ADMIN_PAGES:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    menu.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()


@pytest.mark.parametrize("username", ["sam", "emma"])
@pytest.mark.parametrize("width", [1280, 820, 360])
def test_supervisors_and_employees_menus_have_no_admin_group(new_page, demo, username, width):
    page = _sign_in(new_page, username, width)
    if width < 900:
        page.locator(".menu-toggle > summary").click()
    else:
        assert _header_height(page) <= ONE_ROW
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="My QR Code")).to_be_visible()
    expect(menu.locator(".nav-group")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
