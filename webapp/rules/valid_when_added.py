"""Valid When Added (decision 80): a certification that needs no completion date counts a record as
valid from the day it is added, which is the record's date, from which the usual rules compute its
expiration."""
from __future__ import annotations

from datetime import date


def completion_date(valid_when_added: bool, typed: date | None, day: date) -> date | None:
    """The completion date a new record of a certification is stored with, on `day`: the day itself for a
    certification valid when added (whatever was typed), otherwise the date typed (None: none was)."""
    return day if valid_when_added else typed


def approved_completion_date(valid_when_added: bool, completed_on: date, approved_on: date) -> date:
    """A pending record's date once approved on `approved_on`: the approval day for a certification valid
    when added (it is added to the person's certifications then), otherwise the completion date it has."""
    return approved_on if valid_when_added else completed_on
