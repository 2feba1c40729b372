"""Reading typed dates: four-digit years inside a range, every boundary a person can type."""

from datetime import date

import pytest

from webapp.rules.dates import DateRange, read_date

COMPLETIONS = DateRange.of_years(1950, 2100)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11/20/2026", date(2026, 11, 20)),
        ("1/2/2026", date(2026, 1, 2)),
        ("2026-11-20", date(2026, 11, 20)),
        (" 02/29/2028 ", date(2028, 2, 29)),
        ("01/01/1950", date(1950, 1, 1)),
        ("12/31/2100", date(2100, 12, 31)),
    ],
)
def test_reads_typed_and_picked_dates(text, expected):
    assert read_date(text, COMPLETIONS) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("11/20/26", "Enter the year with four digits, as MM/DD/YYYY."),
        ("11/20/226", "Enter the year with four digits, as MM/DD/YYYY."),
        ("11/20/20260", "Enter the year with four digits, as MM/DD/YYYY."),
        ("26-11-20", "Enter the year with four digits, as MM/DD/YYYY."),
        ("0002-11-20", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("01/01/1900", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("12/31/1949", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("01/01/2101", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("12/31/9999", "Enter a date from 01/01/1950 to 12/31/2100."),
        ("0000-01-01", "There is no such day: 0000-01-01."),
        ("02/29/2027", "There is no such day: 02/29/2027."),
        ("13/01/2026", "There is no such day: 13/01/2026."),
        ("00/10/2026", "There is no such day: 00/10/2026."),
        ("-1/10/2026", "Enter the date as MM/DD/YYYY."),
        ("11/20/-2026", "Enter the date as MM/DD/YYYY."),
        ("yesterday", "Enter the date as MM/DD/YYYY."),
        ("", "Enter the date as MM/DD/YYYY."),
        (None, "Enter the date as MM/DD/YYYY."),
        ("1" * 400 + "/1/2026", "Enter the date as MM/DD/YYYY."),
        ("1/1/" + "9" * 5000, "Enter the year with four digits, as MM/DD/YYYY."),
    ],
)
def test_refuses_with_a_message_for_the_field(text, message):
    with pytest.raises(ValueError) as refused:
        read_date(text, COMPLETIONS)
    assert str(refused.value) == message


def test_range_is_the_callers():
    assert read_date("0002-11-20", DateRange(date.min, date.max)) == date(2, 11, 20)
    assert str(DateRange.of_years(2000, 2030)) == "01/01/2000 to 12/31/2030"
