"""Signed-in sessions (ASVS 7): one row per browser, checked on every request.

The browser holds random keys; the database keeps only their SHA-256, so a copy of the table
signs nobody in. Sign-out, a password change or reset, "end all sessions" and the idle and
absolute timeouts end a session on the server, whatever cookie the browser still has.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import contains_eager

from webapp.extensions import db
from webapp.models import ModuleLevel, User, UserSession, utcnow
from webapp.rules.sessions import SessionLimits, needs_touch, session_expired
from webapp.services.audit import record_audit

TOUCH_EVERY = timedelta(minutes=1)
USER_AGENT_LENGTH = 255


@dataclass(frozen=True)
class SessionKeys:
    """What the browser keeps: the session key, and the remember-me token when asked for."""

    key: str
    remember_token: str | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def session_limits() -> SessionLimits:
    config = current_app.config
    return SessionLimits(idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                         absolute=timedelta(hours=config["SESSION_MAX_HOURS"]), touch_every=TOUCH_EVERY)


def _new_keys(remember: bool) -> SessionKeys:
    return SessionKeys(secrets.token_urlsafe(32), secrets.token_urlsafe(32) if remember else None)


def _live_row(condition) -> UserSession | None:
    """The live session row with its user and the user's module levels and permissions, in one query:
    every signed-in request starts here."""
    return db.session.scalars(
        select(UserSession).join(UserSession.user)
        .options(contains_eager(UserSession.user).joinedload(User.module_levels).joinedload(ModuleLevel.permission_rows))
        .where(condition, UserSession.revoked_at.is_(None), User.active.is_(True))
    ).unique().one_or_none()


def start_session(user: User, *, address: str | None, user_agent: str | None, remember: bool) -> SessionKeys:
    """Open a session for `user`, who has just proved who they are (the caller audits how).

    With `remember`, also a remember-me token that signs this browser back in for REMEMBER_DAYS.
    """
    now = utcnow()
    _prune_ended_sessions(user, now)
    keys = _new_keys(remember)
    db.session.add(UserSession(
        user=user, key_hash=_digest(keys.key), started_at=now, last_seen_at=now,
        remember_hash=_digest(keys.remember_token) if remember else None,
        remember_until=now + timedelta(days=current_app.config["REMEMBER_DAYS"]) if remember else None,
        address=address, user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None,
    ))
    user.last_login_at = now
    db.session.commit()
    user.session_key = keys.key
    return keys


def _prune_ended_sessions(user: User, now: datetime) -> None:
    # The user's ended sessions go at their next sign-in, so the table keeps about one row per
    # device; the audit log keeps the history.
    too_old = now - session_limits().absolute
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.revoked_at.is_not(None),
            and_(UserSession.started_at <= too_old,
                 or_(UserSession.remember_until.is_(None), UserSession.remember_until <= now))),
    ))


def user_for_session(key: str) -> User | None:
    """The user signed in with session `key`, while the session lives; records the visit (once a minute at most)."""
    row = _live_row(UserSession.key_hash == _digest(key))
    now, limits = utcnow(), session_limits()
    if row is None or session_expired(row.started_at, row.last_seen_at, now, limits):
        return None
    if needs_touch(row.last_seen_at, now, limits):
        row.last_seen_at = now
        db.session.commit()
    row.user.session_key = key
    return row.user


def resume_remembered_session(token: str, *, address: str | None, user_agent: str | None) -> tuple[User, SessionKeys] | None:
    """Sign a browser back in with its remember-me token, or None when the token is unknown, used, revoked or old.

    Each use issues a new session key and a new token and voids the old ones, so a copied cookie
    works once at most. The remember-me period is not extended: it runs from the password sign-in.
    """
    row = _live_row(UserSession.remember_hash == _digest(token))
    now = utcnow()
    if row is None or row.remember_until is None or row.remember_until <= now:
        return None
    keys = _new_keys(remember=True)
    row.key_hash, row.remember_hash = _digest(keys.key), _digest(keys.remember_token)
    row.started_at = row.last_seen_at = now
    row.address, row.user_agent = address, (user_agent or "")[:USER_AGENT_LENGTH] or None
    db.session.commit()
    row.user.session_key = keys.key
    return row.user, keys


def end_session(user: User) -> None:
    """Sign-out: the user's current session and its remember-me token stop working at once."""
    db.session.execute(update(UserSession).where(UserSession.key_hash == _digest(user.session_key or ""))
                       .values(revoked_at=utcnow()))
    record_audit(user, "user.sign_out", user, f"{user.full_name} signed out")
    db.session.commit()


def revoke_user_sessions(user: User, *, keep: str | None = None) -> int:
    """End every session of `user` but the one with key `keep`, in the caller's transaction; how many ended."""
    statement = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.key_hash != _digest(keep))
    return db.session.execute(statement.values(revoked_at=utcnow())).rowcount


def end_all_sessions(actor: User, user: User, *, keep: str | None = None) -> int:
    """"End all sessions": `user` is signed out on every device (but the one with key `keep`)."""
    ended = revoke_user_sessions(user, keep=keep)
    others = " other" if keep else ""
    record_audit(actor, "user.sessions_revoked", user, f"Ended all{others} sessions of {user.full_name}",
                 after={"sessions": ended})
    db.session.commit()
    return ended


@dataclass(frozen=True)
class LiveSession:
    session: UserSession
    this_browser: bool  # the one the request signed in with


def list_live_sessions(user: User, current_key: str | None = None) -> list[LiveSession]:
    """`user`'s sessions that still sign a browser in (by their key or remember-me token), latest first;
    the one with key `current_key` marked."""
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    now, limits = utcnow(), session_limits()
    current_hash = _digest(current_key) if current_key else None
    return [LiveSession(row, row.key_hash == current_hash) for row in rows
            if not session_expired(row.started_at, row.last_seen_at, now, limits)
            or (row.remember_until is not None and row.remember_until > now)]
