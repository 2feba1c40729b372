"""Rate limits (ASVS 6.3.1, 6.1.1, 2.4.1): failed sign-ins, reset requests and mail sent by hand."""
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
from sqlalchemy import func, select

from tests.conftest import FROZEN_NOW
from tests.factories import PASSWORD
from webapp.extensions import db, limiter
from webapp.models import Notice, SharedReport

HX = {"HX-Request": "true"}
REDIS_URI = "redis://127.0.0.1:6379/0"


def _sign_in(client, csrf, identifier, password="wrong password", address="10.0.0.1"):
    return client.post("/auth/login", data={"identifier": identifier, "password": password, "csrf_token": csrf()},
                       environ_base={"REMOTE_ADDR": address})


def _forgot(client, csrf, identifier, address="10.0.0.1"):
    return client.post("/auth/forgot-password", data={"identifier": identifier, "csrf_token": csrf()},
                       environ_base={"REMOTE_ADDR": address})


def _mails(kind):
    db.session.expire_all()
    return db.session.scalar(select(func.count(Notice.id)).where(Notice.kind == kind))


def _refused(response, wait):
    page = response.get_data(as_text=True)
    return (response.status_code == 429 and "Too many attempts" in page
            and f"Nothing was done: wait {wait}, then try again." in page and "Retry-After" in response.headers)


def test_failed_sign_ins_per_account_back_off_longer_and_longer(client, csrf, factory, frozen_clock):
    factory.user(username="wanda", email="wanda@example.test")
    for identifier in ("wanda", "WANDA@example.test") * 2 + ("wanda",):
        assert _sign_in(client, csrf, identifier).status_code == 422
    # Even the right password waits: otherwise guessing would go on.
    assert _refused(_sign_in(client, csrf, "wanda@example.test", PASSWORD, address="10.0.0.9"), "a minute")
    frozen_clock.move_to(FROZEN_NOW + timedelta(seconds=61))
    for _ in range(5):
        assert _sign_in(client, csrf, "wanda").status_code == 422
    frozen_clock.move_to(FROZEN_NOW + timedelta(seconds=125))
    assert _refused(_sign_in(client, csrf, "wanda", PASSWORD), "13 minutes")
    frozen_clock.move_to(FROZEN_NOW + timedelta(minutes=15, seconds=1))
    assert _sign_in(client, csrf, "wanda", PASSWORD).status_code == 302


def test_a_good_sign_in_is_not_counted_and_other_accounts_are_not_held(client, csrf, factory, frozen_clock):
    factory.user(username="wanda")
    factory.user(username="sam")
    for _ in range(5):
        assert _sign_in(client, csrf, "wanda").status_code == 422
    assert _sign_in(client, csrf, "sam", PASSWORD).status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf()})
    for _ in range(6):
        assert _sign_in(client, csrf, "sam", PASSWORD).status_code == 302
        client.post("/auth/logout", data={"csrf_token": csrf()})


def test_failed_sign_ins_per_address_across_accounts(app, client, csrf, factory, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per minute")
    for name in ("ann", "bob", "cy"):
        assert _sign_in(client, csrf, name).status_code == 422
    assert _refused(_sign_in(client, csrf, "dee"), "a minute")
    assert _sign_in(client, csrf, "dee", address="10.0.0.2").status_code == 422


def test_reset_requests_per_account_send_no_more_mail(client, csrf, factory, frozen_clock):
    factory.user(username="wanda", email="wanda@example.test")
    for identifier in ("wanda", "wanda@example.test", "Wanda"):
        assert _forgot(client, csrf, identifier, address=f"10.0.1.{len(identifier)}").status_code == 302
    assert _refused(_forgot(client, csrf, "wanda", address="10.0.2.1"), "60 minutes")
    assert _mails("password_reset") == 3
    frozen_clock.move_to(FROZEN_NOW + timedelta(hours=1, seconds=1))
    assert _forgot(client, csrf, "wanda").status_code == 302
    assert _mails("password_reset") == 4


def test_reset_requests_per_address(app, client, csrf, factory, frozen_clock):
    for name in ("ann", "bob", "cy", "dee", "eve"):
        factory.user(username=name)
        assert _forgot(client, csrf, name).status_code == 302
    assert _refused(_forgot(client, csrf, "fay"), "15 minutes")
    assert _forgot(client, csrf, "fay", address="10.0.0.2").status_code == 302


def test_mail_by_hand_counts_recipients_per_person_across_shared_reports_and_notify(
        app, client, csrf, sign_in, factory, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RECIPIENTS_LIMIT_PER_USER", "4 per day")
    supervisor = factory.user("Supervisor")
    worker = factory.user(supervisors=[supervisor])
    role = factory.role(name="Rigger")
    factory.assign(worker, role)
    sign_in(supervisor)
    client.post("/reports/shared", data={"title": "For the client", "roles": [role.id], "csrf_token": csrf()})
    report_id = db.session.scalar(select(SharedReport.id))
    share = {"emails": "a@example.test, b@example.test, c@example.test", "message": "", "csrf_token": csrf()}
    assert client.post(f"/reports/shared/{report_id}", data=share).status_code == 302
    assert _refused(client.post(f"/reports/shared/{report_id}", data=share), "24 hours")
    assert _mails("shared_report") == 3
    assert client.post(f"/people/{worker.id}/notify", data={"csrf_token": csrf()}, headers=HX).status_code == 200
    refused = client.post(f"/people/{worker.id}/notify", data={"csrf_token": csrf()}, headers=HX)
    assert _refused(refused, "24 hours")
    assert refused.headers["HX-Retarget"] == "#main" and refused.headers["HX-Reswap"] == "innerHTML"
    assert "<html" not in refused.get_data(as_text=True)
    assert _mails("notify") == 1


@contextmanager
def limiter_storage(app, uri: str, prefix: str):
    """The limiter counting in `uri` under keys starting with `prefix`, then in memory again."""
    saved = {name: app.config.get(name) for name in ("RATELIMIT_STORAGE_URI", "RATELIMIT_KEY_PREFIX")}
    app.config.update(RATELIMIT_STORAGE_URI=uri, RATELIMIT_KEY_PREFIX=prefix)
    limiter.init_app(app)
    try:
        yield
    finally:
        app.config.update(saved)
        limiter.init_app(app)
        # Flask-Limiter would look at the storage again only after a back-off; memory is there at once.
        limiter._storage_dead = False


@pytest.fixture
def redis_storage(app):
    """The limiter counting in the Redis at 127.0.0.1:6379, under keys of this test's own."""
    server = redis.Redis.from_url(REDIS_URI)
    try:
        server.ping()
    except redis.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URI} ({error}): start it to test the Redis storage")
    prefix = f"fieldcert-test-{uuid.uuid4().hex}"
    with limiter_storage(app, REDIS_URI, prefix):
        yield server, prefix
    for key in server.scan_iter(f"*{prefix}*"):
        server.delete(key)


def test_failed_sign_ins_are_counted_in_redis(app, client, csrf, factory, redis_storage, monkeypatch):
    server, prefix = redis_storage
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ACCOUNT", "2 per minute")
    factory.user(username="wanda")
    assert [_sign_in(client, csrf, "wanda").status_code for _ in range(2)] == [422, 422]
    assert _sign_in(client, csrf, "wanda", PASSWORD).status_code == 429
    assert any(prefix in key.decode() for key in server.scan_iter(f"*{prefix}*"))


def test_an_unreachable_redis_limits_in_memory_instead_of_failing(app, client, csrf, factory, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ACCOUNT", "2 per minute")
    factory.user(username="wanda")
    with limiter_storage(app, "redis://127.0.0.1:1/0", "fieldcert-test-unreachable"):
        assert [_sign_in(client, csrf, "wanda").status_code for _ in range(2)] == [422, 422]
        assert _sign_in(client, csrf, "wanda", PASSWORD).status_code == 429
