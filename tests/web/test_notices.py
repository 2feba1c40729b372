"""Notices: the daily scan queues each stage once, delivery over real SMTP with retry, the notices pages."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import free_port
from webapp.clock import today
from webapp.extensions import db
from webapp.models import Attachment, ModuleLevel, Notice, User
from webapp.permissions import Permission
from webapp.scheduler import DAILY_JOB, build_scheduler, follow_send_hour, should_run_in_process
from webapp.services.demo import load_demo_organisation
from webapp.services.jobs import JOB_LOCKS
from webapp.services import notices
from webapp.services.mail import RenderedMail, deliver_notices, queue_email
from webapp.services.notices import OUTBOX_PAGE_SIZE, queue_scheduled_notices
from webapp.services.settings import NOTIFICATION_DEFAULTS, update_notification_defaults
from webapp.services.storage import CheckedUpload, store_file

UTC_NINE = "T09:00:00+00:00"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + UTC_NINE)


@pytest.fixture
def worked_example(factory, frozen_clock):
    """The documents' example: expires 07/01/2026, 1st notice 1 month, 2nd notice 1 week."""
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss", email="sam@example.test")
    worker = factory.user(supervisors=[supervisor], first_name="Wanda", last_name="Worker", email="wanda@example.test")
    certification = factory.yearly_certification(name="Forklift")
    factory.require(worker, certification)
    factory.record(worker, certification, date(2025, 7, 1))
    return supervisor, worker, certification


def _notices(**where):
    db.session.expire_all()
    query = select(Notice).order_by(Notice.id)
    for name, value in where.items():
        query = query.where(getattr(Notice, name) == value)
    return list(db.session.scalars(query))


def _scan():
    db.session.expire_all()
    return queue_scheduled_notices(today())


def test_documents_worked_example_delivered_on_each_date(worked_example, smtp, frozen_clock):
    supervisor, worker, certification = worked_example
    frozen_clock.move_to(at("2026-05-31"))
    assert _scan().queued == 0

    frozen_clock.move_to(at("2026-06-01"))
    assert _scan().queued == 1
    assert deliver_notices().sent == 1
    [blue] = smtp.to("wanda@example.test")
    assert blue["Subject"] == "Due: Forklift expires 07/01/2026"
    assert "Your Forklift certification is due for renewal: it expires 07/01/2026." in blue.get_body(("plain",)).get_content()
    assert "<strong>due</strong>" in blue.get_body(("html",)).get_content()
    assert smtp.to("sam@example.test") == []

    frozen_clock.move_to(at("2026-06-23"))
    assert _scan().queued == 0
    frozen_clock.move_to(at("2026-06-24"))
    assert _scan().queued == 2
    deliver_notices()
    yellow = smtp.to("wanda@example.test")[-1]
    assert yellow["Subject"] == "Overdue: Forklift expires 07/01/2026"
    [to_supervisor] = smtp.to("sam@example.test")
    assert to_supervisor["Subject"] == "Wanda Worker: Overdue: Forklift expires 07/01/2026"
    assert "You receive this as Wanda's supervisor." in to_supervisor.get_body(("plain",)).get_content()

    frozen_clock.move_to(at("2026-07-01"))
    assert _scan().queued == 2
    deliver_notices()
    assert smtp.to("wanda@example.test")[-1]["Subject"] == "Expired: Forklift expired 07/01/2026"
    assert smtp.to("sam@example.test")[-1]["Subject"] == "Wanda Worker: Expired: Forklift expired 07/01/2026"
    assert len(smtp.messages) == 5
    assert [n.kind for n in _notices(status="sent")] == [
        "first_notice", "second_notice", "second_notice", "expired", "expired"]


def test_daily_job_run_twice_or_on_later_days_queues_once(worked_example, frozen_clock):
    frozen_clock.move_to(at("2026-06-01"))
    assert _scan().queued == 1
    assert _scan().queued == 0
    frozen_clock.move_to(at("2026-06-02"))
    assert _scan().queued == 0
    assert len(_notices()) == 1


def test_missed_days_catch_up_but_old_events_do_not_flood(worked_example, frozen_clock):
    frozen_clock.move_to(at("2026-06-05"))  # the runner was down on 06/01
    assert [n.kind for n in _notices()] == [] and _scan().queued == 1
    frozen_clock.move_to(at("2026-07-20"))  # expired 19 days ago, beyond the catch-up window
    assert _scan().queued == 0


def test_renewal_pending_holds_back_reminders(worked_example, factory, frozen_clock):
    _, worker, certification = worked_example
    factory.record(worker, certification, date(2026, 5, 30), status="pending")
    frozen_clock.move_to(at("2026-06-01"))
    assert _scan().queued == 0


def test_two_runs_at_once_queue_each_notice_once(worked_example, frozen_clock, at_once):
    frozen_clock.move_to(at("2026-06-24"))
    outcomes = at_once(*[lambda: queue_scheduled_notices(date(2026, 6, 24))] * 2)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(_notices()) == 2
    assert sorted((n.kind, n.recipient_email) for n in _notices()) == [
        ("second_notice", "sam@example.test"), ("second_notice", "wanda@example.test")]


@pytest.mark.postgres_only
def test_a_held_advisory_lock_makes_the_second_runner_skip(app, worked_example, frozen_clock):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    frozen_clock.move_to(at("2026-06-24"))
    with db.engine.connect() as other:
        with other.begin():
            assert other.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": JOB_LOCKS["queue_scheduled_notices"]})
            assert _scan() is None
    assert _notices() == []
    assert _scan().queued == 2


def test_settings_decide_who_is_told(worked_example, factory, frozen_clock):
    admin = factory.user("Administrator")
    update_notification_defaults(admin, {**NOTIFICATION_DEFAULTS, "second_notice_supervisors": False,
                                         "digest_administrators": False})
    frozen_clock.move_to(at("2026-06-24"))
    _scan()
    assert [n.recipient_email for n in _notices()] == ["wanda@example.test"]


def test_deferral_and_training_ends_are_announced(factory, frozen_clock):
    worker = factory.user(email="dee@example.test")
    deferred = factory.yearly_certification(name="Confined Space")
    factory.require(worker, deferred)
    factory.setting(worker, deferred, "deferred", deferred_until=date(2026, 6, 20))
    trained = factory.yearly_certification(name="Rigging")
    company = factory.company()
    worker.company = company
    db.session.commit()
    role = factory.role(trained, companies=[company], name="Rigger")
    factory.assign(worker, role, training_until=date(2026, 6, 22))
    frozen_clock.move_to(at("2026-06-19"))
    assert _scan().queued == 0
    frozen_clock.move_to(at("2026-06-20"))
    _scan()
    frozen_clock.move_to(at("2026-06-22"))
    _scan()
    assert [(n.kind, n.expiration_date, n.subject) for n in _notices()] == [
        ("deferral_ended", date(2026, 6, 20), "Deferral ended: Confined Space is Nothing on File"),
        ("training_ended", date(2026, 6, 22), "Training ended: Rigging is Nothing on File"),
    ]


def test_competency_lead_time_notice(factory, frozen_clock):
    worker = factory.user(email="comp@example.test")
    role = factory.role(name="Crane Operator", require_competency=True, competency_expires=True,
                        competency_duration_amount=1, competency_duration_unit="years",
                        competency_lead_time_amount=1, competency_lead_time_unit="months")
    factory.assign(worker, role, training_until=date(2025, 7, 10))
    frozen_clock.move_to(at("2026-06-09"))
    assert _scan().queued == 0
    frozen_clock.move_to(at("2026-06-10"))
    assert _scan().queued == 1
    assert _scan().queued == 0
    [notice] = _notices()
    assert notice.kind == "competency" and notice.expiration_date == date(2026, 7, 10)
    assert notice.subject == "Competency expires 07/10/2026: Crane Operator"


def test_administrators_get_a_digest_when_something_turns(worked_example, factory, frozen_clock):
    admin = factory.user("Administrator", email="admin@example.test", first_name="Ada")
    frozen_clock.move_to(at("2026-05-20"))
    _scan()
    assert _notices(kind="digest") == []
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    _scan()
    [digest] = _notices(kind="digest")
    assert digest.recipient_email == "admin@example.test" and digest.expiration_date == date(2026, 6, 1)
    assert "Wanda Worker: Forklift, Due, expires 07/01/2026" in digest.body_text
    assert admin.id == digest.recipient_user_id


def test_a_one_day_digest_window_is_one_day(worked_example, factory, frozen_clock):
    admin = factory.user("Administrator", email="admin@example.test", first_name="Ada")
    update_notification_defaults(admin, {**NOTIFICATION_DEFAULTS, "digest_window_days": 1})
    frozen_clock.move_to(at("2026-07-01"))  # Forklift expires today: a new line
    _scan()
    [digest] = _notices(kind="digest")
    assert digest.subject.endswith("within 1 day")
    assert "Expiring within 1 day," in digest.body_text and "1 days" not in digest.body_html


def test_the_digest_window_is_the_administrators_setting(worked_example, factory, frozen_clock):
    admin = factory.user("Administrator", email="admin@example.test", first_name="Ada")
    update_notification_defaults(admin, {**NOTIFICATION_DEFAULTS, "digest_window_days": 35})
    _, worker, _ = worked_example  # Forklift expires 07/01/2026: 30 days after 06/01
    later = factory.yearly_certification(name="Crane Signals")
    factory.require(worker, later)
    factory.record(worker, later, date(2025, 7, 20))  # expires 07/20/2026: 49 days after 06/01
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    [digest] = _notices(kind="digest")
    assert digest.subject.endswith("1 new, 1 within 35 days")
    assert "Forklift" in digest.body_text and "Crane Signals" not in digest.body_text


def test_a_large_digest_shows_the_first_lines_and_counts_the_rest(factory, frozen_clock, monkeypatch):
    """The scan keeps only the lines a digest shows, whatever the organisation's size; the counts stay whole."""
    monkeypatch.setattr(notices, "DIGEST_LINES", 2)
    team_lead = factory.user(first_name="Tess", last_name="Lead", email="lead@example.test")
    team_lead.module_levels = [_settings_level_for_own_team()]
    admin = factory.user("Administrator", email="admin@example.test")
    forklift = factory.yearly_certification(name="Forklift")
    for n, last_name in enumerate(["Kim", "Abe", "Lee", "Cho", "Ito", "Fox", "Ng"]):
        worker = factory.user(first_name="Wes", last_name=last_name, supervisors=[team_lead] if n < 3 else [])
        factory.require(worker, forklift)
        factory.record(worker, forklift, date(2025, 7, 1))  # due from 06/01/2026
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    digests = {n.recipient_email: n for n in _notices(kind="digest")}
    assert digests["admin@example.test"].subject.endswith("7 new, 7 within 90 days")
    body = digests["admin@example.test"].body_text
    assert "Wes Abe: Forklift" in body and "Wes Cho: Forklift" in body and "Wes Fox" not in body
    assert body.count("... and 5 more") == 2
    team = digests["lead@example.test"]
    assert team.subject.endswith("3 new, 3 within 90 days")
    assert "Wes Abe" in team.body_text and "Wes Cho" not in team.body_text and "... and 1 more" in team.body_text
    assert admin.id == digests["admin@example.test"].recipient_user_id


def _settings_level_for_own_team() -> ModuleLevel:
    level = ModuleLevel(name="Team settings")
    level.permissions = {Permission.MANAGE_SETTINGS, Permission.VIEW_SUPERVISED_USERS}
    db.session.add(level)
    return level


def test_smtp_down_nothing_lost_then_delivered_with_backoff(app, worked_example, smtp, frozen_clock, monkeypatch):
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    result = deliver_notices()
    assert (result.sent, result.retrying) == (0, 1)
    [notice] = _notices()
    assert notice.status == "queued" and notice.attempts == 1 and "ConnectionRefusedError" in notice.last_error
    assert notice.next_attempt_at == at("2026-06-01") + timedelta(seconds=60)
    message_id = notice.message_id
    frozen_clock.move_to(at("2026-06-01") + timedelta(seconds=30))
    assert deliver_notices().retrying == 0  # not due yet
    frozen_clock.move_to(at("2026-06-01") + timedelta(seconds=61))
    deliver_notices()
    notice = _notices()[0]
    assert notice.attempts == 2 and notice.next_attempt_at == at("2026-06-01") + timedelta(seconds=61 + 120)
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.controller.port)
    frozen_clock.move_to(at("2026-06-01") + timedelta(minutes=5))
    assert deliver_notices().sent == 1
    [received] = smtp.to("wanda@example.test")
    assert received["Message-ID"] == message_id == _notices()[0].message_id
    assert _notices()[0].status == "sent"


def test_too_many_attempts_fail(app, worked_example, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    deliver_notices()
    frozen_clock.move_to(at("2026-06-02"))
    assert deliver_notices().failed == 1
    assert _notices()[0].status == "failed"


def test_permanent_refusal_fails_and_an_administrator_retries(worked_example, factory, smtp, client, sign_in, csrf,
                                                              frozen_clock):
    admin = factory.user("Administrator", email="admin@example.test")
    smtp.refuse.add("wanda@example.test")
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    result = deliver_notices()
    assert result.failed == 1 and result.sent == 1  # the admin's digest went out
    [notice] = _notices(status="failed")
    assert notice.attempts == 1 and "550" in notice.last_error
    sign_in(admin)
    page = client.get("/notices/sent-mail?status=failed").get_data(as_text=True)
    assert "Due: Forklift expires 07/01/2026" in page and "Failed" in page and "No such user" in page
    response = client.post(f"/notices/sent-mail/{notice.id}/retry", data={"csrf_token": csrf()})
    assert response.status_code == 302
    assert _notices(id=notice.id)[0].status == "queued"
    smtp.refuse.clear()
    assert deliver_notices().sent == 1


def test_sent_mail_page_is_for_administrators(worked_example, client, sign_in):
    _, worker, _ = worked_example
    sign_in(worker)
    assert client.get("/notices/sent-mail").status_code == 403
    assert client.post("/notices/sent-mail/1/retry").status_code in (400, 403)


def test_sent_mail_pages_through_the_outbox_newest_first(factory, client, sign_in):
    sign_in(factory.user("Administrator"))
    recipient = factory.user(email="many@example.test")
    for n in range(OUTBOX_PAGE_SIZE + 2):
        queue_email("notify", recipient, RenderedMail(f"Message {n:02d}", "text", "<p>html</p>"))
    db.session.commit()
    first = client.get("/notices/sent-mail").get_data(as_text=True)
    assert f"Message {OUTBOX_PAGE_SIZE + 1:02d}" in first and "Message 01" not in first
    assert f"Showing 1–{OUTBOX_PAGE_SIZE} of {OUTBOX_PAGE_SIZE + 2}" in first
    assert "Newer mail" not in first and 'href="/notices/sent-mail?status=all&amp;page=2"' in first
    assert 'href="/notices/sent-mail?status=all" aria-current="page"' in first
    second = client.get("/notices/sent-mail?status=all&page=2").get_data(as_text=True)
    assert "Message 01" in second and "Message 00" in second and f"Message {OUTBOX_PAGE_SIZE + 1:02d}" not in second
    assert "Older mail" not in second and "Newer mail" in second
    assert "No mail here." in client.get("/notices/sent-mail?status=failed&page=3").get_data(as_text=True)
    assert client.get("/notices/sent-mail?page=-4").status_code == 200


def test_without_a_mail_server_mail_stays_in_the_outbox(worked_example, factory, client, sign_in, frozen_clock):
    admin = factory.user("Administrator")
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    assert deliver_notices() is None
    sign_in(admin)
    page = client.get("/notices/sent-mail").get_data(as_text=True)
    assert "No mail server is set" in page and "Due: Forklift expires 07/01/2026" in page and "Queued" in page


def test_notices_page_unread_count_and_mark_read(worked_example, factory, client, sign_in, csrf, frozen_clock):
    _, worker, _ = worked_example
    other = factory.user()
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    [notice] = _notices(recipient_email="wanda@example.test")
    sign_in(worker)
    page = client.get("/notices/").get_data(as_text=True)
    assert 'class="notice-count">1<span class="visually-hidden"> unread' in page
    assert "Due: Forklift expires 07/01/2026" in page and "Unread" in page
    assert f'action="/notices/{notice.id}/read"' in page
    shown = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "Your Forklift certification is due for renewal" in shown and "Mark as read" in shown
    assert _notices(id=notice.id)[0].read_at is None  # reading by GET changes nothing
    opened = client.post(f"/notices/{notice.id}/read", data={"csrf_token": csrf()})
    assert opened.status_code == 302 and opened.location.endswith(f"/notices/{notice.id}")
    shown = client.get(opened.location).get_data(as_text=True)
    assert "notice-count" not in shown and "Mark as read" not in shown
    assert client.post(f"/notices/{notice.id}/read", data={}).status_code == 400
    sign_in(other)
    assert client.get(f"/notices/{notice.id}").status_code == 404
    assert client.post(f"/notices/{notice.id}/read", data={"csrf_token": csrf()}).status_code == 404
    sign_in(worker)
    db.session.execute(db.update(Notice).values(read_at=None))
    db.session.commit()
    client.post("/notices/read", data={"csrf_token": csrf()})
    assert _notices(id=notice.id)[0].read_at is not None


def test_notice_in_the_app_links_to_this_site(
        app, worked_example, client, sign_in, frozen_clock):
    _, worker, _ = worked_example
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    [notice] = _notices(recipient_email="wanda@example.test")
    # The scheduler wrote the mail with BASE_URL; the mail keeps it.
    assert f"{app.config['BASE_URL']}/my/certifications" in notice.body_text
    sign_in(worker)
    shown = client.get(f"/notices/{notice.id}", base_url="http://localhost:8443").get_data(as_text=True)
    assert '<a href="http://localhost:8443/my/certifications">http://localhost:8443/my/certifications</a>' in shown
    assert app.config["BASE_URL"] not in shown


def test_notices_page_loads_in_a_fixed_number_of_queries(worked_example, client, sign_in, count_queries, frozen_clock):
    _, worker, _ = worked_example
    frozen_clock.move_to(at("2026-07-01"))
    sign_in(worker)
    client.get("/notices/")
    with count_queries() as few:
        client.get("/notices/")
    for day in ("2026-06-01", "2026-06-24", "2026-07-01"):
        frozen_clock.move_to(at(day))
        _scan()
    with count_queries() as more:
        client.get("/notices/")
    assert len(more) == len(few)


def test_approval_mail_carries_the_record_files_when_the_certification_asks(factory, smtp, frozen_clock, client,
                                                                            sign_in, csrf):
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    worker = factory.user(supervisors=[supervisor], first_name="Wanda", email="w@example.test")
    certification = factory.yearly_certification(name="First Aid", attach_files_to_approval_emails=True)
    submission = factory.record(worker, certification, date(2026, 6, 10), status="pending")
    stored = store_file(CheckedUpload(data=b"%PDF-1.4 card", content_type="application/pdf", name="card.pdf"))
    db.session.add(Attachment(kind="file", name="card.pdf", stored_file=stored, submission=submission))
    db.session.commit()
    sign_in(supervisor)
    client.post(f"/submissions/{submission.id}/approve", headers={"HX-Request": "true", "X-CSRFToken": csrf()})
    assert deliver_notices().sent == 1
    [approved] = smtp.to("w@example.test")
    assert approved["Subject"] == "Certification approved: First Aid"
    assert [part.get_filename() for part in approved.iter_attachments()] == ["card.pdf"]
    assert "Attached: card.pdf" in approved.get_body(("plain",)).get_content()


def test_decline_mail_has_the_comment_in_text_and_html(factory, smtp, frozen_clock, client, sign_in, csrf):
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    worker = factory.user(supervisors=[supervisor], first_name="Wanda", email="w@example.test")
    submission = factory.record(worker, factory.yearly_certification(name="First Aid"), date(2026, 6, 10),
                                status="pending")
    sign_in(supervisor)
    client.post(f"/submissions/{submission.id}/decline", data={"csrf_token": csrf(), "comment": "Photo <blurry>"})
    deliver_notices()
    [declined] = smtp.to("w@example.test")
    assert declined["Subject"] == "Certification declined: First Aid"
    assert "Photo <blurry>" in declined.get_body(("plain",)).get_content()
    assert "Photo &lt;blurry&gt;" in declined.get_body(("html",)).get_content()


def test_scheduler_runs_once_and_names_its_timezone(app, factory, monkeypatch):
    assert should_run_in_process(app) is False  # never under tests
    monkeypatch.setitem(app.config, "ORGANISATION_TIMEZONE", "America/Chicago")
    scheduler = build_scheduler(app)
    job = scheduler.get_job(DAILY_JOB)
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert str(job.trigger.timezone) == "America/Chicago" and fields["hour"] == "7" and fields["minute"] == "0"
    scheduler.start(paused=True)
    try:
        admin = factory.user("Administrator")
        update_notification_defaults(admin, {**NOTIFICATION_DEFAULTS, "send_hour": 5})
        follow_send_hour(app, scheduler)
        assert {f.name: str(f) for f in scheduler.get_job(DAILY_JOB).trigger.fields}["hour"] == "5"
    finally:
        scheduler.shutdown(wait=False)


def test_dev_server_starts_the_scheduler_only_in_the_reloader_child(app, monkeypatch):
    monkeypatch.setitem(app.config, "RUN_SCHEDULER", True)
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert should_run_in_process(app) is False
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    assert should_run_in_process(app) is True


def test_demo_organisation_over_a_simulated_month(factory, frozen_clock, client, sign_in):
    load_demo_organisation(today())
    start = today()
    for offset in range(31):
        frozen_clock.move_to(at((start + timedelta(days=offset)).isoformat()))
        _scan()
        assert _scan().queued == 0  # a second run the same day adds nothing
    emma = db.session.scalar(select(User).where(User.username == "emma"))
    about_emma = sorted(
        ((n.created_at.date() - start).days, n.kind, n.subject.rsplit(": ", 1)[-1], n.recipient_email)
        for n in _notices(user_id=emma.id)
    )
    assert about_emma == [
        (0, "second_notice", "H2S Awareness expires 06/19/2026", "emma@demo.fieldcert.org"),
        (0, "second_notice", "H2S Awareness expires 06/19/2026", "sam@demo.fieldcert.org"),
        (4, "expired", "H2S Awareness expired 06/19/2026", "emma@demo.fieldcert.org"),
        (4, "expired", "H2S Awareness expired 06/19/2026", "sam@demo.fieldcert.org"),
        (13, "second_notice", "First Aid expires 07/05/2026", "emma@demo.fieldcert.org"),
        (13, "second_notice", "First Aid expires 07/05/2026", "sam@demo.fieldcert.org"),
        (20, "expired", "First Aid expired 07/05/2026", "emma@demo.fieldcert.org"),
        (20, "expired", "First Aid expired 07/05/2026", "sam@demo.fieldcert.org"),
        (30, "deferral_ended", "Confined Space Entry is Nothing on File", "emma@demo.fieldcert.org"),
    ]
    # Every expiration of the month was announced on its day (the first day also catches up on the last week).
    for notice in _notices(kind="expired"):
        queued_on = notice.created_at.date()
        assert queued_on == notice.expiration_date or (queued_on == start and notice.expiration_date >= start - timedelta(days=7))
    digests = _notices(kind="digest")
    assert digests and {n.recipient_email for n in digests} == {"ada@demo.fieldcert.org"}
    sign_in(db.session.scalar(select(User).where(User.username == "ada")))
    pages, number = [], 1
    while not pages or "Older mail" in pages[-1]:
        pages.append(client.get(f"/notices/sent-mail?page={number}").get_data(as_text=True))
        number += 1
    assert any("H2S Awareness expired 06/19/2026" in page for page in pages)


def test_two_senders_at_once_send_each_mail_once(worked_example, smtp, frozen_clock, at_once):
    frozen_clock.move_to(at("2026-07-01"))
    _scan()
    outcomes = at_once(deliver_notices, deliver_notices)
    deliver_notices()  # whatever the other sender's lock made this one skip
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert sorted(rcpt for rcpts, _ in smtp.messages for rcpt in rcpts) == ["sam@example.test", "wanda@example.test"]
    assert {n.status for n in _notices()} == {"sent"}


def test_a_mail_that_cannot_be_built_fails_at_once_and_the_others_are_sent(factory, smtp, frozen_clock):
    worker = factory.user(email="w@example.test")
    broken = queue_email("shared_report", "client@example.test",
                         RenderedMail("Shared certification report: Q2\r\nBcc: all@example.test", "text", ""))
    queue_email("notify", worker, RenderedMail("Notice", "text", ""), user=worker)
    db.session.commit()
    result = deliver_notices()
    assert (result.sent, result.failed) == (1, 1)
    [failed] = _notices(id=broken.id)
    assert failed.status == "failed" and "could not be built" in failed.last_error
    assert [m["Subject"] for m in smtp.to("w@example.test")] == ["Notice"]
    assert smtp.to("client@example.test") == [] and smtp.to("all@example.test") == []
    assert deliver_notices().sent == 0  # nothing left claimed as sending
