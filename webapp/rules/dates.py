"""Reading a date a person typed (MM/DD/YYYY) or a date picker sent (YYYY-MM-DD).

A year must have four digits and fall in a range the caller gives: `11/20/26` is refused
rather than read as the year 26, which would look right on screen and be wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .periods import format_date

_TYPED = re.compile(r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d+)")
_PICKED = re.compile(r"(?P<year>\d+)-(?P<month>\d{1,2})-(?P<day>\d{1,2})")


@dataclass(frozen=True)
class DateRange:
    """The first and last day a field accepts (both inside)."""

    earliest: date
    latest: date

    @classmethod
    def of_years(cls, first: int, last: int) -> DateRange:
        return cls(date(first, 1, 1), date(last, 12, 31))

    def __str__(self) -> str:
        return f"{format_date(self.earliest)} to {format_date(self.latest)}"


def read_date(text: str | None, within: DateRange) -> date:
    """The date in `text`; ValueError with a message fit to show beside the field otherwise."""
    text = (text or "").strip()
    match = _TYPED.fullmatch(text) or _PICKED.fullmatch(text)
    if match is None:
        raise ValueError("Enter the date as MM/DD/YYYY.")
    if len(match["year"]) != 4:
        raise ValueError("Enter the year with four digits, as MM/DD/YYYY.")
    try:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise ValueError(f"There is no such day: {text}.") from None
    if not within.earliest <= day <= within.latest:
        raise ValueError(f"Enter a date from {within}.")
    return day
