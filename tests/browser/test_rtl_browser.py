"""A right-to-left page mirrors (issue 23 part 5, decision 93): the stylesheet uses logical properties
only, so with `<html dir="rtl">` the menu, the tables and the forms run from the right, at a phone's
width and a desktop's, with nothing wider than the screen. No right-to-left language ships yet, so the
test forces the direction on every page the browser loads."""
import re

import pytest
from playwright.sync_api import expect

from webapp.clock import today
from webapp.services.demo import DEMO_PASSWORD, load_demo_organisation

pytestmark = pytest.mark.browser

PHONE, DESKTOP = (360, 740), (1280, 800)


@pytest.fixture
def demo(app_context):
    load_demo_organisation(today())


def _right_to_left(route):
    """Every HTML page as the server sends it, with its direction turned to right-to-left."""
    response = route.fetch(max_redirects=0)
    if not response.headers.get("content-type", "").startswith("text/html"):
        route.fulfill(response=response)
        return
    route.fulfill(response=response, body=response.text().replace('dir="ltr"', 'dir="rtl"', 1))


def _signed_in_rtl(new_page, username, viewport):
    # Without the service worker, which would answer pages before the route could turn them.
    page = new_page(viewport, service_workers="block")
    page.route(re.compile(r".*/(?!static/)[^.]*$"), _right_to_left)
    page.goto("/auth/login")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    page.goto("/")  # the page a redirect leads to is not routed: load it again
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    return page


def _box(locator):
    return locator.bounding_box()


def _fits(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]


def test_the_desktop_menu_runs_from_the_right(new_page, demo):
    page = _signed_in_rtl(new_page, "ada", DESKTOP)
    brand = _box(page.locator(".brand"))
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_visible()
    # The brand now stands at the right edge, the menu to its left.
    assert brand["x"] + brand["width"] > DESKTOP[0] - 120 and _box(menu)["x"] < brand["x"]
    _fits(page, DESKTOP)


def test_the_phone_menu_opens_and_fits(new_page, demo):
    page = _signed_in_rtl(new_page, "emma", PHONE)
    brand, toggle = _box(page.locator(".brand")), _box(page.locator(".menu-toggle summary"))
    assert toggle["x"] < brand["x"]  # the Menu button moved to the left of the brand
    page.get_by_text("Menu").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My QR Code")).to_be_visible()
    _fits(page, PHONE)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_a_table_page_mirrors_without_overflow(new_page, demo, viewport):
    page = _signed_in_rtl(new_page, "ada", viewport)
    page.goto("/audit/")
    header = page.locator("table thead th").first
    expect(header).to_be_visible()
    assert header.evaluate("(th) => getComputedStyle(th).textAlign") in ("start", "right")
    if viewport == DESKTOP:
        first, second = _box(page.locator("table thead th").nth(0)), _box(page.locator("table thead th").nth(1))
        assert first["x"] > second["x"]  # the first column is the rightmost
    _fits(page, viewport)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_a_date_form_mirrors_without_overflow(new_page, demo, viewport):
    page = _signed_in_rtl(new_page, "emma", viewport)
    page.goto("/my/submit")
    label, field = page.get_by_text("Completion date", exact=False).first, page.locator("#completed_on")
    expect(field).to_be_visible()
    assert field.evaluate("(f) => getComputedStyle(f.closest('form')).direction") == "rtl"
    label_box = _box(label)
    assert label_box["x"] + label_box["width"] > viewport[0] / 2  # labels start at the right
    _fits(page, viewport)
