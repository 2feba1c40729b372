"""The audit trail: every change to records, requirements and settings, and every security event
(sign-in, sign-out, sessions, passwords, tokens, shares, exports), with who, when, from where, before and after."""
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request

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
    """Add an audit entry to the current transaction; the calling service commits it with the change.

    `entity` None: the event concerns no stored object (a failed sign-in for an unknown account).
    """
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=type(entity).__name__ if entity is not None else "none",
        entity_id=str(getattr(entity, "id", "") or ""),
        summary=summary,
        before=before,
        after=after,
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
