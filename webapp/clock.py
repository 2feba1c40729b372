"""The organisation's today: statuses change at local midnight, not UTC midnight."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def organisation_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["ORGANISATION_TIMEZONE"])


def today() -> date:
    return datetime.now(organisation_zone()).date()
