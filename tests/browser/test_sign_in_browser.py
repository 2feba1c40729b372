"""Signing in through the real browser against a live server."""
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_employee_signs_in_and_reaches_home_on_a_phone(new_page, factory):
    factory.user(username="wanda", first_name="Wanda")
    page = new_page(viewport=(360, 740))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=%2F$"))
    page.get_by_label("Username or e-mail").fill("wanda")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Wanda")).to_be_visible()
    # Nothing wider than a 360 px phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_wrong_password_shows_the_generic_error(page, factory):
    factory.user(username="wanda")
    page.goto("/auth/login")
    page.get_by_label("Username or e-mail").fill("wanda")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong username, e-mail or password")).to_be_visible()


def test_pages_run_under_the_strict_content_security_policy(signed_in_page, factory):
    user = factory.user("Administrator", username="ada")
    page = signed_in_page(user)
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.reload()
    assert page.evaluate("typeof htmx") == "object"
    assert violations == []


def test_a_phone_user_changes_their_password_from_my_account(new_page, factory):
    factory.user(username="wanda", first_name="Wanda")
    page = new_page(viewport=(360, 740))
    page.goto("/auth/login")
    page.get_by_label("Username or e-mail").fill("wanda")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="My Account").click()
    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a brand new long secret")
    page.get_by_label("New password again").fill("a brand new long secret")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
