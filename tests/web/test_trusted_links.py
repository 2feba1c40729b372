"""Links given out come from BASE_URL, never the request's Host; forwarded headers count only behind PROXY_COUNT proxies."""
import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_for
from webapp import create_app
from webapp.config import DEV_SECRET_KEY, ConfigurationError
from webapp.extensions import db
from webapp.models import AuditEntry, Notice, SharedReport
from webapp.services.mail import deliver_notices, external_url

EVIL = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}


def _post_as_attacker_host(client, url, data):
    """POST with a forged Host, carrying the browser's session as a real request to that host would."""
    client.set_cookie("session", client.get_cookie("session").value, domain="attacker.example")
    return client.post(url, data=data, headers=EVIL)


def test_a_reset_requested_with_a_forged_host_mails_a_link_to_base_url(app, client, csrf, factory, smtp,
                                                                         frozen_clock):
    factory.user(username="wanda", email="wanda@example.test")
    response = _post_as_attacker_host(client, "/auth/forgot-password", {"csrf_token": csrf(), "identifier": "wanda"})
    assert response.status_code == 302
    deliver_notices()
    mail = smtp.to("wanda@example.test")[-1]
    body = mail.get_body(("plain",)).get_content() + mail.get_body(("html",)).get_content()
    links = re.findall(r"https?://[^\s\"<]+", body)
    assert any("/auth/reset-password/" in link for link in links)
    assert all(link.startswith(app.config["BASE_URL"] + "/") for link in links)
    assert "attacker.example" not in body


def test_links_made_during_a_request_ignore_its_host(app):
    with app.test_request_context("/", headers=EVIL):
        assert external_url("auth.login") == app.config["BASE_URL"] + "/auth/login"


def test_a_shared_report_link_ignores_the_host(app, client, csrf, sign_in, factory, frozen_clock):
    worker = factory.user()
    sign_in(factory.user("Supervisor", supervised=[worker]))
    client.post("/reports/shared", data={"title": "For the client", "users": [worker.id], "csrf_token": csrf()})
    report = db.session.scalar(select(SharedReport))
    token = csrf()
    response = _post_as_attacker_host(client, f"/reports/shared/{report.id}",
                                      {"emails": "client@example.test", "message": "", "csrf_token": token})
    assert response.status_code == 302
    notice = db.session.scalar(select(Notice).where(Notice.kind == "shared_report"))
    assert f"{app.config['BASE_URL']}/s/{report.token}" in notice.body_text
    assert "attacker.example" not in notice.body_text + notice.body_html


def _failed_sign_in_address(app_under_test, headers) -> str:
    app_under_test.extensions["fieldcert_schema_checked"] = True
    client = app_under_test.test_client()
    client.post("/auth/login", data={"identifier": "nobody", "password": "x",
                                      "csrf_token": csrf_token_for(app_under_test, client)},
                headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    return db.session.scalar(select(AuditEntry.address).order_by(AuditEntry.id.desc()))


def test_forwarded_headers_are_ignored_unless_proxies_are_configured(app, app_context, database_url, tmp_path):
    forged = {"X-Forwarded-For": "203.0.113.9"}
    direct = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url,
                        UPLOAD_FOLDER=str(tmp_path))
    assert _failed_sign_in_address(direct, forged) == "10.0.0.2"
    behind_proxy = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url,
                              UPLOAD_FOLDER=str(tmp_path), PROXY_COUNT=1)
    assert _failed_sign_in_address(behind_proxy, forged) == "203.0.113.9"


GOOD_KEY = "k" * 32


@pytest.mark.parametrize("overrides, missing", [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
    ({"SECRET_KEY": "k" * 31}, "SECRET_KEY"),
    ({"BASE_URL": None}, "BASE_URL"),
])
def test_production_refuses_to_start_unsafe(tmp_path, overrides, missing):
    settings = {"SECRET_KEY": GOOD_KEY, "BASE_URL": "https://fieldcert.example.org", **overrides}
    with pytest.raises(ConfigurationError, match=missing):
        create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}", **settings)


def test_production_starts_with_a_strong_key_and_base_url(tmp_path):
    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                     SECRET_KEY=GOOD_KEY, BASE_URL="https://fieldcert.example.org")
    assert app.config["SESSION_COOKIE_SECURE"]


def test_development_still_starts_with_the_built_in_key(tmp_path):
    app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}", SECRET_KEY=DEV_SECRET_KEY)
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY
