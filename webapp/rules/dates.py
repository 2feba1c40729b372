"""Reading a date a person typed in their locale's order (MM/DD/YYYY in the United States,
DD/MM/YYYY in Britain, Spain and France) or a date picker sent (YYYY-MM-DD).

The order comes from the locale's short date pattern (CLDR, as Babel gives it: `M/d/yy`,
`dd/MM/y`); the caller passes the pattern, so these rules need neither Babel nor a request.
A year must have four digits and fall in a range the caller gives: `11/20/26` is refused
rather than read as the year 26, which would look right on screen and be wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .languages import N_
from .messages import message

from .periods import format_date

_PICKED = re.compile(r"(?P<year>\d+)-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
# What a field letter of a CLDR pattern stands for; other letters (eras, weekdays) are ignored.
_PATTERN_FIELDS = {"d": "day", "M": "month", "L": "month", "y": "year", "Y": "year", "u": "year"}
_HINT_WORDS = {"day": "DD", "month": "MM", "year": "YYYY"}
# A person may type any of these between the numbers, whatever the locale writes.
_SEPARATORS = "/.-"


@dataclass(frozen=True)
class DateOrder:
    """The order in which a locale writes day, month and year, and the character between them."""

    fields: tuple[str, str, str]
    separator: str = "/"

    @property
    def hint(self) -> str:
        """What to show beside a date field: `DD/MM/YYYY`."""
        return self.separator.join(_HINT_WORDS[name] for name in self.fields)

    def format(self, day: date) -> str:
        values = {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": f"{day.year:04d}"}
        return self.separator.join(values[name] for name in self.fields)

    @property
    def pattern(self) -> re.Pattern:
        between = f"[{re.escape(_SEPARATORS)}]"
        parts = [rf"(?P<{name}>\d+)" if name == "year" else rf"(?P<{name}>\d{{1,2}})" for name in self.fields]
        return re.compile(between.join(parts))


US = DateOrder(("month", "day", "year"))
ISO = DateOrder(("year", "month", "day"), "-")


def date_order(pattern: str) -> DateOrder:
    """The order of a CLDR short date pattern (`M/d/yy` -> MM/DD/YYYY, `dd.MM.yy` -> DD.MM.YYYY).

    A pattern without all three fields (none ships so) gives the United States order; a locale
    that writes the year first (`y/MM/dd`) keeps its order, with the year still in four digits.
    """
    literal = re.sub(r"'[^']*'", "", pattern)
    fields, separator = [], None
    for letter in re.findall(r"([A-Za-z])\1*|([^A-Za-z\s\u200e\u200f])", literal):
        name = _PATTERN_FIELDS.get(letter[0])
        if letter[0] and name and name not in fields:
            fields.append(name)
        elif letter[1] and separator is None and letter[1] in _SEPARATORS:
            separator = letter[1]
    if len(fields) != 3:
        return US
    return DateOrder((fields[0], fields[1], fields[2]), separator or "/")


@dataclass(frozen=True)
class DateRange:
    """The first and last day a field accepts (both inside)."""

    earliest: date
    latest: date

    @classmethod
    def of_years(cls, first: int, last: int) -> DateRange:
        return cls(date(first, 1, 1), date(last, 12, 31))

    def describe(self, order: DateOrder) -> str:
        return f"{order.format(self.earliest)} to {order.format(self.latest)}"

    def __str__(self) -> str:
        return f"{format_date(self.earliest)} to {format_date(self.latest)}"


# The refusals of a typed date, by message id (an import stores their English: stored_texts `IMPORT_ERRORS`).
DATE_PATTERN = N_("Enter the date as %(hint)s.")
YEAR_DIGITS = N_("Enter the year with four digits, as %(hint)s.")
NO_SUCH_DAY = N_("There is no such day: %(text)s.")
DATE_OUTSIDE = N_("Enter a date from %(dates)s.")
DATE_PROBLEMS = (DATE_PATTERN, YEAR_DIGITS, NO_SUCH_DAY, DATE_OUTSIDE)


def read_date(text: str | None, within: DateRange, order: DateOrder = US) -> date:
    """The date in `text`, typed in `order` or as ISO; ValueError with a message fit to show beside
    the field otherwise."""
    text = (text or "").strip()
    match = order.pattern.fullmatch(text) or _PICKED.fullmatch(text)
    if match is None:
        raise ValueError(message(DATE_PATTERN, hint=order.hint).english())
    if len(match["year"]) != 4:
        raise ValueError(message(YEAR_DIGITS, hint=order.hint).english())
    try:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise ValueError(message(NO_SUCH_DAY, text=text).english()) from None
    if not within.earliest <= day <= within.latest:
        raise ValueError(message(DATE_OUTSIDE, dates=within.describe(order)).english())
    return day
