"""Who may supervise whom, and how a person's row of an import file reads: decisions 29 and 47 to 50 in
docs/rules.md. The form (Add Person, Edit Account Info) and the import share these rules."""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Set
from datetime import date

from webapp.rules.cells import NOT_ONE_LINE
from webapp.rules.languages import N_
from webapp.rules.messages import message
from webapp.rules.periods import format_date

# The e-mail addresses the forms and the import accept (a shape, not a proof that mail arrives).
EMAIL_PATTERN = r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$"
LIST_SEPARATOR = ";"
# The refusals Add Person, Edit Account Info and the people import share, by field, as message ids (the import
# stores their English: rules/stored_texts.py `IMPORT_ERRORS`).
REFUSED = {
    "username": N_("Another user already has this username."),
    "email": N_("Another user already has this e-mail address."),
    "email_permissions": N_("Only someone with every permission this person has may change their e-mail address."),
    "employee_number": N_("Another user already has this employee number."),
    "company": N_("Choose an existing company."),
    "self_supervisor": N_("A user cannot supervise themselves."),
    "inactive_supervisor": N_("Choose supervisors among the active users."),
    "supervision_loop": N_("Someone chosen is supervised by this person, directly or through others: nobody may end "
                           "up supervising themselves."),
    "module_levels": N_("Choose existing module levels."),
    "own_module_levels": N_("You cannot remove your own right to manage module levels."),
    "own_active": N_("You cannot deactivate your own account."),
}
# `text_problem`'s refusals; a form's field (forms/validators.py `one_line`) is refused with the first too.
NOT_ONE_LINE_FIELD = N_("Write the %(field)s on one line, without line breaks or tabs.")
FIELD_TOO_LONG = N_("The %(field)s is longer than %(limit)s characters.")
_TRAINING = re.compile(r"(?P<role>.*?)\s*\(\s*training until\s+(?P<until>[^()]*?)\s*\)", re.IGNORECASE)


def _below(person_id: int, links: Iterable[tuple[int, int]]) -> set[int]:
    """Everyone `person_id` supervises, directly or through others."""
    supervised_by: dict[int, set[int]] = {}
    for supervisor, person in links:
        supervised_by.setdefault(supervisor, set()).add(person)
    below, frontier = set(), [person_id]
    while frontier:
        for person in supervised_by.get(frontier.pop(), ()):
            if person not in below:
                below.add(person)
                frontier.append(person)
    return below


def supervision_loop(person_id: int | None, supervisor_ids: Iterable[int],
                     links: Iterable[tuple[int, int]]) -> bool:
    """Decision 29: whether giving `person_id` these supervisors makes someone their own supervisor.

    `links` are the (supervisor, person) pairs that stand, the person's own supervisors among them or not.
    A new person (`person_id` None) supervises nobody yet, so only choosing themselves could loop.
    """
    chosen = set(supervisor_ids)
    if person_id is None:
        return False
    if person_id in chosen:
        return True
    return bool(_below(person_id, links) & chosen)


def people_in_loops(links: Iterable[tuple[int, int]]) -> set[int]:
    """Decision 29 for a whole organisation at once (an import): everyone who would end up supervising
    themselves, directly or through others, given every (supervisor, person) pair. Linear in the links
    (Tarjan's strongly connected components, without recursion)."""
    edges: dict[int, list[int]] = {}
    for supervisor, person in links:
        edges.setdefault(supervisor, []).append(person)
        edges.setdefault(person, [])
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    looped: set[int] = set()
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if child < len(edges[node]):
                work.append((node, child + 1))
                target = edges[node][child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    looped.update(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return looped


def removes_own_level_management(own: bool, chosen_level_permissions: Iterable[Set[str]], manage: str) -> bool:
    """Whether an edit of one's own module levels leaves none with the permission `manage` (to manage them):
    nobody may lock themselves, and perhaps everyone, out of the module levels."""
    return own and not any(manage in permissions for permissions in chosen_level_permissions)


def split_list(text: str) -> list[str]:
    """The names of a `;`-separated cell, trimmed, blanks dropped, in order."""
    return [name.strip() for name in text.split(LIST_SEPARATOR) if name.strip()]


def join_list(names: Iterable[str]) -> str:
    return f"{LIST_SEPARATOR} ".join(names)


def read_roles(text: str) -> list[tuple[str, str | None]]:
    """Decision 47: a Roles cell as (role name, training end date as typed or None), in order:
    `Rigger; Welder (training until 01/31/2027)`."""
    roles = []
    for item in split_list(text):
        match = _TRAINING.fullmatch(item)
        roles.append((match["role"], match["until"]) if match else (item, None))
    return roles


def format_roles(roles: Iterable[tuple[str, date | None]]) -> str:
    """The Roles cell of an export: what read_roles reads back."""
    return join_list(name if until is None else f"{name} (training until {format_date(until)})"
                     for name, until in roles)


def text_problem(label: str, text: str, limit: int) -> str | None:
    """Why a one-line field of a person's account (as the form checks it) is refused, or None."""
    if NOT_ONE_LINE.search(text):
        return message(NOT_ONE_LINE_FIELD, field=label.lower()).english()
    if len(text) > limit:
        return message(FIELD_TOO_LONG, field=label.lower(), limit=limit).english()
    return None


def first_repeats(keys: Iterable[str | None]) -> dict[int, int]:
    """For each position whose key (compared in any case) appeared earlier, the position it first
    appeared at. Blank keys never repeat."""
    first: dict[str, int] = {}
    repeats = {}
    for position, key in enumerate(keys):
        if not key:
            continue
        folded = key.casefold()
        if folded in first:
            repeats[position] = first[folded]
        else:
            first[folded] = position
    return repeats


def unknown_names(names: Collection[str], known: Set[str]) -> list[str]:
    """The names (compared in any case) not among `known` (given folded), in order."""
    return [name for name in names if name.casefold() not in known]
