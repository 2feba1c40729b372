"""Time zones (issue 23 part 2, decision 91): the organisation's zone is a setting (its midnight turns
statuses, its hour sends notices); each person may see moments in their own zone."""
from datetime import UTC, date, datetime

import pytest
from flask_login import login_user
from sqlalchemy import select

from webapp.clock import display_zone, organisation_zone, today
from webapp.extensions import db
from webapp.models import AuditEntry, Setting
from webapp.scheduler import DAILY_JOB, build_scheduler, follow_send_hour
from webapp.services.settings import organisation_time_zone, update_organisation_time_zone


@pytest.fixture
def admin(frozen_clock, factory, sign_in):
    return sign_in(factory.user("Administrator", first_name="Ada"))


def _profile(csrf, user, **changes):
    return {"csrf_token": csrf(), "first_name": user.first_name, "last_name": user.last_name, "phone": "",
            **changes}


def test_the_organisations_zone_defaults_to_the_configured_one(app, admin):
    assert organisation_time_zone() == app.config["ORGANISATION_TIMEZONE"] == "UTC"
    assert str(organisation_zone()) == "UTC" and today() == date(2026, 6, 15)


def test_an_administrator_sets_the_zone_and_today_follows_it(client, csrf, admin):
    page = client.get("/settings/module-settings/time-zone").get_data(as_text=True)
    assert '<option selected value="UTC">UTC</option>' in page and "America/Chicago" in page
    response = client.post("/settings/module-settings/time-zone",
                           data={"csrf_token": csrf(), "time_zone": "Pacific/Kiritimati"})
    assert response.status_code == 302
    assert db.session.get(Setting, "organisation_time_zone").value == {"time_zone": "Pacific/Kiritimati"}
    # 09:00 UTC on 06/15 is 23:00 on 06/15 in Kiritimati (UTC+14)... and statuses turn at its midnight.
    assert organisation_time_zone() == "Pacific/Kiritimati" and today() == date(2026, 6, 15)
    update_organisation_time_zone(admin, "Asia/Tokyo")  # UTC+9: 18:00 the same day
    assert today() == date(2026, 6, 15)
    update_organisation_time_zone(admin, "Pacific/Pago_Pago")  # UTC-11: 22:00 the day before
    assert today() == date(2026, 6, 14)
    summary = client.get("/settings/module-settings").get_data(as_text=True)
    assert "The organisation's time zone: <strong>Pacific/Pago_Pago</strong>" in summary
    assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "setting.organisation_time_zone")
                             .order_by(AuditEntry.id.desc()).limit(1)) == "Set the organisation's time zone to Pacific/Pago_Pago"


@pytest.mark.parametrize(("sent", "message"), [
    ("Mars/Olympus_Mons", "Choose a time zone from the list, e.g. America/Chicago or Europe/London."),
    ("", "Choose a time zone."),
    ("x" * 5000, "Choose a time zone from the list, e.g. America/Chicago or Europe/London."),
    ("../../etc/passwd", "Choose a time zone from the list, e.g. America/Chicago or Europe/London."),
])
def test_an_unknown_zone_is_refused_and_changes_nothing(client, csrf, admin, sent, message):
    response = client.post("/settings/module-settings/time-zone", data={"csrf_token": csrf(), "time_zone": sent})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.get(Setting, "organisation_time_zone") is None and organisation_time_zone() == "UTC"


def test_the_daily_notice_hour_follows_the_organisations_zone(app, factory, frozen_clock):
    admin = factory.user("Administrator")
    update_organisation_time_zone(admin, "America/Chicago")
    scheduler = build_scheduler(app)
    assert str(scheduler.get_job(DAILY_JOB).trigger.timezone) == "America/Chicago"
    scheduler.start(paused=True)
    try:
        update_organisation_time_zone(admin, "Europe/Paris")
        follow_send_hour(app, scheduler)
        trigger = scheduler.get_job(DAILY_JOB).trigger
        assert str(trigger.timezone) == "Europe/Paris" and {f.name: str(f) for f in trigger.fields}["hour"] == "7"
    finally:
        scheduler.shutdown(wait=False)


def test_a_person_sees_moments_in_their_own_zone(client, csrf, admin):
    page = client.get("/my/profile").get_data(as_text=True)
    assert "The organisation&#39;s (UTC)" in page and "Time zone for times shown to you" in page
    # The session started at the frozen 09:00 UTC.
    assert "06/15/2026 09:00 UTC" in page
    response = client.post("/my/profile", data=_profile(csrf, admin, time_zone="America/Chicago"))
    assert response.status_code == 302 and admin.time_zone == "America/Chicago"
    page = client.get("/my/profile").get_data(as_text=True)
    assert "06/15/2026 04:00 CDT" in page and "09:00 UTC" not in page
    audit = client.get("/audit/").get_data(as_text=True)
    assert "06/15/2026 04:00 CDT" in audit
    sessions = client.get("/auth/sessions").get_data(as_text=True)
    assert "06/15/2026 04:00 CDT" in sessions and "09:00 UTC" not in sessions
    # Back to the organisation's.
    assert client.post("/my/profile", data=_profile(csrf, admin, time_zone="")).status_code == 302
    assert admin.time_zone == "" and "06/15/2026 09:00 UTC" in client.get("/my/profile").get_data(as_text=True)


def test_the_organisations_zone_shows_to_those_who_keep_it(client, csrf, admin):
    update_organisation_time_zone(admin, "Europe/London")
    assert "06/15/2026 10:00 BST" in client.get("/my/profile").get_data(as_text=True)


@pytest.mark.parametrize("sent", ["Nowhere/City", "UTC; DROP TABLE users", "y" * 100])
def test_a_person_cannot_choose_an_unknown_zone(client, csrf, admin, sent):
    response = client.post("/my/profile", data=_profile(csrf, admin, time_zone=sent, first_name="Changed"))
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.time_zone == "" and admin.first_name == "Ada"


def test_display_zone_is_the_persons_else_the_organisations(app, factory, frozen_clock):
    person = factory.user(time_zone="Asia/Kolkata")
    assert str(display_zone()) == "UTC"  # no one signed in
    with app.test_request_context():
        login_user(person)
        assert str(display_zone()) == "Asia/Kolkata"


@pytest.mark.parametrize(("zone", "query", "expected"), [
    ("", "submitted_to=06/02/2026", 1),  # 23:30 UTC on 06/02: that day in UTC
    ("Asia/Tokyo", "submitted_to=06/02/2026", 0),  # ... and 08:30 on 06/03 in Tokyo
    ("Asia/Tokyo", "submitted_from=06/03/2026&submitted_to=06/03/2026", 1),
    ("America/Chicago", "submitted_to=06/02/2026", 1),
])
def test_pending_approvals_filter_the_days_the_reader_sees(client, factory, sign_in, frozen_clock, zone, query,
                                                           expected):
    supervisor = sign_in(factory.user("Supervisor", time_zone=zone))
    ann = factory.user(supervisors=[supervisor], first_name="Ann")
    factory.record(ann, factory.yearly_certification(name="Forklift"), date(2026, 6, 1), status="pending",
                   submitted_at=datetime(2026, 6, 2, 23, 30, tzinfo=UTC))
    page = client.get("/submissions/pending?" + query).get_data(as_text=True)
    assert page.count('name="submission_id"') == expected


def test_a_zone_zoneinfo_no_longer_knows_shows_the_organisations(client, factory, sign_in, frozen_clock):
    person = sign_in(factory.user())
    person.time_zone = "Gone/Removed_Zone"
    db.session.commit()
    page = client.get("/my/profile")
    assert page.status_code == 200 and "06/15/2026 09:00 UTC" in page.get_data(as_text=True)
