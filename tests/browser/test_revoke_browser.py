"""Revoking a record on a phone (360 px): from the person's page to the record's history, a reason refused when
blank, then the record revoked, still in the history, and the person told; the administrator reads it in the
audit trail.

No frozen clock here (the browser driver needs real time); dates are relative to the app's today.
"""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Notice, Submission

pytestmark = pytest.mark.browser
PHONE = (360, 780)


@pytest.fixture
def day(app_context) -> date:
    return today()


def test_an_administrator_revokes_a_record_on_a_phone(signed_in_page, factory, day):
    ada = factory.user("Administrator", username="ada", first_name="Ada", last_name="Admin")
    emma = factory.user(first_name="Emma", last_name="Employee")
    forklift = factory.yearly_certification(name="Forklift")
    factory.require(emma, forklift)
    record = factory.record(emma, forklift, day - timedelta(days=30))

    page = signed_in_page(ada, viewport=PHONE)
    page.goto(f"/people/{emma.id}/history/{forklift.id}")
    expect(page.get_by_role("heading", name="Forklift: history for Emma Employee")).to_be_visible()
    page.locator("summary", has_text="Revoke the record completed").click()
    reason = page.get_by_label("Reason for revoking (required)")
    reason.fill("   ")
    page.get_by_role("button", name="Revoke Record").click()
    expect(page.get_by_text("Give the reason for revoking this record.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Submission, record.id).revoked_at is None

    page.get_by_label("Reason for revoking (required)").fill("Card found to be forged")
    page.get_by_role("button", name="Revoke Record").click()
    expect(page.get_by_text("Revoked Forklift completed")).to_be_visible()
    expect(page.get_by_text("Card found to be forged")).to_be_visible()
    expect(page.locator("summary", has_text="Restore the record completed")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    db.session.expire_all()
    revoked = db.session.get(Submission, record.id)
    assert revoked.revoked_reason == "Card found to be forged" and revoked.revoked_by_id == ada.id
    assert db.session.scalar(select(Notice.recipient_email).where(Notice.kind == "revoked")) == emma.email

    page.get_by_role("link", name="Audit trail of this record").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_text("Revoked Forklift completed")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
