"""Properties of the rules over generated policies, dates and facts."""

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from webapp.rules import (
    ParentFacts,
    Period,
    RecordFacts,
    RequirementFacts,
    RoleSource,
    Status,
    TrackingPolicy,
    expiration_for,
    notice_dates,
    status_on,
)
from webapp.rules.periods import LONGEST, end_of

FAST = settings(max_examples=150, deadline=None)

dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))
units = st.sampled_from(["days", "weeks", "months", "years"])


# Shortest length of each unit in days, to draw notices that are always shorter.
SHORTEST = {"days": 1, "weeks": 7, "months": 28, "years": 365}


@st.composite
def expiring_policies(draw, **fixed):
    """Valid expiring policies: 2nd notice < 1st notice < duration."""
    unit = draw(units)
    amount = draw(st.integers(3, 60) if unit == "days" else st.integers(1, 5))
    first = draw(st.integers(2, min(25, amount * SHORTEST[unit] - 1)))
    settings_ = {
        "expires": True,
        "duration": Period(amount, unit),
        "first_notice": Period(first, "days"),
        "second_notice": Period(draw(st.integers(1, first - 1)), "days"),
        "extend_to": draw(st.sampled_from([None, "month", "year"])),
        **fixed,
    }
    return TrackingPolicy(**settings_)


@given(expiring_policies(), dates)
@FAST
def test_default_rule_never_expires_before_completion(policy, completed):
    assert expiration_for(policy, completed).expires_on > completed


@given(expiring_policies(), dates, st.integers(0, 2000))
@FAST
def test_completing_later_never_expires_earlier(policy, completed, later_by):
    later = completed + timedelta(days=later_by)
    assert expiration_for(policy, later).expires_on >= expiration_for(policy, completed).expires_on


@given(dates, st.sampled_from(["month", "year"]))
@FAST
def test_extend_to_end_lands_on_a_period_end(day, extend_to):
    end = end_of(day, extend_to)
    assert end >= day
    assert (end + timedelta(days=1)).day == 1
    assert end.year == day.year
    if extend_to == "year":
        assert (end.month, end.day) == (12, 31)
    else:
        assert end.month == day.month


@given(expiring_policies(extend_to=None), dates, dates)
@FAST
def test_forced_schedule_is_the_first_date_after_completion(policy, anchor, completed):
    forced = TrackingPolicy(
        expires=True,
        duration=policy.duration,
        first_notice=policy.first_notice,
        second_notice=policy.second_notice,
        forced_expiration=anchor,
    )
    result = expiration_for(forced, completed).expires_on
    duration = policy.duration
    assert result > completed
    # At most one duration after the completion, measured back from the result.
    assert duration.before(result) <= completed
    # On the schedule: anchor + k x duration for some k.
    if duration.unit in ("days", "weeks"):
        step = duration.amount * (7 if duration.unit == "weeks" else 1)
        assert (result - anchor).days % step == 0
    else:
        step = duration.amount * (12 if duration.unit == "years" else 1)
        months = (result.year - anchor.year) * 12 + result.month - anchor.month
        assert months % step == 0
        assert result.day == min(anchor.day, end_of(result, "month").day)


ORDER = {Status.VALID: 0, Status.DUE: 1, Status.OVERDUE: 2, Status.EXPIRED: 3}


@given(
    st.integers(1, 18).map(lambda n: Period(n, "months")),
    st.integers(2, 25),
    st.data(),
    dates,
)
@settings(max_examples=40, deadline=None)
def test_one_record_goes_valid_due_overdue_expired_and_never_back(duration, first, data, completed):
    second = data.draw(st.integers(1, first - 1))
    policy = TrackingPolicy(
        expires=True,
        duration=duration,
        first_notice=Period(first, "days"),
        second_notice=Period(second, "days"),
    )
    expires_on = expiration_for(policy, completed).expires_on
    facts = RequirementFacts(policy, records=(RecordFacts(completed, expires_on),))
    seen = []
    day = completed
    while day <= expires_on + timedelta(days=2):
        seen.append(ORDER[status_on(day, facts).status])
        day += timedelta(days=1)
    assert seen == sorted(seen)
    assert seen[0] == 0 and seen[-1] == 3
    assert set(seen) == {0, 1, 2, 3}


policies = st.one_of(st.just(TrackingPolicy()), expiring_policies())


@st.composite
def records(draw):
    completed = draw(dates)
    expires = draw(st.none() | st.integers(0, 3000).map(lambda n: completed + timedelta(days=n)))
    reason = draw(st.sampled_from([None, None, None, "Fraud"]))
    return RecordFacts(completed, expires, reason)


record_tuples = st.lists(records(), max_size=4).map(tuple)
names = st.sampled_from(["Welder", "Rigger", "First Aid"])


@st.composite
def requirement_facts(draw):
    return RequirementFacts(
        policy=draw(policies),
        roles=tuple(draw(st.lists(st.builds(RoleSource, names, st.none() | dates), max_size=3))),
        direct=draw(st.booleans()),
        records=draw(record_tuples),
        parent=draw(st.none() | st.builds(ParentFacts, names, policies, record_tuples)),
        pending=draw(st.booleans()),
        deferred_until=draw(st.none() | dates),
        deferral_notes=draw(st.sampled_from([None, "", "  ", "Course full"])),
        not_applicable=draw(st.booleans()),
    )


@given(dates, requirement_facts())
@settings(max_examples=150, deadline=None)
def test_status_on_is_total(day, facts):
    result = status_on(day, facts)
    assert isinstance(result.status, Status)
    assert result.pending is facts.pending
    assert isinstance(result.explanation, str) and result.explanation
    if result.status in (Status.DEFERRED, Status.IN_TRAINING):
        assert result.until > day and result.days_left == (result.until - day).days
    elif result.status in (Status.DUE, Status.OVERDUE):
        assert result.days_left > 0
    elif result.status is not Status.VALID:
        assert result.days_left is None


# --- decision 21: no date, period and settings make the rules raise --------------------------

any_dates = st.dates(min_value=date.min, max_value=date.max)


@st.composite
def any_periods(draw):
    """Any period a form accepts: up to 100 years."""
    unit = draw(units)
    return Period(draw(st.integers(1, LONGEST[unit])), unit)


@st.composite
def any_tracking(draw):
    """Duration and notices (in days, always shorter), as TrackingPolicy keywords."""
    duration = draw(any_periods())
    shortest_days = duration.amount * SHORTEST[duration.unit]
    assume(shortest_days >= 3)
    first = draw(st.integers(2, min(LONGEST["days"], shortest_days - 1)))
    return {
        "expires": True,
        "duration": duration,
        "first_notice": Period(first, "days"),
        "second_notice": Period(draw(st.integers(1, first - 1)), "days"),
        "extend_to": draw(st.sampled_from([None, "month", "year"])),
    }


@st.composite
def any_expiring_policies(draw):
    window = draw(st.sampled_from([None, "first_notice", "second_notice", "period"]))
    return TrackingPolicy(
        **draw(any_tracking()),
        forced_expiration=draw(st.none() | any_dates),
        existing_window_opens=draw(any_periods()) if window == "period" else window,
        existing_grace=draw(st.none() | any_periods()) if window else None,
        refresher=draw(st.none() | any_tracking().map(lambda kw: TrackingPolicy(**kw))),
    )


@given(any_expiring_policies(), any_dates, st.none() | any_dates, any_dates)
@settings(max_examples=400, deadline=None)
def test_no_date_period_or_settings_make_the_rules_raise(policy, completed, existing, day):
    result = expiration_for(policy, completed, existing)
    if result.expires_on is None:
        assert result.rule == "beyond_calendar"
        assert result.explanation.startswith("Never expires within the calendar: ")
        return
    assert result.expires_on > completed or result.rule == "existing_record"
    stage = policy.for_stage(existing is not None)
    notices = notice_dates(stage, result.expires_on)
    assert notices.due_on <= notices.overdue_on <= notices.expires_on
    if result.expires_on >= completed:
        status = status_on(day, RequirementFacts(policy, records=(RecordFacts(completed, result.expires_on),)))
        assert status.explanation
