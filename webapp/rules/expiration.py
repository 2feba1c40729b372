"""The expiration date of a new record, and the dates its status turns blue, yellow, red."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .languages import N_
from .messages import Message, message
from .periods import Period, check_date, end_of, shift_within_calendar
from .policy import TrackingPolicy

# What a record stores as its explanation ("why?"), in English: the ids below are also how a stored one is read
# back and shown translated (rules/stored_texts.py `EXPLANATIONS`, decision 111).
NEVER_EXPIRES = N_("Never expires.")
AS_PRINTED = N_("%(expires)s as printed on the card")
BEYOND_CALENDAR = N_("Never expires within the calendar: %(how)s falls after %(last)s.")
EXPIRES_AS = N_("%(expires)s = %(how)s")
# An expiration a person typed instead of the rules' (services/records.py, submissions.py, entities.py).
SET_BY = N_("%(expires)s set by %(person)s")
SET_BY_OVER_RULES = N_("%(expires)s set by %(person)s (the rules give %(why)s)")
# How the rules reached a date: the `how` of the above, itself extended, then with the refresher settings.
FROM_EXISTING = N_("existing expiration %(existing)s + %(duration)s, because completed %(when)s "
                   "(window %(opens)s to %(closes)s)")
FROM_EXISTING_WITH_GRACE = N_("existing expiration %(existing)s + %(duration)s, because completed %(when)s "
                              "(window %(opens)s to %(closes)s, %(grace)s of grace)")
FORCED = N_("first date of the forced schedule (%(anchor)s + k x %(duration)s) after %(completed)s")
FROM_COMPLETION = N_("completed %(completed)s + %(duration)s")
WITH_REFRESHER = N_("%(how)s, with the refresher settings")
_EXTENDED = {
    "month": N_("%(how)s = %(base)s, extended to the end of the month"),
    "year": N_("%(how)s = %(base)s, extended to the end of the year"),
}
_WINDOW_WORDS = {
    "first_notice": N_("after the 1st notice"),
    "second_notice": N_("after the 2nd notice"),
}
WINDOW_BEFORE = N_("up to %(period)s before the existing expiration")
HOWS = (FROM_EXISTING, FROM_EXISTING_WITH_GRACE, FORCED, FROM_COMPLETION, *_EXTENDED.values(), WITH_REFRESHER)
WINDOWS = (*_WINDOW_WORDS.values(), WINDOW_BEFORE)


@dataclass(frozen=True)
class ExpirationResult:
    """An expiration date (None: never expires), the rule that gave it and why, in words.

    rule: "never_expires", "existing_record", "forced", "duration", "as_printed" (the expiry
    printed on the card, decision 34) or "beyond_calendar" (the rules give a day after
    12/31/9999: it never expires within the calendar).
    """

    expires_on: date | None
    why: Message  # translated where shown (decision 85)
    rule: str

    @property
    def explanation(self) -> str:
        """Why, in English: what a record stores when it is saved."""
        return self.why.english()


_NEVER = ExpirationResult(None, message(NEVER_EXPIRES), "never_expires")


def set_by(expires_on: date, person: str, rules: Message | None = None) -> Message:
    """The explanation of an expiration `person` typed: "03/31/2029 set by Ana García", with what the rules gave
    when they gave another (`rules`)."""
    if rules is None:
        return message(SET_BY, expires=expires_on, person=person)
    return message(SET_BY_OVER_RULES, expires=expires_on, person=person, why=rules)


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
            printed_expiration, message(AS_PRINTED, expires=printed_expiration),
            "as_printed",
        )
    if has_approved_record is None:
        has_approved_record = existing_expiration is not None
    stage = policy.for_stage(has_approved_record)
    duration = stage.duration

    window = _existing_window(stage, existing_expiration)
    if window is not None and window[0] <= completed_on <= window[1]:
        base = shift_within_calendar(existing_expiration, duration, 1)
        rule = "existing_record"
        parts = {"existing": existing_expiration, "duration": duration, "when": _window_words(stage),
                 "opens": window[0], "closes": window[1]}
        if stage.existing_grace is None:
            how = message(FROM_EXISTING, **parts)
        else:
            how = message(FROM_EXISTING_WITH_GRACE, **parts, grace=stage.existing_grace)
    elif stage.forced_expiration is not None:
        base = _forced_schedule(stage.forced_expiration, duration, completed_on)
        rule = "forced"
        how = message(FORCED, anchor=stage.forced_expiration, duration=duration, completed=completed_on)
    else:
        base = shift_within_calendar(completed_on, duration, 1)
        rule = "duration"
        how = message(FROM_COMPLETION, completed=completed_on, duration=duration)

    if base is None:
        return ExpirationResult(
            None, message(BEYOND_CALENDAR, how=how, last=date.max),
            "beyond_calendar",
        )
    expires_on = base
    if stage.extend_to is not None:
        expires_on = end_of(base, stage.extend_to)
        how = message(_EXTENDED[stage.extend_to], how=how, base=base)
    if stage is not policy:
        how = message(WITH_REFRESHER, how=how)
    return ExpirationResult(expires_on, message(EXPIRES_AS, expires=expires_on, how=how), rule)


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


def _window_words(stage: TrackingPolicy) -> Message:
    opens = stage.existing_window_opens
    if isinstance(opens, str):
        return message(_WINDOW_WORDS[opens])
    return message(WINDOW_BEFORE, period=opens)


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
