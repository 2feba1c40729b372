"""Assets, clients and job locations (docs/rules.md 65-72): identifiers, revocation reasons, an
association's status and the Associations tab's status filter."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules import Period, RecordFacts, Status, TrackingPolicy
from webapp.rules.entities import (
    KIND_BY_SLUG,
    KINDS,
    REASON_LIMIT,
    STATUS_FILTERS,
    association_status,
    identifier_problem,
    matches_filter,
    reason_problem,
)
from webapp.rules.verdicts import blocking_summary, clears

POLICY = TrackingPolicy(
    expires=True, duration=Period(1, "years"), first_notice=Period(1, "months"), second_notice=Period(1, "weeks")
)
# The worked example's record: expires 07/01/2026 -> due 06/01, overdue 06/24, expired 07/01.
RECORD = (RecordFacts(date(2025, 7, 1), date(2026, 7, 1)),)


@pytest.mark.parametrize("identifier, problem", [
    ("CR-01", None),
    ("", "Enter the identifier"),
    ("x" * 101, "Keep the identifier to 100 characters."),
    ("FL\n01", "on one line"),
    ("FL\u202801", "on one line"),
])
def test_identifiers(identifier, problem):
    found = identifier_problem(identifier, 100)
    assert (found is None) if problem is None else problem in found.english()


@pytest.mark.parametrize("reason, refused", [
    ("Sold", False), ("", True), ("x" * REASON_LIMIT, False), ("x" * (REASON_LIMIT + 1), True),
])
def test_a_revocation_needs_a_documented_reason(reason, refused):
    assert (reason_problem(reason) is not None) == refused


# (day, records, revoked reason, status)
CASES = [
    (date(2026, 5, 15), RECORD, None, Status.VALID),
    (date(2026, 6, 1), RECORD, None, Status.DUE),
    (date(2026, 6, 24), RECORD, None, Status.OVERDUE),
    (date(2026, 7, 1), RECORD, None, Status.EXPIRED),
    (date(2026, 7, 1), (), None, Status.MISSING),
    (date(2025, 6, 1), RECORD, None, Status.UPCOMING),
    (date(2026, 5, 15), RECORD, "Sold", Status.REVOKED),
    (date(2026, 5, 15), (), "Scrapped", Status.REVOKED),
]


@pytest.mark.parametrize("day, records, reason, expected", CASES)
def test_an_associations_status_is_a_direct_requirements(day, records, reason, expected):
    assert association_status(day, POLICY, records, reason).status is expected


def test_a_revoked_association_explains_itself_and_blocks():
    status = association_status(date(2026, 5, 15), POLICY, (), "  Scrapped ")
    assert status.explanation == "Revoked: the association was revoked (Scrapped)."
    assert not clears(status, date(2026, 5, 15)) and blocking_summary(status) == "revoked"


@pytest.mark.parametrize("chosen, shown", [
    ("valid", {Status.VALID}), ("expires_soon", {Status.DUE, Status.OVERDUE}), ("expired", {Status.EXPIRED}),
    ("missing", {Status.MISSING}), ("upcoming", {Status.UPCOMING}), ("revoked", {Status.REVOKED}),
])
def test_the_status_filter(chosen, shown):
    statuses = {association_status(day, POLICY, records, reason).status for day, records, reason, _ in CASES
                if matches_filter(association_status(day, POLICY, records, reason), chosen)}
    assert statuses == shown


def test_kinds_and_their_urls():
    assert {KIND_BY_SLUG[words.slug] for words in KINDS.values()} == set(KINDS) == {"asset", "client", "location"}


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
       st.lists(st.tuples(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
                          st.integers(min_value=0, max_value=800)), max_size=4),
       st.sampled_from([None, "Sold", "Scrapped"]),
       st.sampled_from([None, *STATUS_FILTERS]))
def test_every_association_has_one_status_and_an_explanation(day, dates, reason, chosen):
    records = tuple(RecordFacts(c, c + timedelta(days=n)) for c, n in dates)
    status = association_status(day, POLICY, records, reason)
    assert status.status is not Status.NOT_APPLICABLE and status.explanation
    assert (status.status is Status.REVOKED) == (reason is not None)
    # Unfiltered shows everything; each status is under at most one filter.
    assert matches_filter(status, None)
    assert sum(matches_filter(status, key) for key in STATUS_FILTERS) <= 1
    assert not status.pending
