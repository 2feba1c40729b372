"""Paged lists on a phone: the Users page (search kept from page to page, Notify fetched on demand)
and the Reports page (its filters kept in the pager's links). Small pages make a few people enough."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = (360, 740)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_users_page_pages_a_search_and_notifies_from_page_two_on_a_phone(signed_in_page, factory, monkeypatch):
    monkeypatch.setattr("webapp.services.people.PEOPLE_PER_PAGE", 2)
    sam = factory.user("Supervisor", username="sam", first_name="Sam", last_name="Boss")
    for name in ("Able", "Baker", "Carter"):
        factory.user(supervisors=[sam], first_name="Crew", last_name=name)
    factory.user(supervisors=[sam], first_name="Other", last_name="Person")
    page = signed_in_page(sam, viewport=PHONE)
    page.goto("/people/?q=crew")
    expect(page.get_by_text("3 users; showing 2 on page 1 of 2.")).to_be_visible()
    assert _fits(page)
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("3 users; showing 1 on page 2 of 2.")).to_be_visible()
    expect(page.get_by_role("searchbox")).to_have_value("crew")
    row = page.get_by_role("row").filter(has_text="Crew Carter")
    row.get_by_label("Actions for Crew Carter").click()
    row.get_by_role("link", name="Notify").click()
    dialog = page.get_by_role("dialog", name="Notify Crew Carter")
    expect(dialog.get_by_text("Crew will get an e-mail at")).to_be_visible()
    dialog.get_by_label("Message (optional)").fill("Please renew First Aid.")
    dialog.get_by_role("button", name="Send Notification").click()
    expect(page.get_by_text("Crew Carter was e-mailed.")).to_be_visible()
    assert _fits(page)


def test_reports_pager_keeps_the_status_filter_on_a_phone(signed_in_page, factory, monkeypatch):
    monkeypatch.setattr("webapp.services.reports.REPORT_PAGE_PEOPLE", 2)
    first_aid = factory.yearly_certification(name="First Aid")
    for name in ("Able", "Baker", "Carter"):
        factory.require(factory.user(first_name="Crew", last_name=name), first_aid)
    admin = factory.user("Administrator", first_name="Ada", last_name="Zadmin")
    page = signed_in_page(admin, viewport=PHONE)
    page.goto("/reports/")
    page.get_by_label("Status").select_option("missing")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("2 requirements shown for people 1 to 2 of 4.")).to_be_visible()
    assert _fits(page)
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("1 requirement shown for people 3 to 4 of 4.")).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("missing")
    expect(page.get_by_role("row").filter(has_text="Carter, Crew")).to_be_visible()
    assert _fits(page)
