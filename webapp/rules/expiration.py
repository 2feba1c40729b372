"""The expiration date of a new record, and the dates its status turns blue, yellow, red."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .periods import Period, check_date, end_of, format_date, shift_within_calendar
from .policy import TrackingPolicy

_WINDOW_WORDS = {
    "first_notice": "after the 1st notice",
    "second_notice": "after the 2nd notice",
}


@dataclass(frozen=True)
class ExpirationResult:
    """An expiration date (None: never expires), the rule that gave it and why, in words.

    rule: "never_expires", "existing_record", "forced", "duration", "as_printed" (the expiry
    printed on the card, decision 34) or "beyond_calendar" (the rules give a day after
    12/31/9999: it never expires within the calendar).
    """

    expires_on: date | None
    explanation: str
    rule: str


_NEVER = ExpirationResult(None, "Never expires.", "never_expires")


@dataclass(frozen=True)
class NoticeDates:
    """When a record turns due (blue), overdue (yellow) and expired (red)."""

    due_on: date
    overdue_on: date
    expires_on: date


def expiration_for(
    policy: TrackingPolicy,
    completed_on: date,
    existing_expiration: date | None = None,
    *,
    has_approved_record: bool | None = None,
    printed_expiration: date | None = None,
) -> ExpirationResult:
    """Expiration of a record completed on `completed_on` (PRODUCT.md "Expiration rules").

    `existing_expiration` is the expiration of the user's current approved record, if any;
    `has_approved_record` (default: whether that is given) selects the refresher stage.
    `printed_expiration` is the expiry printed on the record's card: it is the expiration
    when the policy says "expiry as printed" and it is not before the completion (decision 34).
    """
    check_date(completed_on, "completed_on")
    check_date(existing_expiration, "existing_expiration", optional=True)
    check_date(printed_expiration, "printed_expiration", optional=True)
    if not policy.expires:
        return _NEVER
    if policy.expiry_as_printed and printed_expiration is not None and printed_expiration >= completed_on:
        return ExpirationResult(
            printed_expiration, f"{format_date(printed_expiration)} as printed on the card", "as_printed"
        )
    if has_approved_record is None:
        has_approved_record = existing_expiration is not None
    stage = policy.for_stage(has_approved_record)
    duration = stage.duration

    window = _existing_window(stage, existing_expiration)
    if window is not None and window[0] <= completed_on <= window[1]:
        base = shift_within_calendar(existing_expiration, duration, 1)
        rule = "existing_record"
        grace = "" if stage.existing_grace is None else f", {stage.existing_grace} of grace"
        how = (
            f"existing expiration {format_date(existing_expiration)} + {duration}, because "
            f"completed {_window_words(stage)} (window {format_date(window[0])} to "
            f"{format_date(window[1])}{grace})"
        )
    elif stage.forced_expiration is not None:
        base = _forced_schedule(stage.forced_expiration, duration, completed_on)
        rule = "forced"
        how = (
            f"first date of the forced schedule ({format_date(stage.forced_expiration)} + k x "
            f"{duration}) after {format_date(completed_on)}"
        )
    else:
        base = shift_within_calendar(completed_on, duration, 1)
        rule = "duration"
        how = f"completed {format_date(completed_on)} + {duration}"

    if base is None:
        return ExpirationResult(
            None, f"Never expires within the calendar: {how} falls after {format_date(date.max)}.",
            "beyond_calendar",
        )
    expires_on = base
    if stage.extend_to is not None:
        expires_on = end_of(base, stage.extend_to)
        how = f"{how} = {format_date(base)}, extended to the end of the {stage.extend_to}"
    if stage is not policy:
        how += ", with the refresher settings"
    return ExpirationResult(expires_on, f"{format_date(expires_on)} = {how}", rule)


def printed_differs(result: ExpirationResult, printed_expiration: date | None) -> bool:
    """Whether the card's printed expiry disagrees with the expiration the rules gave (decision 34):
    never when the card gives none or the printed one was used."""
    return printed_expiration is not None and result.rule != "as_printed" and result.expires_on != printed_expiration


def _existing_window(stage: TrackingPolicy, existing: date | None) -> tuple[date, date] | None:
    """[opens, closes] (inclusive) of the existing-record rule, or None when it does not apply."""
    opens = stage.existing_window_opens
    if opens is None or existing is None:
        return None
    if opens == "first_notice":
        opens = stage.first_notice
    elif opens == "second_notice":
        opens = stage.second_notice
    # A window reaching past either end of the calendar stops there.
    closes = existing
    if stage.existing_grace is not None:
        closes = shift_within_calendar(existing, stage.existing_grace, 1) or date.max
    return shift_within_calendar(existing, opens, -1) or date.min, closes


def _window_words(stage: TrackingPolicy) -> str:
    opens = stage.existing_window_opens
    if isinstance(opens, str):
        return _WINDOW_WORDS[opens]
    return f"up to {opens} before the existing expiration"


def _forced_schedule(anchor: date, duration: Period, completed_on: date) -> date | None:
    """First anchor + k x duration (k any integer) strictly after completed_on (None: after 12/31/9999)."""
    if duration.unit in ("days", "weeks"):
        step = duration.amount * (7 if duration.unit == "weeks" else 1)
        k = (completed_on - anchor).days // step + 1
        return shift_within_calendar(anchor, duration, k)
    step = duration.amount * (12 if duration.unit == "years" else 1)
    months = (completed_on.year - anchor.year) * 12 + completed_on.month - anchor.month
    k = months // step
    # The month estimate is off by at most one step either way (day of month, month ends).
    while _on_or_before(anchor, duration, k, completed_on):
        k += 1
    while not _on_or_before(anchor, duration, k - 1, completed_on):
        k -= 1
    return shift_within_calendar(anchor, duration, k)


def _on_or_before(anchor: date, duration: Period, k: int, day: date) -> bool:
    """Whether anchor + k x duration is on or before day; a point beyond the calendar lies on
    the side k points to (before 01/01/0001 for k < 0, after 12/31/9999 for k > 0)."""
    point = shift_within_calendar(anchor, duration, k)
    return k < 0 if point is None else point <= day


def notice_dates(policy: TrackingPolicy, expiration: date) -> NoticeDates:
    """Due = expiration - 1st notice, overdue = expiration - 2nd notice.

    Pass the policy of the record's stage (`policy.for_stage(...)`).
    """
    if not policy.expires:
        raise ValueError("policy: a certification that never expires has no notice dates")
    check_date(expiration, "expiration")
    return _notice_dates(policy, expiration)


def _notice_dates(policy: TrackingPolicy, expiration: date) -> NoticeDates:
    """notice_dates without the checks, memoised per policy (statuses call it 300,000 times)."""
    memo = policy._notice_memo
    dates = memo.get(expiration)
    if dates is None:
        # A notice before the calendar begins has been in force since 01/01/0001.
        dates = memo[expiration] = NoticeDates(
            shift_within_calendar(expiration, policy.first_notice, -1) or date.min,
            shift_within_calendar(expiration, policy.second_notice, -1) or date.min,
            expiration,
        )
    return dates
