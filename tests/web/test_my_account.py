"""My Certifications: the requirement tables, a certification's own page, and submitting proof."""
import io
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Attachment, AuditEntry, Submission
from webapp.services.submissions import SubmissionError, preview_expiration, submit_certification

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 64


def _count_submissions() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


def _post(client, csrf, certification, completed_on="06/10/2026", key="key-1", **extra):
    data = {"csrf_token": csrf(), "certification": str(certification.id), "completed_on": completed_on,
            "idempotency_key": key, **extra}
    return client.post("/my/submit", data=data, content_type="multipart/form-data")


@pytest.fixture
def employee(frozen_clock, factory, sign_in):
    """A signed-in employee with a supervisor; signed in under the frozen clock, as the session must be."""
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    return sign_in(factory.user(first_name="Emma", supervisors=[supervisor]))


# --- My Certifications -------------------------------------------------------------------

def test_every_status_shows_in_its_table(client, factory, employee, frozen_clock):
    company = factory.company()
    employee.company = company
    db.session.commit()
    missing = factory.yearly_certification(name="Working at Height")
    expired = factory.yearly_certification(name="First Aid")
    due = factory.yearly_certification(name="Forklift")
    valid = factory.yearly_certification(name="Site Induction")
    deferred = factory.yearly_certification(name="Confined Space")
    not_applicable = factory.yearly_certification(name="Diving")
    trained = factory.yearly_certification(name="Crane")
    role = factory.role(missing, expired, due, valid, name="Field Technician", companies=[company])
    factory.assign(employee, role)
    factory.assign(employee, factory.role(trained, name="Crane Operator", companies=[company]), training_until=date(2026, 8, 1))
    for certification in (deferred, not_applicable):
        factory.require(employee, certification)
    factory.record(employee, expired, date(2025, 1, 1))
    factory.record(employee, due, date(2025, 7, 1))
    factory.record(employee, valid, date(2026, 1, 1))
    factory.record(employee, missing, date(2026, 6, 1), status="pending")
    factory.setting(employee, deferred, "deferred", deferred_until=date(2026, 9, 1), notes="Waiting for a course date")
    factory.setting(employee, not_applicable, "not_applicable")

    response = client.get("/my/certifications")
    page = response.get_data(as_text=True)
    outstanding, rest = page.split('id="on-file-title"')[0].split('id="others-title"')
    for name in ("Working at Height", "First Aid", "Forklift"):
        assert name in outstanding and name not in rest
    for name in ("Site Induction", "Confined Space", "Diving", "Crane"):
        assert name in rest and name not in outstanding
    assert "Nothing on File" in outstanding and "Pending approval" in outstanding
    assert "Expired" in outstanding and "Due" in outstanding
    assert "07/01/2026" in outstanding and "(16 days left)" in outstanding
    assert "Deferred until 09/01/2026" in rest and "Waiting for a course date" in rest
    assert "In training for Crane Operator until 08/01/2026" in rest
    assert "Not Applicable" in rest and "Valid" in rest
    assert "Field Technician" in outstanding and "Other Required Certification" in rest
    assert page.count("<summary>why?</summary>") == 7
    assert "Certifications on File" in page


def test_empty_page_says_nothing_is_required(client, employee, frozen_clock):
    page = client.get("/my/certifications").get_data(as_text=True)
    assert "No certifications are required of you yet." in page and "Nothing on file yet." in page


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get("/my/certifications").status_code == 302


def test_profile_view_lists_several_records_of_one_certification(client, factory, employee, frozen_clock):
    certification = factory.yearly_certification(name="First Aid", issuer="Red Cross")
    factory.record(employee, certification, date(2025, 3, 1))
    factory.record(employee, certification, date(2026, 3, 1), issuer="St John")
    page = client.get("/my/certifications").get_data(as_text=True)
    on_file = page.split('id="on-file-title"')[1]
    assert on_file.count("First Aid") == 2
    assert "Red Cross" in on_file and "St John" in on_file
    assert "03/01/2026" in on_file and "03/01/2027" in on_file


def _requirements(factory, user, n):
    for i in range(n):
        certification = factory.yearly_certification()
        factory.require(user, certification)
        submission = factory.record(user, certification, date(2026, 1, 1))
        db.session.add(Attachment(kind="link", name="proof", url="https://example.com", submission=submission))
    db.session.commit()


def test_page_queries_do_not_grow_with_requirements(client, factory, sign_in, count_queries, frozen_clock):
    few, many = factory.user(), factory.user()
    _requirements(factory, few, 2)
    _requirements(factory, many, 10)
    counts = []
    for user in (few, many):
        sign_in(user)
        with count_queries() as queries:
            assert client.get("/my/certifications").status_code == 200
        counts.append(len(queries))
    # The session, the settings, what the person's module levels hide, their facts and certifications, their
    # records on file, what awaits payment, their unread notices' count.
    assert counts[0] == counts[1] == 8


# --- A certification's own page --------------------------------------------------------------

def test_certification_page_shows_details_current_record_and_history(client, factory, employee, frozen_clock):
    supervisor = employee.supervisors[0]
    certification = factory.yearly_certification(
        name="First Aid", information="Two-day course.", external_url="https://example.com/first-aid"
    )
    factory.require(employee, certification)
    old = factory.record(employee, certification, date(2024, 5, 1), decided_by=supervisor,
                         decided_at=datetime(2024, 5, 2, tzinfo=timezone.utc))
    old.revoked_at, old.revoked_by, old.revoked_reason = datetime(2024, 6, 1, tzinfo=timezone.utc), supervisor, "Forged"
    factory.record(employee, certification, date(2025, 1, 5), status="declined", decided_by=supervisor,
                   decline_comment="Photo unreadable")
    current = factory.record(employee, certification, date(2026, 2, 1), decided_by=supervisor)
    db.session.add(Attachment(kind="link", name="Certificate", url="https://example.com/c.pdf", submission=current))
    db.session.commit()

    page = client.get(f"/my/certifications/{certification.id}").get_data(as_text=True)
    assert "Two-day course." in page and 'href="https://example.com/first-aid"' in page
    current_section = page.split('id="current-title"')[1].split('id="history-title"')[0]
    assert "02/01/2026" in current_section and "02/01/2027" in current_section and "Certificate" in current_section
    history = page.split('id="history-title"')[1]
    assert "Revoked by Sam Boss" in history and "Forged" in history
    assert "Declined by Sam Boss" in history and "Photo unreadable" in history
    assert "Approved by Sam Boss" in history
    assert 'rel="noopener noreferrer" href="https://example.com/c.pdf"' in page


def test_certification_hidden_from_every_level_is_not_found(client, factory, employee):
    certification = factory.certification()
    certification.hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    assert client.get(f"/my/certifications/{certification.id}").status_code == 404
    assert client.get("/my/certifications/999999").status_code == 404


# --- The expiration preview --------------------------------------------------------------

def test_preview_uses_the_current_record(factory, employee, frozen_clock):
    certification = factory.yearly_certification(existing_window_opens="first_notice")
    factory.record(employee, certification, date(2025, 7, 1))  # expires 07/01/2026
    preview = preview_expiration(employee, certification, date(2026, 6, 10), date(2026, 6, 15))
    assert preview.expires_on == date(2027, 7, 1) and preview.rule == "existing_record"
    assert preview.notices.due_on == date(2027, 6, 1) and preview.notices.overdue_on == date(2027, 6, 24)
    assert not preview.is_upcoming


def test_preview_fragment(client, factory, employee, frozen_clock):
    certification = factory.yearly_certification()
    response = client.get(f"/my/submit/preview?certification={certification.id}&completed_on=2026-06-01")
    page = response.get_data(as_text=True)
    assert "Expires 06/01/2027" in page and "<summary>why?</summary>" in page
    assert "Due</span> from 05/01/2027" in page and "Overdue</span> from 05/25/2027" in page
    assert "<html" not in page
    bad = client.get(f"/my/submit/preview?certification={certification.id}&completed_on=31/31/2026")
    assert "There is no such day: 31/31/2026." in bad.get_data(as_text=True)


# --- Submitting -----------------------------------------------------------------------------

def test_form_has_date_picker_camera_and_key(client, factory, employee):
    factory.certification(name="First Aid")
    page = client.get("/my/submit").get_data(as_text=True)
    assert 'type="date"' in page and "MM/DD/YYYY" in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "multiple" in page
    assert 'name="idempotency_key"' in page and "data-disable-on-submit" in page
    assert "First Aid" in page
    assert 'name="expires_on"' not in page  # employees may not set their own expiration


def test_required_only_filters_the_list(client, factory, employee):
    required = factory.certification(name="Required One")
    factory.certification(name="Optional One")
    factory.require(employee, required)
    page = client.get("/my/submit?required_only=y").get_data(as_text=True)
    assert "Required One" in page and "Optional One" not in page
    fragment = client.get("/my/submit?required_only=y", headers={"HX-Request": "true", "HX-Target": "certification-field"})
    text = fragment.get_data(as_text=True)
    assert 'id="certification-field"' in text and "Optional One" not in text and "<h1>" not in text


def test_submit_with_photo_and_link_is_pending(client, csrf, factory, employee, frozen_clock):
    certification = factory.yearly_certification(name="First Aid")
    response = _post(client, csrf, certification, "2026-06-10", photos=(io.BytesIO(PNG), "card.png"),
                     links="https://example.com/cert\n")
    assert response.status_code == 302
    submission = db.session.scalar(select(Submission))
    assert submission.status == "pending" and submission.completed_on == date(2026, 6, 10)
    assert submission.expires_on == date(2027, 6, 10) and submission.source == "user"
    assert sorted(a.kind for a in submission.attachments) == ["file", "link"]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "pending approval" in page and "Waiting for approval." in page


def test_auto_approved_certification_is_approved_at_once(client, csrf, factory, employee, frozen_clock):
    certification = factory.certification(name="Manual Handling", auto_approve_submissions=True)
    response = _post(client, csrf, certification)
    assert response.status_code == 302
    assert db.session.scalar(select(Submission.status)) == "approved"
    assert "approved automatically" in client.get(response.location).get_data(as_text=True)


def test_double_post_stores_one_submission(client, csrf, factory, employee, frozen_clock):
    certification = factory.certification()
    assert _post(client, csrf, certification, key="same").status_code == 302
    assert _post(client, csrf, certification, key="same").status_code == 302
    assert _count_submissions() == 1


@pytest.mark.parametrize(
    ("completed_on", "message"),
    [
        ("06/16/2026", "cannot be after today (06/15/2026)"),
        ("2026-02-30", "There is no such day: 2026-02-30."),
        ("02/29/2025", "There is no such day: 02/29/2025."),
        ("yesterday", "Enter the date as MM/DD/YYYY."),
        ("11/20/26", "Enter the year with four digits, as MM/DD/YYYY."),
        ("0", "Enter the date as MM/DD/YYYY."),
        ("-1/01/2026", "Enter the date as MM/DD/YYYY."),
        ("01/01/1900", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("0002-11-20", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("0001-01-01", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("12/31/9999", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("", "Enter the date you completed it."),
    ],
)
def test_bad_dates_are_refused(client, csrf, factory, employee, frozen_clock, completed_on, message):
    certification = factory.certification()
    response = _post(client, csrf, certification, completed_on)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _count_submissions() == 0


def test_a_form_sent_back_says_the_chosen_files_must_be_chosen_again(client, csrf, factory, employee, frozen_clock):
    certification = factory.certification()
    response = _post(client, csrf, certification, "06/16/2026", photos=(io.BytesIO(PNG), "card.png"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    photos = page.split('id="photos"')[1].split("</div>")[0]
    assert "Choose the file again: files are not kept when the form has an error." in photos
    assert 'aria-describedby="photos-hint photos-again"' in page
    files = page.split('id="files"')[1].split("</div>")[0]
    assert "Choose the file again" not in files  # nothing was chosen there
    assert "Choose the file again" not in _post(client, csrf, certification, "06/16/2026").get_data(as_text=True)


def test_one_day_left_is_singular(client, factory, employee, frozen_clock):
    certification = factory.yearly_certification(name="Forklift")
    factory.require(employee, certification)
    factory.record(employee, certification, date(2025, 6, 16))  # expires 06/16/2026, the day after the frozen today
    page = client.get("/my/certifications").get_data(as_text=True)
    assert "(1 day left)" in page and "1 days" not in page


def test_future_date_allowed_when_upcoming_is(client, csrf, factory, employee, frozen_clock):
    certification = factory.certification(allow_upcoming=True)
    assert _post(client, csrf, certification, "07/01/2026").status_code == 302
    assert _count_submissions() == 1


@pytest.mark.parametrize(("completed_on", "stored"), [("12/31/2100", date(2100, 12, 31)), ("02/29/2028", date(2028, 2, 29))])
def test_the_last_and_leap_days_are_stored_with_their_expiration(client, csrf, factory, employee, frozen_clock,
                                                                  completed_on, stored):
    certification = factory.yearly_certification(allow_upcoming=True)
    assert _post(client, csrf, certification, completed_on).status_code == 302
    submission = db.session.scalars(select(Submission)).one()
    assert submission.completed_on == stored and submission.expires_on.year == stored.year + 1


@pytest.mark.parametrize(
    ("completed_on", "message"),
    [
        ("11/20/26", "Enter the year with four digits, as MM/DD/YYYY."),
        ("9999-11-20", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("0002-11-20", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("2026-07-01", "The completion date cannot be after today (06/15/2026) for this certification."),
    ],
)
def test_preview_refuses_what_the_submission_refuses(client, factory, employee, frozen_clock, completed_on, message):
    certification = factory.yearly_certification()
    page = client.get(f"/my/submit/preview?certification={certification.id}&completed_on={completed_on}").get_data(as_text=True)
    assert message in page
    assert "Expires" not in page and "Upcoming" not in page


def test_preview_promises_upcoming_only_where_it_is_allowed(client, factory, employee, frozen_clock):
    certification = factory.yearly_certification(allow_upcoming=True)
    page = client.get(f"/my/submit/preview?certification={certification.id}&completed_on=2026-07-01").get_data(as_text=True)
    assert "Expires 07/01/2027" in page and "Upcoming" in page


def test_completion_date_waits_for_a_four_digit_year(client, employee):
    page = client.get("/my/submit").get_data(as_text=True)
    field = page[page.index('id="completed_on"') - 300:page.index('id="completed_on"') + 600]
    assert 'hx-trigger="date-complete"' in field and "data-complete-date" in field
    assert 'hx-sync="#expiration-preview:replace"' in field
    assert 'min="1950-01-01"' in field and 'max="2100-12-31"' in field


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b""), "empty.png"), "empty.png is empty."),
        ((io.BytesIO(b"MZ\x90\x00" * 20), "virus.exe"), "virus.exe is not a type we accept"),
    ],
)
def test_bad_files_are_refused(client, csrf, factory, employee, frozen_clock, upload, message):
    certification = factory.certification()
    response = _post(client, csrf, certification, files=upload)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _count_submissions() == 0


def test_oversized_file_is_refused(app, client, csrf, factory, employee, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 0)
    certification = factory.certification()
    response = _post(client, csrf, certification, files=(io.BytesIO(PDF), "big.pdf"))
    assert response.status_code == 422 and "big.pdf is larger than 0 MB." in response.get_data(as_text=True)
    assert _count_submissions() == 0


def test_require_attachment_refuses_none(client, csrf, factory, employee, frozen_clock):
    certification = factory.certification(require_attachment=True)
    response = _post(client, csrf, certification)
    assert response.status_code == 422 and "requires an attachment" in response.get_data(as_text=True)
    assert _post(client, csrf, certification, files=(io.BytesIO(PDF), "c.pdf")).status_code == 302
    assert _count_submissions() == 1


def test_bad_link_is_refused(client, csrf, factory, employee, frozen_clock):
    certification = factory.certification()
    response = _post(client, csrf, certification, links="javascript:alert(1)")
    assert response.status_code == 422 and "is not a web address" in response.get_data(as_text=True)
    assert _count_submissions() == 0


def test_hidden_or_unknown_certification_is_refused(client, csrf, factory, employee, frozen_clock):
    hidden = factory.certification(name="Secret")
    hidden.hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    assert "Secret" not in client.get("/my/submit").get_data(as_text=True)
    assert _post(client, csrf, hidden).status_code == 422
    response = client.post("/my/submit", data={"csrf_token": csrf(), "certification": "999999",
                                               "completed_on": "06/01/2026", "idempotency_key": "k"})
    assert response.status_code == 422
    assert _count_submissions() == 0


def test_expiration_override_only_with_permission(client, csrf, factory, sign_in, frozen_clock):
    certification = factory.yearly_certification()
    admin = sign_in(factory.user("Administrator"))
    assert 'name="expires_on"' in client.get("/my/submit").get_data(as_text=True)
    assert _post(client, csrf, certification, "06/01/2026", expires_on="12/31/2026").status_code == 302
    submission = db.session.scalar(select(Submission))
    assert submission.expires_on == date(2026, 12, 31) and "set by" in submission.expiration_explanation
    assert submission.user_id == admin.id
    response = _post(client, csrf, certification, "06/01/2026", key="k2", expires_on="05/01/2026")
    assert response.status_code == 422 and "cannot be before the completion date" in response.get_data(as_text=True)


def test_service_refuses_override_without_permission(factory, employee, frozen_clock):
    with pytest.raises(SubmissionError) as raised:
        submit_certification(employee, factory.certification(), date(2026, 6, 1), expires_on=date(2027, 1, 1))
    assert "expires_on" in raised.value.errors


def test_someone_elses_idempotency_key_stores_nothing(client, csrf, factory, employee, frozen_clock):
    certification = factory.certification()
    other = factory.user()
    submit_certification(other, certification, date(2026, 6, 1), idempotency_key="shared")
    response = _post(client, csrf, certification, key="shared")
    assert response.status_code == 422 and "reload the page" in response.get_data(as_text=True)
    assert _count_submissions() == 1


def test_a_supervisor_recording_for_someone_approves_at_once(factory, employee, frozen_clock):
    supervisor = employee.supervisors[0]
    submission = submit_certification(employee, factory.yearly_certification(), date(2026, 6, 1), by=supervisor,
                                      expires_on=date(2026, 12, 1))
    assert submission.status == "approved" and submission.source == "supervisor"
    assert submission.decided_by_id == supervisor.id and submission.expires_on == date(2026, 12, 1)


def test_certification_page_queries_do_not_grow_with_history(client, factory, employee, count_queries, frozen_clock):
    counts = []
    for n in (2, 10):
        certification = factory.yearly_certification()
        factory.require(employee, certification)
        for i in range(n):
            submission = factory.record(employee, certification, date(2016 + i, 1, 1))
            db.session.add(Attachment(kind="link", name="proof", url="https://example.com", submission=submission))
        db.session.commit()
        with count_queries() as queries:
            assert client.get(f"/my/certifications/{certification.id}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == 12
