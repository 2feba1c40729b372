"""Single sign-on through the real browser: FieldCert, the test provider's sign-in page, and back."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_sweep_browser import AXE, AXE_RUN

pytestmark = pytest.mark.browser


def _phone_page(new_page):
    page = new_page(viewport=(360, 740))
    # Through the DevTools protocol, which the page's Content-Security-Policy does not govern.
    page.context.add_init_script(script=AXE.read_text())
    return page


def _check_sign_in_page(page):
    """The sweep skips the sign-in pages: axe-core, a 44 px target and no sideways scroll on a phone."""
    assert page.evaluate(AXE_RUN) == []
    box = page.get_by_role("link", name="Sign in with Test Identity").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_sign_in_with_the_provider_lands_signed_in_and_signs_out_of_both(app, new_page, live_server, oidc, factory,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    factory.user(email="erin@example.test", first_name="Erin")
    page = _phone_page(new_page)
    page.goto("/auth/login")
    _check_sign_in_page(page)
    page.get_by_role("link", name="Sign in with Test Identity").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(oidc.issuer)}/authorize\?"))
    page.get_by_label("Company e-mail").fill("erin@example.test")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello, Erin")).to_be_visible()
    assert page.url == f"{live_server}/"
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    _check_sign_in_page(page)
    page.get_by_role("link", name="Sign out of Test Identity too").click()
    expect(page.get_by_text("You are signed out of Test Identity.")).to_be_visible()


def test_a_refused_sign_in_says_why_on_the_sign_in_page(app, new_page, live_server, oidc, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    oidc.knobs.email_verified = False
    page = _phone_page(new_page)
    page.goto("/auth/login")
    page.get_by_role("link", name="Sign in with Test Identity").click()
    page.get_by_label("Company e-mail").fill("erin@example.test")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("e-mail address is not verified")
    _check_sign_in_page(page)
