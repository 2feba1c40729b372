"""Forgot password: a signed, expiring, single-use link e-mailed through the outbox."""
import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import FROZEN_NOW
from webapp.extensions import db
from webapp.models import Notice
from webapp.services import accounts
from webapp.services.accounts import authenticate_user
from webapp.services.mail import deliver_notices, render_mail
from webapp.services.sessions import resume_remembered_session, start_session, user_for_session


def _link(smtp, address: str) -> str:
    """The reset link in the mail as it reaches `address`."""
    deliver_notices()
    text = smtp.to(address)[-1].get_body(("plain",)).get_content()
    return re.search(r"http://[^\s]+/auth/reset-password/(\S+)", text).group(0)


def _request(client, csrf, identifier):
    return client.post("/auth/forgot-password", data={"csrf_token": csrf(), "identifier": identifier})


def test_reset_link_sets_a_new_password_once(client, csrf, factory, smtp, frozen_clock):
    user = factory.user(username="wanda", email="wanda@example.test")
    elsewhere = start_session(user, address="192.0.2.7", user_agent="phone", remember=True)
    response = _request(client, csrf, "WANDA@example.test")
    assert response.status_code == 302
    [notice] = db.session.scalars(select(Notice)).all()
    assert notice.kind == "password_reset" and notice.recipient_email == "wanda@example.test"
    assert notice.body_html and "Choose a new password" in notice.body_html
    path = _link(smtp, "wanda@example.test").removeprefix("http://127.0.0.1:5000")
    assert "Choose a new password" in client.get(path).get_data(as_text=True)
    mismatch = client.post(path, data={"csrf_token": csrf(), "password": "a long new secret", "confirm": "other"})
    assert mismatch.status_code == 422 and "The two passwords differ." in mismatch.get_data(as_text=True)
    short = client.post(path, data={"csrf_token": csrf(), "password": "short", "confirm": "short"})
    assert short.status_code == 422 and "Use at least 12 characters." in short.get_data(as_text=True)
    common = client.post(path, data={"csrf_token": csrf(), "password": "password1234", "confirm": "password1234"})
    assert common.status_code == 422 and "one of the most common" in common.get_data(as_text=True)
    done = client.post(path, data={"csrf_token": csrf(), "password": "a long new secret", "confirm": "a long new secret"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/auth/login")
    db.session.expire_all()
    assert authenticate_user("wanda", "a long new secret") is not None
    assert user_for_session(elsewhere.key) is None  # signed out everywhere
    assert resume_remembered_session(elsewhere.remember_token, address=None, user_agent=None) is None
    assert client.get(path).status_code == 404  # used: the password hash changed


def test_unknown_account_gets_the_same_answer_and_no_mail(client, csrf, factory, frozen_clock):
    factory.user(username="wanda")
    known = _request(client, csrf, "wanda")
    unknown = _request(client, csrf, "nobody")
    assert known.status_code == unknown.status_code == 302
    follow = client.get("/auth/login").get_data(as_text=True)
    assert "If an active account matches" in follow
    assert len(db.session.scalars(select(Notice)).all()) == 1


def test_link_expires_and_forgeries_fail(client, csrf, factory, smtp, frozen_clock):
    factory.user(username="wanda", email="wanda@example.test")
    _request(client, csrf, "wanda")
    path = "/auth/reset-password/" + _link(smtp, "wanda@example.test").rsplit("/", 1)[1]
    assert client.get(path + "x").status_code == 404
    frozen_clock.move_to(FROZEN_NOW + timedelta(hours=2, minutes=1))
    response = client.get(path)
    assert response.status_code == 404 and "This link no longer works" in response.get_data(as_text=True)


def test_empty_request_is_refused(client, csrf):
    response = client.post("/auth/forgot-password", data={"csrf_token": csrf(), "identifier": ""})
    assert response.status_code == 422 and "Enter your username or e-mail." in response.get_data(as_text=True)


def test_reset_mail_is_not_listed_in_the_app(client, csrf, sign_in, factory, frozen_clock):
    user = factory.user(username="wanda")
    _request(client, csrf, "wanda")
    sign_in(user)
    page = client.get("/notices/").get_data(as_text=True)
    assert "Reset your FieldCert password" not in page


def test_known_and_unknown_accounts_cost_the_same_work(client, csrf, factory, frozen_clock, monkeypatch,
                                                       count_queries):
    """Forgot password must not tell accounts apart by its time (ASVS 6.3.8): both render the mail;
    the unknown case only misses the outbox INSERT."""
    factory.user(username="wanda")
    work = []
    monkeypatch.setattr(accounts, "render_mail", lambda *a, **k: work.append("render") or render_mail(*a, **k))
    done = {}
    for identifier in ("wanda", "nobody"):
        with count_queries() as statements:
            _request(client, csrf, identifier)
        done[identifier] = (sorted(work), [s for s in statements if not s.startswith("SELECT")])
        work.clear()
    assert done["wanda"][0] == done["nobody"][0] == ["render"]
    assert [s.split(" (")[0] for s in done["wanda"][1]] == ["INSERT INTO notices"] and done["nobody"][1] == []


def test_reset_link_is_never_stored_nor_shown_on_the_sent_mail_page(client, csrf, sign_in, factory, smtp,
                                                                     frozen_clock):
    factory.user("Administrator", username="ada", email="ada@example.test")
    _request(client, csrf, "ada")
    [notice] = db.session.scalars(select(Notice)).all()
    assert "/auth/reset-password/" not in notice.body_text + notice.body_html
    sign_in(factory.user("Administrator"))
    queued = client.get(f"/notices/sent-mail/{notice.id}").get_data(as_text=True)
    assert "[link removed]" in queued and "/auth/reset-password/" not in queued
    link = _link(smtp, "ada@example.test")
    html = smtp.to("ada@example.test")[-1].get_body(("html",)).get_content()
    assert f'href="{link}"' in html
    db.session.expire_all()
    sent = client.get(f"/notices/sent-mail/{notice.id}").get_data(as_text=True)
    assert "Sent" in sent and "/auth/reset-password/" not in sent and link.rsplit("/", 1)[1] not in sent
