"""The organisation's today (statuses change at its midnight, not UTC midnight), and the zone a
person sees moments in (decision 91)."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_login import current_user

from webapp.services.settings import organisation_time_zone


def organisation_zone() -> ZoneInfo:
    """The organisation's time zone (Module Settings, else ORGANISATION_TIMEZONE)."""
    return ZoneInfo(organisation_time_zone())


def display_zone() -> ZoneInfo:
    """The zone moments are shown in: the signed-in person's own, else the organisation's (also when
    their zone is no longer one this machine knows, after a zoneinfo update)."""
    own = getattr(current_user, "time_zone", "") if current_user else ""
    try:
        return ZoneInfo(own) if own else organisation_zone()
    except (ZoneInfoNotFoundError, ValueError):
        return organisation_zone()


def local_time(moment: datetime) -> datetime:
    """`moment` (stored in UTC) as the person reading it sees it: `{{ (x|local_time).strftime(...) }}`."""
    return moment.astimezone(display_zone())


def today() -> date:
    return datetime.now(organisation_zone()).date()


def quarter_hour() -> str:
    """The current quarter hour in UTC: every zone's midnight falls on one, so a page kept under it
    shows the organisation's today without reading the organisation's zone (decision 91)."""
    now = datetime.now(UTC)
    return f"{now:%Y-%m-%dT%H}:{now.minute // 15 * 15:02d}"
