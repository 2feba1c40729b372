"""Reading the audit trail: who did what, when, before and after, filtered, paged and exported.

The privacy rule (decision 54): a reader who may view every person sees every entry; one who may
view only the people they supervise sees the entries about those people and nothing else. Nobody
sees the entries about a certification privacy hides from them.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from webapp.clock import organisation_zone
from webapp.extensions import db
from webapp.models import AuditEntry, User
from webapp.services.access import reaches_everyone, users_in_reach
from webapp.services.audit import record_audit
from webapp.services.privacy import hidden_certifications

PAGE_SIZE = 50
CSV_HEADER = [_l("When (UTC)"), _l("Actor"), _l("Action"), _l("Object"),
              _l("Object ID"), _l("Person"), _l("Summary"), _l("Before"),
              _l("After"), _l("Address")]
# The objects the entries name, as the filter offers them.
OBJECT_LABELS = {
    "Submission": _l("Record"),
    "User": _l("Person"),
    "Certification": _l("Certification"),
    "CertificationRole": _l("Role"),
    "Company": _l("Company"),
    "ModuleLevel": _l("Module level"),
    "Setting": _l("Setting"),
}


@dataclass(frozen=True)
class AuditFilters:
    person: str = ""  # part of the name, username or e-mail of the person acted on
    person_id: int | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    zone: tzinfo | None = None  # whose days the dates are (the reader's, decision 91); None: the organisation's


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    page: int
    next_page: int | None


def readable_entries(reader: User) -> Select:
    """The entries `reader` may read (decision 54), as a query to filter further."""
    query = select(AuditEntry).where(or_(AuditEntry.certification_id.is_(None),
                                         AuditEntry.certification_id.not_in(hidden_certifications(reader))))
    if not reaches_everyone(reader, "view"):
        query = query.where(AuditEntry.subject_user_id.in_(users_in_reach(reader, "view").with_only_columns(User.id)))
    return query


def _matching(people, text: str):
    pattern = f"%{text.strip().lower()}%"
    return or_(func.lower(people.first_name + " " + people.last_name).like(pattern),
               func.lower(people.username).like(pattern), func.lower(people.email).like(pattern))


def _moment(day: date, zone: tzinfo | None) -> datetime:
    """The start of `day` in `zone` (the organisation's when None): date filters mean the days the trail shows."""
    return datetime.combine(day, time.min, tzinfo=zone or organisation_zone())


def _filtered(reader: User, filters: AuditFilters) -> Select:
    query = readable_entries(reader)
    if filters.person_id is not None:
        query = query.where(AuditEntry.subject_user_id == filters.person_id)
    if filters.person.strip():
        person = aliased(User)
        query = query.where(AuditEntry.subject_user_id.in_(select(person.id).where(_matching(person, filters.person))))
    if filters.actor.strip():
        actor = aliased(User)
        query = query.where(AuditEntry.actor_id.in_(select(actor.id).where(_matching(actor, filters.actor))))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEntry.entity_type == filters.object_type)
    if filters.object_id.strip():
        query = query.where(AuditEntry.entity_id == filters.object_id.strip())
    if filters.date_from is not None:
        query = query.where(AuditEntry.at >= _moment(filters.date_from, filters.zone))
    if filters.date_to is not None:
        query = query.where(AuditEntry.at < _moment(filters.date_to + timedelta(days=1), filters.zone))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def audit_page(reader: User, filters: AuditFilters, page: int = 1) -> AuditPage:
    """One page of the entries `reader` may read that match `filters`, newest first, in three queries."""
    entries = list(db.session.scalars(
        _filtered(reader, filters).options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject_user))
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ))
    return AuditPage(entries[:PAGE_SIZE], page, page + 1 if len(entries) > PAGE_SIZE else None)


def audit_actions(reader: User) -> list[str]:
    """The kinds of action among the entries `reader` may read, for the filter."""
    readable = readable_entries(reader).subquery()
    return list(db.session.scalars(select(readable.c.action).distinct().order_by(readable.c.action)))


def _shown(value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def entry_changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field the entry names before or after, in the order it names them."""
    before, after = entry.before or {}, entry.after or {}
    return [(name, _shown(before.get(name)) if name in before else "", _shown(after.get(name)) if name in after else "")
            for name in dict.fromkeys([*before, *after])]


def _values(value: dict | None) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if value else ""


def _name(user: User | None) -> str:
    return user.full_name if user is not None else ""


def audit_csv_rows(reader: User, filters: AuditFilters) -> Iterator[list[str]]:
    """Every matching entry `reader` may read, as CSV rows, 500 at a time (written by tabular.csv_chunks, which
    neutralises formulas)."""
    yield [str(name) for name in CSV_HEADER]
    query = _filtered(reader, filters).options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject_user))
    for entry in db.session.scalars(query.execution_options(yield_per=500)):
        yield [
            entry.at.strftime("%Y-%m-%d %H:%M:%S"), _name(entry.actor), entry.action, entry.entity_type,
            entry.entity_id or "", _name(entry.subject_user), entry.summary, _values(entry.before),
            _values(entry.after), entry.address or "",
        ]


def record_audit_export(reader: User, filters: AuditFilters) -> None:
    """Note in the audit log that `reader` downloaded (part of) the audit trail as CSV."""
    shown = {name: str(value) for name, value in vars(filters).items() if value not in (None, "") and name != "zone"}
    record_audit(reader, "audit.export", reader, "Exported the audit trail as CSV", after={"filters": shown})
    db.session.commit()
