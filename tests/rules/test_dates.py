"""Reading typed dates: four-digit years inside a range, every boundary a person can type."""

from datetime import date

import pytest
from babel.dates import get_date_format
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules.dates import DateRange, date_order, read_date

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


# ---- The person's order (decision 90) -------------------------------------------------------------

LOCALES = ("en_US", "en_GB", "es", "fr")
BRITISH = date_order("dd/MM/y")


@pytest.mark.parametrize(
    ("pattern", "hint"),
    [
        ("M/d/yy", "MM/DD/YYYY"),  # en_US
        ("dd/MM/y", "DD/MM/YYYY"),  # en_GB, fr
        ("d/M/yy", "DD/MM/YYYY"),  # es
        ("dd.MM.yy", "DD.MM.YYYY"),  # de
        ("dd-MM-y", "DD-MM-YYYY"),  # nl
        ("y/MM/dd", "YYYY/MM/DD"),  # ja
        ("y-MM-dd", "YYYY-MM-DD"),  # en_CA
        ("d\u200f/M\u200f/y", "DD/MM/YYYY"),  # ar: right-to-left marks between the numbers
        ("d 'de' MMMM", "MM/DD/YYYY"),  # no year: the United States order
        ("", "MM/DD/YYYY"),
    ],
)
def test_order_comes_from_the_short_pattern(pattern, hint):
    assert date_order(pattern).hint == hint


@pytest.mark.parametrize("locale", LOCALES)
def test_babel_short_patterns_of_shipped_locales(locale):
    expected = "MM/DD/YYYY" if locale == "en_US" else "DD/MM/YYYY"
    assert date_order(get_date_format("short", locale=locale).pattern).hint == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/05/2026", date(2026, 5, 4)),  # 4 May, as a British subcontractor reads it
        ("4/5/2026", date(2026, 5, 4)),
        ("31/12/2026", date(2026, 12, 31)),
        ("31.12.2026", date(2026, 12, 31)),
        ("31-12-2026", date(2026, 12, 31)),
        ("2026-05-04", date(2026, 5, 4)),  # ISO, as the date picker sends it
        (" 29/02/2028 ", date(2028, 2, 29)),
    ],
)
def test_reads_the_day_first_order_and_iso(text, expected):
    assert read_date(text, COMPLETIONS, BRITISH) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("04/05/26", "Enter the year with four digits, as DD/MM/YYYY."),
        ("31/02/2026", "There is no such day: 31/02/2026."),
        ("12/31/2026", "There is no such day: 12/31/2026."),  # the American order is not guessed
        ("31/12/9999", "Enter a date from 01/01/1950 to 31/12/2100."),
        ("9999-12-31", "Enter a date from 01/01/1950 to 31/12/2100."),
        ("tomorrow", "Enter the date as DD/MM/YYYY."),
        ("", "Enter the date as DD/MM/YYYY."),
    ],
)
def test_day_first_refusals_speak_the_persons_order(text, message):
    with pytest.raises(ValueError) as refused:
        read_date(text, COMPLETIONS, BRITISH)
    assert str(refused.value) == message


@pytest.mark.parametrize("locale", LOCALES)
@given(day=st.dates(min_value=COMPLETIONS.earliest, max_value=COMPLETIONS.latest))
def test_a_date_written_in_a_locale_reads_back_as_itself(locale, day):
    order = date_order(get_date_format("short", locale=locale).pattern)
    assert read_date(order.format(day), COMPLETIONS, order) == day
    assert read_date(day.isoformat(), COMPLETIONS, order) == day


@pytest.mark.parametrize("locale", LOCALES)
@given(day=st.dates(min_value=COMPLETIONS.earliest, max_value=COMPLETIONS.latest))
def test_a_two_digit_year_is_refused_in_every_locale(locale, day):
    order = date_order(get_date_format("short", locale=locale).pattern)
    with pytest.raises(ValueError, match="four digits"):
        read_date(order.format(day)[:-4] + f"{day.year % 100:02d}", COMPLETIONS, order)
