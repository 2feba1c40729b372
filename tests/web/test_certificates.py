"""Certificates of completion: generated on approval or activity, attached, verifiable at a public page."""
import io
from datetime import date, datetime, timezone

import pytest
import segno
from PIL import Image, ImageChops
from pypdf import PdfReader
from sqlalchemy import delete, func, select

from webapp.extensions import db
from webapp.models import Attachment, Certificate, Submission
from webapp.services.certificates import issue_certificate
from webapp.services.records import batch_submit, edit_record_dates
from webapp.services.storage import file_path
from webapp.services.submissions import submit_certification


@pytest.fixture
def team(factory, frozen_clock):
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    worker = factory.user(supervisors=[supervisor], first_name="Wanda", last_name="Worker")
    return supervisor, worker


def _pdf_text(attachment: Attachment) -> str:
    reader = PdfReader(io.BytesIO(file_path(attachment.stored_file).read_bytes()))
    return " ".join(page.extract_text() for page in reader.pages)


def _generated(submission_id: int) -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(Attachment).where(Attachment.submission_id == submission_id, Attachment.generated.is_(True))
    ))


def _approve(client, csrf, sign_in, supervisor, submission) -> None:
    sign_in(supervisor)
    response = client.post(f"/submissions/{submission.id}/approve", data={"csrf_token": csrf()})
    assert response.status_code == 302


def test_approval_attaches_a_pdf_certificate_with_name_dates_and_verification_link(client, csrf, sign_in, factory, team):
    supervisor, worker = team
    certification = factory.yearly_certification(name="Forklift", issuer="Acme Training",
                                                  generate_certificate_on_approval=True)
    submission = factory.record(worker, certification, date(2026, 6, 1), status="pending")
    _approve(client, csrf, sign_in, supervisor, submission)
    [attachment] = _generated(submission.id)
    assert attachment.kind == "file" and attachment.stored_file.content_type == "application/pdf"
    assert attachment.name.endswith(".pdf") and "Forklift" in attachment.name
    text = _pdf_text(attachment)
    assert "Certificate of Completion" in text and "Wanda Worker" in text and "Forklift" in text
    assert "06/01/2026" in text and "Expires on 06/01/2027" in text and "Acme Training" in text
    certificate = db.session.scalar(select(Certificate))
    assert certificate.attachment_id == attachment.id and certificate.trigger == "approval"
    assert len(certificate.token) >= 43
    url = f"http://127.0.0.1:5000/c/{certificate.token}"  # BASE_URL, whatever host the request named
    assert url in text.replace("\n", "").replace(" ", "")
    [qr] = PdfReader(io.BytesIO(file_path(attachment.stored_file).read_bytes())).pages[0].images
    expected = io.BytesIO()
    segno.make(url, error="m", micro=False).save(expected, kind="png", scale=8, border=2)
    assert ImageChops.difference(qr.image.convert("L"), Image.open(expected).convert("L")).getbbox() is None


def test_hidden_expiration_is_left_off_the_certificate_and_the_verification_page(client, csrf, sign_in, factory, team):
    supervisor, worker = team
    certification = factory.yearly_certification(name="Forklift", generate_certificate_on_approval=True,
                                                  hide_expiration_on_certificate=True)
    submission = factory.record(worker, certification, date(2026, 6, 1), status="pending")
    _approve(client, csrf, sign_in, supervisor, submission)
    [attachment] = _generated(submission.id)
    text = _pdf_text(attachment)
    assert "Wanda Worker" in text and "Expires" not in text and "06/01/2027" not in text
    page = client.get(f"/c/{db.session.scalar(select(Certificate.token))}").get_data(as_text=True)
    assert "Genuine and valid" in page and "06/01/2027" not in page


def test_no_certificate_unless_the_certification_asks(client, csrf, sign_in, factory, team):
    supervisor, worker = team
    certification = factory.yearly_certification(name="Forklift", generate_certificate_on_activity=True)
    submission = factory.record(worker, certification, date(2026, 6, 1), status="pending")
    _approve(client, csrf, sign_in, supervisor, submission)
    assert _generated(submission.id) == [] and db.session.scalar(select(func.count(Certificate.id))) == 0


def test_auto_approved_and_supervisor_recorded_submissions_get_a_certificate(app, factory, team):
    supervisor, worker = team
    auto = factory.yearly_certification(name="Manual Handling", auto_approve_submissions=True,
                                        generate_certificate_on_approval=True)
    recorded = factory.yearly_certification(name="Crane", generate_certificate_on_approval=True)
    with app.test_request_context():
        mine = submit_certification(worker, auto, date(2026, 6, 1))
        theirs = submit_certification(worker, recorded, date(2026, 6, 1), by=supervisor)
        waiting = submit_certification(worker, recorded, date(2026, 6, 2))
    assert len(_generated(mine.id)) == 1 and len(_generated(theirs.id)) == 1
    assert waiting.status == "pending" and _generated(waiting.id) == []


def test_batch_records_each_get_their_own_certificate(app, factory, team):
    supervisor, worker = team
    other = factory.user(supervisors=[supervisor], first_name="Otto", last_name="Other")
    role = factory.role(name="Crew")
    factory.assign(supervisor, role)
    certification = factory.yearly_certification(name="Toolbox Talk", allow_batch_submission=True,
                                                 generate_certificate_on_approval=True)
    certification.batch_roles = [role]
    db.session.commit()
    with app.test_request_context():
        records = batch_submit(certification, supervisor, date(2026, 6, 1), [worker, other])
    texts = [_pdf_text(a) for r in records for a in _generated(r.id)]
    assert len(texts) == 2 and "Wanda Worker" in texts[0] and "Otto Other" in texts[1]
    assert len(set(db.session.scalars(select(Certificate.token)))) == 2


def test_activity_trigger_issues_once_and_only_when_asked(app, factory, team):
    _, worker = team
    on_activity = factory.yearly_certification(name="Safety Video", generate_certificate_on_activity=True,
                                               generate_certificate_on_approval=True)
    on_approval = factory.yearly_certification(name="Forklift", generate_certificate_on_approval=True)
    record = factory.record(worker, on_activity, date(2026, 6, 1))
    other = factory.record(worker, on_approval, date(2026, 6, 1))
    with app.test_request_context():
        first = issue_certificate(record, "activity")
        again = issue_certificate(record, "approval")
        assert issue_certificate(other, "activity") is None
        with pytest.raises(ValueError):
            issue_certificate(record, "graduation")
    db.session.commit()
    assert first is not None and again.id == first.id and first.trigger == "activity"
    assert len(_generated(record.id)) == 1


@pytest.fixture
def issued(app, factory, team):
    """A valid record with its certificate; returns (record, token)."""
    _, worker = team
    certification = factory.yearly_certification(name="Forklift", generate_certificate_on_approval=True)
    record = factory.record(worker, certification, date(2026, 6, 1))
    with app.test_request_context():
        certificate = issue_certificate(record, "approval")
    db.session.commit()
    return record, certificate.token


def _verify(client, token):
    response = client.get(f"/c/{token}")
    return response, response.get_data(as_text=True)


def test_verification_page_says_genuine_and_valid_and_is_not_indexed(client, issued):
    _, token = issued
    response, page = _verify(client, token)
    assert response.status_code == 200
    assert "Genuine and valid" in page and "Wanda Worker" in page and "Forklift" in page
    assert "06/01/2026" in page and "06/01/2027" in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow" and response.headers["Cache-Control"] == "private, no-cache"
    assert '<meta name="robots" content="noindex, nofollow">' in page


@pytest.mark.parametrize("token", ["forged-certificate-id", "x" * 43])
def test_unknown_token_is_not_genuine(client, issued, token):
    response, page = _verify(client, token)
    assert response.status_code == 404 and "Not a genuine certificate" in page and "Wanda" not in page


def test_altered_token_is_not_genuine(client, issued):
    _, token = issued
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response, page = _verify(client, altered)
    assert response.status_code == 404 and "Not a genuine certificate" in page


def test_expired_record(client, issued, frozen_clock):
    _, token = issued
    frozen_clock.move_to(datetime(2027, 6, 1, 9, tzinfo=timezone.utc))
    _, page = _verify(client, token)
    assert "no longer valid" in page and "it has expired" in page and "Genuine and valid" not in page


def test_revoked_record(client, issued, team):
    record, token = issued
    record.revoked_at = datetime(2026, 6, 10, tzinfo=timezone.utc)
    record.revoked_reason = "Failed the practical re-check"
    record.revoked_by_id = team[0].id
    db.session.commit()
    _, page = _verify(client, token)
    assert "its record has been revoked" in page and "Failed the practical" not in page


def test_superseded_record(client, factory, issued):
    record, token = issued
    factory.record(record.user, record.certification, date(2026, 6, 10))
    _, page = _verify(client, token)
    assert "no longer valid" in page and "06/10/2026" in page and "Ask for the current certificate" in page


def test_corrected_record_gets_a_new_certificate_and_the_old_one_says_so(app, client, issued, team):
    record, token = issued
    with app.test_request_context():
        edit_record_dates(record, team[0], date(2026, 5, 1), record.expires_on)
    _, page = _verify(client, token)
    assert "corrected after it was issued" in page and "Genuine and valid" not in page
    newest = db.session.scalar(select(Certificate).where(Certificate.token != token))
    assert newest.completed_on == date(2026, 5, 1)
    _, page = _verify(client, newest.token)
    assert "Genuine and valid" in page and "05/01/2026" in page
    [attachment] = _generated(record.id)
    assert attachment.id == newest.attachment_id and "05/01/2026" in _pdf_text(attachment)


def test_deleted_record(client, issued):
    record, token = issued
    db.session.execute(delete(Attachment).where(Attachment.submission_id == record.id))
    db.session.execute(delete(Submission).where(Submission.id == record.id))
    db.session.commit()
    response, page = _verify(client, token)
    assert response.status_code == 200 and "its record has been deleted" in page and "Wanda Worker" in page
