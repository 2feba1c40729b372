"""TrackingPolicy validation (one test per message) and the refresher stage."""

from datetime import date, datetime

import pytest

from webapp.rules import Period, TrackingPolicy

YEAR, MONTH, WEEK = Period(1, "years"), Period(1, "months"), Period(1, "weeks")


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


REFRESHER = TrackingPolicy(
    expires=True,
    duration=Period(2, "years"),
    extend_to="year",
    first_notice=Period(2, "months"),
    second_notice=Period(2, "weeks"),
)


def test_default_never_expires():
    policy = TrackingPolicy()
    assert policy.expires is False
    assert policy.for_stage(True) is policy


def test_a_full_policy_is_accepted():
    policy = expiring(
        extend_to="month",
        forced_expiration=date(2025, 7, 1),
        existing_window_opens="first_notice",
        existing_grace=Period(2, "weeks"),
        refresher=REFRESHER,
    )
    assert policy.refresher is REFRESHER


@pytest.mark.parametrize("opens", ["first_notice", "second_notice", Period(10, "days")])
def test_existing_window_options(opens):
    assert expiring(existing_window_opens=opens).existing_window_opens == opens


def test_expires_must_be_a_bool():
    with pytest.raises(ValueError, match=r"^expires: must be True or False$"):
        TrackingPolicy(expires=1)


@pytest.mark.parametrize("name", ["duration", "existing_grace", "first_notice", "second_notice"])
def test_periods_must_be_periods(name):
    with pytest.raises(ValueError, match=rf"^{name}: must be a period$"):
        expiring(**{name: (1, "years")})


def test_extend_to_month_or_year():
    with pytest.raises(ValueError, match=r"^extend_to: must be 'month' or 'year', not 'week'$"):
        expiring(extend_to="week")


@pytest.mark.parametrize("value", ["07/01/2025", datetime(2025, 7, 1, 12, 0)])
def test_forced_expiration_must_be_a_date(value):
    with pytest.raises(ValueError, match=r"^forced_expiration: must be a date$"):
        expiring(forced_expiration=value)


def test_existing_window_opens_choices():
    with pytest.raises(
        ValueError,
        match=r"^existing_window_opens: must be 'first_notice', 'second_notice' or a period$",
    ):
        expiring(existing_window_opens="third_notice")


def test_refresher_must_be_a_policy():
    with pytest.raises(ValueError, match=r"^refresher: must be tracking settings$"):
        expiring(refresher={"duration": YEAR})


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("duration", YEAR, "a duration"),
        ("extend_to", "month", "an extend-to-end setting"),
        ("forced_expiration", date(2025, 7, 1), "a forced expiration date"),
        ("existing_window_opens", "first_notice", "an existing-record rule"),
        ("existing_grace", WEEK, "a grace period"),
        ("first_notice", MONTH, "a 1st notice"),
        ("second_notice", WEEK, "a 2nd notice"),
        ("refresher", REFRESHER, "refresher training"),
    ],
)
def test_never_expiring_rejects_expiry_settings(name, value, words):
    with pytest.raises(
        ValueError, match=rf"^{name}: a certification that never expires cannot have {words}$"
    ):
        TrackingPolicy(**{name: value})


def test_forced_expiration_message_of_the_brief():
    with pytest.raises(ValueError) as caught:
        TrackingPolicy(forced_expiration=date(2025, 7, 1))
    assert str(caught.value) == (
        "forced_expiration: a certification that never expires cannot have a forced expiration date"
    )


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("duration", "The duration"),
        ("first_notice", "The 1st notice"),
        ("second_notice", "The 2nd notice"),
    ],
)
def test_expiring_requires(name, words):
    with pytest.raises(
        ValueError, match=rf"^{name}: {words} is required when the certification expires$"
    ):
        expiring(**{name: None})


@pytest.mark.parametrize(
    ("duration", "first"), [(YEAR, YEAR), (YEAR, Period(12, "months")), (MONTH, Period(30, "days"))]
)
def test_first_notice_shorter_than_duration(duration, first):
    with pytest.raises(
        ValueError, match=r"^first_notice: The 1st notice must be shorter than the duration$"
    ):
        expiring(duration=duration, first_notice=first)


@pytest.mark.parametrize(
    ("first", "second"),
    [(MONTH, MONTH), (WEEK, MONTH), (MONTH, Period(30, "days")), (Period(7, "days"), WEEK)],
)
def test_second_notice_shorter_than_first(first, second):
    with pytest.raises(ValueError) as caught:
        expiring(first_notice=first, second_notice=second)
    assert str(caught.value) == "second_notice: The 2nd notice must be shorter than the 1st notice"


def test_mixed_units_compare_on_the_reference_date():
    # 1 month before 07/01/2026 is 30 days: 4 weeks is shorter, 29 days too.
    assert expiring(second_notice=Period(4, "weeks")).second_notice == Period(4, "weeks")
    assert expiring(second_notice=Period(29, "days")).second_notice == Period(29, "days")


def test_grace_needs_an_existing_window():
    with pytest.raises(
        ValueError,
        match=(
            r"^existing_grace: a grace period needs an existing-record rule "
            r"\(existing_window_opens\)$"
        ),
    ):
        expiring(existing_grace=Period(2, "weeks"))


def test_refresher_must_expire():
    with pytest.raises(ValueError, match=r"^refresher: refresher training must expire$"):
        expiring(refresher=TrackingPolicy())


def test_refresher_cannot_force_a_date():
    with pytest.raises(
        ValueError, match=r"^refresher: the forced expiration date comes from the initial settings$"
    ):
        expiring(refresher=expiring(forced_expiration=date(2025, 7, 1)))


def test_refresher_cannot_have_an_existing_rule():
    with pytest.raises(
        ValueError, match=r"^refresher: the existing-record rule comes from the initial settings$"
    ):
        expiring(refresher=expiring(existing_window_opens="first_notice"))


def test_refresher_cannot_nest():
    with pytest.raises(
        ValueError, match=r"^refresher: refresher training cannot have its own refresher$"
    ):
        expiring(refresher=expiring(refresher=REFRESHER))


def test_for_stage_initial():
    policy = expiring(refresher=REFRESHER)
    assert policy.for_stage(False) is policy


def test_for_stage_without_refresher():
    policy = expiring()
    assert policy.for_stage(True) is policy


def test_for_stage_refresher_keeps_the_initial_forced_date_and_existing_rule():
    policy = expiring(
        forced_expiration=date(2025, 7, 1),
        existing_window_opens="first_notice",
        existing_grace=Period(2, "weeks"),
        refresher=REFRESHER,
    )
    stage = policy.for_stage(True)
    assert stage == TrackingPolicy(
        expires=True,
        duration=Period(2, "years"),
        extend_to="year",
        first_notice=Period(2, "months"),
        second_notice=Period(2, "weeks"),
        forced_expiration=date(2025, 7, 1),
        existing_window_opens="first_notice",
        existing_grace=Period(2, "weeks"),
    )
    assert stage.refresher is None
    assert policy.for_stage(True) is stage  # computed once


def test_refresher_without_extend_drops_the_initial_extend():
    stage = expiring(extend_to="month", refresher=expiring()).for_stage(True)
    assert stage.extend_to is None


def test_policies_are_hashable_values():
    assert expiring(refresher=REFRESHER) == expiring(refresher=REFRESHER)
    assert hash(expiring()) == hash(expiring())
