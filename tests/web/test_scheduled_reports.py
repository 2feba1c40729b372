"""Scheduled reports: saved from Reports' filters, e-mailed weekly or monthly with the CSV attached,
once per period, only what owner and recipient may both see; paused, edited, deleted; bad input refused."""
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, Notice, ScheduledReport, ScheduledReportRun, StoredFile, User
from webapp.services.archive import archive_item
from webapp.services.mail import _attached_files
from webapp.services.reports import ReportFilters
from webapp.services.scheduled_reports import (
    ScheduleInput,
    save_scheduled_report,
    send_scheduled_report,
    send_scheduled_reports,
)
from webapp.services.storage import file_path

MONDAY = date(2026, 6, 15)  # the frozen clock's day


@pytest.fixture
def teams(factory, frozen_clock):
    """Two supervisors, each with one worker who must hold Forklift (one valid, one missing), and an administrator."""
    forklift = factory.yearly_certification(name="Forklift")
    sam, sue = factory.user("Supervisor", first_name="Sam", last_name="North"), factory.user("Supervisor", first_name="Sue", last_name="South")
    ann = factory.user(supervisors=[sam], first_name="Ann", last_name="Lee")
    bob = factory.user(supervisors=[sue], first_name="Bob", last_name="Ray")
    for worker in (ann, bob):
        factory.require(worker, forklift)
    factory.record(ann, forklift, date(2026, 1, 10))
    admin = factory.user("Administrator", first_name="Ada", last_name="Admin")
    return sam, sue, ann, bob, admin, forklift


def _schedule(owner, recipients, frequency="weekly", **filters) -> ScheduledReport:
    return save_scheduled_report(owner, ScheduleInput("Forklift weekly", frequency, ReportFilters(**filters),
                                                      frozenset(r.id for r in recipients)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _mails(to: User) -> list[Notice]:
    return db.session.scalars(select(Notice).where(Notice.kind == "scheduled_report", Notice.recipient_user_id == to.id)).all()


def _csv(notice: Notice) -> str:
    [(name, stored)] = _attached_files(notice.attachment_ids)
    assert name.endswith(".csv") and stored.content_type == "text/csv"
    return file_path(stored).read_text()


def test_a_supervisor_schedules_a_report_from_the_form(client, csrf, sign_in, teams):
    sam, sue, *_ , forklift = teams
    sign_in(sam)
    page = client.get("/reports/scheduled/new").get_data(as_text=True)
    assert "Recipients" in page and "North, Sam" in page
    response = client.post("/reports/scheduled/new", data={
        "csrf_token": csrf(), "title": "Forklift gaps", "frequency": "monthly", "status": "lapsed",
        "within_days": "30", "certification": forklift.id, "recipients": [sam.id, sue.id]})
    assert response.status_code == 302
    report = db.session.scalar(select(ScheduledReport))
    assert (report.title, report.frequency, report.owner_id) == ("Forklift gaps", "monthly", sam.id)
    assert report.filters["status"] == "lapsed" and report.filters["certification_id"] == forklift.id
    assert {u.id for u in report.recipients} == {sam.id, sue.id}
    listing = client.get("/reports/scheduled").get_data(as_text=True)
    assert "Forklift gaps" in listing and "Monthly" in listing and "06/15/2026" in listing
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "scheduled_report.save"))


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "Enter a title."),
    ({"recipients": []}, "Choose at least one recipient."),
    ({"frequency": "daily"}, "Not a valid choice"),
    ({"within_days": "-3"}, "Number must be"),
])
def test_bad_input_saves_nothing(client, csrf, sign_in, teams, change, message):
    sam, *_ = teams
    sign_in(sam)
    data = {"csrf_token": csrf(), "title": "Weekly", "frequency": "weekly", "within_days": "30", "recipients": [sam.id],
            **change}
    response = client.post("/reports/scheduled/new", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _count(ScheduledReport) == 0


def test_an_employee_or_a_recipient_who_left_cannot_be_chosen(client, csrf, sign_in, factory, teams):
    sam, sue, ann, *_ = teams
    sue.active = False
    db.session.commit()
    sign_in(sam)
    for recipient in (ann, sue):  # ann may not view reports; sue left
        response = client.post("/reports/scheduled/new", data={
            "csrf_token": csrf(), "title": "Weekly", "frequency": "weekly", "within_days": "30", "recipients": [recipient.id]})
        assert response.status_code == 422
    assert _count(ScheduledReport) == 0


def test_sending_mails_each_recipient_a_summary_and_the_csv_once_per_week(teams):
    sam, sue, ann, bob, admin, forklift = teams
    report = _schedule(admin, [admin])
    assert send_scheduled_reports(MONDAY).sent == 1
    [mail] = _mails(admin)
    assert mail.subject == "Forklift weekly: 2026-W25"
    assert "2 requirements: 1 nothing on file, 1 valid.\nThe whole list is attached as Forklift-weekly-2026-W25.csv." \
        in mail.body_text
    table = _csv(mail)
    assert table.splitlines()[0].startswith("\ufeffLast Name,First Name") and "Lee,Ann" in table and "Ray,Bob" in table
    for later in (MONDAY, date(2026, 6, 21)):  # the same week: nothing more
        assert send_scheduled_reports(later).sent == 0
    assert send_scheduled_reports(date(2026, 6, 22)).sent == 1  # the next week
    assert len(_mails(admin)) == 2
    assert [r.period for r in db.session.scalars(select(ScheduledReportRun).order_by(ScheduledReportRun.id))] == \
        ["2026-W25", "2026-W26"]
    assert report.id


def test_monthly_reports_go_once_a_month(teams):
    *_, admin, _ = teams
    _schedule(admin, [admin], frequency="monthly")
    sent = [send_scheduled_reports(day).sent for day in (MONDAY, date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 20))]
    assert sent == [1, 0, 1, 0]


def test_the_report_is_the_owners_view_narrowed_to_what_each_recipient_may_see(teams):
    sam, sue, ann, bob, admin, forklift = teams
    _schedule(admin, [admin, sam, sue])  # the administrator sees both teams; each supervisor only their own
    send_scheduled_reports(MONDAY)
    assert "Lee,Ann" in _csv(_mails(admin)[0]) and "Ray,Bob" in _csv(_mails(admin)[0])
    sams = _csv(_mails(sam)[0])
    assert "Lee,Ann" in sams and "Ray,Bob" not in sams
    sues = _csv(_mails(sue)[0])
    assert "Ray,Bob" in sues and "Lee,Ann" not in sues


def test_a_supervisors_report_never_shows_more_than_the_supervisor_sees(teams):
    sam, sue, ann, bob, admin, forklift = teams
    _schedule(sam, [admin])
    send_scheduled_reports(MONDAY)
    table = _csv(_mails(admin)[0])
    assert "Lee,Ann" in table and "Ray,Bob" not in table


def test_a_recipient_who_may_see_nothing_of_it_is_told_so_without_a_file(teams):
    sam, sue, *_ = teams
    _schedule(sam, [sue])
    send_scheduled_reports(MONDAY)
    [mail] = _mails(sue)
    assert "No requirement that you may see matches its filters." in mail.body_text and not mail.attachment_ids


def test_a_paused_report_is_not_sent_until_resumed(client, csrf, sign_in, teams):
    *_, admin, _ = teams
    report = _schedule(admin, [admin])
    sign_in(admin)
    assert client.post(f"/reports/scheduled/{report.id}/pause", data={"csrf_token": csrf()}).status_code == 302
    assert "Paused" in client.get("/reports/scheduled").get_data(as_text=True)
    assert send_scheduled_reports(MONDAY).sent == 0
    client.post(f"/reports/scheduled/{report.id}/resume", data={"csrf_token": csrf()})
    assert send_scheduled_reports(MONDAY).sent == 1


def test_edit_and_delete(client, csrf, sign_in, teams):
    sam, sue, *_, admin, forklift = teams
    report = _schedule(admin, [admin])
    sign_in(admin)
    form = client.get(f"/reports/scheduled/{report.id}/edit").get_data(as_text=True)
    assert 'value="Forklift weekly"' in form
    response = client.post(f"/reports/scheduled/{report.id}/edit", data={
        "csrf_token": csrf(), "title": "Renamed", "frequency": "monthly", "within_days": "10", "recipients": [sue.id]})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(ScheduledReport, report.id)
    assert (saved.title, saved.frequency, saved.filters["within_days"], [u.id for u in saved.recipients]) == \
        ("Renamed", "monthly", 10, [sue.id])
    assert client.post(f"/reports/scheduled/{report.id}/delete", data={"csrf_token": csrf()}).status_code == 302
    assert _count(ScheduledReport) == 0


def test_only_the_owner_reaches_a_scheduled_report(client, csrf, sign_in, teams):
    sam, sue, *_ = teams
    report = _schedule(sam, [sam])
    sign_in(sue)
    assert client.get(f"/reports/scheduled/{report.id}/edit").status_code == 404
    assert client.post(f"/reports/scheduled/{report.id}/delete", data={"csrf_token": csrf()}).status_code == 404
    assert "Forklift weekly" not in client.get("/reports/scheduled").get_data(as_text=True)
    assert _count(ScheduledReport) == 1


def test_a_filter_naming_a_deleted_thing_stops_the_report_and_tells_the_owner_once(client, sign_in, factory, teams):
    *_, admin, _ = teams
    gone = factory.certification(name="Old Crane")
    _schedule(admin, [admin], certification_id=gone.id)
    db.session.delete(gone)
    db.session.commit()
    sign_in(admin)
    assert "The certification it is filtered by was deleted." in client.get("/reports/scheduled").get_data(as_text=True)
    assert send_scheduled_reports(MONDAY).not_sent == 1 and send_scheduled_reports(MONDAY).not_sent == 0
    [note] = _mails(admin)
    assert note.subject == "Scheduled report not sent: Forklift weekly" and "was deleted" in note.body_text
    assert not note.attachment_ids and _count(StoredFile) == 0


def test_recipients_who_left_are_skipped_and_with_none_left_nothing_is_sent(teams):
    sam, sue, *_, admin, _ = teams
    _schedule(admin, [sam, sue])
    sam.active = False
    db.session.commit()
    send_scheduled_reports(MONDAY)
    assert len(_mails(sue)) == 1 and _mails(sam) == []
    sue.active = False
    db.session.commit()
    assert send_scheduled_reports(date(2026, 6, 22)).not_sent == 1
    run = db.session.scalar(select(ScheduledReportRun).where(ScheduledReportRun.period == "2026-W26"))
    assert run.outcome == "not_sent" and "None of its recipients" in run.detail


def test_a_period_already_sent_by_another_sender_is_not_sent_again(teams):
    *_, admin, _ = teams
    report = _schedule(admin, [admin])
    assert send_scheduled_report(report.id, MONDAY) == "sent"
    assert send_scheduled_report(report.id, MONDAY) is None  # the unique (report, period) refuses the second
    assert len(_mails(admin)) == 1


def test_two_senders_at_once_send_once(teams, at_once):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    *_, admin, _ = teams
    report_id = _schedule(admin, [admin]).id
    admin_id = admin.id
    outcomes = at_once(lambda: send_scheduled_report(report_id, MONDAY), lambda: send_scheduled_report(report_id, MONDAY))
    assert sorted(outcomes, key=str) == [None, "sent"]
    assert db.session.scalar(select(func.count()).select_from(Notice).where(Notice.recipient_user_id == admin_id)) == 1


def test_the_list_loads_in_fixed_queries(client, sign_in, factory, teams, count_queries):
    sam, sue, ann, bob, admin, forklift = teams
    sign_in(admin)

    def count(reports: int) -> int:
        for n in range(reports):
            gone = factory.certification(name=f"Gone {n}")
            report = _schedule(admin, [admin, sam], certification_id=gone.id, role_id=None)
            report.title = f"Report {n}"
            db.session.delete(gone)
            db.session.commit()
        with count_queries() as queries:
            page = client.get("/reports/scheduled").get_data(as_text=True)
        assert page.count("was deleted") == db.session.scalar(select(func.count()).select_from(ScheduledReport))
        return len(queries)

    assert count(2) == count(10)


def test_a_report_including_archived_certifications_sends_their_records_labelled_archived(client, csrf, sign_in,
                                                                                          teams):
    sam, sue, ann, bob, admin, forklift = teams
    archive_item(admin, forklift)
    sign_in(admin)
    response = client.post("/reports/scheduled/new", data={
        "csrf_token": csrf(), "title": "History", "frequency": "weekly", "within_days": "30",
        "include_archived": "y", "recipients": [admin.id]})
    assert response.status_code == 302
    report = db.session.scalar(select(ScheduledReport))
    assert report.filters["include_archived"] is True
    edit = client.get(f"/reports/scheduled/{report.id}/edit").get_data(as_text=True)
    assert 'checked id="include_archived" name="include_archived" type="checkbox"' in edit
    assert send_scheduled_reports(MONDAY).sent == 1
    [mail] = _mails(admin)
    assert "1 requirement: 1 archived." in mail.body_text
    rows = [row.split(",") for row in _csv(mail).splitlines()[1:]]
    assert [(row[0], row[4], row[6]) for row in rows] == [("Lee", "Forklift", "Archived")]
    assert "include_archived=True" in mail.body_text and "include_archived=False" not in mail.body_text
