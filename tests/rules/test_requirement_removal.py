"""direct_removal_refusal: a requirement inherited from a role is not removed from one person (decision 79)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules import RequirementSources, RoleSource
from webapp.rules.requirements import direct_removal_refusal, resolve_requirements

WELDER, RIGGER = RoleSource("Welder"), RoleSource("Rigger")


@pytest.mark.parametrize("sources, refused_with", [
    (RequirementSources(1, (), True), None),
    (RequirementSources(1, (WELDER,), True), None),  # both: the direct assignment goes, the role keeps it
    (RequirementSources(1, (WELDER,), False), "required of Emma Stone by the role Welder"),
    (RequirementSources(1, (WELDER, RIGGER), False), "by the role Welder, Rigger"),
    (RequirementSources(1, (), False), "is not an Other Required Certification of Emma Stone"),
    (None, "is not an Other Required Certification of Emma Stone"),
])
def test_who_may_lose_a_requirement(sources, refused_with):
    refusal = direct_removal_refusal(sources, "Forklift", "Emma Stone")
    if refused_with is None:
        assert refusal is None
    else:
        assert refused_with in refusal and refusal.startswith("Forklift")


def test_an_inherited_refusal_says_what_to_change():
    refusal = direct_removal_refusal(RequirementSources(1, (WELDER,), False), "Forklift", "Emma Stone")
    assert "Change Emma Stone's roles" in refusal


@given(roles=st.lists(st.sampled_from(["Welder", "Rigger", "Driver"]), unique=True),
       direct=st.booleans())
def test_removable_exactly_when_assigned_directly(roles, direct):
    resolved = resolve_requirements([(name, None) for name in roles], {name: [7] for name in roles},
                                    [7] if direct else [])
    refusal = direct_removal_refusal(resolved.get(7), "Forklift", "Emma Stone")
    assert (refusal is None) == direct
