"""A request over a rate limit, sent by htmx, shows its message where the page's content was."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_notify_over_the_mail_limit_says_so_on_a_phone(app, signed_in_page, factory, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RECIPIENTS_LIMIT_PER_USER", "1 per day")
    sam = factory.user("Supervisor", username="sam")
    emma = factory.user(supervisors=[sam], first_name="Emma", last_name="Employee")
    page = signed_in_page(sam, viewport=(360, 740))

    def notify_emma():
        page.goto("/people/")
        row = page.get_by_role("row").filter(has_text="Emma Employee")
        row.get_by_label(f"Actions for {emma.full_name}").click()
        row.get_by_role("link", name="Notify").click()
        page.get_by_role("dialog").get_by_role("button", name="Send Notification").click()

    notify_emma()
    expect(page.get_by_text(f"{emma.full_name} was e-mailed.")).to_be_visible()
    notify_emma()
    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(page.get_by_text("Nothing was done: wait 24 hours, then try again.")).to_be_visible()
