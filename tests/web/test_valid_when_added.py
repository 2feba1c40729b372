"""Valid When Added (decision 80): the setting on the form, and records dated the day they are added."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Certification, Submission

TODAY = date(2026, 6, 15)  # the frozen clock's day
YEARLY = dict(expires=True, duration_amount=1, duration_unit="years", first_notice_amount=1,
              first_notice_unit="months", second_notice_amount=1, second_notice_unit="weeks")


@pytest.fixture
def crew(factory, frozen_clock):
    acme = factory.company(name="Acme")
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    alice = factory.user(supervisors=[supervisor], first_name="Alice", last_name="Able", company=acme)
    induction = factory.certification(name="Site Induction", valid_when_added=True, **YEARLY)
    factory.require(alice, induction)
    return supervisor, alice, induction


def _records(certification):
    db.session.expire_all()
    return db.session.scalars(select(Submission).where(Submission.certification_id == certification.id)).all()


def test_the_setting_is_saved_from_the_certification_form_and_shown(client, csrf, factory, sign_in, frozen_clock):
    sign_in(factory.user("Administrator"))
    page = client.get("/certifications/new").get_data(as_text=True)
    assert 'name="valid_when_added"' in page and "Valid When Added" in page
    response = client.post("/certifications/new", data={
        "name": "Site Induction", "type": "employee", "never_expires": "y", "activity_type": "none",
        "valid_when_added": "y", "csrf_token": csrf()})
    assert response.status_code == 302
    certification = db.session.scalar(select(Certification))
    assert certification.valid_when_added is True
    detail = client.get(f"/certifications/{certification.id}").get_data(as_text=True)
    assert "Valid When Added" in detail and "counts from the day it is added" in detail
    edit = client.get(f"/certifications/{certification.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="valid_when_added"', edit)


def test_submitting_asks_no_completion_date_and_dates_the_record_today(client, csrf, sign_in, crew):
    _, alice, induction = crew
    sign_in(alice)
    page = client.get(f"/my/submit?certification={induction.id}").get_data(as_text=True)
    assert 'name="completed_on"' not in page and "no completion date is needed" in page
    response = client.post("/my/submit", data={"csrf_token": csrf(), "certification": induction.id,
                                               "completed_on": "01/02/2026"})
    assert response.status_code == 302
    [record] = _records(induction)
    assert record.completed_on == TODAY and record.status == "pending"


def test_approval_dates_a_pending_record_the_day_it_is_approved(client, csrf, sign_in, crew, frozen_clock):
    supervisor, alice, induction = crew
    sign_in(alice)
    client.post("/my/submit", data={"csrf_token": csrf(), "certification": induction.id})
    [record] = _records(induction)
    frozen_clock.move_to(datetime(2026, 6, 20, 9, tzinfo=timezone.utc))
    sign_in(supervisor)
    assert client.post(f"/submissions/{record.id}/approve", data={"csrf_token": csrf()}).status_code in (200, 302, 303)
    [record] = _records(induction)
    assert record.status == "approved" and record.completed_on == date(2026, 6, 20)
    assert record.expires_on == date(2027, 6, 20) and "06/20/2027" in record.expiration_explanation


def test_recording_for_someone_asks_no_date_and_the_preview_says_why(client, csrf, sign_in, crew):
    supervisor, alice, induction = crew
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/record?certification={induction.id}").get_data(as_text=True)
    assert 'name="completed_on"' not in page and "Valid When Added: counts from 06/15/2026" in page
    preview = client.get(f"/people/{alice.id}/record/preview?certification={induction.id}").get_data(as_text=True)
    assert "Expires 06/15/2027" in preview
    response = client.post(f"/people/{alice.id}/record", data={"csrf_token": csrf(), "certification": induction.id})
    assert response.status_code == 302
    [record] = _records(induction)
    assert (record.completed_on, record.expires_on, record.status) == (TODAY, date(2027, 6, 15), "approved")


def test_a_certification_not_valid_when_added_still_needs_its_date(client, csrf, factory, sign_in, crew):
    supervisor, alice, _ = crew
    forklift = factory.certification(name="Forklift", **YEARLY)
    factory.require(alice, forklift)
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/record?certification={forklift.id}").get_data(as_text=True)
    assert 'name="completed_on"' in page
    response = client.post(f"/people/{alice.id}/record", data={"csrf_token": csrf(), "certification": forklift.id})
    assert response.status_code == 422 and "Enter the completion date." in response.get_data(as_text=True)
    assert _records(forklift) == []


def test_record_completion_for_selected_on_associated_users(client, csrf, factory, sign_in, crew):
    _, alice, induction = crew
    sign_in(factory.user("Administrator"))
    tab = client.get(f"/certifications/{induction.id}?tab=users").get_data(as_text=True)
    assert "no completion date is needed" in tab
    response = client.post(f"/certifications/{induction.id}/users/record",
                           data={"csrf_token": csrf(), "user_id": alice.id})
    assert response.status_code == 302
    [record] = _records(induction)
    assert record.completed_on == TODAY and record.expires_on == TODAY + timedelta(days=365)
