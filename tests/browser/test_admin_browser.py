"""An administrator on a desktop: creates a certification with a forced expiration and refresher training,
a role requiring it, assigns two users and sees their statuses.

No frozen clock (the browser needs real time): assertions are about states and the rules' own example.
"""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Certification, RoleAssignment, RoleRequirement

pytestmark = pytest.mark.browser


def test_administrator_sets_up_a_certification_and_a_role(signed_in_page, factory):
    company = factory.company(name="Acme", is_original=True)
    admin = factory.user("Administrator", username="ada", first_name="Ada", last_name="Admin", company=company)
    factory.user(company=company, first_name="Wanda", last_name="Worker")
    factory.user(company=company, first_name="Walt", last_name="Welder")
    page = signed_in_page(admin)

    page.goto("/certifications/")
    page.get_by_role("link", name="Create Certification").first.click()
    page.get_by_label("Certification Name").fill("Forklift Operator")
    never = page.get_by_label("Certification never expires")
    expect(never).to_be_checked()
    expect(page.get_by_label("Duration a certification is valid")).to_be_hidden()
    never.uncheck()
    page.get_by_label("Duration a certification is valid").fill("1")
    page.get_by_label("When default behavior applies").check()
    page.get_by_label("Force expiration date", exact=True).fill("2025-07-01")
    page.get_by_label("1st Notice", exact=True).fill("1")
    page.get_by_label("2nd Notice", exact=True).fill("1")
    page.get_by_label("Certification has unique refresher training").check()
    page.get_by_label("Refresher cost").fill("40")
    page.get_by_label("Duration the refresher certification is valid").fill("2")
    page.get_by_label("Refresher 1st Notice", exact=True).fill("2")
    page.get_by_label("Refresher 2nd Notice", exact=True).fill("2")
    # The live example comes from the rules module: the forced schedule lands on July 1st.
    example = page.locator("#tracking-example")
    expect(example).to_contain_text("expires 07/01/")
    expect(example).to_contain_text("turns blue on 06/01/")
    expect(example).to_contain_text("with the refresher settings")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Certification: Forklift Operator")).to_be_visible()
    certification = db.session.scalar(select(Certification).where(Certification.name == "Forklift Operator"))
    db.session.refresh(certification)
    assert certification.has_refresher and certification.forced_expiration.isoformat() == "2025-07-01"

    page.goto("/roles/")
    page.get_by_role("link", name="Add Role Name").first.click()
    page.get_by_label("Role Name").fill("Driver")
    page.get_by_role("button", name="Submit").click()
    page.get_by_label("Role Description").fill("Drives forklifts in the yard")
    page.get_by_label("Forklift Operator").check()
    page.get_by_role("button", name="Save Changes").click()
    expect(page.get_by_role("heading", name="Edit Users: Driver")).to_be_visible()
    page.get_by_label("Worker, Wanda").check()
    page.get_by_label("Welder, Walt").check()
    page.get_by_role("button", name="Save Changes").click()

    table = page.locator("table")
    expect(table).to_contain_text("Worker, Wanda")
    expect(table).to_contain_text("Welder, Walt")
    expect(table.get_by_text("Nothing on File")).to_have_count(2)
    db.session.expire_all()
    assert len(db.session.scalars(select(RoleAssignment)).all()) == 2
    assert db.session.scalar(select(RoleRequirement)).certification_id == certification.id
