"""When a signed-in session ends by itself (ASVS 7.3): idle and absolute timeouts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta
    # last_seen is written at most this often, so a busy page does not write on every request.
    touch_every: timedelta


def session_expired(started: datetime, last_seen: datetime, now: datetime, limits: SessionLimits) -> bool:
    """True once the session was idle for `idle` or started `absolute` ago (both ends count).

    The idle time is measured from the last recorded visit, which may lag up to `touch_every`
    behind the real one: a session may end that much early, never late.
    """
    return now - last_seen >= limits.idle or now - started >= limits.absolute


def needs_touch(last_seen: datetime, now: datetime, limits: SessionLimits) -> bool:
    return now - last_seen >= limits.touch_every
