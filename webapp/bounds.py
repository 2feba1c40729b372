"""What the database can store, checked where values come in: ids and numbers from the URL or a
form within its integer range, and no NUL character anywhere in a request.

PostgreSQL refuses an integer above 2^31 - 1 in an INTEGER column and a NUL byte in any text, and
SQLite an integer above 2^63 - 1; either would be a 500 deep in a query. Checked once here, a
larger id is simply "not found" and a NUL byte a bad request, on every route.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter
from wtforms import IntegerField
from wtforms.validators import StopValidation

DATABASE_INT_MAX = 2**31 - 1
DATABASE_INT_MIN = -(2**31)
NUL = "\x00"


def database_int(text: str) -> int:
    """`text` as an integer the database can store; ValueError otherwise (so `args.get(type=...)` falls back)."""
    number = int(text)
    if not DATABASE_INT_MIN <= number <= DATABASE_INT_MAX:
        raise ValueError(f"{text} is out of the database's range")
    return number


def database_id(text: str) -> int | None:
    """`text` as an id a row could have; None for anything else."""
    if not (text.isascii() and text.isdecimal()):
        return None
    number = int(text)
    return number if 0 < number <= DATABASE_INT_MAX else None


def database_ids(values: Iterable[str]) -> set[int]:
    """The values that are ids a row could have; anything else is skipped."""
    return {number for number in map(database_id, values) if number is not None}


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` within the database's range: a larger number matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BoundedIntegerField(IntegerField):
    """An IntegerField whose number the database can store; a larger one is a field error, not a 500."""

    def pre_validate(self, form):
        if self.data is not None and not DATABASE_INT_MIN <= self.data <= DATABASE_INT_MAX:
            self.data = None
            raise StopValidation("This number is too large.")


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def init_bounds(app: Flask) -> None:
    """Register the bounded `int` converter (before any route is added) and refuse NUL bytes."""
    app.url_map.converters["int"] = DatabaseIdConverter

    @app.before_request
    def refuse_nul_bytes():
        if (
            NUL in request.path
            or _has_nul(request.args.keys()) or _has_nul(request.args.values())
            or (request.content_type or "").startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
            and (_has_nul(request.form.keys()) or _has_nul(request.form.values()))
        ):
            abort(400, "Text cannot contain NUL characters.")
