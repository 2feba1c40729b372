"""Single sign-on with OpenID Connect, against the real test provider (tests/oidc_provider.py)."""
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD
from tests.oidc_provider import CLIENT_ID
from webapp import create_app
from webapp.config import ConfigurationError
from webapp.extensions import db
from webapp.models import AuditEntry, User, UserSession
from webapp.services import single_sign_on

STRANGER = "new.person@example.test"


def _start(client, path="/auth/sso"):
    response = client.get(path)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def _callback(client, location):
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def _sign_in(client, provider, email):
    return _callback(client, provider.approve(_start(client), email))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _audits(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_sign_in_page_offers_the_provider_only_when_configured(client, app, oidc, monkeypatch):
    assert "Sign in with Test Identity" in client.get("/auth/login").get_data(as_text=True)
    monkeypatch.setitem(app.config, "OIDC_ISSUER", None)
    assert "Sign in with" not in client.get("/auth/login").get_data(as_text=True)


def test_a_known_address_signs_in_and_starts_a_session(client, oidc, factory, frozen_clock):
    user = factory.user(email="erin@example.test", first_name="Erin")
    response = _sign_in(client, oidc, "Erin@Example.test")
    assert response.status_code == 302 and response.location == "/"
    assert "Hello, Erin" in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(UserSession.user_id)) == user.id
    [entry] = _audits("user.sign_in")
    assert entry.after == {"method": "oidc"} and entry.actor_id == user.id


def test_the_flow_uses_pkce_and_a_nonce(client, oidc, factory, frozen_clock):
    factory.user(email="erin@example.test")
    authorize = _start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0] and query["scope"] == ["openid email profile"]
    assert _callback(client, oidc.approve(authorize, "erin@example.test")).status_code == 302
    [token_request] = oidc.token_requests
    assert token_request["code_verifier"]


def test_next_page_is_kept_across_the_provider(client, oidc, factory, frozen_clock):
    factory.user(email="erin@example.test")
    authorize = _start(client, "/auth/sso?next=/auth/sessions")
    assert _callback(client, oidc.approve(authorize, "erin@example.test")).location == "/auth/sessions"


REFUSALS = {
    "wrong signature": ({"wrong_signature": True}, "failed its signature check"),
    "wrong audience": ({"audience": "another-client"}, "its aud claim does not match"),
    "wrong audience among several": ({"audience": ["another-client", "a-third"]}, "its aud claim does not match"),
    "wrong issuer": ({"issuer": "https://impostor.example"}, "its iss claim does not match"),
    "wrong nonce": ({"nonce": "forged"}, "its nonce claim does not match"),
    "expired": ({"expired": True}, "had expired"),
    "unverified e-mail": ({"email_verified": False}, "e-mail address is not verified"),
    "e-mail verified only as a string": ({"email_verified": "true"}, "e-mail address is not verified"),
}


@pytest.mark.parametrize("knobs, message", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_bad_token_is_refused_with_no_session_and_no_account(client, app, oidc, factory, frozen_clock,
                                                               monkeypatch, knobs, message):
    monkeypatch.setitem(app.config, "OIDC_CREATE_USERS", True)
    factory.user(email="erin@example.test")
    for name, value in knobs.items():
        setattr(oidc.knobs, name, value)
    for email in ("erin@example.test", STRANGER):
        response = _sign_in(client, oidc, email)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert _count(UserSession) == 0 and _count(User) == 1
    assert [entry.after["method"] for entry in _audits("user.sign_in_failed")] == ["oidc", "oidc"]
    assert client.get("/").status_code == 302  # still signed out


def test_an_address_outside_the_allowed_domains_is_refused(client, app, oidc, factory, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_CREATE_USERS", True)
    monkeypatch.setitem(app.config, "OIDC_ALLOWED_DOMAINS", "fieldcert.test, @crew.fieldcert.test")
    factory.user(email="erin@example.test")
    response = _sign_in(client, oidc, "erin@example.test")
    assert response.status_code == 422
    assert "Addresses at example.test may not sign in" in response.get_data(as_text=True)
    assert _count(UserSession) == 0 and _count(User) == 1
    assert _sign_in(client, oidc, "casey@crew.fieldcert.test").status_code == 302


def test_first_sign_in_creates_the_account_when_allowed(client, app, oidc, factory, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_CREATE_USERS", True)
    factory.user(username="new.person")
    assert _sign_in(client, oidc, STRANGER).location == "/"
    user = db.session.scalar(select(User).where(User.email == STRANGER))
    assert (user.username, user.full_name) == ("new.person2", "Erin Field")
    assert [level.name for level in user.module_levels] == ["Employee"]
    assert [entry.after for entry in _audits("user.created")] == [{"method": "oidc", "module_level": "Employee"}]
    assert "Hello, Erin" in client.get("/").get_data(as_text=True)


def test_first_sign_in_is_refused_when_accounts_are_not_created(client, oidc, factory, frozen_clock):
    factory.user(email="erin@example.test")
    response = _sign_in(client, oidc, STRANGER)
    assert response.status_code == 422
    assert f"No FieldCert account has the address {STRANGER}" in response.get_data(as_text=True)
    assert _count(User) == 1 and _count(UserSession) == 0


def test_a_missing_default_module_level_refuses_and_creates_nothing(client, app, oidc, factory, frozen_clock,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_CREATE_USERS", True)
    monkeypatch.setitem(app.config, "OIDC_DEFAULT_MODULE_LEVEL", "Contractor")
    factory.user()
    response = _sign_in(client, oidc, STRANGER)
    assert response.status_code == 422 and "default module level is missing" in response.get_data(as_text=True)
    assert _count(User) == 1


def test_an_inactive_account_is_refused(client, oidc, factory, frozen_clock):
    factory.user(email="erin@example.test", active=False)
    response = _sign_in(client, oidc, "erin@example.test")
    assert response.status_code == 422 and "account is inactive" in response.get_data(as_text=True)
    assert _count(UserSession) == 0


def test_a_state_this_browser_was_not_given_is_refused(client, app, oidc, factory, frozen_clock):
    factory.user(email="erin@example.test")
    back = urlsplit(oidc.approve(_start(client), "erin@example.test"))
    forged = client.get(f"{back.path}?{back.query.replace('state=', 'state=x')}")
    assert forged.status_code == 422
    assert "not started in this browser" in forged.get_data(as_text=True)
    other_browser = app.test_client()
    assert other_browser.get(f"{back.path}?{back.query}").status_code == 422
    assert _count(UserSession) == 0 and not oidc.token_requests


def test_a_used_answer_cannot_be_replayed(client, csrf, oidc, factory, frozen_clock):
    factory.user(email="erin@example.test")
    back = oidc.approve(_start(client), "erin@example.test")
    assert _callback(client, back).status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert _callback(client, back).status_code == 422


def test_the_provider_saying_no_is_a_clear_refusal(client, oidc, frozen_clock):
    state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    response = client.get(f"/auth/sso/callback?error=access_denied&error_description=Cancelled&state={state}")
    assert response.status_code == 422
    assert "Test Identity did not sign you in (Cancelled)" in response.get_data(as_text=True)


def test_a_session_written_meanwhile_does_not_lose_the_sign_in(client, oidc, factory, frozen_clock):
    """A request that read the session cookie before the sign-in began (the service worker's install)
    and answers after it writes that older cookie back; the sign-in's state is not in it."""
    factory.user(email="erin@example.test")
    with client.session_transaction() as session:
        before = dict(session)
    back = oidc.approve(_start(client, "/auth/sso?next=/my/"), "erin@example.test")
    with client.session_transaction() as session:
        session.clear()
        session.update(before)
    response = _callback(client, back)
    assert response.status_code == 302 and response.location == "/my/"
    assert _callback(client, back).status_code == 422


def test_an_unreachable_provider_is_a_clear_refusal(client, app, oidc, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:1")
    response = client.get("/auth/sso")
    assert response.status_code == 422
    assert "Test Identity cannot be reached just now" in response.get_data(as_text=True)


def test_single_sign_on_is_not_there_when_not_configured(client, app):
    assert app.config["OIDC_ISSUER"] is None
    assert client.get("/auth/sso").status_code == 404
    assert client.get("/auth/sso/callback?code=x&state=y").status_code == 404


def test_refused_single_sign_ons_are_rate_limited_with_password_failures(client, csrf, app, oidc, factory,
                                                                        frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per minute")
    factory.user(email="erin@example.test")
    oidc.knobs.wrong_signature = True
    assert client.post("/auth/login", data={"identifier": "nobody", "password": "x", "csrf_token": csrf()}).status_code == 422
    assert [_sign_in(client, oidc, "erin@example.test").status_code for _ in range(2)] == [422, 422]
    oidc.knobs.wrong_signature = False
    assert _sign_in(client, oidc, "erin@example.test").status_code == 429
    assert _count(UserSession) == 0


def test_password_sign_in_switched_off_for_everyone_but_administrators(client, csrf, app, oidc, factory,
                                                                      frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_SIGN_IN", "admins-only")
    factory.user(username="worker")
    factory.user("Administrator", username="boss")
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Administrators: sign in with a password" in page
    refused = client.post("/auth/login", data={"identifier": "worker", "password": PASSWORD, "csrf_token": csrf()})
    assert refused.status_code == 422
    assert "This account signs in with Test Identity, not a password" in refused.get_data(as_text=True)
    assert _count(UserSession) == 0
    assert _audits("user.sign_in_failed")[0].after["method"] == "password"
    wrong = client.post("/auth/login", data={"identifier": "worker", "password": "wrong", "csrf_token": csrf()})
    assert "signs in with Test Identity" not in wrong.get_data(as_text=True)
    admin = client.post("/auth/login", data={"identifier": "boss", "password": PASSWORD, "csrf_token": csrf()})
    assert admin.status_code == 302 and _count(UserSession) == 1


def test_sign_out_ends_the_session_and_offers_the_providers_sign_out(client, csrf, oidc, factory, frozen_clock):
    factory.user(email="erin@example.test")
    _sign_in(client, oidc, "erin@example.test")
    assert client.post("/auth/logout", data={"csrf_token": csrf()}).location == "/auth/login"
    assert db.session.scalar(select(UserSession.revoked_at)) is not None
    page = client.get("/auth/login").get_data(as_text=True)
    assert f'href="{oidc.issuer}/logout?client_id={CLIENT_ID}&amp;post_logout_redirect_uri=' in page
    assert "Sign out of Test Identity too" in page
    assert "Sign out of Test Identity too" not in client.get("/auth/login").get_data(as_text=True)


def test_a_password_sign_out_offers_no_provider_sign_out(client, csrf, oidc, factory):
    factory.user(username="worker")
    client.post("/auth/login", data={"identifier": "worker", "password": PASSWORD, "csrf_token": csrf()})
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert "Sign out of Test Identity" not in client.get("/auth/login").get_data(as_text=True)


@pytest.mark.parametrize("settings, problem", [
    ({"PASSWORD_SIGN_IN": "admin-only"}, "PASSWORD_SIGN_IN must be one of on, admins-only"),
    ({"PASSWORD_SIGN_IN": "admins-only"}, "needs OIDC_ISSUER"),
    ({"OIDC_ISSUER": "https://id.example.org"}, "OIDC_CLIENT_ID must be set"),
])
def test_a_sign_in_configuration_that_could_lock_people_out_refuses_to_start(settings, problem):
    with pytest.raises(ConfigurationError, match=problem):
        create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", **settings)


def test_a_first_sign_in_that_loses_a_race_uses_the_account_the_other_made(client, app, oidc, factory, frozen_clock,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_CREATE_USERS", True)
    other = factory.user(email=STRANGER)
    real, calls = single_sign_on._user_with_email, []

    def looked_up_before_the_other_tab_created_it(email):
        calls.append(email)
        return None if len(calls) == 1 else real(email)

    monkeypatch.setattr(single_sign_on, "_user_with_email", looked_up_before_the_other_tab_created_it)
    assert _sign_in(client, oidc, STRANGER).location == "/"
    assert _count(User) == 1 and db.session.scalar(select(UserSession.user_id)) == other.id
