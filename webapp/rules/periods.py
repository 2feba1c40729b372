"""Periods of time (1 year, 2 weeks) and calendar arithmetic on dates."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from .languages import N_

UNITS = ("days", "weeks", "months", "years")
_UNIT_HELP = "use days, weeks, months or years"
_SINGULAR = {unit: unit[:-1] for unit in UNITS}
_ALIASES = {**{unit: unit for unit in UNITS}, **{s: unit for unit, s in _SINGULAR.items()}}
# The longest period in each unit: 100 years. Longer ones are typing slips, and a
# period must stay far inside the calendar (which ends 12/31/9999) for any real date.
LONGEST = {"days": 36525, "weeks": 5218, "months": 1200, "years": 100}
# Message ids: the certification form shows them translated, an import's stored English reads back (import_errors).
TOO_LONG = {
    "days": N_("Must be at most 36525 days (100 years)"),
    "weeks": N_("Must be at most 5218 weeks (100 years)"),
    "months": N_("Must be at most 1200 months (100 years)"),
    "years": N_("Must be at most 100 years"),
}


def parse_period_unit(text: str, *, field: str = "unit") -> str:
    """Return the canonical unit for "Days", "day", "WEEKS"...; raise ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"{field}: unknown unit {text!r} ({_UNIT_HELP})")
    unit = _ALIASES.get(text.strip().lower())
    if unit is None:
        raise ValueError(f"{field}: unknown unit {text.strip()!r} ({_UNIT_HELP})")
    return unit


@lru_cache(maxsize=16384)
def format_date(day: date) -> str:
    """MM/DD/YYYY, the date format of every explanation."""
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def check_date(value: object, field: str, *, optional: bool = False) -> None:
    """Raise ValueError unless value is a date (a datetime is not: it would mix in a time)."""
    if value is None and optional:
        return
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{field}: must be a date")


def _is_whole(amount: object) -> bool:
    # bool is an int subclass, but True is not "1 month" on a form.
    return isinstance(amount, int) and not isinstance(amount, bool) and amount > 0


def plural(amount: int, unit: str) -> str:
    """"1 year", "2 years": a count with its unit (given in the plural), as every message writes it."""
    return f"{amount} {unit if amount != 1 else unit.removesuffix('s')}"


@dataclass(frozen=True)
class Period:
    """A positive number of days, weeks, months or years."""

    amount: int
    unit: str

    def __post_init__(self) -> None:
        if not _is_whole(self.amount):
            raise ValueError("amount: must be a positive whole number")
        if self.unit not in UNITS:
            raise ValueError(f"unit: unknown unit {self.unit!r} ({_UNIT_HELP})")
        if self.amount > LONGEST[self.unit]:
            raise ValueError(f"amount: {TOO_LONG[self.unit]}")

    @classmethod
    def parse(cls, amount: int | str, unit: str, *, field: str) -> Period:
        """Build a period from form or CSV text; errors name `field` (e.g. "duration")."""
        if isinstance(amount, str) and amount.strip().isdecimal():
            amount = int(amount.strip())
        if not _is_whole(amount):
            raise ValueError(f"{field}: must be a positive whole number")
        unit = parse_period_unit(unit, field=field)
        if amount > LONGEST[unit]:
            raise ValueError(f"{field}: {TOO_LONG[unit]}")
        return cls(amount, unit)

    def __str__(self) -> str:
        return plural(self.amount, self.unit)

    def after(self, day: date) -> date:
        """day + this period (01/31 + 1 month = 02/28, or 02/29 in a leap year)."""
        return shift(day, self, 1)

    def before(self, day: date) -> date:
        """day - this period."""
        return shift(day, self, -1)


def shift(day: date, period: Period, times: int) -> date:
    """day + times x period, computed in one step from day.

    One step (not repeated addition) keeps month ends right: 01/31 + 2 months is 03/31,
    whereas (01/31 + 1 month) + 1 month would be 03/28.
    """
    n = period.amount * times
    if period.unit == "days":
        return day + timedelta(days=n)
    if period.unit == "weeks":
        return day + timedelta(weeks=n)
    return _calendar_shift(day, period.unit, n)


def shift_within_calendar(day: date, period: Period, times: int) -> date | None:
    """shift(), or None when the result falls outside the calendar (01/01/0001 to 12/31/9999)."""
    try:
        return shift(day, period, times)
    except (OverflowError, ValueError):
        # timedelta overflows; relativedelta refuses a year outside 1 to 9999.
        return None


@lru_cache(maxsize=65536)
def _calendar_shift(day: date, unit: str, n: int) -> date:
    # relativedelta costs ~10 us a step, and the same (date, period) pairs recur
    # across users, so the results are cached.
    return day + relativedelta(**{unit: n})


def end_of(day: date, extend_to: str) -> date:
    """Last day of the month ("month") or year ("year") that day falls in."""
    if extend_to == "year":
        return date(day.year, 12, 31)
    return date(day.year, day.month, monthrange(day.year, day.month)[1])
