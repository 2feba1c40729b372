"""Submitting a certification with what the card says and photos of both sides, on a phone."""
import io
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from webapp.clock import today

pytestmark = pytest.mark.browser

PHONE = (360, 780)


def _photo(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 760), colour).save(out, "JPEG")
    return out.getvalue()


def test_submit_a_licence_with_card_details_and_photos_at_phone_width(signed_in_page, factory):
    # The live server runs on the real clock; the dates below are counted from it.
    company = factory.company(is_original=True)
    employee = factory.user("Employee", company=company)
    licence = factory.yearly_certification(name="Crane Licence", issuer="State Licensing Board",
                                           expiry_as_printed=True, auto_approve_submissions=True)
    printed = today() + timedelta(days=3 * 365)
    page = signed_in_page(employee, viewport=PHONE)
    page.goto(f"/my/submit?certification={licence.id}")
    page.get_by_label("Completion date").fill(today().isoformat())
    page.get_by_label("Completion date").dispatch_event("change")
    expect(page.locator("#expiration-preview")).to_contain_text("Expires")
    page.get_by_label("Issuer").fill("State Licensing Board")
    page.get_by_label("Card or licence number").fill("CL-20931")
    page.get_by_label("Expiry printed on the card").fill(printed.isoformat())
    page.get_by_label("Expiry printed on the card").dispatch_event("change")
    expect(page.locator("#expiration-preview")).to_contain_text(f"Expires {printed.strftime('%m/%d/%Y')}")
    expect(page.locator("#expiration-preview")).to_contain_text("as printed on the card", use_inner_text=False)
    page.get_by_label("Photo of the front").set_input_files(
        files=[{"name": "front.jpg", "mimeType": "image/jpeg", "buffer": _photo((20, 90, 160))}])
    page.get_by_label("Photo of the back").set_input_files(
        files=[{"name": "back.jpg", "mimeType": "image/jpeg", "buffer": _photo((200, 200, 200))}])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    page.get_by_role("button", name="Submit certification").click()

    expect(page.get_by_role("heading", name="Crane Licence", exact=True)).to_be_visible()
    current = page.locator("section[aria-labelledby=current-title]")
    expect(current).to_contain_text("CL-20931")
    expect(current).to_contain_text(printed.strftime("%m/%d/%Y"))
    expect(current.get_by_role("link", name="card-front.jpg")).to_be_visible()
    expect(current.get_by_role("link", name="card-back.jpg")).to_be_visible()
    expect(page.locator("ol.history .standing-current")).to_have_text("Current record")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
