"""Push reminders: a phone subscribes from My Account; notices are pushed once to each of the person's
browsers, encrypted for it and signed; a subscription the push service forgot is forgotten."""
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import PushDelivery, PushSubscription
from webapp.services.approvals import approve_submission, decline_submission
from webapp.services.people import erase_person, notify_user
from webapp.services.push import deliver_push


@pytest.fixture
def worker(frozen_clock, factory, sign_in):
    return sign_in(factory.user(first_name="Wanda", last_name="Worker"))


def subscribe(client, csrf, subscription: dict, device="Chrome on Android"):
    return client.post("/my/push-subscriptions", json={**subscription, "device": device},
                       headers={"X-CSRFToken": csrf()})


def pending_record(factory, worker, name="Crane"):
    certification = factory.yearly_certification(name=name)
    factory.require(worker, certification)
    return certification, factory.record(worker, certification, date(2026, 6, 1), status="pending")


def test_an_approval_is_pushed_once_to_each_of_the_persons_phones(client, csrf, factory, worker, push_service,
                                                                  frozen_clock):
    for name in ("phone", "tablet"):
        assert subscribe(client, csrf, push_service.subscribe(name)).status_code == 201
    certification, record = pending_record(factory, worker)
    approve_submission(record, factory.user("Supervisor"))

    assert deliver_push().sent == 2
    assert sorted(push.browser for push in push_service.received) == ["phone", "tablet"]
    push = push_service.received[0]
    assert push.payload == {"title": "Certification approved: Crane", "body": "Your certification was approved.",
                            "url": f"http://127.0.0.1:5000/my/certifications/{certification.id}",
                            "tag": f"approved-{worker.id}-{certification.id}"}
    assert push.vapid_claims["sub"] == "mailto:noreply@fieldcert.invalid" and push.ttl == 3 * 24 * 3600
    assert deliver_push().sent == 0  # exactly once
    assert len(push_service.received) == 2


def test_a_decline_is_pushed_and_mail_only_kinds_are_not(client, csrf, factory, worker, push_service, frozen_clock):
    subscribe(client, csrf, push_service.subscribe("phone"))
    _, record = pending_record(factory, worker)
    supervisor = factory.user("Supervisor")
    decline_submission(record, supervisor, "The photo is unreadable.")
    notify_user(worker, supervisor, "Bring your card on Monday.")  # a kind that stays in the mail
    deliver_push()
    assert [push.payload["title"] for push in push_service.received] == ["Certification declined: Crane"]


def test_a_subscription_the_push_service_forgot_is_deleted(client, csrf, factory, worker, push_service, frozen_clock):
    subscribe(client, csrf, push_service.subscribe("phone"))
    push_service.browsers.clear()  # the browser unsubscribed: the service answers 410 Gone
    _, record = pending_record(factory, worker)
    approve_submission(record, factory.user("Supervisor"))
    assert deliver_push().gone == 1
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0
    assert db.session.scalar(select(func.count(PushDelivery.id))) == 0


def test_a_failing_push_service_is_tried_again_later(client, csrf, factory, worker, push_service, frozen_clock):
    subscribe(client, csrf, push_service.subscribe("phone"))
    push_service.answer = 503
    _, record = pending_record(factory, worker)
    approve_submission(record, factory.user("Supervisor"))
    assert deliver_push().retrying == 1
    delivery = db.session.scalar(select(PushDelivery))
    assert delivery.status == "queued" and delivery.attempts == 1 and "503" in delivery.last_error
    push_service.answer = 201
    frozen_clock.shift(120)
    assert deliver_push().sent == 1 and len(push_service.received) == 1


def test_notices_from_before_the_phone_subscribed_are_not_pushed(client, csrf, factory, worker, push_service,
                                                                 frozen_clock):
    _, record = pending_record(factory, worker)
    approve_submission(record, factory.user("Supervisor"))
    frozen_clock.shift(2 * 24 * 3600)
    subscribe(client, csrf, push_service.subscribe("phone"))
    assert deliver_push().sent == 0


@pytest.mark.parametrize("body, message", [
    ({"endpoint": "https://evil.example/push", "keys": {"p256dh": "x", "auth": "y"}}, "not one FieldCert sends to"),
    ({"endpoint": "https://fcm.googleapis.com/x"}, "Send the subscription as the browser gives it."),
    ("not json", "Send the subscription as the browser gives it."),
    ({"endpoint": 5, "keys": {"p256dh": 1, "auth": 2}}, "Send the subscription as the browser gives it."),
])
def test_a_bad_subscription_is_refused_and_nothing_is_stored(client, csrf, worker, push_service, body, message):
    response = subscribe(client, csrf, body) if isinstance(body, dict) else client.post(
        "/my/push-subscriptions", data=body, headers={"X-CSRFToken": csrf()})
    assert response.status_code == 422 and message in response.get_json()["error"]
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0


def test_subscribing_needs_the_csrf_token(client, worker, push_service):
    response = client.post("/my/push-subscriptions", json=push_service.subscribe("phone"))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0


def test_my_account_lists_the_devices_and_turns_one_off(client, csrf, factory, worker, push_service, sign_in):
    subscribe(client, csrf, push_service.subscribe("phone"), device="Firefox on Android")
    page = client.get("/my/profile").get_data(as_text=True)
    assert "Firefox on Android" in page and "Turn on notifications on this device" in page
    subscription = db.session.scalar(select(PushSubscription))
    sign_in(factory.user())
    assert client.post(f"/my/push-subscriptions/{subscription.id}/delete",
                       data={"csrf_token": csrf()}).status_code == 404  # not theirs
    sign_in(worker)
    response = client.post(f"/my/push-subscriptions/{subscription.id}/delete", data={"csrf_token": csrf()})
    assert response.status_code == 302
    assert "Notifications are off on Firefox on Android." in client.get("/my/profile").get_data(as_text=True)
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0


def test_a_shared_tablet_notifies_whoever_subscribed_it_last(client, csrf, factory, worker, push_service, sign_in):
    subscription = push_service.subscribe("tablet")
    subscribe(client, csrf, subscription)
    other = sign_in(factory.user())
    subscribe(client, csrf, subscription)
    assert db.session.scalars(select(PushSubscription.user_id)).all() == [other.id]


def test_the_vapid_key_pair_is_made_once_and_kept_out_of_the_database(app, client, worker, push_service, tmp_path):
    first = client.get("/my/profile").get_data(as_text=True)
    key_file = tmp_path / "vapid-keys.json"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    second = client.get("/my/profile").get_data(as_text=True)
    key = first.split('data-push-key="')[1].split('"')[0]
    assert len(key) == 87 and key in second


def test_erasing_a_person_turns_their_notifications_off(client, csrf, factory, worker, push_service, sign_in):
    subscribe(client, csrf, push_service.subscribe("phone"))
    _, record = pending_record(factory, worker)
    approve_submission(record, factory.user("Supervisor"))
    administrator = sign_in(factory.user("Administrator"))
    erase_person(worker, administrator, worker.username)
    assert deliver_push().sent == 0 and push_service.received == []
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0
