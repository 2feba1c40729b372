"""Valid When Added (decision 80): the record's date is the day it is added, expiring by the usual rules."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules import Period, RecordFacts, RequirementFacts, Status, TrackingPolicy, expiration_for, status_on
from webapp.rules.valid_when_added import approved_completion_date, completion_date

DAY = date(2026, 6, 15)
YEARLY = TrackingPolicy(expires=True, duration=Period(1, "years"), first_notice=Period(1, "months"), second_notice=Period(1, "weeks"))


@pytest.mark.parametrize("valid_when_added, typed, expected", [
    (True, None, DAY),
    (True, date(2026, 1, 2), DAY),  # a typed date is not what the record counts from
    (True, date(2026, 7, 1), DAY),  # nor a future one: never upcoming
    (False, date(2026, 1, 2), date(2026, 1, 2)),
    (False, None, None),
])
def test_completion_date(valid_when_added, typed, expected):
    assert completion_date(valid_when_added, typed, DAY) == expected


@pytest.mark.parametrize("valid_when_added, completed_on, approved_on, expected", [
    (True, date(2026, 6, 1), DAY, DAY),
    (False, date(2026, 6, 1), DAY, date(2026, 6, 1)),
])
def test_approved_completion_date(valid_when_added, completed_on, approved_on, expected):
    assert approved_completion_date(valid_when_added, completed_on, approved_on) == expected


@pytest.mark.parametrize("policy, expires_on", [
    (YEARLY, date(2027, 6, 15)),
    (TrackingPolicy(expires=True, duration=Period(1, "years"), first_notice=Period(1, "months"), second_notice=Period(1, "weeks"),
                    extend_to="year"), date(2027, 12, 31)),
    (TrackingPolicy(), None),
])
def test_expiration_from_the_day_added_by_the_usual_rules(policy, expires_on):
    added = completion_date(True, None, DAY)
    assert expiration_for(policy, added).expires_on == expires_on


@given(typed=st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2100, 12, 31))),
       day=st.dates(date(1950, 1, 1), date(2099, 1, 1)))
def test_a_record_valid_when_added_is_valid_the_day_it_is_added(typed, day):
    added = completion_date(True, typed, day)
    expires_on = expiration_for(YEARLY, added).expires_on
    facts = RequirementFacts(YEARLY, direct=True, records=(RecordFacts(added, expires_on),))
    assert added == day and status_on(day, facts).status == Status.VALID
    assert status_on(day - timedelta(days=1), facts).status != Status.VALID
