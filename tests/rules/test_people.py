from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules.cells import read_yes_no
from webapp.rules.people import (
    first_repeats,
    format_roles,
    people_in_loops,
    read_roles,
    removes_own_level_management,
    split_list,
    supervision_loop,
    text_problem,
    unknown_names,
)


def test_a_person_may_not_supervise_themselves():
    assert supervision_loop(1, {1}, [])


def test_choosing_someone_one_supervises_makes_a_loop():
    assert supervision_loop(1, {2}, [(1, 2)])


def test_a_loop_through_others_is_found():
    assert supervision_loop(1, {4}, [(1, 2), (2, 3), (3, 4)])


def test_a_chain_above_the_person_is_no_loop():
    assert not supervision_loop(3, {2}, [(1, 2), (2, 3), (1, 3)])


def test_a_new_person_supervises_nobody_yet():
    assert not supervision_loop(None, {1, 2}, [(1, 2), (2, 1)])


# ---- The whole organisation at once (an import), and a person's row (decisions 29, 47 to 49) ----------


@pytest.mark.parametrize("links, looped", [
    ([], set()),
    ([(1, 2), (2, 3), (1, 3)], set()),                  # a chain and a shortcut: no loop
    ([(1, 2), (2, 1)], {1, 2}),                          # two supervise each other
    ([(1, 2), (2, 3), (3, 1), (3, 4)], {1, 2, 3}),       # a loop through others; 4 hangs below it
    ([(5, 5)], {5}),                                     # their own supervisor
    ([(1, 2), (2, 1), (3, 4), (4, 3), (2, 3)], {1, 2, 3, 4}),
])
def test_everyone_on_a_supervision_loop_is_found(links, looped):
    assert people_in_loops(links) == looped


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=40))
def test_people_in_loops_agrees_with_the_check_of_one_person(links):
    """Someone is on a loop exactly when supervision_loop says keeping their supervisors makes one."""
    looped = people_in_loops(links)
    for person in {p for link in links for p in link}:
        supervisors = {supervisor for supervisor, who in links if who == person}
        others = [(s, p) for s, p in links if p != person]
        assert (person in looped) == supervision_loop(person, supervisors, others)


def test_a_long_chain_is_checked_without_recursion():
    chain = [(n, n + 1) for n in range(50_000)]
    assert people_in_loops(chain) == set()
    assert people_in_loops(chain + [(50_000, 0)]) == set(range(50_001))


@pytest.mark.parametrize("text, value", [
    ("Yes", True), ("y", True), ("ON", True), ("true", True), ("1", True), (" yes ", True),
    ("No", False), ("n", False), ("off", False), ("FALSE", False), ("0", False),
    ("", None), ("  ", None),
])
def test_yes_no_words_in_any_case(text, value):
    assert read_yes_no(text) is value


@pytest.mark.parametrize("text", ["maybe", "2", "yes please", "-"])
def test_other_words_are_refused_with_the_accepted_ones(text):
    with pytest.raises(ValueError, match="Write Yes or No"):
        read_yes_no(text)


@pytest.mark.parametrize("text, roles", [
    ("", []),
    ("Rigger", [("Rigger", None)]),
    ("Rigger; Welder (training until 01/31/2027)", [("Rigger", None), ("Welder", "01/31/2027")]),
    (" rigger ;; Welder(Training Until 2027-01-31) ;", [("rigger", None), ("Welder", "2027-01-31")]),
    ("Crane (day shift)", [("Crane (day shift)", None)]),
    ("Welder (training until )", [("Welder", "")]),  # a blank date: refused as a date, not read as a role
])
def test_a_roles_cell_reads_as_names_with_optional_training_dates(text, roles):
    assert read_roles(text) == roles


@given(st.lists(st.tuples(st.from_regex(r"[A-Za-z][A-Za-z ]{0,20}[A-Za-z]", fullmatch=True),
                          st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2100, 12, 31)))), max_size=5))
def test_an_exported_roles_cell_reads_back(roles):
    assert read_roles(format_roles(roles)) == [
        (name, None if until is None else f"{until.month:02d}/{until.day:02d}/{until.year:04d}")
        for name, until in roles]


def test_lists_split_on_semicolons_and_drop_blanks():
    assert split_list(" a ; b;;c ; ") == ["a", "b", "c"]
    assert split_list("") == []


def test_repeats_are_found_in_any_case_and_blanks_never_repeat():
    assert first_repeats(["ann", "Bob", "ANN", None, "", None, "bob", "ann"]) == {2: 0, 6: 1, 7: 0}


def test_unknown_names_keep_their_order_and_case():
    assert unknown_names(["Welder", "crane", "Rigger"], {"rigger"}) == ["Welder", "crane"]


@pytest.mark.parametrize("own, levels, removes", [
    (True, [{"manage_module_levels"}], False),
    (True, [{"view_reports"}, {"manage_module_levels", "x"}], False),
    (True, [{"view_reports"}], True),
    (True, [], True),
    (False, [], False),                                  # someone else's levels: not this rule
])
def test_nobody_removes_their_own_right_to_manage_module_levels(own, levels, removes):
    assert removes_own_level_management(own, levels, "manage_module_levels") is removes


@pytest.mark.parametrize("text, problem", [
    ("Welder", None),
    ("x" * 120, None),
    ("x" * 121, "The job title is longer than 120 characters."),
    ("two\nlines", "Write the job title on one line, without line breaks or tabs."),
    ("tab\there", "Write the job title on one line, without line breaks or tabs."),
])
def test_a_one_line_field_is_checked_as_the_form_checks_it(text, problem):
    assert text_problem("Job Title", text, 120) == problem
