"""Change password: the current password is asked again; the user's other sessions end."""
from sqlalchemy import select

from tests.factories import PASSWORD
from webapp.extensions import db
from webapp.models import AuditEntry, User
from webapp.services.accounts import authenticate_user
from webapp.services.sessions import start_session, user_for_session

NEW = "a brand new long secret"


def _change(client, csrf, current=PASSWORD, new=NEW, confirm=None):
    return client.post("/auth/password", data={"csrf_token": csrf(), "current": current, "password": new,
                                              "confirm": new if confirm is None else confirm})


def test_the_page_needs_sign_in(client):
    assert client.get("/auth/password").status_code == 302


def test_the_page_has_labelled_fields(client, sign_in, factory):
    sign_in(factory.user())
    page = client.get("/auth/password").get_data(as_text=True)
    for label in ("Current password", "New password", "New password again"):
        assert f">{label}</label>" in page
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page


def test_a_wrong_current_password_changes_nothing(client, csrf, sign_in, factory):
    user = sign_in(factory.user())
    before = user.password_hash
    response = _change(client, csrf, current="not my password")
    assert response.status_code == 422 and "This is not your current password." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_short_common_and_mismatched_passwords_are_refused(client, csrf, sign_in, factory):
    user = sign_in(factory.user())
    assert "Use at least 12 characters." in _change(client, csrf, new="too short").get_data(as_text=True)
    common = _change(client, csrf, new="password1234")
    assert common.status_code == 422 and "one of the most common" in common.get_data(as_text=True)
    differ = _change(client, csrf, confirm="something else entirely")
    assert differ.status_code == 422 and "The two passwords differ." in differ.get_data(as_text=True)
    db.session.expire_all()
    assert authenticate_user(user.username, PASSWORD) is not None


def test_changing_the_password_ends_the_other_sessions_only(app, client, csrf, sign_in, factory):
    user = sign_in(factory.user())
    elsewhere = start_session(user, address="192.0.2.7", user_agent="phone", remember=True)
    response = _change(client, csrf)
    assert response.status_code == 302 and response.location == "/auth/sessions"
    assert "signed out on 1 other device." in client.get("/auth/sessions").get_data(as_text=True)
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert user_for_session(elsewhere.key) is None
    db.session.expire_all()
    assert authenticate_user(user.username, NEW) is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_changed"))
    assert entry.actor_id == user.id and entry.after == {"sessions_ended": 1} and entry.address == "127.0.0.1"


def test_a_missing_csrf_token_changes_nothing(client, sign_in, factory):
    user = sign_in(factory.user())
    response = client.post("/auth/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 400
    db.session.expire_all()
    assert authenticate_user(user.username, PASSWORD) is not None
