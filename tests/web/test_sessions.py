"""Sessions end on the server (ASVS 7): sign-out, timeouts, remember-me rotation, ending all sessions."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import FROZEN_NOW, csrf_token_for
from tests.factories import PASSWORD
from webapp.config import Config
from webapp.extensions import db
from webapp.models import AuditEntry, UserSession

REMEMBER_ME_COOKIE = Config.REMEMBER_ME_COOKIE


def _sign_in_with_form(app, client, user, remember=False):
    data = {"identifier": user.username, "password": PASSWORD, "csrf_token": csrf_token_for(app, client)}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302
    return response


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _browser_with(app, name, value):
    """Another browser holding only this cookie (a copy taken from the first)."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_an_anonymous_visit_does_not_rewrite_the_session_cookie(client):
    """A request answered after a sign-in began would otherwise write back the cookie it was sent."""
    assert "Set-Cookie" in client.get("/auth/login").headers
    for path in ("/auth/login", "/offline", "/sw.js"):
        assert "Set-Cookie" not in client.get(path).headers, path


def test_a_saved_session_cookie_stops_working_after_sign_out(app, client, csrf, factory):
    _sign_in_with_form(app, client, factory.user())
    saved = _cookie(client, "session")
    assert _signed_in(client)
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert not _signed_in(_browser_with(app, "session", saved))


def test_a_saved_remember_cookie_stops_working_after_sign_out(app, client, csrf, factory):
    _sign_in_with_form(app, client, factory.user(), remember=True)
    saved = _cookie(client, REMEMBER_ME_COOKIE)
    assert saved
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert _cookie(client, REMEMBER_ME_COOKIE) is None  # taken off this browser too
    assert not _signed_in(_browser_with(app, REMEMBER_ME_COOKIE, saved))


def test_the_remember_token_is_new_at_each_sign_in_and_rotates_at_each_use(app, client, factory):
    user = factory.user()
    _sign_in_with_form(app, client, user, remember=True)
    first = _cookie(client, REMEMBER_ME_COOKIE)
    second_browser = app.test_client()
    _sign_in_with_form(app, second_browser, user, remember=True)
    assert _cookie(second_browser, REMEMBER_ME_COOKIE) != first

    copy = _browser_with(app, REMEMBER_ME_COOKIE, first)
    assert _signed_in(copy)
    rotated = _cookie(copy, REMEMBER_ME_COOKIE)
    assert rotated and rotated != first
    assert not _signed_in(_browser_with(app, REMEMBER_ME_COOKIE, first))  # a token works once
    assert _signed_in(_browser_with(app, REMEMBER_ME_COOKIE, rotated))


def test_remember_me_lasts_30_days(app, client, factory, frozen_clock):
    response = _sign_in_with_form(app, client, factory.user(), remember=True)
    assert f"{REMEMBER_ME_COOKIE}=" in response.headers["Set-Cookie"] and "Max-Age=2592000" in response.headers["Set-Cookie"]
    token = _cookie(client, REMEMBER_ME_COOKIE)
    frozen_clock.move_to(FROZEN_NOW + timedelta(days=29, hours=23))
    copy = _browser_with(app, REMEMBER_ME_COOKIE, token)
    assert _signed_in(copy)
    frozen_clock.move_to(FROZEN_NOW + timedelta(days=30))
    assert not _signed_in(_browser_with(app, REMEMBER_ME_COOKIE, _cookie(copy, REMEMBER_ME_COOKIE)))


def test_a_session_ends_after_30_idle_minutes(client, sign_in, factory, frozen_clock):
    sign_in(factory.user())
    frozen_clock.move_to(FROZEN_NOW + timedelta(minutes=29))
    assert _signed_in(client)
    frozen_clock.move_to(FROZEN_NOW + timedelta(minutes=58))  # 29 minutes after the last visit
    assert _signed_in(client)
    frozen_clock.move_to(FROZEN_NOW + timedelta(minutes=88))
    assert not _signed_in(client)


def test_a_session_ends_12_hours_after_sign_in_however_busy(client, sign_in, factory, frozen_clock):
    sign_in(factory.user())
    for minutes in range(20, 12 * 60, 20):
        frozen_clock.move_to(FROZEN_NOW + timedelta(minutes=minutes))
        assert _signed_in(client)
    frozen_clock.move_to(FROZEN_NOW + timedelta(hours=12))
    assert not _signed_in(client)


def test_timeouts_come_from_the_configuration(app, client, sign_in, factory, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    sign_in(factory.user())
    frozen_clock.move_to(FROZEN_NOW + timedelta(minutes=5))
    assert not _signed_in(client)


def test_the_last_visit_is_written_at_most_once_a_minute(client, sign_in, factory, frozen_clock):
    sign_in(factory.user())
    frozen_clock.move_to(FROZEN_NOW + timedelta(seconds=59))
    client.get("/")
    assert db.session.scalar(select(UserSession.last_seen_at)) == FROZEN_NOW
    frozen_clock.move_to(FROZEN_NOW + timedelta(seconds=61))
    client.get("/")
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) == FROZEN_NOW + timedelta(seconds=61)


def test_the_database_keeps_no_session_key_or_remember_token(app, client, factory):
    _sign_in_with_form(app, client, factory.user(), remember=True)
    row = db.session.scalar(select(UserSession))
    stored = {row.key_hash, row.remember_hash}
    assert _cookie(client, REMEMBER_ME_COOKIE) not in stored
    assert all(len(value) == 64 for value in stored)


def test_a_user_ends_all_their_other_sessions(app, client, csrf, sign_in, factory):
    user = sign_in(factory.user())
    phone = app.test_client()
    _sign_in_with_form(app, phone, user, remember=True)
    page = client.get("/auth/sessions").get_data(as_text=True)
    assert "Where you are signed in" in page and "pytest (this browser)" in page.replace("<strong>", "").replace("</strong>", "")
    assert page.count("(this browser)") == 1
    response = client.post("/auth/sessions/end", data={"csrf_token": csrf()}, follow_redirects=True)
    assert "You were signed out on 1 other device." in response.get_data(as_text=True)
    assert _signed_in(client)
    phone.delete_cookie("session")
    assert not _signed_in(phone)  # neither its session nor its remember-me token works
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.sessions_revoked"))
    assert entry.actor_id == user.id and entry.after == {"sessions": 1} and entry.address == "127.0.0.1"


def test_an_administrator_ends_a_users_sessions(app, client, csrf, sign_in, factory):
    worker = factory.user()
    phone = app.test_client()
    _sign_in_with_form(app, phone, worker)
    admin = sign_in(factory.user("Administrator"))
    page = client.get(f"/people/{worker.id}/account").get_data(as_text=True)
    assert "End all sessions" in page
    response = client.post(f"/people/{worker.id}/sessions/end", data={"csrf_token": csrf()})
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(client)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.sessions_revoked"))
    assert entry.actor_id == admin.id and entry.entity_id == str(worker.id)


def test_an_employee_cannot_end_someone_elses_sessions(client, csrf, sign_in, factory):
    other = factory.user()
    sign_in(factory.user())
    assert client.post(f"/people/{other.id}/sessions/end", data={"csrf_token": csrf()}).status_code in (403, 404)


@pytest.mark.parametrize("page", ["/auth/sessions", "/auth/password"])
def test_account_pages_are_linked_from_my_account_in_the_menu(client, sign_in, factory, page):
    sign_in(factory.user())
    assert 'href="/my/profile"' in client.get("/").get_data(as_text=True)
    assert f'href="{page}"' in client.get("/my/profile").get_data(as_text=True)


def test_ended_sessions_are_cleared_at_the_next_sign_in(app, client, csrf, factory, frozen_clock):
    user = factory.user()
    _sign_in_with_form(app, client, user)
    client.post("/auth/logout", data={"csrf_token": csrf()})
    _sign_in_with_form(app, client, user, remember=True)
    frozen_clock.move_to(FROZEN_NOW + timedelta(hours=13))
    _sign_in_with_form(app, app.test_client(), user)
    rows = db.session.scalars(select(UserSession)).all()
    assert len(rows) == 2 and all(row.revoked_at is None for row in rows)  # the remembered one still lives
