"""Web Push rules: which notices are pushed, what they say and open, and which push services FieldCert
will post to. Pure: no Flask, no database."""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from .languages import N_

# The push services of the browsers people use. A subscription naming any other address is refused:
# the server posts to it, so an attacker could otherwise aim FieldCert at an internal address (SSRF).
DEFAULT_PUSH_SERVICES = (
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://*.push.apple.com",
    "https://*.notify.windows.com",
)

# The notices a person wants on their phone as well as by e-mail, and what each tells them.
PUSHED_KINDS = {  # message ids, translated for the recipient where the push is made
    "first_notice": N_("Renew it before it expires."),
    "second_notice": N_("It is overdue: renew it now."),
    "expired": N_("It has expired."),
    "approved": N_("Your certification was approved."),
    "declined": N_("Your certification was declined: see why."),
}

# A push is worth nothing once stale: the push service drops it after this long undelivered.
PUSH_TIME_TO_LIVE_SECONDS = 3 * 24 * 3600


@dataclass(frozen=True)
class PushTarget:
    """Where tapping a pushed notice goes: an endpoint and its arguments, for the app to build."""

    endpoint: str
    arguments: dict


def push_target(kind: str, notice_id: int, recipient_id: int | None, person_id: int | None,
                certification_id: int | None) -> PushTarget:
    """The page a pushed notice opens: the person's own certification, the supervised person's page, or
    the notice itself."""
    if person_id is not None and certification_id is not None and recipient_id == person_id:
        return PushTarget("my_account.certification", {"certification_id": certification_id})
    if person_id is not None and recipient_id != person_id:
        return PushTarget("people.show", {"user_id": person_id})
    return PushTarget("notices.show", {"notice_id": notice_id})


def push_service_allowed(endpoint: str, services: tuple[str, ...]) -> bool:
    """Whether `endpoint` is at one of `services` (origins; `*` stands for any subdomain)."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password:
        return False
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return any(fnmatchcase(origin, service) for service in services)


def _urlsafe_bytes(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def subscription_problem(endpoint: str, p256dh: str, auth: str, services: tuple[str, ...]) -> str | None:
    """Why a browser's subscription is refused, or None (RFC 8291: a P-256 public key, a 16-byte secret)."""
    if not endpoint or len(endpoint) > 2000 or not push_service_allowed(endpoint, services):
        return "This browser's push service is not one FieldCert sends to."
    key = _urlsafe_bytes(p256dh or "")
    if key is None or len(key) != 65 or key[0] != 4:
        return "The subscription's public key is not a P-256 key."
    secret = _urlsafe_bytes(auth or "")
    if secret is None or len(secret) != 16:
        return "The subscription's secret is not 16 bytes."
    return None


def push_gone(status_code: int | None) -> bool:
    """The push service says the subscription no longer exists (RFC 8030): forget it."""
    return status_code in (404, 410)
