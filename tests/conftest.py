"""Shared fixtures: the app on SQLite or PostgreSQL, factories, sign-in, CSRF and query counting.

Set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run the
whole suite on PostgreSQL; each xdist worker then gets its own database.
"""
from __future__ import annotations

import os
import socket
import threading
from contextlib import contextmanager
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
import pytest
import time_machine
from aiosmtpd.controller import Controller
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from tests.factories import Factory
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, PROVIDER_NAME, Provider
from tests.push_service import PushService
from webapp import create_app
from webapp.config import _database_url
from webapp.extensions import db, limiter
from webapp.services.page_cache import page_store
from webapp.services.sessions import start_session

FROZEN_NOW = datetime.fromisoformat("2026-06-15T09:00:00+00:00")


def _worker_database_url(tmp_path_factory, worker_id: str) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path_factory.getbasetemp() / f'fieldcert-{worker_id}.sqlite3'}"
    url = make_url(_database_url(base))
    name = f"{url.database}_{worker_id}"
    try:
        with psycopg.connect(url.set(drivername="postgresql", database=url.database).render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        pytest.exit(f"PostgreSQL at {base} is not reachable: {error}", returncode=3)
    return url.set(database=name).render_as_string(hide_password=False)


def pytest_collection_modifyitems(items):
    """The slow tests first: xdist deals tests out in this order, so the workers start on them and share the rest
    around them, and none is left running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    return _worker_database_url(tmp_path_factory, worker_id)


def _compile_catalogues() -> None:
    """`make setup` compiles the catalogues; a worktree that only pulled new translations gets them here
    (each written under a temporary name then renamed, as several test workers may do it at once)."""
    for po_path in Path(__file__).resolve().parent.parent.glob("translations/*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as file:
            catalogue = read_po(file, locale=po_path.parent.parent.name)
        partial = mo_path.with_name(f"messages.{os.getpid()}.mo")
        with partial.open("wb") as file:
            write_mo(file, catalogue, use_fuzzy=True)
        partial.replace(mo_path)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    _compile_catalogues()
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_FOLDER=str(tmp_path_factory.mktemp("files")),
        CREDENTIAL_KEYS_FILE=str(tmp_path_factory.mktemp("keys") / "credential-keys.json"),
    )
    # The suite builds the schema from the models; test_migrations proves the migrations match them.
    app.extensions["fieldcert_schema_checked"] = True
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table, and the rate limits' counts, after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    limiter.reset()  # the testing storage is memory, never a Redis that others share
    page_store(app).clear()
    with app.app_context():
        db.session.remove()
        # DELETE, not TRUNCATE: on PostgreSQL it costs a few milliseconds against TRUNCATE's 200 (a new file for
        # every table and index), and it takes no lock that a request the browser sent as its page closed could
        # deadlock with. The sequences start again at 1, as TRUNCATE ... RESTART IDENTITY would.
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                                        "FROM pg_sequences WHERE schemaname = current_schema()"))


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def frozen_clock():
    """Freeze the clock at FROZEN_NOW (06/15/2026); tests never depend on the real today."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def factory(app_context) -> Factory:
    return Factory()


class FreshGlobalsClient(FlaskClient):
    """A real server gives every request a fresh `g`. Tests hold an app context open for
    their factories, which Flask reuses for requests, so `g` (and Flask-Login's cached
    user in it) is emptied around each request."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            if has_app_context():
                g.__dict__.clear()


@pytest.fixture
def client(app):
    app.test_client_class = FreshGlobalsClient
    return app.test_client()


def csrf_token_for(app, client) -> str:
    """A valid CSRF token for the client's session, as a rendered form would carry."""
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", "test-csrf-raw-token")
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").dumps(raw)


@pytest.fixture
def csrf(app, client):
    return lambda: csrf_token_for(app, client)


@pytest.fixture
def sign_in(client):
    """Sign the client in as a user, as the sign-in form would."""

    def sign_in(user):
        keys = start_session(user, address="127.0.0.1", user_agent="pytest", remember=False)
        with client.session_transaction() as session:
            session["_user_id"] = keys.key
            session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture
def at_once(app):
    """Run each job in its own thread and app context, all released together (as two processes
    would race); returns what each returned, or the exception it raised."""

    def run(*jobs):
        db.session.remove()
        barrier = threading.Barrier(len(jobs))
        outcomes = [None] * len(jobs)

        def worker(n, job):
            with app.app_context():
                try:
                    barrier.wait()
                    outcomes[n] = job()
                except Exception as error:  # noqa: BLE001 - handed to the test to assert on
                    outcomes[n] = error
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=worker, args=(n, job)) for n, job in enumerate(jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes

    return run


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside the block: `with count_queries() as queries: ...; len(queries)`."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counter


class Inbox:
    """An aiosmtpd handler keeping what it receives; refuses addresses in `refuse` with 550."""

    def __init__(self):
        self.messages = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for rcpts, message in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on localhost; the app sends to it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    inbox.controller = controller
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def push_service_server():
    """A real Web Push service on 127.0.0.1 (tests/push_service.py)."""
    service = PushService()
    yield service
    service.stop()


@pytest.fixture
def push_service(app, push_service_server, monkeypatch, tmp_path):
    """FieldCert allowed to push to the test service, with a VAPID key pair of its own for the test."""
    monkeypatch.setitem(app.config, "PUSH_SERVICES", (push_service_server.origin,))
    monkeypatch.setitem(app.config, "VAPID_KEYS_FILE", str(tmp_path / "vapid-keys.json"))
    push_service_server.reset()
    return push_service_server


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider on 127.0.0.1 (tests/oidc_provider.py)."""
    provider = Provider()
    yield provider
    provider.stop()


@pytest.fixture
def oidc(app, oidc_provider):
    """Single sign-on switched on against the test provider, with its knobs reset; as it was afterwards."""
    settings = {
        "OIDC_ISSUER": oidc_provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": PROVIDER_NAME, "OIDC_ALLOWED_DOMAINS": "", "OIDC_CREATE_USERS": False,
    }
    before = {name: app.config[name] for name in settings}
    app.config.update(settings)
    oidc_provider.reset()
    yield oidc_provider
    app.config.update(before)


def _admin_url(url) -> str:
    return url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


@pytest.fixture
def empty_instance(database_url, tmp_path):
    """A second instance with an empty database (a new one on PostgreSQL) and an empty file store."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        source = make_url(database_url)
        target = source.set(database=f"{source.database}_restore")
        with psycopg.connect(_admin_url(source), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{target.database}"')
        url = target.render_as_string(hide_password=False)
    instance = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp_path / "restored-files"))
    instance.extensions["fieldcert_schema_checked"] = True
    yield instance
    with instance.app_context():
        db.engine.dispose()
    if not database_url.startswith("sqlite"):
        with psycopg.connect(_admin_url(make_url(database_url)), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
