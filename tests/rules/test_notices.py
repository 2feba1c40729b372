"""Which scheduled notice a requirement is owed on a day (pure rules)."""
from datetime import date

from webapp.rules import DocumentFacts, Period, RecordFacts, RequirementFacts, RoleSource, TrackingPolicy, status_on
from webapp.rules.notices import (
    DEFERRAL_ENDED,
    EXPIRED,
    FIRST_NOTICE,
    SECOND_NOTICE,
    TRAINING_ENDED,
    NoticeEvent,
    competency_expiration,
    competency_notice_due,
    notice_event,
)
from webapp.rules.status import training_end

YEARLY = TrackingPolicy(expires=True, duration=Period(1, "years"), first_notice=Period(1, "months"),
                        second_notice=Period(1, "weeks"))
RECORD = RecordFacts(date(2025, 7, 1), date(2026, 7, 1))


def _event(day, **facts):
    facts = RequirementFacts(policy=YEARLY, direct=True, records=(RECORD,), **facts)
    return notice_event(day, status_on(day, facts), deferred_until=facts.deferred_until)


def test_documents_example_dates():
    assert _event(date(2026, 5, 31)) is None
    assert _event(date(2026, 6, 1)) == NoticeEvent(FIRST_NOTICE, date(2026, 6, 1), date(2026, 7, 1))
    assert _event(date(2026, 6, 7)) == NoticeEvent(FIRST_NOTICE, date(2026, 6, 1), date(2026, 7, 1))
    assert _event(date(2026, 6, 24)) == NoticeEvent(SECOND_NOTICE, date(2026, 6, 24), date(2026, 7, 1))
    assert _event(date(2026, 7, 1)) == NoticeEvent(EXPIRED, date(2026, 7, 1), date(2026, 7, 1))


def test_new_revision_sends_no_first_notice_of_its_own():
    replaced = DocumentFacts("Safety Policy", "2", acknowledged_current=False, acknowledged_on=date(2025, 7, 1))
    assert _event(date(2026, 5, 15), document=replaced) is None
    assert _event(date(2026, 6, 1), document=replaced) == NoticeEvent(FIRST_NOTICE, date(2026, 6, 1), date(2026, 7, 1))
    never = RequirementFacts(policy=TrackingPolicy(), direct=True, records=(RecordFacts(date(2025, 7, 1), None),),
                             document=replaced)
    assert notice_event(date(2026, 5, 15), status_on(date(2026, 5, 15), never)) is None


def test_catch_up_window_limits_old_events():
    assert _event(date(2026, 6, 8)) is not None
    assert _event(date(2026, 6, 9)) is None  # 1st notice 8 days ago, 2nd not yet
    assert _event(date(2026, 7, 9)) is None


def test_pending_holds_reminders_but_not_expiry():
    assert _event(date(2026, 6, 1), pending=True) is None
    assert _event(date(2026, 7, 1), pending=True).kind == EXPIRED


def test_deferral_end_announces_what_is_outstanding():
    assert _event(date(2026, 7, 5), deferred_until=date(2026, 7, 10)) is None
    assert _event(date(2026, 7, 10), deferred_until=date(2026, 7, 10)) == NoticeEvent(
        DEFERRAL_ENDED, date(2026, 7, 10), date(2026, 7, 10))


def test_training_end_needs_every_role_in_training():
    roles = (RoleSource("Rigger", date(2026, 6, 20)), RoleSource("Crane", date(2026, 6, 25)))
    assert training_end(roles, direct=False) == date(2026, 6, 20)
    assert training_end(roles, direct=True) is None
    assert training_end((RoleSource("Rigger", date(2026, 6, 20)), RoleSource("Crane")), direct=False) is None
    facts = RequirementFacts(policy=YEARLY, roles=roles[:1])
    day = date(2026, 6, 20)
    assert notice_event(day, status_on(day, facts), training_until=training_end(roles[:1], False)) == NoticeEvent(
        TRAINING_ENDED, day, day)


def test_competency_periods_repeat_from_the_start():
    year, month = Period(1, "years"), Period(1, "months")
    assert competency_expiration(date(2024, 1, 31), Period(1, "months"), date(2024, 3, 1)) == date(2024, 3, 31)
    assert competency_notice_due(date(2025, 7, 10), year, month, date(2026, 6, 9)) is None
    assert competency_notice_due(date(2025, 7, 10), year, month, date(2026, 6, 10)) == date(2026, 7, 10)
    assert competency_notice_due(date(2025, 7, 10), year, month, date(2026, 6, 30)) is None  # beyond catch-up
    assert competency_notice_due(date(2026, 7, 10), year, month, date(2026, 6, 10)) is None  # not held yet
