"""A supervisor's day on a tablet (820x1180): approve, decline with an e-mailed comment, defer, set training,
batch submit for three users, attach a link to a record and edit a user's account info.

No frozen clock here (the browser driver needs real time); dates are taken relative to the app's today
and the assertions are about states, not calendar dates.
"""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Attachment, Notice, RequirementSetting, RoleAssignment, Submission, User

pytestmark = pytest.mark.browser
TABLET = (820, 1180)


@pytest.fixture
def day(app_context) -> date:
    return today()


@pytest.mark.both_databases
def test_supervisor_day_on_a_tablet(signed_in_page, factory, day):
    company = factory.company(name="Acme")
    sam = factory.user("Supervisor", username="sam", first_name="Sam", last_name="Supervisor")
    emma = factory.user(supervisors=[sam], company=company, first_name="Emma", last_name="Employee")
    forklift = factory.yearly_certification(name="Forklift")
    first_aid = factory.yearly_certification(name="First Aid")
    ladder = factory.yearly_certification(name="Ladder Safety")
    role = factory.role(forklift, first_aid, ladder, companies=[company], name="Driver")
    factory.assign(emma, role)
    lead = factory.role(companies=[company], name="Crew Lead")
    factory.assign(sam, lead)
    talk = factory.yearly_certification(name="Toolbox Talk", allow_batch_submission=True, batch_roles=[lead])
    crew_role = factory.role(talk, companies=[company], name="Crew")
    crew = [factory.user(supervisors=[sam], company=company, first_name="Crew", last_name=name)
            for name in ("Ann", "Ben", "Cat")]
    for member in crew:
        factory.assign(member, crew_role)
    to_approve = factory.record(emma, forklift, day - timedelta(days=3), status="pending")
    to_decline = factory.record(emma, first_aid, day - timedelta(days=2), status="pending")

    page = signed_in_page(sam, viewport=TABLET)
    page.goto("/submissions/pending")
    expect(page.get_by_role("heading", name="Submitted Certifications")).to_be_visible()

    page.get_by_role("button", name="Approve Forklift for Emma Employee").click()
    expect(page.get_by_text("Approved Forklift for Emma Employee.")).to_be_visible()

    page.get_by_role("button", name="Decline First Aid for Emma Employee").click()
    dialog = page.get_by_role("dialog", name="Decline Submitted Certification")
    dialog.get_by_label("Comment for the e-mail to the user").fill("The photo is unreadable")
    dialog.get_by_role("button", name="Decline Submitted Certification").click()
    expect(page.get_by_text("Declined First Aid for Emma Employee")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET[0]

    db.session.expire_all()
    assert db.session.get(Submission, to_approve.id).status == "approved"
    assert db.session.get(Submission, to_decline.id).status == "declined"
    notice = db.session.scalar(select(Notice).where(Notice.kind == "declined"))
    assert notice.recipient_email == emma.email and "The photo is unreadable" in notice.body_text

    page.goto(f"/people/{emma.id}/certifications")
    outstanding = page.locator("section", has=page.get_by_role("heading", name="Outstanding Requirements"))
    outstanding.get_by_label("Actions for Ladder Safety").click()
    outstanding.get_by_role("button", name="Not Applicable / Defer").click()
    dialog = page.get_by_role("dialog", name="Not Applicable / Defer: Ladder Safety")
    dialog.get_by_label("Deferred until a date").check()
    dialog.get_by_label("Deferred until", exact=True).fill((day + timedelta(days=30)).isoformat())
    dialog.get_by_label("Notes (public on the QR report)").fill("On leave")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved Ladder Safety for Emma Employee.")).to_be_visible()
    setting = db.session.get(RequirementSetting, (emma.id, ladder.id))
    assert setting.state == "deferred" and setting.deferred_until == day + timedelta(days=30)

    page.get_by_role("link", name="Manage Roles/Certifications").click()
    page.get_by_label("Actions for Driver").click()
    page.get_by_role("button", name="Set Training").click()
    dialog = page.get_by_role("dialog", name="Set Training: Driver")
    dialog.get_by_label("User is in training").check()
    dialog.get_by_label("Training end date").fill((day + timedelta(days=60)).isoformat())
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved training for Driver.")).to_be_visible()
    db.session.expire_all()
    assignment = db.session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == emma.id))
    assert assignment.training_until == day + timedelta(days=60)

    page.goto("/submissions/batch")
    page.get_by_label("Certification").select_option(label="Toolbox Talk")
    expect(page.get_by_text("Available (3)")).to_be_visible()
    for name in ("Ann", "Ben", "Cat"):
        page.get_by_label(f"Crew {name}").check()
    expect(page.locator('[data-list="selected"] li')).to_have_count(3)
    page.get_by_role("button", name="Submit Certifications").click()
    expect(page.get_by_text("Submitted Toolbox Talk for 3 users.")).to_be_visible()
    db.session.expire_all()
    records = db.session.scalars(select(Submission).where(Submission.certification_id == talk.id)).all()
    assert sorted(r.user_id for r in records) == sorted(m.id for m in crew)

    page.goto(f"/people/{emma.id}/certifications")
    certifications = page.locator("section", has=page.get_by_role("heading", name="Certifications", exact=True))
    certifications.get_by_label("Actions for Forklift").click()
    certifications.get_by_role("button", name="Attach File or Link").click()
    dialog = page.get_by_role("dialog", name="Attach a File or Link: Forklift")
    dialog.get_by_label("Add Link").fill("https://example.com/forklift-card")
    dialog.get_by_role("button", name="Save Changes").click()
    expect(page.get_by_text("Your changes to Forklift were saved.")).to_be_visible()
    expect(certifications.get_by_role("link", name="https://example.com/forklift-card")).to_be_visible()
    assert db.session.scalar(select(Attachment.url).where(Attachment.submission_id == to_approve.id)) == (
        "https://example.com/forklift-card")

    page.goto("/people/")
    page.get_by_label("Actions for Emma Employee").click()
    page.get_by_role("link", name="Edit Account Info").click()
    page.get_by_label("Job title").fill("Forklift driver")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Account info of Emma Employee saved.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(User, emma.id).job_title == "Forklift driver"


def test_htmx_actions_show_their_outcome_when_refused(signed_in_page, factory, day):
    sam = factory.user("Supervisor", first_name="Sam", last_name="Supervisor")
    emma = factory.user(supervisors=[sam], first_name="Emma", last_name="Employee")
    gone = factory.record(emma, factory.certification(name="Forklift"), day - timedelta(days=3), status="pending")
    expired_form = factory.record(emma, factory.certification(name="Ladder Safety"), day - timedelta(days=2),
                                  status="pending")
    page = signed_in_page(sam, viewport=TABLET)
    page.goto("/submissions/pending")

    # Another supervisor deletes it while the page is open.
    db.session.delete(gone)
    db.session.commit()
    page.get_by_role("button", name="Approve Forklift for Emma Employee").click()
    expect(page.locator(f"#submission-{gone.id}").get_by_role("alert")).to_contain_text(
        "no longer here to decide: someone deleted it")

    # The session's form token expired: the server's reason is shown, and the row stays.
    page.evaluate("""() => {
        document.body.setAttribute('hx-headers', '{"X-CSRFToken": "expired"}');
        document.querySelectorAll('input[name=csrf_token]').forEach((input) => { input.value = 'expired'; });
    }""")
    page.get_by_role("button", name="Approve Ladder Safety for Emma Employee").click()
    expect(page.locator("main > [role=alert]")).to_contain_text(
        "This form has expired or was sent from elsewhere")
    expect(page.get_by_role("button", name="Approve Ladder Safety for Emma Employee")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Submission, expired_form.id).status == "pending"
