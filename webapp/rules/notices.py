"""Which scheduled notice a requirement is owed on a day.

Each requirement owes at most one notice a day: the one for its latest event (turning due,
overdue or expired, or a deferral or training ending). The notice is keyed on the event's
date, so the daily job may run any number of times, or miss a few days, and every event
still gets one notice, as long as it is no older than the catch-up window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .periods import Period, shift_within_calendar
from .status import RequirementStatus, Status

FIRST_NOTICE = "first_notice"
SECOND_NOTICE = "second_notice"
EXPIRED = "expired"
DEFERRAL_ENDED = "deferral_ended"
TRAINING_ENDED = "training_ended"
STAGE_KINDS = (FIRST_NOTICE, SECOND_NOTICE, EXPIRED, DEFERRAL_ENDED, TRAINING_ENDED)
# Whom a stage goes to beyond the user: the 2nd notice and expiration also go to supervisors.
TO_SUPERVISORS = (SECOND_NOTICE, EXPIRED)
# The same stages of an asset's, client's or job location's certification, sent to its responsible
# user (decision 74): their own kinds, as their key names an entity rather than a person.
ENTITY_STAGE_KINDS = {
    FIRST_NOTICE: "entity_first_notice",
    SECOND_NOTICE: "entity_second_notice",
    EXPIRED: "entity_expired",
}


@dataclass(frozen=True, slots=True)
class NoticeEvent:
    """A notice owed: its kind, the day of its event, and the date in its unique key.

    The key date is the record's expiration for the 1st and 2nd notices and expiration
    (a renewed record has a new one, so its notices are new), and the end of the
    deferral or training for those.
    """

    kind: str
    on: date
    key_date: date


def notice_event(
    day: date,
    status: RequirementStatus,
    *,
    deferred_until: date | None = None,
    training_until: date | None = None,
    catch_up_days: int = 7,
) -> NoticeEvent | None:
    """The notice owed on `day`, or None.

    A pending submission means the user has already acted, so it holds back the 1st and
    2nd notices (not the expiration). Events older than `catch_up_days` are not sent:
    a first run over old data, or a runner down for weeks, must not flood anyone.
    """
    if not status.status.is_outstanding:
        return None  # every notice announces something the user has to do
    oldest = _days_before(day, catch_up_days)
    candidates: list[NoticeEvent] = []
    match status.status:
        # Due by a new document revision on a record that never expires: no notice date to announce.
        case Status.DUE if not status.pending and status.due_on is not None:
            candidates.append(NoticeEvent(FIRST_NOTICE, status.due_on, status.expires_on))
        case Status.OVERDUE if not status.pending:
            candidates.append(NoticeEvent(SECOND_NOTICE, status.overdue_on, status.expires_on))
        case Status.EXPIRED:
            candidates.append(NoticeEvent(EXPIRED, status.expires_on, status.expires_on))
    # Whatever is still outstanding when a hold ends is announced by the hold's end.
    for kind, end in ((DEFERRAL_ENDED, deferred_until), (TRAINING_ENDED, training_until)):
        if end is not None and end <= day:
            candidates.append(NoticeEvent(kind, end, end))
    candidates = [event for event in candidates if oldest <= event.on <= day]
    if not candidates:
        return None
    return max(candidates, key=lambda event: event.on)


def notice_after_change(
    day: date,
    before: RequirementStatus,
    after: RequirementStatus,
    *,
    deferred_until: date | None = None,
    training_until: date | None = None,
    catch_up_days: int = 7,
) -> NoticeEvent | None:
    """The notice a change of tracking settings brings on `day` (decision 36): the one owed under
    the new status, unless the old status owed the same one (same kind and key date), which the
    daily job has sent or sends anyway."""
    holds = {"deferred_until": deferred_until, "training_until": training_until, "catch_up_days": catch_up_days}
    event = notice_event(day, after, **holds)
    if event is None or event == notice_event(day, before, **holds):
        return None
    return event


def _days_before(day: date, days: int) -> date:
    """day - days, stopping at 01/01/0001 where the calendar begins."""
    return date.fromordinal(max(1, day.toordinal() - days))


def competency_expiration(held_from: date, duration: Period, day: date) -> date | None:
    """The end of the competency period running on `day`; periods repeat from `held_from`.

    Each end is computed from `held_from` (not by repeated addition), as forced dates are.
    None when that end falls after 12/31/9999.
    """
    k = 1
    while (end := shift_within_calendar(held_from, duration, k)) is not None and end <= day:
        k += 1
    return end


def competency_notice_due(held_from: date, duration: Period, lead_time: Period, day: date,
                          catch_up_days: int = 7) -> date | None:
    """The competency expiration to announce on `day` (its lead time has begun), or None."""
    if held_from > day:
        return None
    expires_on = competency_expiration(held_from, duration, day)
    if expires_on is None:
        return None
    announce_on = shift_within_calendar(expires_on, lead_time, -1) or date.min
    if _days_before(day, catch_up_days) <= announce_on <= day:
        return expires_on
    return None
