"""Bulk work on a phone (360x740): tick people on a certification's Associated Users, Select all, and
defer them all at once; then Approve Selected with Select all on Pending Approvals.

No frozen clock here (the browser driver needs real time); dates are relative to the app's today.
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import RequirementSetting, Submission

pytestmark = pytest.mark.browser
PHONE = (360, 740)


def test_tick_select_all_and_defer_everyone_on_a_phone(signed_in_page, factory, app_context):
    day = today()
    admin = factory.user("Administrator", first_name="Ada", last_name="Admin")
    forklift = factory.yearly_certification(name="Forklift")
    crew = [factory.user(first_name=name, last_name="Crew") for name in ("Ann", "Ben", "Cat")]
    for person in crew:
        factory.require(person, forklift)

    page = signed_in_page(admin, viewport=PHONE)
    page.goto(f"/certifications/{forklift.id}?tab=users")
    page.get_by_label("Crew, Ann").check()
    page.get_by_label("Crew, Cat").check()
    page.get_by_label("Select all").check()  # ticks Ben too
    for person in crew:
        expect(page.get_by_label(person.sort_name)).to_be_checked()
    page.get_by_label("Defer until").fill((day + timedelta(days=30)).isoformat())
    page.get_by_label("Notes (public on the QR report)").fill("Crane out of service")
    page.get_by_role("button", name="Defer Selected").click()
    expect(page.get_by_text("for Ann Crew, Ben Crew, Cat Crew.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    db.session.expire_all()
    settings = db.session.scalars(select(RequirementSetting)).all()
    assert sorted(s.user_id for s in settings) == sorted(p.id for p in crew)
    assert {(s.state, s.deferred_until) for s in settings} == {("deferred", day + timedelta(days=30))}


def test_approve_selected_with_select_all_on_a_phone(signed_in_page, factory, app_context):
    day = today()
    sam = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    forklift = factory.yearly_certification(name="Forklift")
    pending = [factory.record(factory.user(supervisors=[sam], first_name=name, last_name="Crew"), forklift,
                              day - timedelta(days=2), status="pending") for name in ("Ann", "Ben")]

    page = signed_in_page(sam, viewport=PHONE)
    page.goto("/submissions/pending")
    page.get_by_label("Select all").check()
    page.get_by_role("button", name="Approve Selected").click()
    expect(page.get_by_text("Approved 2 certifications.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    db.session.expire_all()
    assert {db.session.get(Submission, s.id).status for s in pending} == {"approved"}
