"""On a phone, the demo employee completes a certification's two required forms one after the other, each
in its modal, and the record is submitted with the second (decision 81)."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Certification, CertificationForm, Form, FormField, Submission
from webapp.services.demo import DEMO_PASSWORD, load_demo_organisation

pytestmark = pytest.mark.browser

PHONE = (360, 780)


def test_two_forms_each_in_its_modal_then_one_record(new_page, app_context):
    load_demo_organisation(today())
    check = db.session.scalar(select(Certification).where(Certification.name == "Vehicle Pre-Start Check"))
    for form in check.forms:
        form.fee_amount = form.fee_currency = None  # no payment step here: the forms alone
    walk_around = Form(name="Walk-around Inspection",
                       fields=[FormField(position=1, label="Defects found", kind="text", required=True)])
    db.session.add(walk_around)
    db.session.flush()
    check.form_links.append(CertificationForm(form_id=walk_around.id, position=2))
    db.session.commit()

    page = new_page(viewport=PHONE)
    page.goto(f"/activity/{check.id}")
    page.get_by_label("Username or e-mail").fill("emma")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/activity/{check.id}$"))
    expect(page.get_by_role("heading", name="Forms to complete")).to_be_visible()
    expect(page.get_by_text("Not started")).to_have_count(2)

    expect(page.get_by_role("link", name="Complete Form or Payment")).to_have_count(2)
    page.get_by_role("link", name="Complete Form or Payment").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Vehicle registration (required)").fill("FC-2026")
    dialog.get_by_label("Tyres (required)").select_option("Good")
    dialog.get_by_label("Signature (required)").fill("Emma Employee")
    dialog.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Still to send: Walk-around Inspection.")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(Submission).where(Submission.certification_id == check.id)) is None

    expect(page.get_by_role("link", name="Complete Form or Payment")).to_have_count(1)  # the sent one has none
    page.get_by_role("link", name="Complete Form or Payment").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Defects found (required)").fill("None")
    dialog.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("the required activity is complete")).to_be_visible()
    db.session.expire_all()
    record = db.session.scalar(select(Submission).where(Submission.certification_id == check.id))
    assert record.source == "activity"
