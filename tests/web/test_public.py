"""The public QR report: privacy, headers, old tokens, fixed query count."""
from datetime import date

import pytest

from webapp.extensions import db
from webapp.models import Attachment


def _link(record, name):
    attachment = Attachment(kind="link", submission=record, name=name, url=f"https://files.example.test/{name}")
    db.session.add(attachment)
    db.session.commit()
    return attachment


@pytest.fixture
def worker(factory):
    company = factory.company(name="Acme Field")
    user = factory.user(company=company, first_name="Wanda", last_name="Worker")
    return user


def test_report_shows_roles_statuses_and_attachments(client, factory, worker, frozen_clock):
    first_aid = factory.yearly_certification(name="First Aid")
    forklift = factory.yearly_certification(name="Forklift")
    role = factory.role(first_aid, forklift, companies=[worker.company], name="Rigger")
    factory.assign(worker, role)
    record = factory.record(worker, first_aid, date(2026, 1, 10))
    _link(record, "first-aid-card.pdf")
    response = client.get(f"/r/{worker.qr_token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wanda Worker" in page and "Rigger" in page and "Acme Field" in page
    assert "First Aid" in page and "01/10/2027" in page and "first-aid-card.pdf" in page
    assert "Forklift" in page and "Nothing on File" in page


@pytest.mark.parametrize("training_until, shown", [(date(2026, 6, 16), True), (date(2026, 6, 15), False)])
def test_a_role_shows_in_training_until_its_last_day(client, factory, worker, frozen_clock, training_until, shown):
    """As the rules have it: training that ends today (06/15/2026) no longer holds."""
    role = factory.role(factory.yearly_certification(name="Rigging"), companies=[worker.company], name="Rigger")
    factory.assign(worker, role, training_until=training_until)
    page = client.get(f"/r/{worker.qr_token}").get_data(as_text=True)
    assert ("In training until" in page) is shown


def test_public_headers_forbid_indexing_and_shared_caches(client, worker):
    response = client.get(f"/r/{worker.qr_token}")
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)


def test_certification_hidden_from_qr_reports_is_absent(client, factory, worker, frozen_clock):
    secret = factory.yearly_certification(name="Secret Clearance", hide_from_qr_reports=True)
    factory.require(worker, secret)
    record = factory.record(worker, secret, date(2026, 1, 10))
    attachment = _link(record, "clearance-letter.pdf")
    page = client.get(f"/r/{worker.qr_token}").get_data(as_text=True)
    assert "Secret Clearance" not in page and "clearance-letter" not in page
    assert client.get(f"/r/{worker.qr_token}/attachments/{attachment.id}").status_code == 404


def test_attachments_hidden_from_qr_reports_are_absent(client, factory, worker, frozen_clock):
    medical = factory.yearly_certification(name="Medical", hide_attachments_from_qr_reports=True)
    factory.require(worker, medical)
    record = factory.record(worker, medical, date(2026, 1, 10))
    attachment = _link(record, "medical-results.pdf")
    page = client.get(f"/r/{worker.qr_token}").get_data(as_text=True)
    assert "Medical" in page and "01/10/2027" in page
    assert "medical-results" not in page
    assert client.get(f"/r/{worker.qr_token}/attachments/{attachment.id}").status_code == 404


def test_hidden_from_shared_reports_still_shows_on_qr_report(client, factory, worker, frozen_clock):
    cert = factory.yearly_certification(name="Working at Height", hide_from_shared_reports=True,
                                        hide_attachments_from_shared_reports=True)
    factory.require(worker, cert)
    _link(factory.record(worker, cert, date(2026, 1, 10)), "height-card.pdf")
    page = client.get(f"/r/{worker.qr_token}").get_data(as_text=True)
    assert "Working at Height" in page and "height-card.pdf" in page


def test_visible_attachment_link_shows_its_address_instead_of_redirecting(client, factory, worker, frozen_clock):
    cert = factory.yearly_certification(name="Crane")
    factory.require(worker, cert)
    attachment = _link(factory.record(worker, cert, date(2026, 1, 10)), "crane.pdf")
    response = client.get(f"/r/{worker.qr_token}/attachments/{attachment.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Location" not in response.headers
    assert "crane.pdf is on another site" in page and "<strong>https://files.example.test/crane.pdf</strong>" in page
    assert 'href="https://files.example.test/crane.pdf" rel="noopener noreferrer nofollow">Open the link' in page
    assert f'href="/r/{worker.qr_token}">Back to the report' in page
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_attachment_link_that_is_no_web_address_cannot_be_opened(client, factory, worker, frozen_clock):
    cert = factory.yearly_certification(name="Crane")
    factory.require(worker, cert)
    attachment = _link(factory.record(worker, cert, date(2026, 1, 10)), "crane.pdf")
    attachment.url = "javascript:alert(document.domain)"
    db.session.commit()
    page = client.get(f"/r/{worker.qr_token}/attachments/{attachment.id}").get_data(as_text=True)
    assert "cannot be opened from here" in page and 'href="javascript:' not in page


def test_deferral_notes_are_public(client, factory, worker, frozen_clock):
    cert = factory.yearly_certification(name="Confined Space")
    factory.require(worker, cert)
    factory.setting(worker, cert, "deferred", deferred_until=date(2026, 9, 1), notes="Course booked for August")
    page = client.get(f"/r/{worker.qr_token}").get_data(as_text=True)
    assert "Deferred" in page and "09/01/2026" in page and "Course booked for August" in page


def test_unknown_token_says_code_no_longer_valid(client, app_context):
    response = client.get("/r/not-a-real-token")
    assert response.status_code == 404
    assert "This code is no longer valid" in response.get_data(as_text=True)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_inactive_user_code_is_not_valid(client, factory):
    user = factory.user(active=False)
    assert client.get(f"/r/{user.qr_token}").status_code == 404


def test_report_loads_in_fixed_number_of_queries(client, factory, worker, count_queries, frozen_clock):
    def build(n):
        certs = [factory.yearly_certification() for _ in range(n)]
        role = factory.role(*certs, companies=[worker.company])
        factory.assign(worker, role)
        for cert in certs:
            _link(factory.record(worker, cert, date(2026, 1, 10)), f"file-{cert.id}.pdf")

    build(2)
    with count_queries() as few:
        assert client.get(f"/r/{worker.qr_token}").status_code == 200
    build(8)
    with count_queries() as many:
        assert client.get(f"/r/{worker.qr_token}").status_code == 200
    assert len(few) == len(many)


def test_calendar_feed_for_supervisor_and_reset(client, factory, sign_in, csrf, frozen_clock):
    boss = factory.user("Supervisor", first_name="Bo", last_name="Boss")
    worker = factory.user(supervisors=[boss], first_name="Wanda", last_name="Worker")
    cert = factory.yearly_certification(name="First Aid, Level 2")
    factory.require(worker, cert)
    factory.record(worker, cert, date(2025, 7, 1))  # expires 07/01/2026, overdue from 06/24
    secret = factory.yearly_certification(name="Secret")
    secret.hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    factory.require(worker, secret)
    factory.record(worker, secret, date(2025, 7, 1))
    response = client.get(f"/cal/{boss.calendar_token}.ics")
    feed = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar" and feed.startswith("BEGIN:VCALENDAR\r\n")
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "SUMMARY:Wanda Worker: First Aid\\, Level 2 expires" in feed and "DTSTART;VALUE=DATE:20260701" in feed
    assert "2nd notice (overdue)" in feed and "DTSTART;VALUE=DATE:20260624" in feed
    assert "1st notice" not in feed  # 06/01/2026 is already past
    assert "Secret" not in feed
    own = client.get(f"/cal/{worker.calendar_token}.ics").get_data(as_text=True)
    assert "SUMMARY:Secret expires" in own
    old = boss.calendar_token
    sign_in(boss)
    assert old in client.get("/reports/calendar").get_data(as_text=True)
    client.post("/reports/calendar/reset", data={"csrf_token": csrf()})
    assert client.get(f"/cal/{old}.ics").status_code == 404


def test_calendar_feed_has_the_notice_dates_of_an_upcoming_record(client, factory, frozen_clock):
    worker = factory.user()
    cert = factory.yearly_certification(name="Forklift", allow_upcoming=True)
    factory.require(worker, cert)
    factory.record(worker, cert, date(2026, 8, 1))  # after today (06/15/2026): upcoming, expires 08/01/2027
    feed = client.get(f"/cal/{worker.calendar_token}.ics").get_data(as_text=True)
    assert "SUMMARY:Forklift expires" in feed and "DTSTART;VALUE=DATE:20270801" in feed
    for summary, day in (("1st notice (due)", "20270701"), ("2nd notice (overdue)", "20270725")):
        event = next(e for e in feed.split("BEGIN:VEVENT")[1:] if f"SUMMARY:Forklift {summary}" in e)
        assert f"DTSTART;VALUE=DATE:{day}" in event


def test_calendar_lines_are_folded(client, factory, frozen_clock):
    worker = factory.user()
    cert = factory.yearly_certification(name="A very long certification name " * 4)
    factory.require(worker, cert)
    factory.record(worker, cert, date(2026, 1, 1))
    feed = client.get(f"/cal/{worker.calendar_token}.ics").get_data(as_text=True)
    assert all(len(line.encode()) <= 75 for line in feed.split("\r\n"))


def _events(feed: str) -> list[str]:
    return feed.split("BEGIN:VEVENT")[1:]


def test_calendar_expirations_carry_alarms_at_the_notice_dates_at_the_notice_hour(client, factory, frozen_clock):
    worker = factory.user()
    cert = factory.yearly_certification(name="Forklift")
    factory.require(worker, cert)
    factory.record(worker, cert, date(2025, 8, 1))  # expires 08/01/2026: 1st notice 07/01, 2nd 07/25
    feed = client.get(f"/cal/{worker.calendar_token}.ics").get_data(as_text=True)
    expires = next(e for e in _events(feed) if "SUMMARY:Forklift expires" in e)
    # Notices go out at 07:00 in the organisation's time zone (UTC in tests).
    assert expires.count("BEGIN:VALARM") == 2
    assert "TRIGGER;VALUE=DATE-TIME:20260701T070000Z" in expires
    assert "TRIGGER;VALUE=DATE-TIME:20260725T070000Z" in expires
    assert "DESCRIPTION:Forklift: 1st notice (due)\\, expires 08/01/2026" in expires
    assert "@127.0.0.1" in expires  # the UID names BASE_URL's host, never the request's


def test_calendar_has_deferral_and_training_end_dates(client, factory, frozen_clock):
    boss = factory.user("Supervisor")
    worker = factory.user(supervisors=[boss], first_name="Wanda", last_name="Worker")
    cert = factory.yearly_certification(name="Harness")
    factory.require(worker, cert)
    factory.setting(worker, cert, "deferred", deferred_until=date(2026, 9, 30))
    rigging = factory.yearly_certification(name="Rigging")
    factory.assign(worker, factory.role(rigging, name="Rigger"), training_until=date(2026, 10, 15))
    own = client.get(f"/cal/{worker.calendar_token}.ics").get_data(as_text=True)
    deferral = next(e for e in _events(own) if "SUMMARY:Harness deferral ends" in e)
    assert "DTSTART;VALUE=DATE:20260930" in deferral and "TRIGGER;VALUE=DATE-TIME:20260930T070000Z" in deferral
    training = next(e for e in _events(own) if "SUMMARY:Rigger training ends" in e)
    assert "DTSTART;VALUE=DATE:20261015" in training
    supervisor_feed = client.get(f"/cal/{boss.calendar_token}.ics").get_data(as_text=True)
    assert "SUMMARY:Wanda Worker: Rigger training ends" in supervisor_feed
    assert "SUMMARY:Wanda Worker: Harness deferral ends" in supervisor_feed


def test_the_calendar_page_offers_a_one_tap_subscription_and_a_copy_button(client, factory, sign_in, frozen_clock):
    worker = sign_in(factory.user())
    page = client.get("/reports/calendar").get_data(as_text=True)
    assert f'href="webcal://127.0.0.1:5000/cal/{worker.calendar_token}.ics"' in page
    assert 'data-copy="feed-url"' in page and 'id="feed-url"' in page
