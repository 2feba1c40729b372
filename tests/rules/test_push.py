"""Which push services FieldCert posts to, what a subscription must hold, and where a tap goes."""
import base64

import pytest

from webapp.rules.push import (
    DEFAULT_PUSH_SERVICES,
    PUSHED_KINDS,
    PushTarget,
    push_gone,
    push_service_allowed,
    push_target,
    subscription_problem,
)

KEY = base64.urlsafe_b64encode(b"\x04" + b"k" * 64).rstrip(b"=").decode()
AUTH = base64.urlsafe_b64encode(b"a" * 16).rstrip(b"=").decode()


@pytest.mark.parametrize("endpoint, allowed", [
    ("https://fcm.googleapis.com/fcm/send/abc", True),
    ("https://updates.push.services.mozilla.com/wpush/v2/abc", True),
    ("https://web.push.apple.com/QGx", True),
    ("https://wns2-by3p.notify.windows.com/w/?token=x", True),
    ("http://fcm.googleapis.com/fcm/send/abc", False),          # not over TLS
    ("https://fcm.googleapis.com.evil.example/x", False),
    ("https://user:pass@fcm.googleapis.com/x", False),
    ("https://127.0.0.1:6379/", False),                         # an internal address (SSRF)
    ("https://169.254.169.254/latest/meta-data", False),
    ("file:///etc/passwd", False),
    ("not a url", False),
])
def test_only_the_browsers_push_services_are_posted_to(endpoint, allowed):
    assert push_service_allowed(endpoint, DEFAULT_PUSH_SERVICES) is allowed


@pytest.mark.parametrize("p256dh, auth, problem", [
    (KEY, AUTH, None),
    ("", AUTH, "not a P-256 key"),
    (KEY[:-4], AUTH, "not a P-256 key"),
    ("!!!", AUTH, "not a P-256 key"),
    (KEY, "", "not 16 bytes"),
    (KEY, AUTH + "AAAA", "not 16 bytes"),
])
def test_a_subscription_needs_a_p256_key_and_a_16_byte_secret(p256dh, auth, problem):
    found = subscription_problem("https://fcm.googleapis.com/x", p256dh, auth, DEFAULT_PUSH_SERVICES)
    assert (found is None) if problem is None else problem in found


def test_an_endpoint_of_another_service_or_too_long_is_refused():
    assert "not one FieldCert sends to" in subscription_problem("https://evil.example/x", KEY, AUTH, DEFAULT_PUSH_SERVICES)
    long = "https://fcm.googleapis.com/" + "x" * 2000
    assert "not one FieldCert sends to" in subscription_problem(long, KEY, AUTH, DEFAULT_PUSH_SERVICES)


@pytest.mark.parametrize("recipient, person, certification, target", [
    (7, 7, 3, PushTarget("my_account.certification", {"certification_id": 3})),
    (9, 7, 3, PushTarget("people.show", {"user_id": 7})),
    (7, None, None, PushTarget("notices.show", {"notice_id": 1})),
])
def test_a_tap_opens_the_persons_certification_or_the_supervised_persons_page(recipient, person, certification, target):
    assert push_target("first_notice", 1, recipient, person, certification) == target


@pytest.mark.parametrize("status, gone", [(404, True), (410, True), (201, False), (429, False), (500, False), (None, False)])
def test_a_subscription_is_gone_when_the_push_service_says_so(status, gone):
    assert push_gone(status) is gone


def test_a_required_at_login_activity_opens_its_own_page():
    assert push_target("activity_required", 9, 4, 4, 7) == PushTarget("activities.show", {"certification_id": 7})
    assert "activity_required" in PUSHED_KINDS
