"""Scheduled reports' periods: one key per ISO week or calendar month."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules.schedules import FREQUENCIES, next_period_start, period_start, report_period


@pytest.mark.parametrize("frequency, day, key, start, following", [
    ("weekly", date(2026, 6, 15), "2026-W25", date(2026, 6, 15), date(2026, 6, 22)),  # a Monday
    ("weekly", date(2026, 6, 21), "2026-W25", date(2026, 6, 15), date(2026, 6, 22)),  # its Sunday
    ("weekly", date(2027, 1, 1), "2026-W53", date(2026, 12, 28), date(2027, 1, 4)),  # ISO year differs
    ("weekly", date(2024, 12, 30), "2025-W01", date(2024, 12, 30), date(2025, 1, 6)),
    ("monthly", date(2026, 6, 15), "2026-06", date(2026, 6, 1), date(2026, 7, 1)),
    ("monthly", date(2026, 1, 31), "2026-01", date(2026, 1, 1), date(2026, 2, 1)),
    ("monthly", date(2026, 12, 31), "2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    ("monthly", date(2024, 2, 29), "2024-02", date(2024, 2, 1), date(2024, 3, 1)),
])
def test_periods(frequency, day, key, start, following):
    assert report_period(frequency, day) == key
    assert period_start(frequency, day) == start
    assert next_period_start(frequency, day) == following


def test_unknown_frequency_is_refused():
    with pytest.raises(ValueError):
        report_period("daily", date(2026, 6, 15))


days = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 1))


@given(st.sampled_from(FREQUENCIES), days)
def test_every_day_of_a_period_has_its_key_and_the_next_period_another(frequency, day):
    start, following = period_start(frequency, day), next_period_start(frequency, day)
    assert start <= day < following
    assert report_period(frequency, start) == report_period(frequency, day) == report_period(frequency, following - timedelta(days=1))
    assert report_period(frequency, following) != report_period(frequency, day)
