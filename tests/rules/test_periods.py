"""Periods: validation, text, calendar arithmetic."""

from datetime import date

import pytest

from webapp.rules import Period, parse_period_unit
from webapp.rules.periods import plural


@pytest.mark.parametrize(
    ("period", "start", "expected"),
    [
        (Period(1, "years"), date(2026, 7, 1), date(2027, 7, 1)),
        (Period(1, "months"), date(2026, 1, 31), date(2026, 2, 28)),
        (Period(1, "months"), date(2028, 1, 31), date(2028, 2, 29)),
        (Period(1, "years"), date(2028, 2, 29), date(2029, 2, 28)),
        (Period(4, "years"), date(2028, 2, 29), date(2032, 2, 29)),
        (Period(2, "weeks"), date(2026, 12, 25), date(2027, 1, 8)),
        (Period(10, "days"), date(2026, 12, 25), date(2027, 1, 4)),
        (Period(18, "months"), date(2026, 8, 31), date(2028, 2, 29)),
    ],
)
def test_after(period, start, expected):
    assert period.after(start) == expected


@pytest.mark.parametrize(
    ("period", "start", "expected"),
    [
        (Period(1, "months"), date(2026, 7, 1), date(2026, 6, 1)),
        (Period(1, "weeks"), date(2026, 7, 1), date(2026, 6, 24)),
        (Period(1, "months"), date(2026, 3, 31), date(2026, 2, 28)),
        (Period(1, "years"), date(2029, 2, 28), date(2028, 2, 28)),
        (Period(90, "days"), date(2026, 7, 1), date(2026, 4, 2)),
    ],
)
def test_before(period, start, expected):
    assert period.before(start) == expected


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Period(1, "years"), "1 year"),
        (Period(2, "weeks"), "2 weeks"),
        (Period(1, "days"), "1 day"),
        (Period(6, "months"), "6 months"),
    ],
)
def test_str(period, text):
    assert str(period) == text


@pytest.mark.parametrize("amount", [0, -1, True, 1.5, "1", None])
def test_amount_must_be_a_positive_whole_number(amount):
    with pytest.raises(ValueError, match=r"^amount: must be a positive whole number$"):
        Period(amount, "days")


def test_unknown_unit():
    with pytest.raises(
        ValueError,
        match=r"^unit: unknown unit 'fortnights' \(use days, weeks, months or years\)$",
    ):
        Period(1, "fortnights")


def test_period_wants_the_canonical_unit():
    with pytest.raises(ValueError, match=r"^unit: unknown unit 'Days'"):
        Period(1, "Days")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Days", "days"),
        ("day", "days"),
        (" WEEK ", "weeks"),
        ("Months", "months"),
        ("year", "years"),
    ],
)
def test_parse_period_unit(text, unit):
    assert parse_period_unit(text) == unit


@pytest.mark.parametrize("text", ["hours", "", "None", None])
def test_parse_period_unit_rejects(text):
    with pytest.raises(
        ValueError, match=r"^unit: unknown unit .* \(use days, weeks, months or years\)$"
    ):
        parse_period_unit(text)


def test_parse_period_unit_names_the_field():
    with pytest.raises(ValueError, match=r"^refresher_due_period: unknown unit 'Hours'"):
        parse_period_unit("Hours", field="refresher_due_period")


def test_parse_period_from_form_text():
    assert Period.parse(" 3 ", "Months", field="duration") == Period(3, "months")
    assert Period.parse(2, "week", field="duration") == Period(2, "weeks")


@pytest.mark.parametrize("amount", ["0", "-2", "1.5", "", "two", "²", 0, True])
def test_parse_period_bad_amount(amount):
    with pytest.raises(ValueError, match=r"^duration: must be a positive whole number$"):
        Period.parse(amount, "days", field="duration")


def test_parse_period_bad_unit():
    with pytest.raises(
        ValueError,
        match=r"^duration: unknown unit 'fortnights' \(use days, weeks, months or years\)$",
    ):
        Period.parse("2", "fortnights", field="duration")


def test_periods_are_values():
    assert Period(1, "years") == Period(1, "years")
    assert len({Period(1, "years"), Period(1, "years"), Period(12, "months")}) == 2


@pytest.mark.parametrize(("amount", "unit"), [(100, "years"), (1200, "months"), (5218, "weeks"), (36525, "days")])
def test_longest_period_is_100_years(amount, unit):
    assert Period(amount, unit).amount == amount
    assert Period.parse(str(amount), unit, field="duration") == Period(amount, unit)


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        ("101", "years", "duration: Must be at most 100 years"),
        ("1201", "months", "duration: Must be at most 1200 months (100 years)"),
        ("5219", "weeks", "duration: Must be at most 5218 weeks (100 years)"),
        ("36526", "days", "duration: Must be at most 36525 days (100 years)"),
        ("100000000000000000000", "years", "duration: Must be at most 100 years"),
        ("-1", "years", "duration: must be a positive whole number"),
        ("0", "days", "duration: must be a positive whole number"),
    ],
)
def test_parse_refuses_periods_beyond_100_years(amount, unit, message):
    with pytest.raises(ValueError) as refused:
        Period.parse(amount, unit, field="duration")
    assert str(refused.value) == message
    with pytest.raises(ValueError):
        Period(int(amount), unit)


@pytest.mark.parametrize(("amount", "unit", "text"), [(1, "years", "1 year"), (1, "days", "1 day"), (0, "days", "0 days"),
                                                      (2, "weeks", "2 weeks"), (1, "months", "1 month")])
def test_plural(amount, unit, text):
    assert plural(amount, unit) == text
