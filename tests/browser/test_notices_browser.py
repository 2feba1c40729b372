"""Forgot password and the notices page, clicked through in the real browser on a phone."""
import re

import pytest
from playwright.sync_api import expect

from webapp.extensions import db
from webapp.services.mail import deliver_notices, queue_email, render_mail

pytestmark = pytest.mark.browser


def test_forgotten_password_reset_through_the_e_mailed_link(new_page, factory, smtp):
    factory.user(username="wanda", first_name="Wanda", email="wanda@example.test")
    page = new_page(viewport=(360, 740))
    page.goto("/auth/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Username or e-mail").fill("wanda@example.test")
    page.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_text("If an active account matches")).to_be_visible()
    db.session.expire_all()
    deliver_notices()
    text = smtp.to("wanda@example.test")[-1].get_body(("plain",)).get_content()
    page.goto(re.search(r"/auth/reset-password/\S+", text).group(0))
    page.get_by_label("New password", exact=True).fill("a brand new secret")
    page.get_by_label("New password again").fill("a brand new secret")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    page.get_by_label("Username or e-mail").fill("wanda")
    page.get_by_label("Password").fill("a brand new secret")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Wanda")).to_be_visible()


def test_unread_notice_opens_and_the_count_goes(signed_in_page, factory):
    user = factory.user(first_name="Wanda")
    mail = render_mail("notify", "Notice from Sam Boss", to=user, user=user, by=user, certification=None,
                       message="Bring your card on Monday.", link="http://example.test/")
    queue_email("notify", user, mail, user=user)
    db.session.commit()
    page = signed_in_page(user, viewport=(360, 740))
    page.goto("/")
    notices = page.get_by_role("link", name=re.compile(r"^Notices 1 unread$"))
    expect(notices).to_be_visible()
    notices.click()
    page.get_by_role("button", name=re.compile("Unread Notice from Sam Boss")).click()
    expect(page.get_by_text("Bring your card on Monday.")).to_be_visible()
    expect(page.get_by_role("link", name="Notices", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
