"""Who may supervise whom: decision 29 in docs/rules.md."""
from __future__ import annotations

from collections.abc import Iterable


def supervision_loop(person_id: int | None, supervisor_ids: Iterable[int],
                     links: Iterable[tuple[int, int]]) -> bool:
    """Decision 21: whether giving `person_id` these supervisors makes someone their own supervisor.

    `links` are the (supervisor, person) pairs that stand, the person's own supervisors among them or not.
    A new person (`person_id` None) supervises nobody yet, so only choosing themselves could loop.
    """
    chosen = set(supervisor_ids)
    if person_id is None:
        return False
    if person_id in chosen:
        return True
    supervised_by: dict[int, set[int]] = {}
    for supervisor, person in links:
        supervised_by.setdefault(supervisor, set()).add(person)
    below, frontier = set(), [person_id]
    while frontier:
        for person in supervised_by.get(frontier.pop(), ()):
            if person not in below:
                below.add(person)
                frontier.append(person)
    return bool(below & chosen)
