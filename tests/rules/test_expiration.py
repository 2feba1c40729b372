"""expiration_for and notice_dates: the worked examples of PRODUCT.md and the edges."""

from datetime import date, datetime, timedelta

import pytest

from webapp.rules import NoticeDates, Period, TrackingPolicy, expiration_for, notice_dates

YEAR, MONTH, WEEK, TWO_WEEKS = (
    Period(1, "years"),
    Period(1, "months"),
    Period(1, "weeks"),
    Period(2, "weeks"),
)


def expiring(**settings):
    return TrackingPolicy(
        **{
            "expires": True,
            "duration": YEAR,
            "first_notice": MONTH,
            "second_notice": WEEK,
            **settings,
        }
    )


def days(first, last):
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- worked examples (acceptance) -----------------------------------------------------


def test_example_one_year():
    result = expiration_for(expiring(), date(2026, 7, 1))
    assert result.expires_on == date(2027, 7, 1)
    assert result.rule == "duration"
    assert result.explanation == "07/01/2027 = completed 07/01/2026 + 1 year"


@pytest.mark.parametrize(
    ("extend_to", "expected", "words"),
    [("month", date(2026, 10, 31), "month"), ("year", date(2026, 12, 31), "year")],
)
def test_example_extend_to_end(extend_to, expected, words):
    result = expiration_for(expiring(extend_to=extend_to), date(2025, 10, 17))
    assert result.expires_on == expected
    assert result.explanation == (
        f"{expected:%m/%d/%Y} = completed 10/17/2025 + 1 year = 10/17/2026, extended to the "
        f"end of the {words}"
    )


FORCED = expiring(forced_expiration=date(2025, 7, 1))


@pytest.mark.parametrize("completed", [date(2025, 8, 1), date(2025, 11, 13), date(2026, 2, 17)])
def test_example_forced_date(completed):
    result = expiration_for(FORCED, completed)
    assert result.expires_on == date(2026, 7, 1)
    assert result.rule == "forced"
    assert result.explanation == (
        f"07/01/2026 = first date of the forced schedule (07/01/2025 + k x 1 year) after "
        f"{completed:%m/%d/%Y}"
    )


FORCED_WITH_EXISTING = expiring(
    forced_expiration=date(2025, 7, 1),
    existing_window_opens="first_notice",
    existing_grace=TWO_WEEKS,
)


@pytest.mark.parametrize("completed", days(date(2026, 6, 1), date(2026, 7, 15)))
def test_example_forced_with_existing_rule_every_day_of_the_window(completed):
    result = expiration_for(FORCED_WITH_EXISTING, completed, date(2026, 7, 1))
    assert result.expires_on == date(2027, 7, 1)
    assert result.rule == "existing_record"


def test_example_forced_with_existing_rule_explanation():
    result = expiration_for(FORCED_WITH_EXISTING, date(2026, 6, 10), date(2026, 7, 1))
    assert result.explanation == (
        "07/01/2027 = existing expiration 07/01/2026 + 1 year, because completed after the "
        "1st notice (window 06/01/2026 to 07/15/2026, 2 weeks of grace)"
    )


@pytest.mark.parametrize(
    ("completed", "expected"),
    [(date(2026, 5, 31), date(2026, 7, 1)), (date(2026, 7, 16), date(2027, 7, 1))],
)
def test_example_forced_with_existing_rule_outside_the_window(completed, expected):
    result = expiration_for(FORCED_WITH_EXISTING, completed, date(2026, 7, 1))
    assert (result.expires_on, result.rule) == (expected, "forced")


def test_example_notice_dates():
    assert notice_dates(expiring(), date(2026, 7, 1)) == NoticeDates(
        date(2026, 6, 1), date(2026, 6, 24), date(2026, 7, 1)
    )


# --- existing-record windows --------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "expected", "rule"),
    [
        (date(2026, 5, 31), date(2027, 5, 31), "duration"),  # day before the window
        (date(2026, 6, 1), date(2027, 7, 1), "existing_record"),  # first day
        (date(2026, 7, 15), date(2027, 7, 1), "existing_record"),  # last day of grace
        (date(2026, 7, 16), date(2027, 7, 16), "duration"),  # day after
    ],
)
def test_first_notice_window_with_grace_boundaries(completed, expected, rule):
    policy = expiring(existing_window_opens="first_notice", existing_grace=TWO_WEEKS)
    result = expiration_for(policy, completed, date(2026, 7, 1))
    assert (result.expires_on, result.rule) == (expected, rule)


@pytest.mark.parametrize(
    ("completed", "expected", "rule"),
    [
        (date(2026, 6, 23), date(2027, 6, 23), "duration"),
        (date(2026, 6, 24), date(2027, 7, 1), "existing_record"),
        (date(2026, 7, 1), date(2027, 7, 1), "existing_record"),  # closes at E without grace
        (date(2026, 7, 2), date(2027, 7, 2), "duration"),
    ],
)
def test_second_notice_window_boundaries(completed, expected, rule):
    policy = expiring(existing_window_opens="second_notice")
    result = expiration_for(policy, completed, date(2026, 7, 1))
    assert (result.expires_on, result.rule) == (expected, rule)


@pytest.mark.parametrize(
    ("completed", "expected", "rule"),
    [
        (date(2026, 6, 20), date(2027, 6, 20), "duration"),
        (date(2026, 6, 21), date(2027, 7, 1), "existing_record"),
        (date(2026, 7, 8), date(2027, 7, 1), "existing_record"),
        (date(2026, 7, 9), date(2027, 7, 9), "duration"),
    ],
)
def test_custom_up_to_before_window_boundaries(completed, expected, rule):
    policy = expiring(existing_window_opens=Period(10, "days"), existing_grace=WEEK)
    result = expiration_for(policy, completed, date(2026, 7, 1))
    assert (result.expires_on, result.rule) == (expected, rule)


def test_custom_window_explanation():
    policy = expiring(existing_window_opens=Period(10, "days"))
    result = expiration_for(policy, date(2026, 6, 25), date(2026, 7, 1))
    assert result.explanation == (
        "07/01/2027 = existing expiration 07/01/2026 + 1 year, because completed up to "
        "10 days before the existing expiration (window 06/21/2026 to 07/01/2026)"
    )


def test_existing_rule_needs_an_existing_expiration():
    policy = expiring(existing_window_opens="first_notice")
    result = expiration_for(policy, date(2026, 6, 15))
    assert (result.expires_on, result.rule) == (date(2027, 6, 15), "duration")


def test_existing_expiration_is_ignored_without_the_rule():
    result = expiration_for(expiring(), date(2026, 6, 15), date(2026, 7, 1))
    assert (result.expires_on, result.rule) == (date(2027, 6, 15), "duration")


def test_existing_rule_then_extend():
    policy = expiring(existing_window_opens="first_notice", extend_to="month")
    result = expiration_for(policy, date(2026, 7, 10), date(2026, 7, 31))
    assert (result.expires_on, result.rule) == (date(2027, 7, 31), "existing_record")


def test_existing_rule_from_a_month_end():
    policy = expiring(
        duration=Period(1, "months"),
        first_notice=WEEK,
        second_notice=Period(2, "days"),
        existing_window_opens="first_notice",
    )
    result = expiration_for(policy, date(2026, 1, 28), date(2026, 1, 31))
    assert result.expires_on == date(2026, 2, 28)


# --- forced schedule ------------------------------------------------------------------


MONTHLY_FROM_JAN_31 = expiring(
    duration=Period(1, "months"),
    first_notice=WEEK,
    second_notice=Period(2, "days"),
    forced_expiration=date(2026, 1, 31),
)


@pytest.mark.parametrize(
    ("completed", "expected"),
    [
        (date(2026, 2, 15), date(2026, 2, 28)),
        (date(2026, 2, 28), date(2026, 3, 31)),  # from the anchor, not 02/28 + 1 month
        (date(2026, 4, 30), date(2026, 5, 31)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # strictly after the completion
        (date(2026, 1, 30), date(2026, 1, 31)),
        (date(2025, 12, 15), date(2025, 12, 31)),  # before the anchor: k < 0
        (date(2024, 2, 29), date(2024, 3, 31)),
    ],
)
def test_forced_schedule_keeps_month_ends(completed, expected):
    assert expiration_for(MONTHLY_FROM_JAN_31, completed).expires_on == expected


@pytest.mark.parametrize(
    ("completed", "expected"),
    [
        (date(2026, 1, 18), date(2026, 1, 19)),
        (date(2026, 1, 19), date(2026, 2, 2)),
        (date(2025, 12, 31), date(2026, 1, 5)),
        (date(2025, 12, 21), date(2025, 12, 22)),
    ],
)
def test_forced_schedule_in_weeks(completed, expected):
    policy = expiring(
        duration=TWO_WEEKS,
        first_notice=Period(3, "days"),
        second_notice=Period(1, "days"),
        forced_expiration=date(2026, 1, 5),
    )
    assert expiration_for(policy, completed).expires_on == expected


def test_forced_schedule_leap_day_anchor():
    policy = expiring(forced_expiration=date(2024, 2, 29))
    assert expiration_for(policy, date(2025, 3, 1)).expires_on == date(2026, 2, 28)
    assert expiration_for(policy, date(2027, 3, 1)).expires_on == date(2028, 2, 29)


def test_forced_schedule_then_extend():
    policy = expiring(forced_expiration=date(2025, 7, 1), extend_to="month")
    result = expiration_for(policy, date(2025, 8, 1))
    assert result.expires_on == date(2026, 7, 31)
    assert result.explanation == (
        "07/31/2026 = first date of the forced schedule (07/01/2025 + k x 1 year) after "
        "08/01/2025 = 07/01/2026, extended to the end of the month"
    )


def test_forced_schedule_compares_unextended_dates():
    policy = expiring(forced_expiration=date(2025, 7, 1), extend_to="month")
    assert expiration_for(policy, date(2026, 7, 15)).expires_on == date(2027, 7, 31)


# --- refresher ------------------------------------------------------------------------

REFRESHER = TrackingPolicy(
    expires=True,
    duration=Period(2, "years"),
    extend_to="year",
    first_notice=Period(2, "months"),
    second_notice=TWO_WEEKS,
)


def test_initial_stage_without_a_record():
    result = expiration_for(expiring(refresher=REFRESHER), date(2026, 3, 10))
    assert result.expires_on == date(2027, 3, 10)
    assert "refresher" not in result.explanation


def test_refresher_stage_with_a_record():
    result = expiration_for(expiring(refresher=REFRESHER), date(2026, 3, 10), date(2026, 7, 1))
    assert result.expires_on == date(2028, 12, 31)
    assert result.explanation == (
        "12/31/2028 = completed 03/10/2026 + 2 years = 03/10/2028, extended to the end of the "
        "year, with the refresher settings"
    )


def test_refresher_stage_when_told_there_is_a_record():
    policy = expiring(refresher=REFRESHER)
    assert expiration_for(policy, date(2026, 3, 10), has_approved_record=True).expires_on == (
        date(2028, 12, 31)
    )
    assert expiration_for(
        policy, date(2026, 3, 10), date(2026, 7, 1), has_approved_record=False
    ).expires_on == date(2027, 3, 10)


def test_refresher_window_uses_the_refresher_notice():
    policy = expiring(existing_window_opens="first_notice", refresher=REFRESHER)
    result = expiration_for(policy, date(2026, 5, 1), date(2026, 7, 1))
    assert (result.expires_on, result.rule) == (date(2028, 12, 31), "existing_record")
    assert expiration_for(policy, date(2026, 4, 30), date(2026, 7, 1)).rule == "duration"


def test_refresher_uses_the_initial_forced_date_with_its_own_duration():
    policy = expiring(forced_expiration=date(2025, 7, 1), refresher=REFRESHER)
    result = expiration_for(policy, date(2025, 8, 1), has_approved_record=True)
    assert (result.expires_on, result.rule) == (date(2027, 12, 31), "forced")


def test_refresher_notice_dates_come_from_the_stage():
    policy = expiring(refresher=REFRESHER)
    assert notice_dates(policy.for_stage(True), date(2028, 12, 31)) == NoticeDates(
        date(2028, 10, 31), date(2028, 12, 17), date(2028, 12, 31)
    )


# --- never expires, bad input ---------------------------------------------------------


def test_never_expires():
    result = expiration_for(TrackingPolicy(), date(2026, 7, 1), date(2026, 8, 1))
    assert result.expires_on is None
    assert result.rule == "never_expires"
    assert result.explanation == "Never expires."


@pytest.mark.parametrize("completed", ["07/01/2026", datetime(2026, 7, 1), None])
def test_completed_on_must_be_a_date(completed):
    with pytest.raises(ValueError, match=r"^completed_on: must be a date$"):
        expiration_for(expiring(), completed)


def test_existing_expiration_must_be_a_date():
    with pytest.raises(ValueError, match=r"^existing_expiration: must be a date$"):
        expiration_for(expiring(), date(2026, 7, 1), "07/01/2026")


def test_notice_dates_need_an_expiring_policy():
    with pytest.raises(
        ValueError, match=r"^policy: a certification that never expires has no notice dates$"
    ):
        notice_dates(TrackingPolicy(), date(2026, 7, 1))


def test_notice_dates_expiration_must_be_a_date():
    with pytest.raises(ValueError, match=r"^expiration: must be a date$"):
        notice_dates(expiring(), None)


# --- the ends of the calendar (decision 21) ---------------------------------------------


@pytest.mark.parametrize(
    ("settings", "completed", "existing", "expected", "rule"),
    [
        ({}, date(9999, 1, 1), None, None, "beyond_calendar"),
        ({}, date(9998, 12, 31), None, date(9999, 12, 31), "duration"),
        ({"duration": Period(100, "years")}, date(9950, 1, 1), None, None, "beyond_calendar"),
        ({"duration": Period(36525, "days")}, date(9950, 1, 1), None, None, "beyond_calendar"),
        ({"extend_to": "year"}, date(9998, 6, 1), None, date(9999, 12, 31), "duration"),
        ({"forced_expiration": date(2025, 7, 1)}, date(9999, 7, 1), None, None, "beyond_calendar"),
        ({"forced_expiration": date(2025, 7, 1)}, date(9999, 6, 30), None, date(9999, 7, 1), "forced"),
        ({"forced_expiration": date(9999, 12, 31)}, date(1, 1, 1), None, date(1, 12, 31), "forced"),
        ({"forced_expiration": date(1, 1, 1)}, date(9999, 12, 30), None, None, "beyond_calendar"),
        ({"forced_expiration": date(1, 1, 1), "duration": Period(3, "days"), "first_notice": Period(2, "days"),
          "second_notice": Period(1, "days")}, date(9999, 12, 28), None, date(9999, 12, 29), "forced"),
        ({"existing_window_opens": "first_notice", "existing_grace": Period(100, "years")},
         date(9999, 12, 31), date(9999, 12, 1), None, "beyond_calendar"),
        ({"existing_window_opens": Period(100, "years")}, date(1, 1, 1), date(1, 2, 1), date(2, 2, 1),
         "existing_record"),
        ({}, date(1, 1, 1), None, date(2, 1, 1), "duration"),
        ({}, date(2100, 12, 31), None, date(2101, 12, 31), "duration"),
        ({}, date(2028, 2, 29), None, date(2029, 2, 28), "duration"),
    ],
)
def test_calendar_ends(settings, completed, existing, expected, rule):
    result = expiration_for(expiring(**settings), completed, existing)
    assert (result.expires_on, result.rule) == (expected, rule)


def test_beyond_the_calendar_says_so():
    result = expiration_for(expiring(), date(9999, 3, 1))
    assert result.explanation == (
        "Never expires within the calendar: completed 03/01/9999 + 1 year falls after 12/31/9999."
    )


def test_notice_dates_before_the_calendar_begins_are_its_first_day():
    assert notice_dates(expiring(), date(1, 1, 3)) == NoticeDates(date(1, 1, 1), date(1, 1, 1), date(1, 1, 3))
