"""Single sign-on through the real browser: FieldCert, the test provider's sign-in page, and back."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_sign_in_with_the_provider_lands_signed_in_and_signs_out_of_both(app, new_page, live_server, oidc, factory,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    factory.user(email="erin@example.test", first_name="Erin")
    page = new_page(viewport=(360, 740))
    page.goto("/auth/login")
    page.get_by_role("link", name="Sign in with Test Identity").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(oidc.issuer)}/authorize\?"))
    page.get_by_label("Company e-mail").fill("erin@example.test")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello, Erin")).to_be_visible()
    assert page.url == f"{live_server}/"
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.get_by_role("link", name="Sign out of Test Identity too").click()
    expect(page.get_by_text("You are signed out of Test Identity.")).to_be_visible()


def test_a_refused_sign_in_says_why_on_the_sign_in_page(app, page, live_server, oidc, factory, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    oidc.knobs.email_verified = False
    page.goto("/auth/login")
    page.get_by_role("link", name="Sign in with Test Identity").click()
    page.get_by_label("Company e-mail").fill("erin@example.test")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("e-mail address is not verified")
    expect(page.get_by_role("link", name="Sign in with Test Identity")).to_be_visible()
