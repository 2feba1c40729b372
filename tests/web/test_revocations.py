"""Revoking a record with a reason, and an administrator restoring it (issue 19, part 1)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_for
from webapp.extensions import db
from webapp.models import AuditEntry, Notice, Submission
from webapp.rules import Status
from webapp.services.certificates import issue_certificate
from webapp.services.compliance import load_user_requirements
from webapp.services.revocations import RevocationRefused, restore_record, revoke_record

HX = {"HX-Request": "true"}
DAY = date(2026, 6, 15)


@pytest.fixture
def people(factory, frozen_clock):
    """(administrator, supervisor, worker, forklift certification, the worker's current record)."""
    admin = factory.user("Administrator", first_name="Ada", last_name="Admin")
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    worker = factory.user(supervisors=[supervisor], first_name="Wanda", last_name="Worker")
    forklift = factory.yearly_certification(name="Forklift", generate_certificate_on_approval=True)
    factory.require(worker, forklift)
    record = factory.record(worker, forklift, date(2026, 1, 10))
    return admin, supervisor, worker, forklift, record


def _status(worker, forklift):
    return next(r for r in load_user_requirements(worker, DAY) if r.certification.id == forklift.id).status.status


def _revoke(client, csrf, worker, record, reason, action="revoke"):
    return client.post(f"/people/{worker.id}/records/{record.id}/{action}", data={"csrf_token": csrf(), "reason": reason},
                       headers=HX)


def test_a_supervisor_revokes_a_record_with_a_reason_and_it_stays_in_history(client, sign_in, csrf, people):
    _, supervisor, worker, forklift, record = people
    older = Submission(user=worker, certification=forklift, completed_on=date(2025, 1, 10), expires_on=date(2026, 12, 31),
                       status="approved", submitted_by=worker)
    db.session.add(older)
    db.session.commit()
    sign_in(supervisor)
    response = _revoke(client, csrf, worker, record, "Card found to be forged")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Revoked Forklift completed 01/10/2026; Wanda Worker was told." in page
    assert "Revoked because" in page and "Card found to be forged" in page and "by Sam Boss" in page
    db.session.refresh(record)
    assert record.is_revoked and record.revoked_by_id == supervisor.id and record.status == "approved"
    # Decision 52: no fall back to the earlier record, even though it would still be valid.
    assert _status(worker, forklift) is Status.REVOKED
    notice = db.session.scalar(select(Notice).where(Notice.kind == "revoked"))
    assert notice.recipient_user_id == worker.id and "Card found to be forged" in notice.body_text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.revoke"))
    assert entry.actor_id == supervisor.id and entry.entity_id == str(record.id)
    assert entry.after["revoked_reason"] == "Card found to be forged" and entry.before["revoked_at"] is None


def test_revoking_without_a_reason_changes_nothing(client, sign_in, csrf, people):
    _, supervisor, worker, _, record = people
    sign_in(supervisor)
    for reason in ("", "   \n "):
        response = _revoke(client, csrf, worker, record, reason)
        assert response.status_code == 422
        assert "Give the reason" in response.get_data(as_text=True)
    db.session.refresh(record)
    assert not record.is_revoked
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "record.revoke")) == 0


def test_revoking_twice_says_who_revoked_it_first(client, sign_in, csrf, people):
    admin, supervisor, worker, _, record = people
    sign_in(supervisor)
    assert _revoke(client, csrf, worker, record, "Forged").status_code == 200
    sign_in(admin)
    again = _revoke(client, csrf, worker, record, "Also forged")
    assert again.status_code == 422 and "already revoked by Sam Boss on 06/15/2026" in again.get_data(as_text=True)
    db.session.refresh(record)
    assert record.revoked_reason == "Forged"
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 1


def test_two_revocations_at_once_one_wins_the_other_is_told(app, at_once, people):
    admin, supervisor, _, _, record = people
    ids = (record.id, admin.id, supervisor.id)

    def revoke(actor_id, reason):
        def job():
            with app.test_request_context():
                return revoke_record(db.session.get(Submission, ids[0]), db.session.get(type(admin), actor_id), reason)
        return job

    outcomes = at_once(revoke(ids[1], "First"), revoke(ids[2], "Second"))
    refused = [o for o in outcomes if isinstance(o, RevocationRefused)]
    assert len(refused) == 1 and "already revoked" in refused[0].errors["reason"]
    assert sum(isinstance(o, Submission) for o in outcomes) == 1
    assert db.session.scalar(select(func.count()).select_from(Notice).where(Notice.kind == "revoked")) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "record.revoke")) == 1


def test_a_certificate_of_a_revoked_record_verifies_as_revoked(app, client, sign_in, csrf, people):
    _, supervisor, worker, _, record = people
    with app.test_request_context():
        token = issue_certificate(record, "approval").token
    db.session.commit()
    sign_in(supervisor)
    _revoke(client, csrf, worker, record, "Failed the practical re-check")
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert "its record has been revoked" in page and "Failed the practical" not in page


def test_only_an_administrator_restores_and_with_a_reason(client, sign_in, csrf, people):
    admin, supervisor, worker, forklift, record = people
    sign_in(supervisor)
    _revoke(client, csrf, worker, record, "Forged")
    history = client.get(f"/people/{worker.id}/history/{forklift.id}", headers=HX).get_data(as_text=True)
    assert "Restore Record" not in history and "Revoke Record" not in history
    assert _revoke(client, csrf, worker, record, "Sorry", action="restore").status_code == 403
    sign_in(admin)
    assert "Restore Record" in client.get(f"/people/{worker.id}/history/{forklift.id}", headers=HX).get_data(as_text=True)
    blank = _revoke(client, csrf, worker, record, " ", action="restore")
    assert blank.status_code == 422 and "Give the reason for restoring this record." in blank.get_data(as_text=True)
    restored = _revoke(client, csrf, worker, record, "The issuer confirmed the card", action="restore")
    assert restored.status_code == 200 and "Restored Forklift completed 01/10/2026" in restored.get_data(as_text=True)
    db.session.refresh(record)
    assert not record.is_revoked and _status(worker, forklift) is Status.VALID
    assert db.session.scalar(select(Notice.kind).where(Notice.kind == "restored")) == "restored"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.restore"))
    assert entry.before["revoked_reason"] == "Forged" and entry.after["reason"] == "The issuer confirmed the card"
    again = _revoke(client, csrf, worker, record, "Twice", action="restore")
    assert again.status_code == 422 and "not revoked" in again.get_data(as_text=True)


def test_a_superseded_record_is_not_restored(app, factory, people):
    admin, _, worker, forklift, record = people
    with app.test_request_context():
        revoke_record(record, admin, "Forged")
        factory.record(worker, forklift, date(2026, 6, 1))
        with pytest.raises(RevocationRefused, match="A newer record, completed 06/01/2026, has superseded this one"):
            restore_record(record, admin, "Mistake")
    db.session.refresh(record)
    assert record.is_revoked
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "record.restore")) == 0


def test_nobody_revokes_out_of_reach_or_a_pending_submission(client, sign_in, csrf, factory, people):
    _, supervisor, worker, forklift, record = people
    stranger = factory.user()
    sign_in(factory.user("Supervisor"))
    assert _revoke(client, csrf, worker, record, "Forged").status_code == 404
    pending = factory.record(worker, forklift, date(2026, 6, 1), status="pending")
    sign_in(supervisor)
    assert _revoke(client, csrf, worker, pending, "Forged").status_code == 404
    assert _revoke(client, csrf, stranger, record, "Forged").status_code == 404
    db.session.refresh(record)
    assert not record.is_revoked


def test_the_record_can_be_revoked_from_the_matrix_cell_and_associated_users(client, sign_in, people):
    admin, _, worker, forklift, _ = people
    sign_in(admin)
    history = f"/people/{worker.id}/history/{forklift.id}"
    assert history in client.get(f"/reports/matrix/{worker.id}/{forklift.id}").get_data(as_text=True)
    assert history in client.get(f"/certifications/{forklift.id}?tab=users").get_data(as_text=True)
    assert "Revoke Record" in client.get(history).get_data(as_text=True)


def test_csrf_is_required(app, client, sign_in, people):
    _, supervisor, worker, _, record = people
    sign_in(supervisor)
    csrf_token_for(app, client)
    response = client.post(f"/people/{worker.id}/records/{record.id}/revoke", data={"reason": "Forged"})
    assert response.status_code in (400, 422)
    db.session.refresh(record)
    assert not record.is_revoked
