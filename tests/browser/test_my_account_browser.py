"""The demo employee on a phone: My Certifications, submitting a photo and a link, the history."""
import re

import pytest
from playwright.sync_api import expect

from webapp.clock import today
from webapp.services.demo import DEMO_PASSWORD, load_demo_organisation

pytestmark = pytest.mark.browser

PHONE = (390, 844)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _sign_in_as_emma(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/auth/login")
    page.get_by_label("Username or e-mail").fill("emma")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_demo_employee_submits_a_photo_and_a_link_from_a_phone(new_page, app_context):
    # The live server runs on the real clock, so the demo is built around the real today;
    # nothing below asserts a date.
    load_demo_organisation(today())
    page = _sign_in_as_emma(new_page)

    page.get_by_role("link", name="Open My Certifications").click()
    expect(page.get_by_role("heading", name="Outstanding Requirements")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    why = page.locator("details.why").first
    why.locator("summary").click()
    expect(why.locator("p")).to_be_visible()

    page.get_by_role("link", name="Submit Certification").click()
    page.get_by_label("Only show required certifications").check()
    expect(page).to_have_url(re.compile(r"required_only=y"))
    page.get_by_label("Certification", exact=True).select_option(label="First Aid")
    page.get_by_label("Completion date").fill(today().isoformat())
    page.get_by_label("Completion date").dispatch_event("change")
    expect(page.locator("#expiration-preview")).to_contain_text("Expires")
    page.get_by_label("Attach files").set_input_files(
        files=[{"name": "card.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_label("Links").fill("https://example.com/first-aid-card")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    page.get_by_role("button", name="Submit certification").dblclick()

    expect(page.get_by_role("heading", name="First Aid", exact=True)).to_be_visible()
    expect(page.get_by_text("First Aid is submitted and pending approval")).to_be_visible()
    history = page.locator("ol.history")
    expect(history.locator("li.history-pending")).to_have_count(1)
    expect(history.locator("li.history-pending")).to_contain_text("Waiting for approval.")
    expect(history.get_by_role("link", name="card.png")).to_be_visible()
    expect(history.get_by_role("link", name="https://example.com/first-aid-card")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]



def test_live_preview_waits_until_the_year_is_typed_in_full(signed_in_page, factory):
    company = factory.company(is_original=True)
    employee = factory.user("Employee", company=company)
    factory.yearly_certification(name="Forklift")
    page = signed_in_page(employee, viewport=PHONE)
    page.goto("/my/submit")
    page.get_by_label("Certification", exact=True).select_option(label="Forklift")
    expect(page.locator("#expiration-preview")).to_contain_text("Enter the date as MM/DD/YYYY.")
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/my/submit/preview" in request.url else None)
    field = page.get_by_label("Completion date")
    field.click()
    field.press_sequentially("03102025", delay=50)
    expect(page.locator("#expiration-preview")).to_contain_text("Expires 03/10/2026")
    assert asked and all("completed_on=2025-03-10" in url for url in asked)
    # A year the submission refuses gets its reason, not an expiration.
    field.press_sequentially("9999", delay=50)
    field.blur()
    expect(page.locator("#expiration-preview")).to_contain_text("Enter a date from 01/01/1950 to 12/31/2100.")
