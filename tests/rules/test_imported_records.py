"""Records moved in from a file: the Status column and the imported record's expiration (decisions 38-40)."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules import Period, RecordFacts, TrackingPolicy
from webapp.rules.imported_records import (
    earlier_record,
    imported_expiration,
    read_entity_record_status,
    read_record_status,
)

YEARLY = TrackingPolicy(expires=True, duration=Period(1, "years"), first_notice=Period(1, "months"),
                        second_notice=Period(1, "weeks"))
REFRESHER = TrackingPolicy(expires=True, duration=Period(1, "years"), first_notice=Period(1, "months"),
                           second_notice=Period(1, "weeks"), existing_window_opens="first_notice",
                           refresher=TrackingPolicy(expires=True, duration=Period(2, "years"),
                                                    first_notice=Period(1, "months"),
                                                    second_notice=Period(1, "weeks")))


@pytest.mark.parametrize("text, status", [
    ("", "approved"), ("Approved", "approved"), (" APPROVED ", "approved"), ("revoked", "revoked"),
    ("Revoked", "revoked"),
])
def test_the_statuses_a_record_comes_in_with(text, status):
    assert read_record_status(text) == status


@pytest.mark.parametrize("text", ["Pending", "declined", "valid", "expired", "yes", "approved!"])
def test_any_other_status_is_refused_by_name(text):
    with pytest.raises(ValueError, match=r"^Status: '.*' is not a status a record can be imported with"):
        read_record_status(text)


@pytest.mark.parametrize("text, status", [("", "recorded"), (" RECORDED ", "recorded"), ("Revoked", "revoked")])
def test_an_entity_record_is_recorded_or_revoked_never_approved(text, status):
    assert read_entity_record_status(text) == status
    with pytest.raises(ValueError, match=r"^Status: 'Approved' is not a status .* use Recorded \(or blank\)"):
        read_entity_record_status("Approved")


@pytest.mark.parametrize("policy, completed, given_on, earlier, expires, rule", [
    # the file's date is history: kept, even against today's settings
    (YEARLY, date(2020, 3, 1), date(2022, 1, 1), None, date(2022, 1, 1), "imported"),
    (YEARLY, date(2020, 3, 1), date(2020, 3, 1), None, date(2020, 3, 1), "imported"),
    (TrackingPolicy(), date(2020, 3, 1), date(2021, 3, 1), None, date(2021, 3, 1), "imported"),
    # blank: the rules decide, from the record current before it
    (YEARLY, date(2020, 3, 1), None, None, date(2021, 3, 1), "duration"),
    (TrackingPolicy(), date(2020, 3, 1), None, None, None, "never_expires"),
    (REFRESHER, date(2021, 2, 15), None, RecordFacts(date(2020, 3, 1), date(2021, 3, 1)), date(2023, 3, 1),
     "existing_record"),
    (REFRESHER, date(2020, 3, 1), None, None, date(2021, 3, 1), "duration"),
])
def test_an_imported_records_expiration(policy, completed, given_on, earlier, expires, rule):
    result = imported_expiration(policy, completed, given_on, earlier)
    assert (result.expires_on, result.rule) == (expires, rule)


def test_a_given_expiration_before_the_completion_is_refused():
    with pytest.raises(ValueError, match=r"^Expiration Date: 02/28/2020 is before the completion date 03/01/2020\."):
        imported_expiration(YEARLY, date(2020, 3, 1), date(2020, 2, 28), None)


def test_the_earlier_record_is_the_latest_before_not_revoked():
    records = [RecordFacts(date(2019, 1, 1), date(2020, 1, 1)), RecordFacts(date(2020, 1, 1), date(2021, 1, 1), "forged"),
               RecordFacts(date(2018, 1, 1), None), RecordFacts(date(2020, 6, 1), date(2021, 6, 1))]
    assert earlier_record(records, date(2020, 6, 1)) == records[0]
    assert earlier_record(records, date(2020, 6, 2)) == records[3]
    assert earlier_record(records, date(2018, 1, 1)) is None
    same_day = [RecordFacts(date(2019, 1, 1), date(2020, 1, 1)), RecordFacts(date(2019, 1, 1), None)]
    assert earlier_record(same_day, date(2019, 2, 1)) == same_day[1]


@given(completed=st.dates(), given_on=st.none() | st.dates())
def test_an_imported_expiration_is_never_before_its_completion_or_refused_saying_so(completed, given_on):
    try:
        result = imported_expiration(YEARLY, completed, given_on, None)
    except ValueError as refusal:
        assert str(refusal).startswith("Expiration Date:") and given_on < completed
    else:
        assert result.expires_on is None or result.expires_on >= completed


def test_never_keeps_a_record_without_expiration_whatever_the_settings():
    result = imported_expiration(YEARLY, date(2020, 3, 1), None, None, never=True)
    assert (result.expires_on, result.rule, result.explanation) == (None, "imported", "Never expires, as imported.")
