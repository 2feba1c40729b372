"""What the card says (decisions 34 and 35): the expiry as printed, and current and superseded records."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.rules import (
    Period,
    RecordFacts,
    RequirementFacts,
    TrackingPolicy,
    expiration_for,
    printed_differs,
    record_standings,
    status_on,
)

YEAR, MONTH, WEEK = Period(1, "years"), Period(1, "months"), Period(1, "weeks")
COMPUTED = TrackingPolicy(expires=True, duration=YEAR, first_notice=MONTH, second_notice=WEEK, extend_to="month",
                          forced_expiration=date(2025, 7, 1))
PRINTED = replace(COMPUTED, expiry_as_printed=True)
NEVER = TrackingPolicy()
COMPLETED = date(2026, 3, 10)


@pytest.mark.parametrize("policy, printed, expires_on, rule, differs", [
    # As printed: the card's date, whatever the forced schedule and extension would give.
    (PRINTED, date(2027, 3, 9), date(2027, 3, 9), "as_printed", False),
    (PRINTED, COMPLETED, COMPLETED, "as_printed", False),
    # No printed expiry, or one before the completion: the computed rules.
    (PRINTED, None, date(2026, 7, 31), "forced", False),
    (PRINTED, date(2026, 3, 9), date(2026, 7, 31), "forced", True),
    # Without the setting the printed date is only compared.
    (COMPUTED, date(2027, 3, 9), date(2026, 7, 31), "forced", True),
    (COMPUTED, date(2026, 7, 31), date(2026, 7, 31), "forced", False),
    (COMPUTED, None, date(2026, 7, 31), "forced", False),
    (NEVER, date(2027, 3, 9), None, "never_expires", True),
    (NEVER, None, None, "never_expires", False),
])
def test_expiry_as_printed(policy, printed, expires_on, rule, differs):
    result = expiration_for(policy, COMPLETED, printed_expiration=printed)
    assert (result.expires_on, result.rule) == (expires_on, rule)
    assert printed_differs(result, printed) is differs


def test_the_printed_expiry_explains_itself_and_beats_the_existing_record_rule():
    policy = replace(PRINTED, forced_expiration=None, extend_to=None, existing_window_opens="first_notice")
    result = expiration_for(policy, date(2026, 6, 15), date(2026, 7, 1), printed_expiration=date(2028, 1, 1))
    assert result.explanation == "01/01/2028 as printed on the card"
    assert expiration_for(policy, date(2026, 6, 15), date(2026, 7, 1)).rule == "existing_record"


@pytest.mark.parametrize("settings_, message", [
    ({"expiry_as_printed": True}, "expiry_as_printed: a certification that never expires"),
    ({"expires": True, "duration": YEAR, "first_notice": MONTH, "second_notice": WEEK, "expiry_as_printed": "yes"},
     "expiry_as_printed: must be True or False"),
    ({"expires": True, "duration": YEAR, "first_notice": MONTH, "second_notice": WEEK,
      "refresher": replace(COMPUTED, forced_expiration=None, extend_to=None, expiry_as_printed=True)},
     "refresher: the printed expiry setting comes from the initial settings"),
])
def test_expiry_as_printed_settings_refused(settings_, message):
    with pytest.raises(ValueError, match=message):
        TrackingPolicy(**settings_)


any_dates = st.dates(min_value=date.min, max_value=date.max)


@given(any_dates, st.none() | any_dates, st.none() | any_dates, st.booleans())
@settings(max_examples=300, deadline=None)
def test_no_printed_date_makes_the_rules_raise(completed, existing, printed, as_printed):
    policy = replace(COMPUTED, expiry_as_printed=as_printed)
    result = expiration_for(policy, completed, existing, printed_expiration=printed)
    if as_printed and printed is not None and printed >= completed:
        assert result.expires_on == printed
    assert isinstance(printed_differs(result, printed), bool)


def record(record_id, completed_on, revoked=None):
    return RecordFacts(completed_on, None, revoked, record_id=record_id)


DAY = date(2026, 7, 1)


@pytest.mark.parametrize("records, standings", [
    ((), {}),
    ((record("a", date(2025, 1, 1)),), {"a": "current"}),
    ((record("a", date(2025, 1, 1)), record("b", date(2026, 1, 1))), {"a": "superseded", "b": "current"}),
    ((record("a", date(2026, 1, 1)), record("b", date(2026, 8, 1))), {"a": "current", "b": "upcoming"}),
    ((record("a", date(2025, 1, 1)), record("b", date(2026, 1, 1), "Card withdrawn")),
     {"a": "superseded", "b": "revoked"}),
    ((record("a", DAY), record("b", date(2026, 6, 30))), {"a": "current", "b": "superseded"}),
])
def test_record_standings(records, standings):
    assert record_standings(DAY, records) == standings


def test_the_current_standing_is_the_record_the_status_reads():
    same_day = (RecordFacts(DAY, date(2027, 1, 1), record_id="short"), RecordFacts(DAY, date(2027, 7, 1), record_id="long"))
    status = status_on(DAY, RequirementFacts(COMPUTED, records=same_day))
    assert record_standings(DAY, same_day) == {"short": "superseded", "long": "current"}
    assert status.source_record.record_id == "long"
