"""resolve_requirements and candidate_users."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules import (
    RequirementSources,
    RoleSource,
    Status,
    candidate_users,
    resolve_requirements,
)

ROLE_REQUIREMENTS = {
    "Welder": [10, 11, 12],
    "Rigger": [12, 13],
    "Visitor": [],
}


def test_roles_and_direct_in_order_of_first_appearance():
    result = resolve_requirements(
        [("Welder", None), ("Rigger", date(2026, 9, 1))], ROLE_REQUIREMENTS, [14, 11]
    )
    assert list(result) == [10, 11, 12, 13, 14]
    assert result[12] == RequirementSources(
        12, (RoleSource("Welder"), RoleSource("Rigger", date(2026, 9, 1))), False
    )
    assert result[11] == RequirementSources(11, (RoleSource("Welder"),), True)
    assert result[14] == RequirementSources(14, (), True)
    assert result[13].roles == (RoleSource("Rigger", date(2026, 9, 1)),)


def test_nothing_required():
    assert resolve_requirements([], ROLE_REQUIREMENTS, []) == {}
    assert resolve_requirements([("Visitor", None)], ROLE_REQUIREMENTS, []) == {}


def test_unknown_role_requires_nothing():
    assert resolve_requirements([("Ghost", None)], ROLE_REQUIREMENTS, [5]) == {
        5: RequirementSources(5, (), True)
    }


def test_duplicates_count_once():
    result = resolve_requirements(
        [("Welder", date(2026, 9, 1)), ("Welder", None)], {"Welder": [1, 1]}, [1, 1]
    )
    assert result == {1: RequirementSources(1, (RoleSource("Welder", date(2026, 9, 1)),), True)}


def test_accepts_any_iterables_and_string_ids():
    result = resolve_requirements(
        iter([("Welder", None)]), {"Welder": ("hot-work",)}, (c for c in ["hot-work"])
    )
    assert result == {"hot-work": RequirementSources("hot-work", (RoleSource("Welder"),), True)}


STATUSES = {
    "ann": {1: Status.VALID, 2: Status.VALID},
    "bob": {1: Status.VALID, 2: Status.DUE},
    "cid": {1: Status.VALID},
    "dee": {1: Status.VALID, 2: Status.VALID, 3: Status.EXPIRED},
    "eve": {1: Status.VALID, 2: Status.VALID},
}


def test_candidates_are_valid_for_every_requirement_and_not_assigned():
    assert candidate_users([1, 2], STATUSES, ["eve"]) == ["ann", "dee"]


def test_due_or_missing_is_not_enough():
    assert "bob" not in candidate_users([1, 2], STATUSES, [])
    assert "cid" not in candidate_users([1, 2], STATUSES, [])


def test_no_requirements_no_candidates():
    assert candidate_users([], STATUSES, []) == []


def test_plain_string_statuses_work_too():
    assert candidate_users([1], {"ann": {1: "valid"}, "bob": {1: "due"}}, []) == ["ann"]


def test_a_job_location_brings_its_certifications_after_roles_and_direct():
    result = resolve_requirements([("Welder", date(2026, 9, 1))], ROLE_REQUIREMENTS, [14],
                                  {"Harbour Site": [11, 20], "Mine": [20]})
    assert list(result) == [10, 11, 12, 14, 20]
    assert result[11] == RequirementSources(11, (RoleSource("Welder", date(2026, 9, 1)),), False, ("Harbour Site",))
    assert result[20] == RequirementSources(20, (), False, ("Harbour Site", "Mine"))
    assert result[10].sites == ()


# (sources, required as usual: training in a role does not hold it back)
AS_USUAL = [
    (RequirementSources(1, (RoleSource("Welder", date(2026, 9, 1)),), False), False),
    (RequirementSources(1, (RoleSource("Welder", date(2026, 9, 1)),), True), True),
    (RequirementSources(1, (RoleSource("Welder", date(2026, 9, 1)),), False, ("Mine",)), True),
    (RequirementSources(1, (), False, ("Mine",)), True),
]


@pytest.mark.parametrize("sources, as_usual", AS_USUAL)
def test_a_job_location_requires_as_usual(sources, as_usual):
    assert sources.required_as_usual is as_usual


@given(st.dictionaries(st.sampled_from(["Mine", "Harbour", "Depot"]), st.lists(st.integers(1, 6), max_size=4)))
def test_every_certification_a_site_requires_is_required_by_that_site(sites):
    result = resolve_requirements([], {}, [], sites)
    for site, cert_ids in sites.items():
        for cert_id in cert_ids:
            assert site in result[cert_id].sites
    assert set(result) == {cert_id for cert_ids in sites.values() for cert_id in cert_ids}
