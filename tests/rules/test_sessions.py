"""A session ends by itself after its idle time or its absolute lifetime, whichever comes first."""
from datetime import UTC, datetime, timedelta

from webapp.rules.sessions import SessionLimits, needs_touch, session_expired

LIMITS = SessionLimits(idle=timedelta(minutes=30), absolute=timedelta(hours=12), touch_every=timedelta(minutes=1))
START = datetime(2026, 6, 15, 9, tzinfo=UTC)


def test_idle_time_counts_from_the_last_visit_and_its_end_is_expired():
    seen = START + timedelta(hours=2)
    assert not session_expired(START, seen, seen + timedelta(minutes=29, seconds=59), LIMITS)
    assert session_expired(START, seen, seen + timedelta(minutes=30), LIMITS)


def test_the_absolute_lifetime_ends_a_busy_session():
    now = START + timedelta(hours=12)
    assert session_expired(START, now - timedelta(seconds=1), now, LIMITS)
    assert not session_expired(START, now - timedelta(seconds=2), now - timedelta(seconds=1), LIMITS)


def test_the_last_visit_is_recorded_once_a_minute():
    assert not needs_touch(START, START + timedelta(seconds=59), LIMITS)
    assert needs_touch(START, START + timedelta(minutes=1), LIMITS)
