"""The demo employee is held at sign-in by a required-at-login acknowledgement, reads it,
acknowledges it and lands on the page they asked for."""
import re

import pytest
from fpdf import FPDF
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Certification, DirectRequirement, Submission, User
from webapp.services.activities import DocumentUpload, upload_document_revision
from webapp.services.demo import DEMO_PASSWORD, load_demo_organisation
from webapp.services.storage import CheckedUpload

pytestmark = pytest.mark.browser

PHONE = (390, 844)


def _policy_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.multi_cell(0, 10, "Site Safety Policy, revision 3. Wear your helmet on every site.")
    return bytes(pdf.output())


def test_demo_employee_is_held_at_sign_in_until_acknowledged(new_page, app_context):
    load_demo_organisation(today())
    ada = db.session.scalar(select(User).where(User.username == "ada"))
    emma = db.session.scalar(select(User).where(User.username == "emma"))
    policy = Certification(name="Site Safety Policy", activity_type="document", required_at_login=True,
                           auto_approve_on_activity=True)
    db.session.add(policy)
    db.session.add(DirectRequirement(user=emma, certification=policy))
    db.session.commit()
    upload_document_revision(ada, policy, DocumentUpload(
        title="Site Safety Policy", revision="3", revision_date=today(), owner_user_ids=[ada.id], owner_role_ids=[],
        upload=CheckedUpload(data=_policy_pdf(), content_type="application/pdf", name="site-safety-policy.pdf"),
    ))

    page = new_page(viewport=PHONE)
    page.goto("/my/certifications")
    page.get_by_label("Username or e-mail").fill("emma")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Held: the activity, not the page asked for.
    expect(page).to_have_url(re.compile(rf"/activity/{policy.id}$"))
    expect(page.get_by_text("Required at sign-in.")).to_be_visible()
    expect(page.locator("iframe[title^='Site Safety Policy']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    # Any other address brings the user back, with the reason.
    page.goto("/my/submit")
    expect(page).to_have_url(re.compile(rf"/activity/{policy.id}$"))
    expect(page.get_by_text("Complete Site Safety Policy first")).to_be_visible()

    page.get_by_label("I have read and understood revision 3 of Site Safety Policy").check()
    page.get_by_role("button", name="Acknowledge revision 3").click()

    expect(page).to_have_url(re.compile(r"/my/certifications$"))
    expect(page.get_by_text("You acknowledged Site Safety Policy, revision 3.")).to_be_visible()
    expect(page.get_by_role("heading", name="Outstanding Requirements")).to_be_visible()
    db.session.expire_all()
    record = db.session.scalar(select(Submission).where(Submission.certification_id == policy.id))
    assert (record.status, record.source) == ("approved", "activity")
