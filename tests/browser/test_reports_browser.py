"""An administrator finds red cells on the matrix on a tablet; an inspector's phone verifies a certificate.

No frozen clock (the browser driver needs real time): dates are relative to the app's today.
"""
import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Certificate

pytestmark = pytest.mark.browser
TABLET = (820, 1180)
PHONE = (390, 844)


def test_matrix_collapsed_then_expanded_and_a_red_cell_opens_its_details(signed_in_page, factory):
    day = today()
    company = factory.company(name="Acme")
    first_aid = factory.yearly_certification(name="First Aid")
    forklift = factory.yearly_certification(name="Forklift")
    role = factory.role(first_aid, forklift, companies=[company], name="Rigger")
    worker = factory.user(company=company, first_name="Wanda", last_name="Worker")
    factory.assign(worker, role)
    completed = day - relativedelta(months=2)
    factory.record(worker, first_aid, completed)
    admin = factory.user("Administrator", first_name="Ada", last_name="Admin")

    page = signed_in_page(admin, viewport=TABLET)
    page.goto("/reports/matrix")
    red = page.get_by_role("button", name="Wanda Worker, Forklift: Nothing on File")
    expect(red).to_be_visible()
    expect(page.get_by_text((completed + relativedelta(years=1)).strftime("%m/%d/%Y"))).to_have_count(0)
    page.get_by_role("link", name="Expand view").click()
    expect(page.get_by_text((completed + relativedelta(years=1)).strftime("%m/%d/%Y"))).to_be_visible()
    expect(page.get_by_role("link", name="Collapse view")).to_be_visible()
    page.get_by_role("button", name="Wanda Worker, Forklift: Nothing on File").click()
    dialog = page.get_by_role("dialog", name="Certification Details")
    expect(dialog.get_by_text("Forklift")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_inspector_phone_verifies_a_certificate_issued_on_approval(signed_in_page, new_page, factory):
    day = today()
    boss = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    worker = factory.user(supervisors=[boss], first_name="Wanda", last_name="Worker")
    crane = factory.yearly_certification(name="Crane", generate_certificate_on_approval=True)
    factory.require(worker, crane)
    factory.record(worker, crane, day - relativedelta(days=3), status="pending")

    page = signed_in_page(boss, viewport=TABLET)
    page.goto("/submissions/pending")
    page.get_by_role("button", name="Approve Crane for Wanda Worker").click()
    expect(page.get_by_text("Approved Crane for Wanda Worker.")).to_be_visible()

    db.session.expire_all()
    token = db.session.scalar(select(Certificate.token))
    inspector = new_page(viewport=PHONE)
    inspector.goto(f"/c/{token}")
    expect(inspector.get_by_role("heading", name="Genuine and valid")).to_be_visible()
    expect(inspector.get_by_text("Wanda Worker")).to_be_visible()
    assert inspector.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    inspector.goto(f"/c/{token[:-2]}xx")
    expect(inspector.get_by_role("heading", name="Not a genuine certificate")).to_be_visible()


def test_a_phone_subscribes_to_its_calendar_in_one_tap_or_copies_the_address(signed_in_page, factory):
    worker = factory.user(first_name="Wanda", last_name="Worker")
    page = signed_in_page(worker, viewport=PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/reports/calendar")
    subscribe = page.get_by_role("link", name="Subscribe in my calendar")
    expect(subscribe).to_be_visible()
    expect(subscribe).to_have_attribute("href", f"webcal://127.0.0.1:5000/cal/{worker.calendar_token}.ics")
    page.get_by_role("button", name="Copy address").click()
    expect(page.get_by_text("Address copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/cal/{worker.calendar_token}.ics")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
