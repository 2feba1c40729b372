"""A role's competency, once a competency certificate is recorded (decision 37)."""

from __future__ import annotations

from datetime import date

from .periods import Period, check_date, shift_within_calendar
from .status import Status


def competency_certificate_expiration(completed_on: date, duration: Period | None) -> date | None:
    """When a certificate completed on `completed_on` expires: completed + the role's duration;
    None when the role's competency does not expire, or that falls after 12/31/9999."""
    check_date(completed_on, "completed_on")
    if duration is None:
        return None
    return shift_within_calendar(completed_on, duration, 1)


def competency_status(day: date, completed_on: date | None, expires_on: date | None,
                      lead_time: Period | None) -> Status:
    """The role's competency on `day` by its latest certificate: missing without one, expired from
    its expiration, due from the lead time before it (when the e-mail lead time warns), else valid.
    A certificate completed after the day is upcoming."""
    check_date(day, "day")
    if completed_on is None:
        return Status.MISSING
    if completed_on > day:
        return Status.UPCOMING
    if expires_on is None:
        return Status.VALID
    if day >= expires_on:
        return Status.EXPIRED
    if lead_time is not None:
        warns_from = shift_within_calendar(expires_on, lead_time, -1) or date.min
        if day >= warns_from:
            return Status.DUE
    return Status.VALID
