"""Submissions > Pending Approvals: approve, decline with an e-mailed comment, delete; reach and races."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Attachment, AuditEntry, Notice, Submission, User
from webapp.permissions import Permission
from webapp.services.approvals import AlreadyDecided, approve_submission, decline_submission
from webapp.services.records import batch_submit
from webapp.services.settings import update_attachment_naming
from webapp.services.submissions import preview_expiration, submit_certification

HX = {"HX-Request": "true"}


@pytest.fixture
def team(factory, frozen_clock):
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    worker = factory.user(supervisors=[supervisor], first_name="Wanda", last_name="Worker")
    certification = factory.yearly_certification(name="Forklift")
    submission = factory.record(worker, certification, date(2026, 6, 1), status="pending")
    return supervisor, worker, certification, submission


def _status(submission_id):
    db.session.expire_all()
    return db.session.get(Submission, submission_id)


def test_pending_lists_what_the_supervisor_may_approve(client, sign_in, factory, team):
    supervisor, worker, certification, submission = team
    stranger = factory.user(first_name="Other", last_name="Person")
    factory.record(stranger, certification, date(2026, 6, 1), status="pending")
    sign_in(supervisor)
    page = client.get("/submissions/pending").get_data(as_text=True)
    assert "Submitted Certifications" in page
    assert "Wanda Worker" in page and "Forklift" in page and "06/01/2026" in page
    assert "Other Person" not in page
    assert "This action cannot be undone. No notifications will be sent and the submission will be removed" in page


def test_approve_in_place_with_htmx(client, sign_in, csrf, team):
    supervisor, worker, certification, submission = team
    sign_in(supervisor)
    response = client.post(f"/submissions/{submission.id}/approve", headers={**HX, "X-CSRFToken": csrf()})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith("<tr") and "Approved Forklift for Wanda Worker." in body
    record = _status(submission.id)
    assert record.status == "approved" and record.decided_by_id == supervisor.id
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == str(submission.id))) == "submission.approve"


def test_approve_without_htmx_redirects_with_message(client, sign_in, csrf, team):
    supervisor, _, _, submission = team
    sign_in(supervisor)
    response = client.post(f"/submissions/{submission.id}/approve", data={"csrf_token": csrf()}, follow_redirects=True)
    assert "Approved Forklift for Wanda Worker." in response.get_data(as_text=True)


def test_decline_emails_the_comment(client, sign_in, csrf, team):
    supervisor, worker, _, submission = team
    sign_in(supervisor)
    response = client.post(f"/submissions/{submission.id}/decline", data={"csrf_token": csrf(), "comment": "Photo is blurry"},
                           headers=HX)
    assert response.status_code == 200 and "Declined Forklift for Wanda Worker" in response.get_data(as_text=True)
    record = _status(submission.id)
    assert record.status == "declined" and record.decline_comment == "Photo is blurry"
    notice = db.session.scalar(select(Notice))
    assert notice.kind == "declined" and notice.recipient_email == worker.email
    assert "Photo is blurry" in notice.body_text and "Sam Boss" in notice.body_text


def test_decline_with_too_long_comment_changes_nothing(client, sign_in, csrf, team):
    supervisor, _, _, submission = team
    sign_in(supervisor)
    response = client.post(f"/submissions/{submission.id}/decline", data={"csrf_token": csrf(), "comment": "x" * 2001},
                           headers=HX)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == f"#decline-form-{submission.id}"
    assert "Field cannot be longer than 2000 characters." in response.get_data(as_text=True)
    assert _status(submission.id).status == "pending"
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    full = client.post(f"/submissions/{submission.id}/decline", data={"csrf_token": csrf(), "comment": "x" * 2001})
    assert full.status_code == 422 and "<dialog id=\"decline-" in full.get_data(as_text=True)


def test_delete_removes_without_notice(client, sign_in, csrf, team):
    supervisor, _, _, submission = team
    sign_in(supervisor)
    response = client.post(f"/submissions/{submission.id}/delete", headers={**HX, "X-CSRFToken": csrf()})
    assert "has been removed from the system" in response.get_data(as_text=True)
    assert _status(submission.id) is None
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    assert db.session.scalar(select(AuditEntry.action)) == "submission.delete"


def test_second_decision_is_already_decided(client, sign_in, csrf, team):
    supervisor, _, _, submission = team
    sign_in(supervisor)
    client.post(f"/submissions/{submission.id}/approve", headers={**HX, "X-CSRFToken": csrf()})
    again = client.post(f"/submissions/{submission.id}/decline", data={"csrf_token": csrf()}, headers=HX)
    assert "already decided" in again.get_data(as_text=True)
    assert _status(submission.id).status == "approved"
    assert db.session.scalars(select(Notice.kind)).all() == ["approved"]
    deleted = client.post(f"/submissions/{submission.id}/delete", headers={**HX, "X-CSRFToken": csrf()})
    assert "already decided" in deleted.get_data(as_text=True) and _status(submission.id) is not None


def test_out_of_reach_submission_is_404(client, sign_in, csrf, factory, team):
    _, _, certification, submission = team
    other_supervisor = factory.user("Supervisor")
    sign_in(other_supervisor)
    for action in ("approve", "decline", "delete"):
        assert client.post(f"/submissions/{submission.id}/{action}", data={"csrf_token": csrf()}).status_code == 404
    assert client.post("/submissions/999999/approve", data={"csrf_token": csrf()}).status_code == 404
    assert _status(submission.id).status == "pending"


def test_supervisor_never_approves_own_submission(client, sign_in, csrf, factory, team):
    supervisor, _, certification, _ = team
    boss = factory.user("Supervisor")
    supervisor.supervisors = [boss]
    db.session.commit()
    own = factory.record(supervisor, certification, date(2026, 6, 2), status="pending")
    sign_in(supervisor)
    assert "Sam Boss" not in client.get("/submissions/pending").get_data(as_text=True).split("Submitted Certifications")[1]
    assert client.post(f"/submissions/{own.id}/approve", data={"csrf_token": csrf()}).status_code == 404


def test_employee_cannot_reach_pending(client, sign_in, csrf, team):
    _, worker, _, submission = team
    sign_in(worker)
    assert client.get("/submissions/pending").status_code == 403
    assert client.post(f"/submissions/{submission.id}/approve", data={"csrf_token": csrf()}).status_code == 403


def test_missing_csrf_changes_nothing(client, sign_in, team):
    supervisor, _, _, submission = team
    sign_in(supervisor)
    assert client.post(f"/submissions/{submission.id}/approve").status_code == 400
    assert _status(submission.id).status == "pending"


def test_pending_page_loads_in_fixed_queries(client, sign_in, factory, count_queries, team):
    supervisor, worker, certification, _ = team
    sign_in(supervisor)

    def queries():
        with count_queries() as statements:
            assert client.get("/submissions/pending").status_code == 200
        return len(statements)

    factory.record(worker, certification, date(2026, 6, 3), status="pending")
    two = queries()
    for day in range(4, 12):
        other = factory.user(supervisors=[supervisor])
        factory.record(other, factory.certification(), date(2026, 6, day), status="pending")
    assert queries() == two


def test_who_may_approve_a_submission_approves_it_when_they_record_it(app_context, factory):
    """The same rule as the Approve button: in reach, and one's own only with "approve own submissions"."""
    certification = factory.yearly_certification(name="Forklift")
    supervisor = factory.user("Supervisor")
    worker = factory.user(supervisors=[supervisor])
    administrator = factory.user("Administrator")
    by_supervisor = submit_certification(worker, certification, date(2026, 6, 1), by=supervisor)
    by_worker = submit_certification(worker, certification, date(2026, 6, 2))
    supervisor_own = submit_certification(supervisor, certification, date(2026, 6, 1))
    administrator_own = submit_certification(administrator, certification, date(2026, 6, 1))
    assert (by_supervisor.status, by_supervisor.decided_by) == ("approved", supervisor)
    assert by_worker.status == supervisor_own.status == "pending"
    assert administrator.can(Permission.APPROVE_OWN_SUBMISSIONS)
    assert (administrator_own.status, administrator_own.decided_by) == ("approved", administrator)


def test_service_refuses_a_second_decision(app_context, factory, team):
    supervisor, _, _, submission = team
    approve_submission(submission, supervisor)
    with pytest.raises(AlreadyDecided):
        decline_submission(submission, supervisor, "late")


@pytest.mark.postgres_only
def test_two_supervisors_deciding_at_once_give_one_result(factory, team, at_once):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    supervisor, worker, _, submission = team
    second = factory.user("Supervisor")
    worker.supervisors = [supervisor, second]
    db.session.commit()
    ids, submission_id = (supervisor.id, second.id), submission.id

    def approve():
        approve_submission(db.session.get(Submission, submission_id), db.session.get(User, ids[0]))
        return "approve"

    def decline():
        decline_submission(db.session.get(Submission, submission_id), db.session.get(User, ids[1]), "no")
        return "decline"

    outcomes = at_once(approve, decline)
    decided = [outcome for outcome in outcomes if not isinstance(outcome, AlreadyDecided)]
    assert len(decided) == 1 and decided[0] in ("approve", "decline")
    final = _status(submission_id).status
    assert final in ("approved", "declined")
    assert db.session.scalars(select(Notice.kind)).all() == [final]


# ---- Batch Submit Certifications -------------------------------------------------------------


@pytest.fixture
def batch_team(factory, frozen_clock):
    company = factory.company()
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss", company=company)
    lead_role = factory.role(companies=[company], name="Crew Lead")
    factory.assign(supervisor, lead_role)
    safety = factory.yearly_certification(name="Toolbox Talk", allow_batch_submission=True, batch_roles=[lead_role])
    other = factory.yearly_certification(name="Not Batchable")
    crew_role = factory.role(safety, companies=[company], name="Crew")
    crew = [factory.user(supervisors=[supervisor], company=company, first_name="Crew", last_name=f"Member{n}")
            for n in range(3)]
    for member in crew:
        factory.assign(member, crew_role)
    loner = factory.user(supervisors=[supervisor], company=company, first_name="Office", last_name="Worker")
    return supervisor, safety, other, crew, loner


def test_batch_page_lists_batchable_certifications_and_required_users(client, sign_in, batch_team):
    supervisor, safety, other, crew, loner = batch_team
    sign_in(supervisor)
    page = client.get(f"/submissions/batch?certification={safety.id}").get_data(as_text=True)
    assert "Toolbox Talk" in page and "Not Batchable" not in page
    assert "Crew Member0" in page and "Office Worker" not in page
    everyone = client.get(f"/submissions/batch?certification={safety.id}&show_all=y",
                          headers={**HX, "HX-Target": "batch-users"}).get_data(as_text=True)
    assert everyone.lstrip().startswith('<fieldset id="batch-users"') and "Office Worker" in everyone


def test_batch_submit_creates_one_record_per_user(client, sign_in, csrf, batch_team):
    supervisor, safety, other, crew, loner = batch_team
    sign_in(supervisor)
    response = client.post("/submissions/batch", data={
        "csrf_token": csrf(), "certification": safety.id, "completed_on": "2026-06-10",
        "users": [m.id for m in crew]})
    assert response.status_code == 302
    records = db.session.scalars(select(Submission).where(Submission.certification_id == safety.id)).all()
    assert sorted(r.user_id for r in records) == sorted(m.id for m in crew)
    assert {(r.status, r.source, r.expires_on) for r in records} == {("approved", "batch", date(2027, 6, 10))}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 3


def test_batch_submit_reads_do_not_grow_with_the_crew(factory, batch_team, count_queries):
    """Each record and its audit entry are written, but what batch submit reads is read once for everyone."""
    supervisor, safety, _, crew, _ = batch_team
    factory.record(crew[0], safety, date(2025, 6, 20))  # a renewal counts from the record on file
    more = [factory.user(supervisors=[supervisor], company=supervisor.company) for _ in range(12)]
    renewal_expires = preview_expiration(crew[0], safety, date(2026, 6, 10), date(2026, 6, 15)).expires_on

    def reads(users):
        ids = [user.id for user in users]
        users = db.session.scalars(select(User).where(User.id.in_(ids))).all()  # as the view loads them
        with count_queries() as queries:
            batch_submit(safety, supervisor, date(2026, 6, 10), users)
        return len([q for q in queries if q.lstrip().upper().startswith("SELECT")])

    reads(crew[:1])  # each batch commits: from here on, every call starts from the same expired session
    assert reads(crew[1:]) == reads(more)
    renewal = db.session.scalar(select(Submission).where(Submission.user_id == crew[0].id, Submission.source == "batch"))
    assert renewal.status == "approved" and renewal.expires_on == renewal_expires


def test_batch_submit_refuses_bad_input_and_stores_nothing(client, sign_in, csrf, factory, batch_team):
    supervisor, safety, other, crew, loner = batch_team
    stranger = factory.user()
    sign_in(supervisor)
    cases = [
        {"certification": safety.id, "completed_on": "2026-06-10", "users": [crew[0].id, stranger.id]},
        {"certification": other.id, "completed_on": "2026-06-10", "users": [crew[0].id]},
        {"certification": safety.id, "completed_on": "2026-07-10", "users": [crew[0].id]},
        {"certification": safety.id, "completed_on": "2026-06-10"},
        {"certification": safety.id, "completed_on": "junk", "users": [crew[0].id]},
    ]
    for data in cases:
        assert client.post("/submissions/batch", data={"csrf_token": csrf(), **data}).status_code == 422, data
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_batch_needs_the_permission(client, sign_in, batch_team):
    _, _, _, crew, _ = batch_team
    sign_in(crew[0])
    assert client.get("/submissions/batch").status_code == 403


# ---- Attachment Inbox ------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, csrf, name="scan.pdf", data=PDF):
    return client.post("/submissions/inbox", data={"csrf_token": csrf(), "files": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_inbox_upload_preview_and_attach_with_naming_template(client, sign_in, csrf, factory, team):
    supervisor, worker, certification, _ = team
    record = factory.record(worker, certification, date(2026, 5, 1))
    factory.require(worker, certification)
    update_attachment_naming(supervisor, True, "#LastName#, #FirstName#, #CertificationName# - #CompletionDate#")
    sign_in(supervisor)
    assert _upload(client, csrf).status_code == 302
    attachment = db.session.scalar(select(Attachment).where(Attachment.inbox_owner_id == supervisor.id))
    page = client.get(f"/submissions/inbox?file={attachment.id}").get_data(as_text=True)
    assert 'class="pdf-preview"' in page and "Wanda Worker" in page
    url = f"/submissions/inbox/{attachment.id}/attach/{record.id}"
    assert url in page
    by_certification = client.get(f"/submissions/inbox?file={attachment.id}&by=certification").get_data(as_text=True)
    assert "<summary>Forklift</summary>" in by_certification and url in by_certification
    form = client.get(url, headers=HX).get_data(as_text=True)
    assert 'value="Worker, Wanda, Forklift - 05-01-2026.pdf"' in form
    empty = client.post(url, data={"csrf_token": csrf(), "name": ""}, headers=HX)
    assert empty.status_code == 422
    done = client.post(url, data={"csrf_token": csrf(), "name": "Forklift card.pdf"}, headers=HX)
    assert done.status_code == 204 and done.headers["HX-Redirect"] == "/submissions/inbox"
    db.session.expire_all()
    moved = db.session.get(Attachment, attachment.id)
    assert moved.submission_id == record.id and moved.inbox_owner_id is None and moved.name == "Forklift card.pdf"


def test_inbox_refuses_bad_uploads_and_foreign_files(client, sign_in, csrf, factory, team):
    supervisor, worker, certification, _ = team
    sign_in(supervisor)
    assert _upload(client, csrf, "empty.pdf", b"").status_code == 422
    assert client.post("/submissions/inbox", data={"csrf_token": csrf()}).status_code == 422
    other = factory.user("Supervisor")
    sign_in(other)
    _upload(client, csrf)
    theirs = db.session.scalar(select(Attachment))
    record = factory.record(worker, certification, date(2026, 5, 1))
    sign_in(supervisor)
    assert client.get(f"/submissions/inbox/{theirs.id}/attach/{record.id}").status_code == 404
    assert client.post(f"/submissions/inbox/{theirs.id}/remove", data={"csrf_token": csrf()}).status_code == 404
    sign_in(other)
    # Their own file, but a record of someone they do not supervise.
    assert client.get(f"/submissions/inbox/{theirs.id}/attach/{record.id}").status_code == 404
    assert client.post(f"/submissions/inbox/{theirs.id}/remove", data={"csrf_token": csrf()}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
