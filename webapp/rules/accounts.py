"""Who may change a person's e-mail address, and when a password reset waits after such a change.

Decisions 17 and 18 in docs/rules.md: a supervisor who could change someone's e-mail address and
then reset their password would hold that account.
"""
from __future__ import annotations

from collections.abc import Set
from datetime import datetime, timedelta

# Long enough for the person to read the mail to their old address and speak up.
RESET_HOLD_AFTER_EMAIL_CHANGE = timedelta(hours=24)


def may_change_email(actor_permissions: Set[str], target_permissions: Set[str], *, own: bool) -> bool:
    """Decision 19: one's own address, or someone's whose permissions are all also the actor's."""
    return own or target_permissions <= actor_permissions


def reset_hold_after_email_change(now: datetime, *, own: bool, by_administrator: bool) -> datetime | None:
    """Decision 20: until when password resets are refused after a change of e-mail address."""
    return None if own or by_administrator else now + RESET_HOLD_AFTER_EMAIL_CHANGE


def reset_held(held_until: datetime | None, now: datetime) -> bool:
    return held_until is not None and now < held_until
