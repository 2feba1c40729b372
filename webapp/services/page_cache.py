"""Rendered public pages kept server side: the QR report and the certificate check.

A page is kept under a key made of what it shows: the page, its token, the organisation's day,
the data version, the variant asked for (role filter, htmx fragment) and the release. The data
version is one counter in the database that every commit changing anything a public page could
show adds one to, in the same transaction as the change (`before_commit` below, fed by
`after_flush` and by bulk statements), so no change can be missed by a service that forgets to
say so, and a page kept under an older version is simply never asked for again.

The rendered bytes live in Redis when `REDIS_URL` is set (shared by every worker), in a bounded
store in the process's memory otherwise; the version is in the database either way, so a memory
store never serves a page another worker's commit has made stale. See the README, "Cached public
pages", and docs/rules.md for what the cache may leave out of date.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import redis
from flask import Flask, current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import (
    AuditEntry,
    DataVersion,
    ImportJob,
    Notice,
    PushDelivery,
    PushSubscription,
    Setting,
    User,
    UserSession,
    WebhookReceipt,
)
from webapp.models.base import upsert_insert
from webapp.services.settings import LANGUAGE_DEFAULTS, LANGUAGE_KEY

log = logging.getLogger(__name__)

DATA = "data"
# Rows no public page shows, written often (a visit, the outbox, the audit trail, push deliveries, an import's
# progress): they leave the version alone. What an import or a push changes elsewhere still bumps it.
UNSHOWN_TABLES = frozenset(model.__tablename__ for model in (
    AuditEntry, DataVersion, ImportJob, Notice, PushDelivery, PushSubscription, UserSession, WebhookReceipt))
# Columns of shown rows that no public page shows: signing in must not empty the cache.
UNSHOWN_COLUMNS = {
    User.__tablename__: frozenset({"last_login_at", "password_hash", "password_reset_held_until", "invited_at"}),
}
MEMORY_PAGES = 2048
REDIS_SECONDS = 2 * 24 * 3600  # a page's key holds its day, so nothing older is ever asked for
_CHANGED = "page_cache.changed"
class MemoryPages:
    """The most recently used pages of this process, at most `size` of them."""

    def __init__(self, size: int = MEMORY_PAGES) -> None:
        self.size = size
        self._pages: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def set(self, key: str, page: bytes) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


class RedisPages:
    """Pages shared by every worker. Redis down: the page is rendered (and logged), never an error."""

    def __init__(self, url: str, prefix: str = "fieldcert:page:") -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(self.prefix + key)
        except redis.RedisError as error:
            log.warning("page cache: Redis unreachable, rendering instead: %s", error)
            return None

    def set(self, key: str, page: bytes) -> None:
        try:
            self.client.set(self.prefix + key, page, ex=REDIS_SECONDS)
        except redis.RedisError as error:
            log.warning("page cache: Redis unreachable, page not kept: %s", error)

    def clear(self) -> None:
        for key in self.client.scan_iter(match=self.prefix + "*"):
            self.client.delete(key)


def page_store(app: Flask | None = None):
    return (app or current_app).extensions["page_cache"]


def release_fingerprint(folders: Iterable[Path]) -> str:
    """A hash of the code and templates: a new release never serves the pages an older one rendered."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in {".py", ".html"} and p.is_file()):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_version() -> int:
    """The current data version (one query)."""
    return db.session.scalar(select(DataVersion.value).where(DataVersion.name == DATA)) or 0


def data_version_and_language() -> tuple[int, str]:
    """The data version and the organisation's default language, in the one query a kept page costs
    (a kept page is kept per language; the language setting is a shown row, so changing it bumps the version)."""
    version = select(DataVersion.value).where(DataVersion.name == DATA).scalar_subquery()
    language = select(Setting.value).where(Setting.key == LANGUAGE_KEY).scalar_subquery()
    row = db.session.execute(select(version, language)).one()
    return row[0] or 0, (row[1] or LANGUAGE_DEFAULTS)["language"]


def bump_data_version() -> None:
    """Add one to the data version in the current transaction (insert-or-update, so a new database needs no row)."""
    insert = upsert_insert(db.engine.dialect.name)
    statement = insert(DataVersion).values(name=DATA, value=1)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=[DataVersion.name], set_={"value": DataVersion.value + 1})
    )


def _shown_row(instance) -> bool:
    return instance.__table__.name not in UNSHOWN_TABLES


def _shown_update(instance) -> bool:
    unshown = UNSHOWN_COLUMNS.get(instance.__table__.name, frozenset())
    return _shown_row(instance) and any(
        attr.key not in unshown and attr.history.has_changes() for attr in inspect(instance).attrs
    )


def _note_flush(session: Session, _flush_context) -> None:
    """Added and deleted rows, and updated columns, as they stand before the flush is forgotten."""
    if session.info.get(_CHANGED):
        return
    if (any(_shown_row(obj) for obj in (*session.new, *session.deleted))
            or any(_shown_update(obj) for obj in session.dirty)):
        session.info[_CHANGED] = True


def _note_bulk_statement(orm_execute_state) -> None:
    """`update()`, `delete()` and `insert()` run through the session bypass the flush: note them here."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete or orm_execute_state.is_insert):
        return
    table = getattr(orm_execute_state.statement, "table", None)
    if table is not None and table.name not in UNSHOWN_TABLES:
        orm_execute_state.session.info[_CHANGED] = True


def _bump_before_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(_CHANGED, False):
        bump_data_version()


def _forget_changes(session: Session, *_args) -> None:
    session.info.pop(_CHANGED, None)


def init_page_cache(app: Flask, folders: Iterable[Path]) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["page_cache"] = RedisPages(url) if url else MemoryPages()
    app.extensions["page_cache_release"] = release_fingerprint(folders)
    if not event.contains(Session, "after_flush", _note_flush):
        event.listen(Session, "after_flush", _note_flush)
        event.listen(Session, "do_orm_execute", _note_bulk_statement)
        event.listen(Session, "before_commit", _bump_before_commit)
        event.listen(Session, "after_rollback", _forget_changes)
