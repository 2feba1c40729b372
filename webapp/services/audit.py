"""The audit trail: every change to records, requirements and settings, with who, when, before and after."""
from datetime import date, datetime
from decimal import Decimal

from webapp.extensions import db
from webapp.models import AuditEntry, User


def _plain(value):
    """JSON-safe form of a column value."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    return value


def snapshot(obj, fields) -> dict:
    """The named attributes of `obj` as JSON-safe values, for the before/after of an entry."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record_audit(actor: User | None, action: str, entity, summary: str, *, before: dict | None = None,
                 after: dict | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction; the calling service commits it with the change."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=type(entity).__name__,
        entity_id=str(getattr(entity, "id", "") or ""),
        summary=summary,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
