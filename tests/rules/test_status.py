"""status_on: the status model of PRODUCT.md, its precedence and explanations."""

from datetime import date, timedelta

import pytest

from webapp.rules import (
    DocumentFacts,
    ParentFacts,
    Period,
    RecordFacts,
    RequirementFacts,
    RequirementStatus,
    RoleSource,
    Status,
    TrackingPolicy,
    status_on,
)
from webapp.rules.status import in_training

YEAR, MONTH, WEEK = Period(1, "years"), Period(1, "months"), Period(1, "weeks")
POLICY = TrackingPolicy(expires=True, duration=YEAR, first_notice=MONTH, second_notice=WEEK)
NEVER = TrackingPolicy()
REFRESHER_POLICY = TrackingPolicy(
    expires=True,
    duration=YEAR,
    first_notice=MONTH,
    second_notice=WEEK,
    refresher=TrackingPolicy(
        expires=True,
        duration=Period(2, "years"),
        first_notice=Period(2, "months"),
        second_notice=Period(2, "weeks"),
    ),
)
# The worked example's record: expires 07/01/2026 -> blue 06/01, yellow 06/24, red 07/01.
RECORD = RecordFacts(date(2025, 7, 1), date(2026, 7, 1))
DAY = date(2026, 5, 15)


def facts(**kw):
    return RequirementFacts(**{"policy": POLICY, "roles": (RoleSource("Welder"),), **kw})


# --- the worked example ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "status", "colour", "days_left"),
    [
        (date(2026, 5, 31), Status.VALID, "green", 31),
        (date(2026, 6, 1), Status.DUE, "blue", 30),
        (date(2026, 6, 23), Status.DUE, "blue", 8),
        (date(2026, 6, 24), Status.OVERDUE, "yellow", 7),
        (date(2026, 6, 30), Status.OVERDUE, "yellow", 1),
        (date(2026, 7, 1), Status.EXPIRED, "red", None),
        (date(2027, 1, 1), Status.EXPIRED, "red", None),
    ],
)
def test_example_notice_statuses(day, status, colour, days_left):
    result = status_on(day, facts(records=(RECORD,)))
    assert (result.status, result.status.colour, result.days_left) == (status, colour, days_left)
    assert (result.completed_on, result.expires_on) == (date(2025, 7, 1), date(2026, 7, 1))
    assert (result.due_on, result.overdue_on) == (date(2026, 6, 1), date(2026, 6, 24))
    assert result.source_record is RECORD
    assert result.until is None


@pytest.mark.parametrize(
    ("day", "explanation"),
    [
        (date(2026, 5, 31), "Valid until 07/01/2026: completed 07/01/2025, due from 06/01/2026."),
        (
            date(2026, 6, 1),
            "Due since 06/01/2026: the 1st notice (1 month) before the expiration 07/01/2026.",
        ),
        (
            date(2026, 6, 24),
            "Overdue since 06/24/2026: the 2nd notice (1 week) before the expiration 07/01/2026.",
        ),
        (
            date(2026, 7, 1),
            "Expired since 07/01/2026: the expiration of the record completed 07/01/2025.",
        ),
    ],
)
def test_example_explanations(day, explanation):
    assert status_on(day, facts(records=(RECORD,))).explanation == explanation


# --- simple statuses ------------------------------------------------------------------


def test_missing():
    result = status_on(DAY, facts())
    assert result.status is Status.MISSING
    assert result.status.label == "Nothing on File"
    assert result.explanation == "Nothing on file: there is no approved record."
    assert (result.days_left, result.completed_on, result.source_record) == (None, None, None)


def test_never_expires_is_always_valid():
    record = RecordFacts(date(2001, 1, 1), None)
    result = status_on(date(2090, 1, 1), facts(policy=NEVER, records=(record,)))
    assert (result.status, result.days_left, result.expires_on) == (Status.VALID, None, None)
    assert result.explanation == "Valid: completed 01/01/2001 and never expires."


def test_policy_no_longer_expiring_keeps_old_records_valid():
    result = status_on(date(2030, 1, 1), facts(policy=NEVER, records=(RECORD,)))
    assert result.status is Status.VALID
    assert (
        result.explanation == "Valid: completed 07/01/2025 and the certification no longer expires."
    )


def test_record_without_expiration_under_an_expiring_policy_is_valid():
    result = status_on(date(2030, 1, 1), facts(records=(RecordFacts(date(2025, 1, 1), None),)))
    assert result.status is Status.VALID


def test_not_applicable_wins_over_everything():
    revoked = RecordFacts(date(2025, 7, 1), date(2026, 7, 1), "Fraud")
    result = status_on(
        DAY, facts(records=(revoked,), not_applicable=True, deferred_until=date(2027, 1, 1))
    )
    assert (result.status, result.status.colour) == (Status.NOT_APPLICABLE, "grey")
    assert result.explanation == "Not applicable: marked as not applying to this user."


# --- current record -------------------------------------------------------------------


def test_the_latest_completion_decides():
    old = RecordFacts(date(2024, 7, 1), date(2025, 7, 1))
    result = status_on(DAY, facts(records=(RECORD, old)))
    assert result.source_record is RECORD


def test_same_day_the_later_expiration_decides():
    short = RecordFacts(date(2025, 7, 1), date(2026, 1, 1))
    assert status_on(DAY, facts(records=(short, RECORD))).source_record is RECORD
    forever = RecordFacts(date(2025, 7, 1), None)
    assert status_on(DAY, facts(records=(RECORD, forever))).source_record is forever


# --- revocation -----------------------------------------------------------------------


def test_revoked_latest_record():
    revoked = RecordFacts(date(2025, 7, 1), date(2026, 7, 1), "Card withdrawn by the issuer")
    older = RecordFacts(date(2025, 1, 1), date(2026, 1, 1))
    result = status_on(DAY, facts(records=(older, revoked)))
    assert (result.status, result.status.colour, result.days_left) == (Status.REVOKED, "red", None)
    assert result.source_record is revoked
    assert result.explanation == (
        "Revoked: the record completed 07/01/2025 was revoked (Card withdrawn by the issuer)."
    )


def test_an_older_revoked_record_does_not_matter():
    revoked = RecordFacts(date(2024, 7, 1), date(2025, 7, 1), "Fraud")
    assert status_on(DAY, facts(records=(revoked, RECORD))).status is Status.VALID


def test_revocation_is_not_deferred_nor_in_training():
    revoked = RecordFacts(date(2025, 7, 1), date(2026, 7, 1), "Fraud")
    result = status_on(
        DAY,
        facts(
            records=(revoked,),
            deferred_until=date(2027, 1, 1),
            roles=(RoleSource("Welder", date(2027, 1, 1)),),
        ),
    )
    assert result.status is Status.REVOKED


def test_revocation_beats_a_valid_parent():
    revoked = RecordFacts(date(2025, 7, 1), date(2026, 7, 1), "Fraud")
    parent = ParentFacts("Rigging", POLICY, (RecordFacts(date(2026, 1, 1), date(2027, 1, 1)),))
    assert status_on(DAY, facts(records=(revoked,), parent=parent)).status is Status.REVOKED


# --- upcoming -------------------------------------------------------------------------

FUTURE = RecordFacts(date(2026, 8, 1), date(2027, 8, 1))


def test_upcoming_alone():
    result = status_on(DAY, facts(records=(FUTURE,)))
    assert (result.status, result.status.colour) == (Status.UPCOMING, "light")
    assert result.source_record is FUTURE
    assert result.explanation == "Upcoming: a record completed 08/01/2026 counts from that date."


def test_upcoming_replaces_an_expired_record():
    assert status_on(date(2026, 7, 10), facts(records=(RECORD, FUTURE))).status is Status.UPCOMING


def test_upcoming_replaces_a_due_record():
    assert status_on(date(2026, 6, 10), facts(records=(RECORD, FUTURE))).status is Status.UPCOMING


def test_a_valid_record_wins_over_an_upcoming_one():
    result = status_on(DAY, facts(records=(RECORD, FUTURE)))
    assert (result.status, result.source_record) == (Status.VALID, RECORD)


def test_upcoming_record_brings_its_notice_dates():
    alone = status_on(DAY, facts(records=(FUTURE,)))
    assert (alone.expires_on, alone.due_on, alone.overdue_on) == (date(2027, 8, 1), date(2027, 7, 1), date(2027, 7, 25))
    # After an earlier record, the upcoming one is a refresher: its notices are the refresher's.
    renewal = status_on(date(2026, 7, 10), facts(policy=REFRESHER_POLICY, records=(RECORD, FUTURE)))
    assert renewal.status is Status.UPCOMING
    assert (renewal.due_on, renewal.overdue_on) == (date(2027, 6, 1), date(2027, 7, 18))
    never = status_on(DAY, facts(policy=NEVER, records=(RecordFacts(date(2026, 8, 1), None),)))
    assert (never.status, never.due_on, never.overdue_on) == (Status.UPCOMING, None, None)


def test_the_earliest_upcoming_record_is_shown():
    later = RecordFacts(date(2026, 9, 1), date(2027, 9, 1))
    assert status_on(DAY, facts(records=(later, FUTURE))).source_record is FUTURE


def test_upcoming_record_counts_from_its_completion_day():
    result = status_on(date(2026, 8, 1), facts(records=(RECORD, FUTURE)))
    assert (result.status, result.source_record) == (Status.VALID, FUTURE)


def test_a_revoked_future_record_is_not_upcoming():
    revoked = RecordFacts(date(2026, 8, 1), date(2027, 8, 1), "Entered by mistake")
    assert status_on(DAY, facts(records=(revoked,))).status is Status.MISSING


def test_upcoming_beats_deferral():
    assert status_on(DAY, facts(records=(FUTURE,), deferred_until=date(2027, 1, 1))).status is (
        Status.UPCOMING
    )


# --- refresher stage of the notices ---------------------------------------------------


def test_first_record_uses_the_initial_notices():
    record = RecordFacts(date(2025, 7, 1), date(2026, 7, 1))
    result = status_on(DAY, facts(policy=REFRESHER_POLICY, records=(record,)))
    assert result.due_on == date(2026, 6, 1)
    assert result.status is Status.VALID


def test_later_records_use_the_refresher_notices():
    first = RecordFacts(date(2023, 7, 1), date(2024, 7, 1))
    second = RecordFacts(date(2024, 6, 15), date(2026, 7, 1))
    result = status_on(DAY, facts(policy=REFRESHER_POLICY, records=(second, first)))
    assert (result.due_on, result.overdue_on) == (date(2026, 5, 1), date(2026, 6, 17))
    assert result.status is Status.DUE
    assert result.explanation == (
        "Due since 05/01/2026: the 1st notice (2 months) before the expiration 07/01/2026."
    )


def test_a_revoked_earlier_record_does_not_make_a_refresher():
    first = RecordFacts(date(2023, 7, 1), date(2024, 7, 1), "Fraud")
    second = RecordFacts(date(2025, 7, 1), date(2026, 7, 1))
    result = status_on(DAY, facts(policy=REFRESHER_POLICY, records=(first, second)))
    assert result.due_on == date(2026, 6, 1)


# --- parent / child -------------------------------------------------------------------


def parent_with(*records, policy=POLICY):
    return ParentFacts("First Aid Level 2", policy, records)


def test_valid_parent_satisfies_a_missing_child():
    parent_record = RecordFacts(date(2026, 1, 10), date(2027, 1, 10))
    result = status_on(DAY, facts(parent=parent_with(parent_record)))
    assert (result.status, result.source_record) == (Status.VALID, parent_record)
    assert (result.expires_on, result.days_left) == (date(2027, 1, 10), 240)
    assert result.due_on == date(2026, 12, 10)
    assert result.explanation == (
        "Valid through the parent certification First Aid Level 2: completed 01/10/2026, "
        "which expires 01/10/2027."
    )


@pytest.mark.parametrize("day", [date(2026, 6, 1), date(2026, 6, 24), date(2026, 6, 30)])
def test_due_or_overdue_parent_still_satisfies_the_child(day):
    result = status_on(day, facts(parent=parent_with(RECORD)))
    assert result.status is Status.VALID


def test_expired_parent_does_not_satisfy_the_child():
    result = status_on(date(2026, 7, 1), facts(parent=parent_with(RECORD)))
    assert result.status is Status.MISSING


def test_revoked_parent_does_not_satisfy_the_child():
    revoked = RecordFacts(date(2026, 1, 10), date(2027, 1, 10), "Fraud")
    assert status_on(DAY, facts(parent=parent_with(revoked))).status is Status.MISSING


def test_never_expiring_parent():
    parent = parent_with(RecordFacts(date(2020, 1, 1), None), policy=NEVER)
    result = status_on(DAY, facts(parent=parent))
    assert (result.status, result.days_left) == (Status.VALID, None)
    assert result.explanation.endswith("completed 01/01/2020, which never expires.")


def test_own_valid_record_wins_over_the_parent():
    parent_record = RecordFacts(date(2026, 1, 10), date(2027, 1, 10))
    result = status_on(DAY, facts(records=(RECORD,), parent=parent_with(parent_record)))
    assert result.source_record is RECORD


def test_parent_beats_an_own_due_record():
    parent_record = RecordFacts(date(2026, 1, 10), date(2027, 1, 10))
    result = status_on(
        date(2026, 6, 10), facts(records=(RECORD,), parent=parent_with(parent_record))
    )
    assert (result.status, result.source_record) == (Status.VALID, parent_record)


def test_future_parent_record_does_not_count():
    parent = parent_with(RecordFacts(date(2026, 8, 1), date(2027, 8, 1)))
    assert status_on(DAY, facts(parent=parent)).status is Status.MISSING


# --- deferral and training ------------------------------------------------------------


def test_deferred_missing():
    result = status_on(DAY, facts(deferred_until=date(2026, 6, 14), deferral_notes=" Course full "))
    assert (result.status, result.status.colour) == (Status.DEFERRED, "blue")
    assert (result.days_left, result.until) == (30, date(2026, 6, 14))
    assert result.explanation == (
        "Deferred until 06/14/2026 (30 days left); then Nothing on File. Notes: Course full"
    )


def test_deferred_expired_keeps_the_record_dates():
    result = status_on(
        date(2026, 7, 10), facts(records=(RECORD,), deferred_until=date(2026, 7, 11))
    )
    assert (result.status, result.days_left) == (Status.DEFERRED, 1)
    assert (result.expires_on, result.source_record) == (date(2026, 7, 1), RECORD)
    assert result.explanation == "Deferred until 07/11/2026 (1 day left); then Expired."


@pytest.mark.parametrize("day", [date(2026, 6, 1), date(2026, 6, 24)])
def test_deferral_holds_back_due_and_overdue(day):
    result = status_on(day, facts(records=(RECORD,), deferred_until=date(2026, 8, 1)))
    assert result.status is Status.DEFERRED


def test_deferral_ends_on_its_date():
    result = status_on(date(2026, 6, 14), facts(deferred_until=date(2026, 6, 14)))
    assert result.status is Status.MISSING


def test_deferral_does_not_touch_a_valid_record():
    result = status_on(DAY, facts(records=(RECORD,), deferred_until=date(2026, 12, 1)))
    assert result.status is Status.VALID


def test_in_training():
    result = status_on(DAY, facts(roles=(RoleSource("Welder", date(2026, 6, 1)),)))
    assert (result.status, result.status.label) == (Status.IN_TRAINING, "In Training")
    assert (result.days_left, result.until) == (17, date(2026, 6, 1))
    assert result.explanation == (
        "In training for Welder until 06/01/2026 (17 days left); then Nothing on File."
    )


def test_training_ends_on_its_date():
    result = status_on(DAY, facts(roles=(RoleSource("Welder", DAY),)))
    assert result.status is Status.MISSING


def test_several_roles_all_in_training_use_the_earliest_end():
    roles = (
        RoleSource("Welder", date(2026, 9, 1)),
        RoleSource("Rigger", date(2026, 6, 1)),
        RoleSource("Fitter", date(2026, 6, 1)),
    )
    result = status_on(DAY, facts(roles=roles))
    assert (result.status, result.until) == (Status.IN_TRAINING, date(2026, 6, 1))
    assert result.explanation.startswith("In training for Rigger, Fitter until 06/01/2026")


def test_a_role_not_in_training_makes_it_required():
    roles = (RoleSource("Welder", date(2026, 9, 1)), RoleSource("Rigger"))
    assert status_on(DAY, facts(roles=roles)).status is Status.MISSING


def test_a_role_whose_training_ended_makes_it_required():
    roles = (RoleSource("Welder", date(2026, 9, 1)), RoleSource("Rigger", date(2026, 5, 1)))
    assert status_on(DAY, facts(roles=roles)).status is Status.MISSING


def test_direct_requirement_ignores_training():
    result = status_on(DAY, facts(roles=(RoleSource("Welder", date(2026, 9, 1)),), direct=True))
    assert result.status is Status.MISSING


def test_direct_only_requirement_is_never_in_training():
    assert status_on(DAY, facts(roles=(), direct=True)).status is Status.MISSING


@pytest.mark.parametrize(
    ("deferred", "training", "status", "until"),
    [
        (date(2026, 8, 1), date(2026, 6, 1), Status.DEFERRED, date(2026, 8, 1)),
        (date(2026, 6, 1), date(2026, 8, 1), Status.IN_TRAINING, date(2026, 8, 1)),
        (date(2026, 7, 1), date(2026, 7, 1), Status.DEFERRED, date(2026, 7, 1)),
        (date(2026, 5, 1), date(2026, 8, 1), Status.IN_TRAINING, date(2026, 8, 1)),  # deferral over
        (date(2026, 8, 1), date(2026, 5, 1), Status.DEFERRED, date(2026, 8, 1)),  # training over
    ],
)
def test_deferred_and_in_training_use_the_later_end(deferred, training, status, until):
    result = status_on(DAY, facts(deferred_until=deferred, roles=(RoleSource("Welder", training),)))
    assert (result.status, result.until, result.days_left) == (status, until, (until - DAY).days)


def test_underlying_status_returns_after_the_hold():
    f = facts(records=(RECORD,), deferred_until=date(2026, 7, 10))
    assert status_on(date(2026, 7, 9), f).status is Status.DEFERRED
    assert status_on(date(2026, 7, 10), f).status is Status.EXPIRED


# --- pending flag ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"records": (RECORD,)},
        {"records": (RecordFacts(date(2025, 7, 1), date(2026, 7, 1), "Fraud"),)},
        {"records": (FUTURE,)},
        {"not_applicable": True},
        {"deferred_until": date(2026, 8, 1)},
        {"roles": (RoleSource("Welder", date(2026, 8, 1)),)},
        {"parent": ParentFacts("First Aid", POLICY, (RECORD,))},
    ],
)
@pytest.mark.parametrize("pending", [True, False])
def test_pending_passes_through(kw, pending):
    assert status_on(DAY, facts(pending=pending, **kw)).pending is pending


# --- Status enum ----------------------------------------------------------------------


def test_status_presentation():
    assert [s.value for s in Status] == [
        "valid",
        "due",
        "overdue",
        "expired",
        "missing",
        "deferred",
        "in_training",
        "not_applicable",
        "upcoming",
        "revoked",
    ]
    assert [s.label for s in Status] == [
        "Valid",
        "Due",
        "Overdue",
        "Expired",
        "Nothing on File",
        "Deferred",
        "In Training",
        "Not Applicable",
        "Upcoming",
        "Revoked",
    ]
    assert [s.colour for s in Status] == [
        "green",
        "blue",
        "yellow",
        "red",
        "red",
        "blue",
        "blue",
        "grey",
        "light",
        "red",
    ]
    assert {s for s in Status if s.is_outstanding} == {
        Status.MISSING,
        Status.EXPIRED,
        Status.OVERDUE,
        Status.DUE,
        Status.REVOKED,
    }


def test_icons_tell_statuses_apart_without_colour():
    icons = [s.icon for s in Status]
    assert all(icons) and len(set(icons)) == len(icons)


def test_status_is_a_string():
    assert Status("in_training") is Status.IN_TRAINING
    assert Status.VALID == "valid"
    assert f"{Status.IN_TRAINING}" == "in_training"


# --- facts validation and result value semantics --------------------------------------


def test_record_expiration_before_completion():
    with pytest.raises(
        ValueError, match=r"^expires_on: the expiration date cannot be before the completion date$"
    ):
        RecordFacts(date(2026, 7, 1), date(2026, 6, 30))


def test_record_revocation_needs_a_reason():
    with pytest.raises(ValueError, match=r"^revoked_reason: a revocation needs a reason$"):
        RecordFacts(date(2026, 7, 1), None, "  ")


def test_record_dates_must_be_dates():
    with pytest.raises(ValueError, match=r"^completed_on: must be a date$"):
        RecordFacts("2026-07-01", None)
    with pytest.raises(ValueError, match=r"^expires_on: must be a date$"):
        RecordFacts(date(2026, 7, 1), "2027-07-01")


def test_training_until_must_be_a_date():
    with pytest.raises(ValueError, match=r"^training_until: must be a date$"):
        RoleSource("Welder", "06/01/2026")


def test_deferred_until_must_be_a_date():
    with pytest.raises(ValueError, match=r"^deferred_until: must be a date$"):
        facts(deferred_until="06/01/2026")


def test_results_compare_by_value():
    one = status_on(DAY, facts(records=(RECORD,)))
    two = status_on(DAY, facts(records=(RECORD,)))
    assert one == two
    assert "explanation" not in repr(one)
    assert one.explanation == two.explanation


def test_results_equal_a_constructed_status():
    assert status_on(DAY, facts(records=(RECORD,))) == RequirementStatus(
        Status.VALID,
        47,
        False,
        date(2025, 7, 1),
        date(2026, 7, 1),
        date(2026, 6, 1),
        date(2026, 6, 24),
        None,
        RECORD,
    )


def test_same_day_records_break_ties_consistently():
    a = RecordFacts(date(2025, 7, 1), date(2026, 7, 1))
    b = RecordFacts(date(2025, 7, 1), date(2026, 7, 1))
    assert status_on(DAY, facts(records=(a, b))).status is Status.VALID
    assert status_on(DAY + timedelta(days=365), facts(records=(a, b))).status is Status.EXPIRED


# --- a new revision of the document ---------------------------------------------------

ACKNOWLEDGED = DocumentFacts("Safety Policy", "3", acknowledged_current=True, acknowledged_on=date(2026, 6, 1))
OLD_REVISION = DocumentFacts("Safety Policy", "3", acknowledged_current=False, acknowledged_on=date(2026, 6, 1))
NEVER_ACKNOWLEDGED = DocumentFacts("Safety Policy", "3", acknowledged_current=False)
REPLACED = "Revision 3 of Safety Policy replaced the revision you acknowledged on 06/01/2026; acknowledge it."
NOT_ACKNOWLEDGED = "Due: revision 3 of Safety Policy has not been acknowledged; acknowledge it."


@pytest.mark.parametrize(
    ("day", "policy", "document", "status", "explanation"),
    [
        (DAY, POLICY, ACKNOWLEDGED, Status.VALID, "Valid until 07/01/2026: completed 07/01/2025, due from 06/01/2026."),
        (DAY, POLICY, OLD_REVISION, Status.DUE, REPLACED),
        (DAY, POLICY, NEVER_ACKNOWLEDGED, Status.DUE, NOT_ACKNOWLEDGED),
        (DAY, NEVER, OLD_REVISION, Status.DUE, REPLACED),
        (DAY, NEVER, ACKNOWLEDGED, Status.VALID, "Valid: completed 07/01/2025 and the certification no longer expires."),
        # Already due, overdue or expired by its dates: the record's own status stands.
        (date(2026, 6, 2), POLICY, OLD_REVISION, Status.DUE, "Due since 06/01/2026: the 1st notice (1 month) before the expiration 07/01/2026."),
        (date(2026, 6, 24), POLICY, OLD_REVISION, Status.OVERDUE, "Overdue since 06/24/2026: the 2nd notice (1 week) before the expiration 07/01/2026."),
        (date(2026, 7, 1), POLICY, OLD_REVISION, Status.EXPIRED, "Expired since 07/01/2026: the expiration of the record completed 07/01/2025."),
    ],
)
def test_new_revision_makes_a_valid_record_due(day, policy, document, status, explanation):
    result = status_on(day, facts(policy=policy, records=(RECORD,), document=document))
    assert (result.status, result.explanation) == (status, explanation)
    assert (result.completed_on, result.source_record) == (date(2025, 7, 1), RECORD)


def test_new_revision_keeps_the_record_dates():
    result = status_on(DAY, facts(records=(RECORD,), document=OLD_REVISION))
    assert (result.days_left, result.expires_on, result.due_on, result.overdue_on) == (
        47, date(2026, 7, 1), date(2026, 6, 1), date(2026, 6, 24))


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({}, Status.MISSING),
        ({"records": (RecordFacts(date(2025, 7, 1), date(2026, 7, 1), "Withdrawn"),)}, Status.REVOKED),
        ({"records": (RECORD,), "not_applicable": True}, Status.NOT_APPLICABLE),
        ({"records": (RECORD,), "deferred_until": date(2026, 6, 1)}, Status.DEFERRED),
    ],
)
def test_new_revision_leaves_other_statuses_to_their_rules(extra, status):
    assert status_on(DAY, facts(document=OLD_REVISION, **extra)).status is status


def test_deferral_holds_back_the_new_revision():
    result = status_on(DAY, facts(records=(RECORD,), document=OLD_REVISION, deferred_until=date(2026, 6, 1)))
    assert result.explanation == "Deferred until 06/01/2026 (17 days left); then Due."


def test_document_facts_refuse_bad_input():
    with pytest.raises(ValueError, match="^revision:"):
        DocumentFacts("Safety Policy", " ", acknowledged_current=False)
    with pytest.raises(ValueError, match="^acknowledged_on:"):
        DocumentFacts("Safety Policy", "3", acknowledged_current=False, acknowledged_on="06/01/2026")


def test_the_deciding_record_keeps_the_callers_identity():
    """record_id leads from a status back to the caller's row; it is not a fact, so not part of equality."""
    record = RecordFacts(date(2025, 7, 1), date(2026, 7, 1), record_id=42)
    assert record == RECORD
    result = status_on(date(2026, 6, 15), facts(records=(record,)))
    assert result.source_record.record_id == 42


def test_training_holds_until_the_day_before_it_ends():
    assert in_training(date(2026, 6, 20), date(2026, 6, 19))
    assert not in_training(date(2026, 6, 20), date(2026, 6, 20))
    assert not in_training(None, date(2026, 6, 20))
