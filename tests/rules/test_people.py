from webapp.rules.people import supervision_loop


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
