"""The dates the app accepts wherever one is typed or sent (docs/rules.md, decision 22)."""
from __future__ import annotations

from datetime import date

from flask import current_app

from webapp.rules.dates import DateRange, read_date
from webapp.rules.periods import LONGEST


def typed_date_range(*, expiration: bool = False) -> DateRange:
    """The configured years; an expiration may be the longest period after the last completion."""
    config = current_app.config
    latest = config["DATE_LATEST_YEAR"] + (LONGEST["years"] if expiration else 0)
    return DateRange.of_years(config["DATE_EARLIEST_YEAR"], latest)


def read_typed_date(text: str | None, *, expiration: bool = False) -> tuple[date | None, str | None]:
    """(the date, None), or (None, why it is refused)."""
    try:
        return read_date(text, typed_date_range(expiration=expiration)), None
    except ValueError as refusal:
        return None, str(refusal)
