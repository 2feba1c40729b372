"""The inspector's verdict: which statuses clear a requirement, what blocks a role, the report's sections."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules import Period, RecordFacts, RequirementFacts, RoleSource, Status, TrackingPolicy, status_on
from webapp.rules.competency import competency_certificate_expiration, competency_status
from webapp.rules.verdicts import (
    Section,
    VerdictItem,
    blocking_summary,
    clears,
    competency_item,
    report_section,
    verdict_for_role,
    verdicts_by_holder,
)

POLICY = TrackingPolicy(
    expires=True, duration=Period(1, "years"), first_notice=Period(1, "months"), second_notice=Period(1, "weeks")
)
# The worked example's record: expires 07/01/2026 -> due 06/01, overdue 06/24, expired 07/01.
RECORD = (RecordFacts(date(2025, 7, 1), date(2026, 7, 1)),)
EXPIRED_RECORD = (RecordFacts(date(2025, 5, 1), date(2026, 5, 1)),)
LATER = date(2026, 9, 1)
TRAINEE = (RoleSource("Welder", training_until=LATER),)


def _status(day, **facts):
    return status_on(day, RequirementFacts(POLICY, roles=facts.pop("roles", (RoleSource("Welder"),)), **facts))


# (case, day, facts, expected status, clears, blocking summary)
CASES = [
    ("valid", date(2026, 5, 15), {"records": RECORD}, Status.VALID, True, None),
    ("due has not expired", date(2026, 6, 1), {"records": RECORD}, Status.DUE, True, None),
    ("overdue has not expired", date(2026, 6, 30), {"records": RECORD}, Status.OVERDUE, True, None),
    ("expired", date(2026, 7, 1), {"records": RECORD}, Status.EXPIRED, False, "expired 07/01/2026"),
    ("nothing on file", date(2026, 7, 1), {}, Status.MISSING, False, "nothing on file"),
    ("not applicable", date(2026, 7, 1), {"not_applicable": True}, Status.NOT_APPLICABLE, True, None),
    (
        "revoked",
        date(2026, 5, 15),
        {"records": (RecordFacts(date(2025, 7, 1), date(2026, 7, 1), "Card withdrawn"),)},
        Status.REVOKED,
        False,
        "revoked (record completed 07/01/2025)",
    ),
    (
        "upcoming is not yet in force",
        date(2026, 5, 15),
        {"records": (RecordFacts(date(2026, 8, 1), date(2027, 8, 1)),)},
        Status.UPCOMING,
        False,
        "upcoming, counts from 08/01/2026",
    ),
    (
        "deferred, nothing on file",
        date(2026, 6, 15),
        {"deferred_until": LATER},
        Status.DEFERRED,
        False,
        "deferred until 09/01/2026, nothing on file",
    ),
    (
        "deferred, expired",
        date(2026, 6, 15),
        {"deferred_until": LATER, "records": EXPIRED_RECORD},
        Status.DEFERRED,
        False,
        "deferred until 09/01/2026, expired 05/01/2026",
    ),
    (
        "deferred, a record still in force (overdue)",
        date(2026, 6, 30),
        {"deferred_until": LATER, "records": RECORD},
        Status.DEFERRED,
        True,
        None,
    ),
    (
        "in training, nothing on file",
        date(2026, 6, 15),
        {"roles": TRAINEE},
        Status.IN_TRAINING,
        False,
        "in training until 09/01/2026, nothing on file",
    ),
    (
        "in training, expired",
        date(2026, 6, 15),
        {"roles": TRAINEE, "records": EXPIRED_RECORD},
        Status.IN_TRAINING,
        False,
        "in training until 09/01/2026, expired 05/01/2026",
    ),
    (
        "in training, a record in force (due)",
        date(2026, 6, 15),
        {"roles": TRAINEE, "records": RECORD},
        Status.IN_TRAINING,
        True,
        None,
    ),
]


@pytest.mark.parametrize("case, day, facts, expected, cleared, summary", CASES, ids=[c[0] for c in CASES])
def test_which_statuses_clear_a_requirement(case, day, facts, expected, cleared, summary):
    status = _status(day, **facts)
    assert status.status is expected
    assert clears(status, day) is cleared
    if summary is not None:
        assert blocking_summary(status) == summary


def test_a_status_in_force_has_no_blocking_summary():
    with pytest.raises(ValueError, match="^status: Valid does not block"):
        blocking_summary(_status(date(2026, 5, 15), records=RECORD))


def test_a_role_is_cleared_when_every_requirement_clears():
    day = date(2026, 6, 15)
    verdict = verdict_for_role(
        [
            VerdictItem("First Aid", _status(day, records=RECORD)),
            VerdictItem("Rigging", _status(day, not_applicable=True)),
        ],
        day,
    )
    assert verdict.cleared and verdict.blocking == () and verdict.unshown_blocking == 0


def test_a_role_with_no_requirements_is_cleared():
    assert verdict_for_role([], date(2026, 6, 15)).cleared


def test_every_blocking_requirement_is_named_in_order():
    day = date(2026, 7, 2)
    verdict = verdict_for_role(
        [
            VerdictItem("First Aid", _status(day, records=RECORD)),
            VerdictItem("H2S Awareness", _status(day)),
            VerdictItem("Rigging", _status(day, not_applicable=True)),
        ],
        day,
    )
    assert not verdict.cleared
    assert [(b.certification, b.summary) for b in verdict.blocking] == [
        ("First Aid", "expired 07/01/2026"),
        ("H2S Awareness", "nothing on file"),
    ]


def test_a_hidden_blocking_requirement_refuses_the_verdict_without_its_name():
    day = date(2026, 6, 15)
    verdict = verdict_for_role(
        [VerdictItem("First Aid", _status(day, records=RECORD)), VerdictItem("Secret", _status(day), shown=False)], day
    )
    assert not verdict.cleared and verdict.blocking == () and verdict.unshown_blocking == 1


def test_a_hidden_requirement_that_clears_changes_nothing():
    day = date(2026, 6, 15)
    verdict = verdict_for_role([VerdictItem("Secret", _status(day, records=RECORD), shown=False)], day)
    assert verdict.cleared and verdict.unshown_blocking == 0


# (day, facts, section): 30 days before the expiration 07/01/2026 is 06/01/2026.
SECTIONS = [
    (date(2026, 5, 31), {"records": RECORD}, Section.VALID),
    (date(2026, 6, 1), {"records": RECORD}, Section.EXPIRING),
    (date(2026, 6, 30), {"records": RECORD}, Section.EXPIRING),
    (date(2026, 7, 1), {"records": RECORD}, Section.OTHER),
    (date(2026, 6, 15), {}, Section.OTHER),
    (date(2026, 6, 15), {"not_applicable": True}, Section.OTHER),
    (date(2026, 6, 15), {"roles": TRAINEE, "records": RECORD}, Section.OTHER),
]


@pytest.mark.parametrize("day, facts, section", SECTIONS)
def test_report_sections(day, facts, section):
    assert report_section(_status(day, **facts), day) is section


def test_a_record_that_never_expires_is_valid_not_expiring():
    day = date(2026, 6, 15)
    status = status_on(day, RequirementFacts(TrackingPolicy(), records=(RecordFacts(date(2020, 1, 1), None),)))
    assert report_section(status, day) is Section.VALID and clears(status, day)


# Competency in a role (decision 63): (case, day, latest certificate's completion, its expiration, clears, summary).
CRANE_LEAD = Period(1, "months")
COMPETENCY_CASES = [
    ("nothing on file", date(2026, 6, 15), None, None, False, "nothing on file"),
    ("valid", date(2026, 6, 15), date(2025, 6, 1), date(2027, 6, 1), True, None),
    ("due in the lead time", date(2027, 5, 15), date(2025, 6, 1), date(2027, 6, 1), True, None),
    ("expired", date(2027, 6, 1), date(2025, 6, 1), date(2027, 6, 1), False, "expired 06/01/2027"),
    ("never expires", date(2090, 1, 1), date(2025, 6, 1), None, True, None),
]


@pytest.mark.parametrize("case, day, completed_on, expires_on, cleared, summary", COMPETENCY_CASES,
                         ids=[case[0] for case in COMPETENCY_CASES])
def test_competency_counts_in_the_roles_verdict(case, day, completed_on, expires_on, cleared, summary):
    status = competency_status(day, completed_on, expires_on, CRANE_LEAD)
    item = competency_item("Crane Operator", status, completed_on, expires_on)
    assert item.certification == "Competency in Crane Operator"
    verdict = verdict_for_role([item], day)
    assert verdict.cleared is cleared
    assert [b.summary for b in verdict.blocking] == ([summary] if summary else [])


@given(day=st.dates(date(2000, 1, 1), date(2100, 1, 1)), completed_on=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
       years=st.integers(1, 10), shown=st.booleans())
def test_competency_clears_exactly_while_its_certificate_has_not_expired(day, completed_on, years, shown):
    completed_on = min(completed_on, day)
    expires_on = competency_certificate_expiration(completed_on, Period(years, "years"))
    status = competency_status(day, completed_on, expires_on, CRANE_LEAD)
    verdict = verdict_for_role([competency_item("Crane Operator", status, completed_on, expires_on, shown)], day)
    assert verdict.cleared is (day < expires_on)
    assert len(verdict.blocking) + verdict.unshown_blocking == (0 if verdict.cleared else 1)
    assert verdict.unshown_blocking == (0 if verdict.cleared or shown else 1)


# A job location's verdict, as a role's (decision 77): (case, the person's requirements with the
# job locations requiring each, cleared at the Mine, what blocks it there)
SITE_DAY = date(2026, 6, 15)
SITE_CASES = [
    ("both required certifications valid",
     [("H2S", {"records": RECORD}, {"Mine"}), ("Confined Space", {"records": RECORD}, {"Mine", "Harbour"})],
     True, []),
    ("one expired", [("H2S", {"records": EXPIRED_RECORD}, {"Mine"}), ("Confined Space", {"records": RECORD}, {"Mine"})],
     False, ["H2S expired 05/01/2026"]),
    ("nothing on file", [("H2S", {}, {"Mine"})], False, ["H2S nothing on file"]),
    ("another site's expired certification does not block",
     [("H2S", {"records": RECORD}, {"Mine"}), ("Ferry Pass", {"records": EXPIRED_RECORD}, {"Harbour"})], True, []),
    ("not applicable clears", [("H2S", {"not_applicable": True}, {"Mine"})], True, []),
    ("training in a role does not hold a site's requirement back",
     [("H2S", {"roles": TRAINEE, "direct": True}, {"Mine"})], False, ["H2S nothing on file"]),
    ("a site that requires nothing clears", [("H2S", {}, {"Harbour"})], True, []),
]


@pytest.mark.parametrize("case, requirements, cleared, blocking", SITE_CASES, ids=[c[0] for c in SITE_CASES])
def test_verdict_for_a_job_location(case, requirements, cleared, blocking):
    items = [(VerdictItem(name, _status(SITE_DAY, **facts)), sites) for name, facts, sites in requirements]
    verdicts = verdicts_by_holder(["Mine", "Harbour"], items, SITE_DAY)
    assert list(verdicts) == ["Mine", "Harbour"]
    mine = verdicts["Mine"]
    assert mine.cleared is cleared
    assert [f"{b.certification} {b.summary}" for b in mine.blocking] == blocking
