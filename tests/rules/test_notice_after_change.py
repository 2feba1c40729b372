"""notice_after_change (decision 36): the notice a change of tracking settings brings."""
from datetime import date

import pytest

from webapp.rules import Period, RecordFacts, RequirementFacts, TrackingPolicy, status_on
from webapp.rules.notices import EXPIRED, FIRST_NOTICE, SECOND_NOTICE, NoticeEvent, notice_after_change


def policy(first, second, duration=Period(1, "years")):
    return TrackingPolicy(expires=True, duration=duration, first_notice=first, second_notice=second)


MONTH_WEEK = policy(Period(1, "months"), Period(1, "weeks"))
WEEK_DAY = policy(Period(1, "weeks"), Period(1, "days"))
TWO_MONTHS_FOUR_WEEKS = policy(Period(2, "months"), Period(4, "weeks"))
THREE_MONTHS_TWO_MONTHS = policy(Period(3, "months"), Period(2, "months"))
DAY = date(2026, 6, 15)


def status(policy_, expires_on, **facts):
    record = RecordFacts(date(2025, 7, 10), expires_on)
    return status_on(DAY, RequirementFacts(policy=policy_, direct=True, records=(record,), **facts))


@pytest.mark.parametrize("before, after, event", [
    # Due since 06/10 under both: the same 1st notice, already owed: nothing new.
    (MONTH_WEEK, MONTH_WEEK, None),
    # Valid again: nothing to announce.
    (MONTH_WEEK, WEEK_DAY, None),
    # Valid -> due since 06/10 (within the catch-up window): a 1st notice.
    (WEEK_DAY, MONTH_WEEK, NoticeEvent(FIRST_NOTICE, date(2026, 6, 10), date(2026, 7, 10))),
    # Due -> overdue since 06/12: a 2nd notice.
    (MONTH_WEEK, TWO_MONTHS_FOUR_WEEKS, NoticeEvent(SECOND_NOTICE, date(2026, 6, 12), date(2026, 7, 10))),
    # Overdue since 05/10, before the catch-up window: the status changes, no notice is sent.
    (MONTH_WEEK, THREE_MONTHS_TWO_MONTHS, None),
])
def test_notice_after_change(before, after, event):
    assert notice_after_change(DAY, status(before, date(2026, 7, 10)), status(after, date(2026, 7, 10))) == event


def test_a_recalculated_expiration_already_passed_brings_an_expiration_notice():
    old, new = status(MONTH_WEEK, date(2027, 7, 10)), status(MONTH_WEEK, date(2026, 6, 14))
    assert notice_after_change(DAY, old, new) == NoticeEvent(EXPIRED, date(2026, 6, 14), date(2026, 6, 14))
    assert notice_after_change(DAY, new, new) is None


def test_a_deferral_in_force_holds_the_notice_back():
    old, new = status(WEEK_DAY, date(2026, 7, 10)), status(MONTH_WEEK, date(2026, 7, 10), deferred_until=date(2026, 8, 1))
    assert notice_after_change(DAY, old, new, deferred_until=date(2026, 8, 1)) is None
