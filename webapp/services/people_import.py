"""The people import and export: one row per person, matched by username or e-mail address, with the
checks of Add Person and Edit Account Info (services.people.REFUSED, rules.people, rules.accounts) run
over the whole file at once: the data is read in a few queries up front and written in bulk, so a file
of 10,000 people takes seconds. Decisions 47 to 51 in docs/rules.md.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask import has_request_context, request
from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import (
    AuditEntry,
    CertificationRole,
    Company,
    ModuleLevel,
    RoleAssignment,
    User,
    new_token,
    utcnow,
)
from webapp.models.people import supervisor_links, user_module_levels
from webapp.permissions import Permission
from webapp.rules.accounts import may_change_email, reset_hold_after_email_change
from webapp.rules.cells import read_yes_no
from webapp.rules.import_errors import (
    COLUMN_MISSING,
    EMAIL_OF_ANOTHER,
    ERASED,
    MODULE_LEVELS_NOT_YOURS,
    NO_COMPANY_NAMED,
    NO_MODULE_LEVELS,
    NO_ROLES,
    NO_SUPERVISOR,
    NOT_AN_EMAIL,
    REPEATED,
    ROLES_NOT_YOURS,
    SAME_PERSON,
    SUPERVISOR_INACTIVE,
    TRAINING_DATE,
    TRAINING_OVER,
)
from webapp.rules.import_previews import BLANK, NOTHING, changed
from webapp.rules.languages import N_
from webapp.rules.messages import message
from webapp.rules.people import (
    EMAIL_PATTERN,
    REFUSED,
    first_repeats,
    format_roles,
    join_list,
    people_in_loops,
    read_roles,
    removes_own_level_management,
    split_list,
    text_problem,
    unknown_names,
)
from webapp.services.access import users_in_reach
from webapp.services.accounts import unusable_password_hash
from webapp.services.dates import read_typed_date
from webapp.services.imports import (
    ImportKind,
    ImportOption,
    ImportPlan,
    ImportRow,
    PlannedRow,
    Progress,
    RowError,
    row_error,
)
from webapp.services.people import queue_invitation, tell_old_address
from webapp.services.sessions import revoke_user_sessions

HEADERS = ("Username", "E-mail", "First Name", "Last Name", "Employee Number", "Job Title", "Company",
           "Supervisors", "Module Levels", "Roles", "Active")
# The one-line text columns: the User attribute and its longest value (as the form).
TEXT_COLUMNS = {"Username": ("username", 80), "E-mail": ("email", 254), "First Name": ("first_name", 80),
                "Last Name": ("last_name", 80), "Employee Number": ("employee_number", 40),
                "Job Title": ("job_title", 120)}
REQUIRED = ("Username", "E-mail", "First Name", "Last Name")
DEFAULT_LEVEL = "Employee"
_EMAIL = re.compile(EMAIL_PATTERN)
# A person in the plan: an existing user's id, or a new one's negated line in the file.
Key = int


@dataclass
class _Known:
    """What the check needs from the database, read in a few queries."""

    users: dict[int, dict]
    by_username: dict[str, int]
    by_email: dict[str, int]
    by_employee_number: dict[str, int]
    companies: dict[str, Company]
    company_names: dict[int, str]
    levels: dict[str, ModuleLevel]
    level_names: dict[int, str]
    roles: dict[str, CertificationRole]
    role_names: dict[int, str]
    links: list[tuple[int, int]]
    supervisors_of: dict[int, set[int]]
    level_permissions: dict[int, frozenset[str]]
    levels_of: dict[int, set[int]]
    roles_of: dict[int, dict[int, date | None]]


@dataclass
class PersonRow:
    """One row of the file, checked: what the person becomes."""

    line: int
    user_id: int | None
    values: dict[str, object]
    supervisors: list[str]
    level_ids: set[int] | None
    roles: dict[int, date | None]
    active: bool
    supervisor_keys: set[Key] = field(default_factory=set)
    changes: tuple[str, ...] = ()

    @property
    def key(self) -> Key:
        return self.user_id if self.user_id is not None else -self.line


def _read_known() -> _Known:
    users = {row.id: row._asdict() for row in db.session.execute(select(
        User.id, User.username, User.email, User.first_name, User.last_name, User.employee_number, User.job_title,
        User.company_id, User.active, User.erased_at))}
    companies = list(db.session.scalars(select(Company)))
    levels = list(db.session.scalars(select(ModuleLevel).options(selectinload(ModuleLevel.permission_rows))))
    roles = list(db.session.scalars(select(CertificationRole)))
    levels_of: dict[int, set[int]] = {}
    for user_id, level_id in db.session.execute(select(user_module_levels)):
        levels_of.setdefault(user_id, set()).add(level_id)
    roles_of: dict[int, dict[int, date | None]] = {}
    for user_id, role_id, until in db.session.execute(
            select(RoleAssignment.user_id, RoleAssignment.role_id, RoleAssignment.training_until)):
        roles_of.setdefault(user_id, {})[role_id] = until
    links = [(supervisor, person) for supervisor, person in db.session.execute(
        select(supervisor_links.c.supervisor_id, supervisor_links.c.user_id))]
    supervisors_of: dict[int, set[int]] = {}
    for supervisor, person in links:
        supervisors_of.setdefault(person, set()).add(supervisor)
    return _Known(
        users=users,
        by_username={user["username"].casefold(): user_id for user_id, user in users.items()},
        by_email={user["email"].casefold(): user_id for user_id, user in users.items()},
        by_employee_number={user["employee_number"].casefold(): user_id for user_id, user in users.items()
                            if user["employee_number"]},
        companies={company.name.casefold(): company for company in companies},
        company_names={company.id: company.name for company in companies},
        levels={level.name.casefold(): level for level in levels},
        level_names={level.id: level.name for level in levels},
        roles={role.name.casefold(): role for role in roles},
        role_names={role.id: role.name for role in roles},
        links=links, supervisors_of=supervisors_of,
        level_permissions={level.id: level.permissions for level in levels},
        levels_of=levels_of, roles_of=roles_of)


@dataclass(frozen=True)
class _Actor:
    """Who imports, with their permissions worked out once (not once per row)."""

    id: int
    permissions: frozenset[str]

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def _permissions_of(level_ids, known: _Known) -> frozenset[str]:
    return frozenset().union(*(known.level_permissions[level_id] for level_id in level_ids))


class _Row:
    """Collects one row's errors by column."""

    def __init__(self, line: int, errors: list[RowError]):
        self.line, self.errors, self.bad = line, errors, False

    def refuse(self, column: str, id_: str, **parts: object) -> None:
        """Refuse the row for message id `id_` (or a shared rule's refusal, written already)."""
        self.errors.append(row_error(self.line, column, id_, **parts))
        self.bad = True


def _match(row: ImportRow, known: _Known, check: _Row) -> int | None:
    """The existing person a row updates: by username, else by e-mail address."""
    by_username = known.by_username.get(row["Username"].casefold())
    by_email = known.by_email.get(row["E-mail"].casefold())
    if by_username is not None and by_email is not None and by_username != by_email:
        check.refuse("E-mail", EMAIL_OF_ANOTHER, username=known.users[by_username]["username"],
                     other=known.users[by_email]["username"])
    user_id = by_username if by_username is not None else by_email
    if user_id is not None and known.users[user_id]["erased_at"] is not None:
        check.refuse("Username", ERASED)
    return user_id


def _read_text(row: ImportRow, check: _Row) -> dict[str, object]:
    values: dict[str, object] = {}
    for column, (name, limit) in TEXT_COLUMNS.items():
        text = row[column]
        if column in REQUIRED and not text:
            check.refuse(column, COLUMN_MISSING[column])
        elif problem := text_problem(column, text, limit):
            check.refuse(column, problem)
        values[name] = text or None
    email = row["E-mail"].lower()
    if email and not _EMAIL.match(email):
        check.refuse("E-mail", NOT_AN_EMAIL)
    values["email"] = email
    return values


def _read_levels(row: ImportRow, user_id: int | None, by: _Actor, known: _Known, check: _Row) -> set[int] | None:
    """The module levels the row asks for; None: as they are (an existing person, a blank cell)."""
    names = split_list(row["Module Levels"])
    if unknown := unknown_names(names, known.levels.keys()):
        check.refuse("Module Levels", NO_MODULE_LEVELS, names=join_list(unknown))
        return None
    if not names and user_id is not None:
        return None
    level_ids = {known.levels[name.casefold()].id for name in names or (DEFAULT_LEVEL,)
                 if name.casefold() in known.levels}
    current = known.levels_of.get(user_id, set()) if user_id is not None else {
        level.id for name, level in known.levels.items() if name == DEFAULT_LEVEL.casefold()}
    if level_ids != current and not by.can(Permission.MANAGE_MODULE_LEVELS):
        check.refuse("Module Levels", MODULE_LEVELS_NOT_YOURS)
    elif removes_own_level_management(user_id == by.id, [known.level_permissions[level] for level in level_ids],
                                      Permission.MANAGE_MODULE_LEVELS):
        check.refuse("Module Levels", REFUSED["own_module_levels"])
    return level_ids


def _read_roles(row: ImportRow, user_id: int | None, by: _Actor, day: date, known: _Known,
                check: _Row) -> dict[int, date | None]:
    roles: dict[int, date | None] = {}
    current = known.roles_of.get(user_id, {}) if user_id is not None else {}
    unknown = []
    for name, until_text in read_roles(row["Roles"]):
        role = known.roles.get(name.casefold())
        if role is None:
            unknown.append(name)
            continue
        until = None
        if until_text is not None:
            until, problem = read_typed_date(until_text)
            if problem:
                check.refuse("Roles", TRAINING_DATE, role=role.name, refusal=problem)
            elif until <= day and current.get(role.id, day) != until:
                check.refuse("Roles", TRAINING_OVER, role=role.name, day=day)
        roles[role.id] = until
    if unknown:
        check.refuse("Roles", NO_ROLES, names=join_list(unknown))
    if user_id is not None and roles != current and not by.can(Permission.MANAGE_ALL_REQUIREMENTS):
        check.refuse("Roles", ROLES_NOT_YOURS)
    return roles


def _read_row(row: ImportRow, by: _Actor, day: date, known: _Known, errors: list[RowError]) -> PersonRow | None:
    check = _Row(row.line, errors)
    user_id = _match(row, known, check)
    values = _read_text(row, check)
    company_name = row["Company"]
    company = known.companies.get(company_name.casefold()) if company_name else None
    if company_name and company is None:
        check.refuse("Company", NO_COMPANY_NAMED, name=company_name)
    values["company_id"] = company.id if company is not None else None
    try:
        active = read_yes_no(row["Active"])
    except ValueError as refusal:
        check.refuse("Active", str(refusal))
        active = None
    if active is None:
        active = known.users[user_id]["active"] if user_id is not None else True
    if user_id == by.id and not active:
        check.refuse("Active", REFUSED["own_active"])
    if user_id is not None and values["email"] != known.users[user_id]["email"] and not may_change_email(
            by.permissions, _permissions_of(known.levels_of.get(user_id, ()), known), own=user_id == by.id):
        check.refuse("E-mail", REFUSED["email_permissions"])
    levels = _read_levels(row, user_id, by, known, check)
    roles = _read_roles(row, user_id, by, day, known, check)
    if check.bad:
        return None
    return PersonRow(row.line, user_id, values, split_list(row["Supervisors"]), levels, roles, active)


def _refuse_repeats(people: list[PersonRow], errors: list[RowError]) -> list[PersonRow]:
    """Refuse a username, e-mail address or employee number twice in the file (in any case), and two rows
    for the same person; the first stays."""
    refused = set()
    for column, name in (("Username", "username"), ("E-mail", "email"), ("Employee Number", "employee_number")):
        for position, first in first_repeats([person.values[name] for person in people]).items():
            errors.append(row_error(people[position].line, column, REPEATED[column], row=people[first].line))
            refused.add(position)
    for position, first in first_repeats([str(person.user_id or "") for person in people]).items():
        errors.append(row_error(people[position].line, "Username", SAME_PERSON, row=people[first].line))
        refused.add(position)
    return [person for position, person in enumerate(people) if position not in refused]


def _refuse_taken(people: list[PersonRow], known: _Known, errors: list[RowError]) -> list[PersonRow]:
    """Refuse a username, e-mail address or employee number another person in FieldCert has."""
    kept = []
    for person in people:
        taken = False
        for column, name, owners in (("Username", "username", known.by_username), ("E-mail", "email", known.by_email),
                                     ("Employee Number", "employee_number", known.by_employee_number)):
            value = person.values[name]
            owner = owners.get(value.casefold()) if value else None
            if owner is not None and owner != person.user_id:
                errors.append(row_error(person.line, column, REFUSED[name]))
                taken = True
        if not taken:
            kept.append(person)
    return kept


def _resolve_supervisors(people: list[PersonRow], known: _Known, errors: list[RowError]) -> list[PersonRow]:
    """Each row's supervisors by username after the import: in the file (before or after the row) or
    already in FieldCert; active, not the person themselves, and no loop."""
    in_file = {person.user_id for person in people if person.user_id is not None}
    names: dict[str, tuple[Key, bool]] = {
        user["username"].casefold(): (user_id, user["active"]) for user_id, user in known.users.items()
        if user_id not in in_file and user["erased_at"] is None}
    names |= {str(person.values["username"]).casefold(): (person.key, person.active) for person in people}
    kept = []
    for person in people:
        problem = None
        for name in person.supervisors:
            key, active = names.get(name.casefold(), (None, False))
            if key == person.key:
                problem = REFUSED["self_supervisor"]
            elif key is None:
                problem = message(NO_SUPERVISOR, name=name).english()
            elif not active and key not in known.supervisors_of.get(person.key, ()):
                problem = message(SUPERVISOR_INACTIVE, name=name).english()
            else:
                person.supervisor_keys.add(key)
        if problem:
            errors.append(RowError(person.line, "Supervisors", problem))
        else:
            kept.append(person)
    links = [(supervisor, person) for supervisor, person in known.links if person not in in_file] + [
        (supervisor, person.key) for person in kept for supervisor in person.supervisor_keys]
    looped = people_in_loops(links)
    for person in kept:
        if person.key in looped:
            errors.append(row_error(person.line, "Supervisors", REFUSED["supervision_loop"]))
    return [person for person in kept if person.key not in looped]


def _names(ids, names: dict[int, str]) -> str:
    return join_list(sorted(names[i] for i in ids))


def _changes(person: PersonRow, known: _Known, usernames: dict[Key, str]) -> tuple[str, ...]:
    """What an update changes, as "Job Title: Welder → Foreman"."""
    user = known.users[person.user_id]
    changes = [changed(column, user[name], person.values[name], BLANK) for column, (name, _) in TEXT_COLUMNS.items()
               if person.values[name] != user[name]]
    if person.values["company_id"] != user["company_id"]:
        changes.append(changed("Company", known.company_names.get(user["company_id"]),
                               known.company_names.get(person.values["company_id"]), NOTHING))
    current = known.supervisors_of.get(person.user_id, set())
    if person.supervisor_keys != current:
        changes.append(changed("Supervisors", _names(current, usernames), _names(person.supervisor_keys, usernames),
                               NOTHING))
    levels = known.levels_of.get(person.user_id, set())
    if person.level_ids is not None and person.level_ids != levels:
        changes.append(changed("Module Levels", _names(levels, known.level_names),
                               _names(person.level_ids, known.level_names), NOTHING))
    roles = known.roles_of.get(person.user_id, {})
    if person.roles != roles:
        changes.append(changed("Roles", _roles_text(roles, known), _roles_text(person.roles, known), NOTHING))
    if person.active != user["active"]:
        changes.append(changed("Active", "Yes" if user["active"] else "No", "Yes" if person.active else "No"))
    return tuple(change.english() for change in changes)


def _roles_text(roles: dict[int, date | None], known: _Known) -> str:
    return format_roles(sorted((known.role_names[role_id], until) for role_id, until in roles.items()))


def plan_people(rows: list[ImportRow], by: User, day: date, progress: Progress) -> ImportPlan:
    """Check a people file against the data (decisions 47 to 51); writes nothing."""
    known = _read_known()
    actor = _Actor(by.id, by.permissions)
    plan = ImportPlan()
    people = []
    for done, row in enumerate(rows, start=1):
        person = _read_row(row, actor, day, known, plan.errors)
        if person is not None:
            people.append(person)
        progress(done)
    people = _resolve_supervisors(_refuse_taken(_refuse_repeats(people, plan.errors), known, plan.errors),
                                  known, plan.errors)
    usernames = {user_id: user["username"] for user_id, user in known.users.items()} | {
        person.key: str(person.values["username"]) for person in people}
    for person in people:
        label = f"{person.values['first_name']} {person.values['last_name']} ({person.values['username']})"
        if person.user_id is None:
            plan.rows.append(PlannedRow(person.line, "create", label))
            continue
        person.changes = _changes(person, known, usernames)
        plan.rows.append(PlannedRow(person.line, "update" if person.changes else "unchanged", label, person.changes))
    plan.work = ([person for person in people if person.user_id is None or person.changes], known, usernames)
    return plan


def _audit(by: User, action: str, user_id: int, summary: str, before: dict | None, after: dict) -> dict:
    return {"actor_id": by.id, "action": action, "entity_type": "User", "entity_id": str(user_id), "at": utcnow(),
            "summary": summary, "before": before, "after": after,
            "address": request.remote_addr if has_request_context() else None}


def _create_people(people: list[PersonRow]) -> dict[Key, int]:
    """Insert the new people in one statement; their ids by key."""
    if not people:
        return {}
    now = utcnow()
    # Core statements (here and below): the ORM's bulk path costs more than the database for 10,000
    # rows; and without RETURNING, which psycopg would have to parse a statement of 10,000 rows for.
    last_id = db.session.scalar(select(func.max(User.id))) or 0
    db.session.execute(insert(User.__table__), [
        {**person.values, "active": person.active, "hidden": False, "password_hash": unusable_password_hash(),
         "qr_token": new_token(), "calendar_token": new_token(), "created_at": now} for person in people])
    ids = {username: user_id for username, user_id in db.session.execute(
        select(User.username, User.id).where(User.id > last_id))}
    return {person.key: ids[person.values["username"]] for person in people}


def write_people(plan: ImportPlan, by: User, day: date) -> list[int]:
    """Write the planned people in bulk (the import commits): the new ones with an unusable password and
    the updated ones' changes, their supervisors, module levels and roles, an audit entry each. The
    new people's ids, for the invitations."""
    people, known, usernames = plan.work
    if not people:
        return []
    created = [person for person in people if person.user_id is None]
    updated = [person for person in people if person.user_id is not None]
    ids = {person.user_id: person.user_id for person in updated} | _create_people(created)
    if updated:
        db.session.execute(update(User), [{"id": person.user_id, **person.values, "active": person.active}
                                          for person in updated])
    changed_ids = [person.user_id for person in updated]
    db.session.execute(delete(supervisor_links).where(supervisor_links.c.user_id.in_(changed_ids)))
    links = [{"supervisor_id": ids.get(supervisor, supervisor), "user_id": ids[person.key]}
             for person in people for supervisor in person.supervisor_keys]
    if links:
        db.session.execute(insert(supervisor_links), links)
    with_levels = [person for person in people if person.level_ids is not None]
    db.session.execute(delete(user_module_levels).where(user_module_levels.c.user_id.in_(
        [person.user_id for person in with_levels if person.user_id is not None])))
    levels = [{"user_id": ids[person.key], "module_level_id": level_id}
              for person in with_levels for level_id in person.level_ids]
    if levels:
        db.session.execute(insert(user_module_levels), levels)
    _write_roles(people, ids, known)
    db.session.execute(insert(AuditEntry.__table__), [_audit_of(person, ids[person.key], by, known, usernames)
                                                  for person in people])
    _after_account_changes(updated, by, known)
    return [ids[person.key] for person in created]


def _write_roles(people: list[PersonRow], ids: dict[Key, int], known: _Known) -> None:
    """Roles no longer listed go, new ones come, changed training end dates change."""
    removed, added, changed = [], [], []
    now = utcnow()
    for person in people:
        current = known.roles_of.get(person.user_id, {}) if person.user_id is not None else {}
        removed += [(person.user_id, role_id) for role_id in current.keys() - person.roles.keys()]
        for role_id, until in person.roles.items():
            if role_id not in current:
                added.append({"user_id": ids[person.key], "role_id": role_id, "training_until": until,
                              "assigned_at": now})
            elif current[role_id] != until:
                changed.append((person.user_id, role_id, until))
    if removed:
        db.session.execute(delete(RoleAssignment).where(tuple_(RoleAssignment.user_id, RoleAssignment.role_id)
                                                        .in_(removed)))
    for user_id, role_id, until in changed:
        db.session.execute(update(RoleAssignment).where(RoleAssignment.user_id == user_id,
                                                        RoleAssignment.role_id == role_id).values(training_until=until))
    if added:
        db.session.execute(insert(RoleAssignment.__table__), added)


def _state(person: PersonRow, known: _Known, usernames: dict[Key, str]) -> dict:
    """The person as the import leaves them, in the shape of the form's audit entries."""
    return {**person.values, "active": person.active, "supervisors": sorted(usernames[key] for key in person.supervisor_keys),
            "module_levels": sorted(known.level_names[i] for i in person.level_ids or ()),
            "roles": _roles_text(person.roles, known)}


def _stored_state(user_id: int, known: _Known, usernames: dict[Key, str]) -> dict:
    """An existing person as they are before the import, in the same shape."""
    user = known.users[user_id]
    return {**{name: user[name] for name, _ in TEXT_COLUMNS.values()}, "company_id": user["company_id"],
            "active": user["active"], "supervisors": sorted(usernames[key] for key in known.supervisors_of.get(user_id, ())),
            "module_levels": sorted(known.level_names[i] for i in known.levels_of.get(user_id, ())),
            "roles": _roles_text(known.roles_of.get(user_id, {}), known)}


def _audit_of(person: PersonRow, user_id: int, by: User, known: _Known, usernames: dict[Key, str]) -> dict:
    name = f"{person.values['first_name']} {person.values['last_name']}"
    after = _state(person, known, usernames)
    if person.user_id is None:
        return _audit(by, "user.create", user_id, f"Added {name} by import", None, after)
    if person.level_ids is None:
        after.pop("module_levels")
    before = _stored_state(user_id, known, usernames)
    changed = [key for key, value in after.items() if before[key] != value]
    return _audit(by, "user.edit_account", user_id, f"Edited the account info of {name} by import",
                  {key: before[key] for key in changed}, {key: after[key] for key in changed})


def _after_account_changes(updated: list[PersonRow], by: User, known: _Known) -> None:
    """As Edit Account Info: a new e-mail address or username is told to the old address (and someone
    else's new address holds password resets); deactivating ends the person's sessions."""
    concerned = {person.user_id: person for person in updated if person.values["email"] != known.users[person.user_id]["email"]
                 or person.values["username"] != known.users[person.user_id]["username"]
                 or (known.users[person.user_id]["active"] and not person.active)}
    if not concerned:
        return
    for user in db.session.scalars(select(User).where(User.id.in_(concerned)).execution_options(populate_existing=True)):
        before = known.users[user.id]
        if not user.active and before["active"]:
            revoke_user_sessions(user)
        held_until = None
        if user.email != before["email"]:
            held_until = reset_hold_after_email_change(utcnow(), own=user.id == by.id,
                                                       by_administrator=by.can(Permission.MANAGE_MODULE_LEVELS))
            user.password_reset_held_until = held_until
        tell_old_address(user, by, before["email"], before["username"], held_until)


def invite_created(created_ids: list[int], by: User, options: dict) -> None:
    """After the commit, when the option is ticked: e-mail each new person an invitation (the outbox)."""
    if not options.get("invite") or not created_ids:
        return
    for user in db.session.scalars(select(User).where(User.id.in_(created_ids)).order_by(User.id)):
        queue_invitation(user, by)
    db.session.commit()


def export_people(by: User) -> Iterator[tuple]:
    """Every person `by` may view (not the erased), as the import reads them back: importing the export
    changes nothing. In four queries."""
    users = list(db.session.scalars(
        users_in_reach(by, "view").where(User.erased_at.is_(None))
        .options(selectinload(User.company), selectinload(User.supervisors), selectinload(User.module_levels))
        .order_by(User.username)))
    roles: dict[int, list[tuple[str, date | None]]] = {}
    for user_id, name, until in db.session.execute(
            select(RoleAssignment.user_id, CertificationRole.name, RoleAssignment.training_until)
            .join(CertificationRole, RoleAssignment.role)
            .where(RoleAssignment.user_id.in_([user.id for user in users]))):
        roles.setdefault(user_id, []).append((name, until))
    for user in users:
        yield (user.username, user.email, user.first_name, user.last_name, user.employee_number or "",
               user.job_title or "", user.company.name if user.company else "",
               join_list(sorted(s.username for s in user.supervisors)),
               join_list(sorted(level.name for level in user.module_levels)),
               format_roles(sorted(roles.get(user.id, []))), "Yes" if user.active else "No")


PEOPLE = ImportKind(
    name="people", title=N_("People"), headers=HEADERS,
    permissions=frozenset({Permission.EDIT_ALL_ACCOUNTS}),
    plan=plan_people, write=write_people, export_rows=export_people,
    column_help={
        "Username": N_("Required; unique in any case. A row whose username (else e-mail address) is already in "
                        "FieldCert updates that person; any other row adds a person."),
        "E-mail": N_("Required; unique in any case. Changing someone's needs every permission they have."),
        "First Name": N_("Required."), "Last Name": N_("Required."),
        "Employee Number": N_("Optional; unique. Blank clears it."),
        "Job Title": N_("Optional. Blank clears it."),
        "Company": N_("The name of an existing company, or blank for none."),
        "Supervisors": N_("Usernames separated by ;, of active people already in FieldCert or anywhere in this "
                           "file. Blank: no supervisors. Nobody may end up supervising themselves."),
        "Module Levels": N_("Names separated by ;. Blank: Employee for a new person, unchanged for others. Only "
                             "people who manage module levels may change them."),
        "Roles": N_("Names separated by ;, each with an optional training end date: "
                     "Rigger; Welder (training until 01/31/2027). Blank: no roles."),
        "Active": N_("Yes or No (Y/N, On/Off, True/False, 1/0). Blank: Yes for a new person, unchanged for others."),
    },
    template_rows=(("jdoe", "jane.doe@example.com", "Jane", "Doe", "E1001", "Welder", "", "", "Employee",
                    "", "Yes"),),
    options=(ImportOption("invite", N_("E-mail an invitation to choose a password to each new person"), default=True),),
    after_commit=invite_created,
)
