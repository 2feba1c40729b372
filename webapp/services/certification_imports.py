"""Certifications in and out, as a file of the 42 columns of the main source document
(webapp.rules.certification_columns): the export of every certification the actor may see, and the
import that creates and updates certifications with the checks of the certification form.

The import changes only what the file says: settings the file has no column for (type, group, tags,
activity, forced expiration, existing-record rule) keep their stored values, or the form's defaults
for a new certification (decision 43). Names of certifications hidden from the importer are neither
shown nor accepted, and their links stay as they are (decision 46).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.forms.validators import web_address_problem
from webapp.models import Certification, CertificationRole, Entity, ModuleLevel, User, certification_clients
from webapp.models.certifications import (
    certification_attachments_hidden_from_levels,
    certification_batch_roles,
    certification_hidden_from_levels,
)
from webapp.permissions import Permission
from webapp.rules.certification_columns import COLUMNS as FILE_COLUMNS
from webapp.rules.certification_columns import HEADER_OF, HEADERS, overdue_period, read_row, write_row
from webapp.rules.certifications import OWN_PARENT, TYPE_FIXED, family_problems, name_problem, settle_settings
from webapp.rules.import_errors import (
    ADDRESS_TOO_LONG,
    CHILD_NOT_LISTED,
    CLIENTS_NOT_EMPLOYEE,
    DIFFERENT_PARENTS,
    NAME_TAKEN,
    NAME_TAKEN_SHOWN,
    NAME_TWICE,
    NO_CERTIFICATION,
    NO_CLIENT,
    NO_MODULE_LEVEL,
    NO_ROLE,
    NO_SUCH_ID,
    NOT_A_WEB_ADDRESS,
    NOT_ITS_NAME,
    REQUIRED_AT_LOGIN,
    SETTINGS_ON_PAGE,
    SEVERAL_CLIENTS,
)
from webapp.rules.import_previews import changed
from webapp.rules.languages import N_
from webapp.rules.messages import message
from webapp.services.certifications import (
    COLUMNS,
    NAME_LIMIT,
    CertificationInvalid,
    certification_in_use,
    policy_from_values,
)
from webapp.services.imports import ImportKind, ImportPlan, ImportRow, PlannedRow, Progress, RowError, row_error
from webapp.services.privacy import hidden_certification_ids

# Settings of the file stored in a column of their own; the others are lists of names.
_RELATIONS = ("hidden_levels", "attachments_hidden_levels", "batch_roles", "parent", "children", "clients")
_STORED = tuple(column.key for column in FILE_COLUMNS if column.key not in _RELATIONS and column.key != "id")
# Written by the import: every setting but the parent (set once every certification has an id).
_WRITTEN = tuple(column for column in COLUMNS if column != "parent_id")
# A new certification's settings the file has no column for: the form's defaults.
_NEW = {**{column: None for column in COLUMNS}, "type": "employee", "activity_type": "none", "required_at_login": False,
        "valid_when_added": False}
_LINKS = (
    ("hidden_level_ids", certification_hidden_from_levels, "module_level_id"),
    ("attachments_hidden_level_ids", certification_attachments_hidden_from_levels, "module_level_id"),
    ("batch_role_ids", certification_batch_roles, "role_id"),
    ("client_ids", certification_clients, "client_id"),
)
_CHUNK = 500
PARENT, CHILDREN, NAME, ID = "Parent Certification", "Child Certification(s)", "Name", "Certification ID"


def _load_certifications() -> list[Certification]:
    return list(db.session.scalars(select(Certification).options(
        selectinload(Certification.hidden_from_levels), selectinload(Certification.attachments_hidden_from_levels),
        selectinload(Certification.batch_roles), selectinload(Certification.clients))))


def _names(objects) -> list[str]:
    return sorted((o.name for o in objects), key=str.casefold)


def _stored_values(certification: Certification) -> dict:
    """A stored certification's settings as the certification service takes them."""
    return {**{column: getattr(certification, column) for column in COLUMNS},
            "hidden_level_ids": [level.id for level in certification.hidden_from_levels],
            "attachments_hidden_level_ids": [level.id for level in certification.attachments_hidden_from_levels],
            "batch_role_ids": [role.id for role in certification.batch_roles],
            "client_ids": [client.id for client in certification.clients]}


def file_settings(certification: Certification, parent: str | None, children: list[str]) -> dict:
    """A stored certification as the file's settings (read_row's keys): what its settings imply, such as
    attachments hidden wherever the certification is (decision 44)."""
    values = settle_settings(_stored_values(certification), COLUMNS)
    settings = {key: values[key] for key in _STORED}
    settings["id"] = certification.id
    for prefix in ("", "refresher_"):
        settings[f"{prefix}second_notice_amount"], settings[f"{prefix}second_notice_unit"] = overdue_period(
            settings[f"{prefix}second_notice_amount"], settings[f"{prefix}second_notice_unit"])
    levels = {level.id: level.name for level in certification.hidden_from_levels + certification.attachments_hidden_from_levels}
    settings.update(
        hidden_levels=_names(certification.hidden_from_levels),
        attachments_hidden_levels=sorted((levels[i] for i in values["attachments_hidden_level_ids"]), key=str.casefold),
        batch_roles=_names(certification.batch_roles) if certification.allow_batch_submission else [],
        parent=parent, children=children,
        clients=sorted((client.identifier for client in certification.clients), key=str.casefold),
    )
    return settings


def export_certifications(by: User) -> Iterator[tuple]:
    """Every certification `by` may see, by name, with every setting; links to hidden ones left out."""
    hidden = hidden_certification_ids(by)
    shown = [c for c in _load_certifications() if c.id not in hidden]
    name_of = {c.id: c.name for c in shown}
    children: dict[int, list[str]] = defaultdict(list)
    for certification in shown:
        if certification.parent_id in name_of:
            children[certification.parent_id].append(certification.name)
    for certification in sorted(shown, key=lambda c: c.name.casefold()):
        yield write_row(file_settings(certification, name_of.get(certification.parent_id),
                                      sorted(children[certification.id], key=str.casefold)))


@dataclass
class _Known:
    """What the plan reads once, whatever the file's length."""

    certifications: dict[int, Certification]  # every one, by id
    hidden: set[int]
    by_name: dict[str, Certification]  # by casefolded name
    levels: dict[str, ModuleLevel]
    roles: dict[str, CertificationRole]
    # Clients by casefolded identifier, and by casefolded name (several may share a name), as (id, identifier).
    client_ids: dict[str, tuple[int, str]] = field(default_factory=dict)
    client_names: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, by: User) -> _Known:
        certifications = _load_certifications()
        client_ids, client_names = {}, defaultdict(list)
        for client_id, name, identifier in db.session.execute(
                select(Entity.id, Entity.name, Entity.identifier).where(Entity.kind == "client")):
            client_ids[identifier.casefold()] = (client_id, identifier)
            client_names[name.casefold()].append((client_id, identifier))
        return cls({c.id: c for c in certifications}, hidden_certification_ids(by),
                   {c.name.casefold(): c for c in certifications},
                   {level.name.casefold(): level for level in db.session.scalars(select(ModuleLevel))},
                   {role.name.casefold(): role for role in db.session.scalars(select(CertificationRole))},
                   client_ids, dict(client_names))

    def client_identifiers(self, ids) -> list[str]:
        identifier_of = dict(self.client_ids.values())
        return sorted((identifier_of[i] for i in ids if i in identifier_of), key=str.casefold)

    def shown(self, certification: Certification | None) -> bool:
        return certification is not None and certification.id not in self.hidden


@dataclass
class _Entry:
    """A row that names a certification: what it asks for, and what importing it will change."""

    line: int
    key: str
    name: str
    certification: Certification | None
    settings: dict
    values: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class CertificationWork:
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[int, dict]] = field(default_factory=list)
    # By casefolded name: the new parent (a casefolded name, or None) where it changes.
    parents: dict[str, str | None] = field(default_factory=dict)


def _quoted(names) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _refuse_unknown(entry: _Entry, column: str, unknown: str, missing: list[str]) -> None:
    """`unknown`: the message id saying no such thing is named %(names)s."""
    if missing:
        entry.errors.append(row_error(entry.line, column, unknown, names=_quoted(missing)))


def _resolve(entry: _Entry, column_key: str, known: dict, unknown: str) -> list[int]:
    """The ids of the things a column names (module levels, roles), in any case; an error for unknown names."""
    names = entry.settings[column_key]
    _refuse_unknown(entry, HEADER_OF[column_key], unknown, [name for name in names if name.casefold() not in known])
    return [known[name.casefold()].id for name in names if name.casefold() in known]


def _identify(row: ImportRow, settings: dict, known: _Known, seen: dict[str, int]) -> tuple[_Entry | None, list[RowError]]:
    """The certification the row names (new or stored), or why it names none."""
    name, number = (settings.get("name") or "").strip(), settings.get("id")
    if problem := name_problem(name, NAME_LIMIT):
        return None, [RowError(row.line, NAME, problem)]
    key = name.casefold()
    if key in seen:
        return None, [row_error(row.line, NAME, NAME_TWICE, name=name, first=seen[key], row=row.line)]
    seen[key] = row.line
    stored = known.by_name.get(key)
    if number is None:
        if stored is None:
            return _Entry(row.line, key, name, None, settings), []
        if known.shown(stored):
            return None, [row_error(row.line, NAME, NAME_TAKEN_SHOWN, number=stored.id)]
        return None, [row_error(row.line, NAME, NAME_TAKEN)]
    certification = known.certifications.get(number)
    if not known.shown(certification):
        return None, [row_error(row.line, ID, NO_SUCH_ID, number=number)]
    if certification.name != name:
        return None, [row_error(row.line, NAME, NOT_ITS_NAME, number=number, name=certification.name)]
    return _Entry(row.line, key, name, certification, settings), []


def _values(entry: _Entry, known: _Known) -> None:
    """The settings the row asks for, as the certification service holds them, checked like the form's."""
    settings, certification = entry.settings, entry.certification
    if settings["external_url"] is not None:
        # The form's refusal, stored in English whatever language the check runs in.
        problem = NOT_A_WEB_ADDRESS if web_address_problem(settings["external_url"]) else None
        limit = Certification.__table__.c.external_url.type.length
        if len(settings["external_url"]) > limit:
            problem = message(ADDRESS_TOO_LONG, limit=limit).english()
        if problem:
            entry.errors.append(RowError(entry.line, HEADER_OF["external_url"], problem))
    values = dict(_NEW) if certification is None else _stored_values(certification)
    for prefix in ("", "refresher_"):
        amount, unit = f"{prefix}second_notice_amount", f"{prefix}second_notice_unit"
        if certification is not None and overdue_period(values[amount], values[unit]) == (settings[amount], settings[unit]):
            settings = {**settings, amount: values[amount], unit: values[unit]}
    values.update({key: settings[key] for key in _STORED if key in settings})
    if settings.get("type") is None:  # blank, or a file without the column: as it is (decision 98)
        values["type"] = "employee" if certification is None else certification.type
    elif certification is not None and values["type"] != certification.type and certification_in_use(certification):
        entry.errors.append(RowError(entry.line, HEADER_OF["type"], TYPE_FIXED))
    values["name"] = entry.name
    values["hidden_level_ids"] = _resolve(entry, "hidden_levels", known.levels, NO_MODULE_LEVEL)
    values["attachments_hidden_level_ids"] = _resolve(entry, "attachments_hidden_levels", known.levels, NO_MODULE_LEVEL)
    values["batch_role_ids"] = _resolve(entry, "batch_roles", known.roles, NO_ROLE)
    if "clients" in settings:
        values["client_ids"] = _clients(entry, known, values.get("type") or "employee")
    else:  # a file without the column (decision 80's older files) leaves them as they are
        values["client_ids"] = list(values.get("client_ids") or [])
    # Batch submission allowed to no role allows nobody: the same as not allowed, and kept as it is.
    values["allow_batch_submission"] = bool(values["batch_role_ids"]) or bool(
        certification is not None and certification.allow_batch_submission and not certification.batch_roles)
    if values["required_at_login"] and not settings["auto_approve_on_activity"]:
        entry.errors.append(RowError(entry.line, HEADER_OF["auto_approve_on_activity"], REQUIRED_AT_LOGIN))
    try:
        policy_from_values(values)
    except CertificationInvalid as invalid:
        for field_name, problem in invalid.errors.items():
            column = HEADER_OF.get(field_name)
            if column is None:
                column, problem = HEADER_OF["duration_amount"], message(SETTINGS_ON_PAGE, problem=problem).english()
            entry.errors.append(RowError(entry.line, column, problem[:1].upper() + problem[1:]))
    entry.values = settle_settings(values, COLUMNS)


def _clients(entry: _Entry, known: _Known, certification_type: str) -> list[int]:
    """The ids of the clients the Clients cell names, each by identifier or by a name only one client has (any
    case); an error on the row for an unknown or ambiguous one, or for clients of a certification that is not
    an Employee one (decision 94)."""
    names, ids, column = entry.settings["clients"], [], HEADER_OF["clients"]
    unknown = []
    for name in names:
        key = name.casefold()
        if key in known.client_ids:
            ids.append(known.client_ids[key][0])
        elif len(known.client_names.get(key, ())) == 1:
            ids.append(known.client_names[key][0][0])
        elif key in known.client_names:
            identifiers = ", ".join(sorted(identifier for _, identifier in known.client_names[key]))
            entry.errors.append(row_error(entry.line, column, SEVERAL_CLIENTS, name=name, identifiers=identifiers))
        else:
            unknown.append(name)
    if unknown:
        entry.errors.append(row_error(entry.line, column, NO_CLIENT, names=_quoted(unknown)))
    if names and certification_type != "employee":
        entry.errors.append(RowError(entry.line, column, CLIENTS_NOT_EMPLOYEE))
    return sorted(set(ids))


def _shown_value(value) -> str:
    """A setting as the file writes it, "" for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _setting_changes(entry: _Entry, known: _Known) -> None:
    """What the row changes, compared with what the stored settings imply (so an export imports unchanged)."""
    stored, values = settle_settings(_stored_values(entry.certification), COLUMNS), entry.values
    for column in COLUMNS:
        if column not in ("parent_id", "allow_batch_submission") and stored[column] != values[column]:
            label = HEADER_OF.get(column, column.replace("_", " ").capitalize())
            entry.changes.append(changed(label, _shown_value(stored[column]), _shown_value(values[column])).english())
    for key, ids_key, names in (("hidden_levels", "hidden_level_ids", known.levels),
                                ("attachments_hidden_levels", "attachments_hidden_level_ids", known.levels),
                                ("batch_roles", "batch_role_ids", known.roles)):
        if set(stored[ids_key]) != set(values[ids_key]):
            entry.changes.append(changed(HEADER_OF[key], _named(stored[ids_key], names),
                                         _named(values[ids_key], names)).english())
    if set(stored["client_ids"]) != set(values["client_ids"]):
        entry.changes.append(changed(HEADER_OF["clients"], "; ".join(known.client_identifiers(stored["client_ids"])),
                                     "; ".join(known.client_identifiers(values["client_ids"]))).english())


def _named(ids, known: dict) -> str:
    wanted = set(ids)
    return "; ".join(sorted((thing.name for thing in known.values() if thing.id in wanted), key=str.casefold))


def _referred(entry: _Entry, names, column: str, referable: set[str]) -> list[str]:
    """The casefolded names of certifications the row may link to; an error for any other name."""
    _refuse_unknown(entry, column, NO_CERTIFICATION, [name for name in names if name.casefold() not in referable])
    return [name.casefold() for name in names if name.casefold() in referable]


def _children_of(parent_of: dict[str, str | None]) -> dict[str, set[str]]:
    children: dict[str, set[str]] = defaultdict(set)
    for child, parent in parent_of.items():
        if parent is not None:
            children[parent].add(child)
    return children


def _listed(keys, name_of: dict[str, str]) -> str:
    return "; ".join(sorted((name_of[key] for key in keys), key=str.casefold))


def _families(entries: list[_Entry], known: _Known, work: CertificationWork) -> None:
    """Parents and children once the whole file is read, checked like the form's (a parent or children, never
    both...): a row's Parent Certification and the Child Certification(s) naming it must agree. Each row
    whose links change says how."""
    by_key = {entry.key: entry for entry in entries}
    name_of = {key: c.name for key, c in known.by_name.items()} | {e.key: e.name for e in entries}
    stored = {c.name.casefold(): known.certifications[c.parent_id].name.casefold() if c.parent_id else None
              for c in known.certifications.values()}
    stored_children = _children_of(stored)
    referable = {key for key, c in known.by_name.items() if known.shown(c)} | set(by_key)
    claims: dict[str, list[tuple[str | None, _Entry, str]]] = defaultdict(list)
    dropped: set[str] = set()
    listed: dict[str, set[str]] = {}
    for entry in entries:
        parent = _referred(entry, [entry.settings["parent"]] if entry.settings["parent"] else [], PARENT, referable)
        listed[entry.key] = set(_referred(entry, entry.settings["children"], CHILDREN, referable))
        for column, links in ((PARENT, parent), (CHILDREN, listed[entry.key])):
            if entry.key in links:
                entry.errors.append(RowError(entry.line, column, OWN_PARENT))
                links.remove(entry.key)
        kept = stored.get(entry.key)
        if not parent and kept is not None and not known.shown(known.by_name[kept]):
            parent = [kept]  # a parent hidden from the importer stays (decision 46)
        claims[entry.key].append((parent[0] if parent else None, entry, PARENT))
        for child in listed[entry.key]:
            claims[child].append((entry.key, entry, CHILDREN))
        dropped |= {child for child in stored_children[entry.key] - listed[entry.key]
                    if known.shown(known.by_name[child])}
    final = dict(stored)
    for child, said in claims.items():
        parents = {parent for parent, _, _ in said}
        if len(parents) == 1:
            final[child] = parents.pop()
            continue
        lines = ", ".join(str(line) for line in sorted({entry.line for _, entry, _ in said}))
        for _, entry, column in said:
            entry.errors.append(row_error(entry.line, column, DIFFERENT_PARENTS, name=name_of[child], rows=lines))
    for child in dropped - claims.keys():
        final[child] = None
    final_children = _children_of(final)
    parents = set(final.values())
    for entry in entries:
        children = final_children[entry.key]
        for child in sorted(child for child in children - listed[entry.key] if child in by_key):
            by_key[child].errors.append(row_error(by_key[child].line, PARENT, CHILD_NOT_LISTED, parent=entry.name,
                                               row=entry.line, child=name_of[child]))
        for field_name, problem in family_problems(entry.key, final.get(entry.key), children, final, parents).items():
            entry.errors.append(RowError(entry.line, PARENT if field_name == "parent_id" else CHILDREN, problem))
        if entry.certification is None:
            continue
        before, after = stored[entry.key], final.get(entry.key)
        if after != before:
            entry.changes.append(changed(PARENT, name_of[before] if before else "", name_of[after] if after else "")
                                 .english())
        if stored_children[entry.key] != children:
            entry.changes.append(changed(CHILDREN, _listed(stored_children[entry.key], name_of),
                                         _listed(children, name_of)).english())
    work.parents = {key: parent for key, parent in final.items() if parent != stored.get(key)}


def plan_certifications(rows: list[ImportRow], by: User, day, progress: Progress) -> ImportPlan:
    """What importing `rows` would do: every row checked like the certification form, nothing written."""
    known = _Known.load(by)
    plan, work = ImportPlan(), CertificationWork()
    entries, seen = [], {}
    for done, row in enumerate(rows, start=1):
        settings, cell_errors = read_row(row.values)
        errors = [RowError(row.line, error.column, error.message.english()) for error in cell_errors]
        entry, refusals = _identify(row, settings, known, seen)
        errors += refusals
        if entry is not None and not errors:
            _values(entry, known)
            entries.append(entry)
        plan.errors += errors
        progress(done)
    _families(entries, known, work)
    for entry in entries:
        if entry.errors:
            plan.errors += entry.errors
            continue
        if entry.certification is None:
            plan.rows.append(PlannedRow(entry.line, "create", entry.name))
            work.creates.append(entry.values)
            continue
        _setting_changes(entry, known)
        if entry.changes:
            plan.rows.append(PlannedRow(entry.line, "update", entry.name, tuple(entry.changes)))
            work.updates.append((entry.certification.id, entry.values))
        else:
            plan.rows.append(PlannedRow(entry.line, "unchanged", entry.name))
    plan.rows.sort(key=lambda planned: planned.line)
    plan.work = work
    return plan


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def write_certifications(plan: ImportPlan, by: User, day) -> None:
    """Add the planned certifications and changes to the session (the import commits), in bulk."""
    work: CertificationWork = plan.work
    if work.creates:
        db.session.execute(insert(Certification), [{column: values[column] for column in _WRITTEN}
                                                   for values in work.creates])
    if work.updates:
        db.session.execute(update(Certification), [{"id": certification_id, **{c: values[c] for c in _WRITTEN}}
                                                   for certification_id, values in work.updates])
    ids = {name.casefold(): certification_id for certification_id, name in
           db.session.execute(select(Certification.id, Certification.name))}
    linked = [(ids[values["name"].casefold()], values) for values in work.creates] + work.updates
    for ids_key, table, column in _LINKS:
        updated = [certification_id for certification_id, _ in work.updates]
        for chunk in _chunks(updated):
            db.session.execute(delete(table).where(table.c.certification_id.in_(chunk)))
        rows = [{"certification_id": certification_id, column: other}
                for certification_id, values in linked for other in values[ids_key]]
        if rows:
            db.session.execute(insert(table), rows)
    if work.parents:
        db.session.execute(update(Certification), [{"id": ids[key], "parent_id": ids[parent] if parent else None}
                                                   for key, parent in work.parents.items()])


TEMPLATE_ROW = write_row({
    "name": "Forklift Operation", "information": "Operate a counterbalance forklift.",
    "external_url": "https://example.com/forklift", "cost": Decimal("250.00"), "time_to_complete": Decimal("1.5"),
    "time_to_complete_unit": "days", "expires": True, "duration_amount": 3, "duration_unit": "years",
    "first_notice_amount": 2, "first_notice_unit": "months", "second_notice_amount": 2, "second_notice_unit": "weeks",
    "require_attachment": True, "hidden_levels": (), "attachments_hidden_levels": (), "batch_roles": (), "children": (),
    "clients": (),
})

CERTIFICATIONS = ImportKind(
    name="certifications",
    title=N_("Certifications"),
    headers=HEADERS,
    optional_headers=(HEADER_OF["valid_when_added"], HEADER_OF["type"], HEADER_OF["clients"]),
    permissions=frozenset({Permission.MANAGE_CERTIFICATIONS}),
    plan=plan_certifications,
    write=write_certifications,
    export_rows=export_certifications,
    column_help={column.header: column.help for column in FILE_COLUMNS},
    template_rows=(TEMPLATE_ROW,),
)
