"""The demo employee is held at sign-in by a required-at-login acknowledgement, reads it,
acknowledges it and lands on the page they asked for."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Certification, Submission
from webapp.services.demo import DEMO_PASSWORD, load_demo_organisation

pytestmark = pytest.mark.browser

PHONE = (390, 844)


@pytest.mark.both_databases
def test_demo_employee_is_held_at_sign_in_until_acknowledged(new_page, app_context):
    load_demo_organisation(today())
    policy = db.session.scalar(select(Certification).where(Certification.name == "Site Safety Policy"))

    # The demo administrator makes the safety policy required at login.
    admin = new_page()
    admin.goto("/auth/login")
    admin.get_by_label("Username or e-mail").fill("ada")
    admin.get_by_label("Password").fill(DEMO_PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.goto(f"/certifications/{policy.id}/edit")
    expect(admin.get_by_text("Current: Site Safety Policy, revision 3")).to_be_visible()
    admin.get_by_label("Required at Login").check()
    expect(admin.get_by_label("Auto-approve certifications submitted on completion of an activity")).to_be_checked()
    admin.get_by_role("button", name="Submit").click()
    expect(admin.get_by_text("Certification Site Safety Policy saved.")).to_be_visible()

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


@pytest.mark.both_databases
def test_demo_employee_fills_the_form_in_its_modal_saves_a_draft_and_submits(new_page, app_context):
    load_demo_organisation(today())
    check = db.session.scalar(select(Certification).where(Certification.name == "Vehicle Pre-Start Check"))
    page = new_page(viewport=PHONE)
    page.goto(f"/activity/{check.id}")
    page.get_by_label("Username or e-mail").fill("emma")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/activity/{check.id}$"))

    page.get_by_role("link", name="Complete Form or Payment").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Vehicle registration (required)")).to_be_visible()
    dialog.get_by_label("Vehicle registration (required)").fill("FC-2026")
    dialog.get_by_role("button", name="Save Draft").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()

    page.get_by_role("link", name="Continue").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Vehicle registration (required)")).to_have_value("FC-2026")
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text("“Tyres” is required.")).to_be_visible()  # refused inside the modal
    dialog.get_by_label("Tyres (required)").select_option("Good")
    dialog.get_by_label("Signature (required)").fill("Emma Employee")
    dialog.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("the activity completes once the payment is confirmed")).to_be_visible()
    expect(page.get_by_text("Pay 15.00 USD offline")).to_be_visible()
