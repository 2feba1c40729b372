"""The dates the app accepts wherever one is typed or sent (docs/rules.md, decisions 22 and 90)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel.dates import get_date_format
from flask import current_app
from flask_babel import gettext

from webapp.locales import person_locale
from webapp.rules.dates import US, DateOrder, DateRange, date_order, read_date
from webapp.rules.periods import LONGEST


@lru_cache(maxsize=64)
def _order_of(locale: str) -> DateOrder:
    return date_order(get_date_format("short", locale=locale).pattern)


def person_date_order() -> DateOrder:
    """The order the signed-in person (or the browser) types dates in: MM/DD/YYYY in the United
    States, DD/MM/YYYY in Britain, Spain and France (Babel's short date pattern)."""
    return _order_of(str(person_locale()))


def typed_date_format() -> str:
    """The person's order as a field's placeholder shows it: `DD/MM/YYYY`."""
    return person_date_order().hint


def date_hint() -> str:
    """What a date field says beside it."""
    return gettext("Pick a date, or type it as %(format)s.", format=typed_date_format())


def typed_date_range(*, expiration: bool = False) -> DateRange:
    """The configured years; an expiration may be the longest period after the last completion."""
    config = current_app.config
    latest = config["DATE_LATEST_YEAR"] + (LONGEST["years"] if expiration else 0)
    return DateRange.of_years(config["DATE_EARLIEST_YEAR"], latest)


def read_typed_date(text: str | None, *, expiration: bool = False,
                    order: DateOrder = US) -> tuple[date | None, str | None]:
    """(the date, None), or (None, why it is refused). Files and machines send MM/DD/YYYY or ISO
    (`order` left as is); a form passes the person's `person_date_order()`."""
    try:
        return read_date(text, typed_date_range(expiration=expiration), order), None
    except ValueError as refusal:
        return None, str(refusal)


def read_person_date(text: str | None, *, expiration: bool = False) -> tuple[date | None, str | None]:
    """A date typed in a form: in the person's order, or ISO as a date picker sends it."""
    return read_typed_date(text, expiration=expiration, order=person_date_order())
