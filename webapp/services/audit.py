"""The audit trail: every change to records, requirements and settings, and every security event
(sign-in, sign-out, sessions, passwords, tokens, shares, exports), with who, when, from where, before and after."""
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request

from webapp.extensions import db
from webapp.models import AuditEntry, Certification, User


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


def _subject_and_certification(entity) -> tuple[int | None, int | None]:
    """The person and the certification an entry about `entity` concerns: the entity itself when it is
    one, else what it names (a record's person and certification, a requirement's, a session's person)."""
    if isinstance(entity, User):
        return entity.id, None
    if isinstance(entity, Certification):
        return None, entity.id
    return getattr(entity, "user_id", None), getattr(entity, "certification_id", None)


def record_audit(actor: User | None, action: str, entity, summary: str, *, before: dict | None = None,
                 after: dict | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction; the calling service commits it with the change.

    `entity` None: the event concerns no stored object (a failed sign-in for an unknown account).
    """
    subject_user_id, certification_id = _subject_and_certification(entity)
    entry = AuditEntry(
        subject_user_id=subject_user_id,
        certification_id=certification_id,
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
