"""Signing in and out, CSRF, inactive users, revoked sessions."""
from tests.factories import PASSWORD
from webapp.extensions import db
from webapp.services.sessions import end_all_sessions


def _login(client, csrf, identifier, password=PASSWORD, **extra):
    return client.post("/auth/login", data={"identifier": identifier, "password": password, "csrf_token": csrf(), **extra})


def test_login_page_has_labelled_fields(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<label for="identifier">Username or e-mail</label>' in page
    assert '<label for="password">Password</label>' in page
    assert 'name="csrf_token"' in page


def test_sign_in_with_username_reaches_home(client, csrf, factory):
    factory.user(username="worker", first_name="Wanda")
    response = _login(client, csrf, "worker")
    assert response.status_code == 302 and response.location == "/"
    assert "Hello, Wanda" in client.get("/").get_data(as_text=True)


def test_sign_in_with_email_any_case(client, csrf, factory):
    factory.user(email="wanda@example.test")
    assert _login(client, csrf, "WANDA@example.test").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client, csrf, factory):
    factory.user(username="worker")
    wrong = _login(client, csrf, "worker", "nope")
    unknown = _login(client, csrf, "nobody")
    message = "Wrong username, e-mail or password, or the account is inactive."
    assert wrong.status_code == unknown.status_code == 422
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_inactive_user_is_refused(client, csrf, factory):
    factory.user(username="gone", active=False)
    assert _login(client, csrf, "gone").status_code == 422


def test_empty_form_shows_field_errors(client, csrf):
    response = client.post("/auth/login", data={"csrf_token": csrf()})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter your username or e-mail." in page and "Enter your password." in page


def test_missing_csrf_token_is_a_clear_400(client, factory):
    factory.user(username="worker")
    response = client.post("/auth/login", data={"identifier": "worker", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_next_parameter_only_redirects_within_the_site(client, csrf, factory):
    factory.user(username="worker")
    response = client.post("/auth/login?next=https://evil.example/", data={"identifier": "worker", "password": PASSWORD, "csrf_token": csrf()})
    assert response.location == "/"


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/auth/login")


def test_htmx_request_after_the_session_ended_sends_the_page_to_sign_in(client):
    """Not the sign-in page swapped into a fragment: the whole page goes, and comes back after."""
    response = client.get("/my/submit?required_only=y", headers={
        "HX-Request": "true", "HX-Target": "certification-field", "HX-Current-URL": "http://localhost/my/submit"})
    assert response.status_code == 401 and response.get_data(as_text=True) == ""
    assert response.headers["HX-Redirect"] == "/auth/login?next=%2Fmy%2Fsubmit"
    assert "Please sign in to continue." in client.get("/auth/login").get_data(as_text=True)
    plain = client.get("/my/submit?required_only=y")
    assert plain.status_code == 302 and plain.location == "/auth/login?next=%2Fmy%2Fsubmit%3Frequired_only%3Dy"


def test_sign_out_ends_the_session_and_clears_cache(client, csrf, sign_in, factory):
    sign_in(factory.user())
    response = client.post("/auth/logout", data={"csrf_token": csrf()})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/").status_code == 302


def test_revoking_sessions_signs_the_user_out_everywhere(client, sign_in, factory):
    user = sign_in(factory.user())
    assert client.get("/").status_code == 200
    end_all_sessions(user, user)
    assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_their_session(client, sign_in, factory):
    user = sign_in(factory.user())
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302
