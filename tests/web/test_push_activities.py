"""Required-at-login activities reach the phone (issue 23 part 3, decision 92): when a person is given a
required-at-login document or form, one push arrives through the outbox and opens the activity's page."""
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Acknowledgement, Notice
from webapp.services.activities import DocumentUpload, upload_document_revision
from webapp.services.notices import queue_scheduled_notices
from webapp.services.push import deliver_push
from webapp.services.requirements import add_direct_requirement, assign_role
from webapp.services.settings import NOTIFICATION_DEFAULTS, update_notification_defaults
from webapp.services.storage import CheckedUpload

PDF = b"%PDF-1.4\n" + b"x" * 64


@pytest.fixture
def worker(frozen_clock, factory, sign_in):
    return sign_in(factory.user(first_name="Wanda", last_name="Worker"))


@pytest.fixture
def admin(factory):
    return factory.user("Administrator", first_name="Ada", last_name="Admin")


@pytest.fixture
def phone(client, csrf, worker, push_service):
    response = client.post("/my/push-subscriptions", json={**push_service.subscribe("phone"), "device": "Phone"},
                           headers={"X-CSRFToken": csrf()})
    assert response.status_code == 201
    return push_service


def _revision(admin, certification, revision, revision_date):
    return upload_document_revision(admin, certification, DocumentUpload(
        title="Safety policy", revision=revision, revision_date=revision_date, owner_user_ids=[admin.id],
        owner_role_ids=[], upload=CheckedUpload(data=PDF + revision.encode(), content_type="application/pdf",
                                                name=f"policy-{revision}.pdf")))


def _policy(factory, admin, **fields):
    certification = factory.certification(**{"name": "Safety Policy", "activity_type": "document", **fields})
    return certification, _revision(admin, certification, "1", date(2026, 6, 1))


def _crew(factory, worker, certification):
    """A role of the worker's company that requires `certification`."""
    company = factory.company(name="Acme Field")
    worker.company = company
    db.session.commit()
    return factory.role(certification, companies=[company], name="Crane Crew")


def _activity_notices() -> int:
    return db.session.scalar(select(func.count(Notice.id)).where(Notice.kind == "activity_required"))


def test_a_required_at_login_document_given_to_a_person_is_pushed_once(app, factory, admin, worker, phone):
    certification, _ = _policy(factory, admin, required_at_login=True, auto_approve_on_activity=True)
    add_direct_requirement(worker, certification, admin)

    assert deliver_push().sent == 1
    [push] = phone.received
    assert push.payload == {"title": "Required before anything else: Safety Policy",
                            "body": "Complete it before anything else in FieldCert.",
                            "url": f"http://127.0.0.1:5000/activity/{certification.id}",
                            "tag": f"activity_required-{worker.id}-{certification.id}"}
    # Exactly once: more sending, the daily scan and a second requirement through a role add nothing.
    assign_role(worker, _crew(factory, worker, certification), admin)
    queue_scheduled_notices(date(2026, 6, 15))
    queue_scheduled_notices(date(2026, 6, 16))
    assert deliver_push().sent == 0 and len(phone.received) == 1
    # The same notice is mailed too, with the link to the activity.
    mail = db.session.scalar(select(Notice).where(Notice.kind == "activity_required"))
    assert mail.recipient_email == worker.email and f"/activity/{certification.id}" in mail.body_text


def test_a_role_that_requires_the_activity_pushes_it(factory, admin, worker, phone):
    certification, _ = _policy(factory, admin, required_at_login=True, auto_approve_on_activity=True)
    assign_role(worker, _crew(factory, worker, certification), admin)
    assert deliver_push().sent == 1 and phone.received[0].payload["url"].endswith(f"/activity/{certification.id}")


def test_the_page_a_push_opens_is_the_activity(client, factory, admin, worker, phone):
    certification, _ = _policy(factory, admin, required_at_login=True, auto_approve_on_activity=True)
    add_direct_requirement(worker, certification, admin)
    deliver_push()
    path = phone.received[0].payload["url"].removeprefix("http://127.0.0.1:5000")
    response = client.get(path)
    assert response.status_code == 200 and "Safety Policy</h1>" in response.get_data(as_text=True)


def test_a_new_revision_is_pushed_again_once_the_old_one_was_acknowledged(factory, admin, worker, phone):
    certification, document = _policy(factory, admin, required_at_login=True, auto_approve_on_activity=True)
    add_direct_requirement(worker, certification, admin)
    db.session.add(Acknowledgement(user_id=worker.id, document_id=document.id))
    db.session.commit()
    _revision(admin, certification, "2", date(2026, 6, 12))
    queue_scheduled_notices(date(2026, 6, 15))  # the daily scan finds what a certification-wide change gave
    queue_scheduled_notices(date(2026, 6, 15))
    assert _activity_notices() == 2
    assert deliver_push().sent == 2 and deliver_push().sent == 0


def test_nothing_is_pushed_for_what_does_not_hold_the_person(factory, admin, worker, phone):
    ordinary, _ = _policy(factory, admin)  # not required at login
    add_direct_requirement(worker, ordinary, admin)
    acknowledged, document = _policy(factory, admin, required_at_login=True, auto_approve_on_activity=True, name="Read Me")
    db.session.add(Acknowledgement(user_id=worker.id, document_id=document.id))
    db.session.commit()
    add_direct_requirement(worker, acknowledged, admin)
    hidden = factory.certification(name="Quiz", activity_type="course", required_at_login=False)
    add_direct_requirement(worker, hidden, admin)
    queue_scheduled_notices(date(2026, 6, 15))
    assert _activity_notices() == 0 and deliver_push().sent == 0


def test_the_organisation_may_turn_these_notices_off(factory, admin, worker, phone):
    update_notification_defaults(admin, {**NOTIFICATION_DEFAULTS, "activity_required_user": False})
    certification, _ = _policy(factory, admin, required_at_login=True, auto_approve_on_activity=True)
    add_direct_requirement(worker, certification, admin)
    queue_scheduled_notices(date(2026, 6, 15))
    assert _activity_notices() == 0 and deliver_push().sent == 0
