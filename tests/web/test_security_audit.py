"""Every security event is in the audit log with actor, address and time."""
from sqlalchemy import select

from tests.conftest import FROZEN_NOW
from tests.factories import PASSWORD
from webapp.extensions import db
from webapp.models import AuditEntry
from webapp.services.people import AccountInput, edit_account

ADDRESS = {"REMOTE_ADDR": "198.51.100.4"}


def _entries(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def _sign_in(client, csrf, identifier, password=PASSWORD):
    return client.post("/auth/login", data={"identifier": identifier, "password": password, "csrf_token": csrf()},
                       environ_base=ADDRESS)


def test_sign_in_success_failure_and_sign_out_are_audited(client, csrf, factory, frozen_clock):
    user = factory.user(username="wanda")
    _sign_in(client, csrf, "wanda", "wrong password")
    _sign_in(client, csrf, "my-password-typed-here", "whatever")
    _sign_in(client, csrf, "wanda")
    client.post("/auth/logout", data={"csrf_token": csrf()}, environ_base=ADDRESS)

    known, unknown = _entries("user.sign_in_failed")
    assert (known.actor_id, known.entity_id, known.address) == (None, str(user.id), "198.51.100.4")
    assert unknown.entity_id == "" and "my-password-typed-here" not in unknown.summary  # typed identifiers are not kept
    [signed_in] = _entries("user.sign_in")
    [signed_out] = _entries("user.sign_out")
    for entry in (signed_in, signed_out):
        assert (entry.actor_id, entry.address, entry.at) == (user.id, "198.51.100.4", FROZEN_NOW)


def test_an_e_mail_change_is_audited_with_the_old_and_new_address(app, factory):
    admin = factory.user("Administrator")
    user = factory.user(email="old@example.test")
    with app.test_request_context(environ_base=ADDRESS):
        edit_account(user, admin, AccountInput(first_name=user.first_name, last_name=user.last_name,
                                               email="new@example.test", username=user.username), active=True)
    [entry] = _entries("user.edit_account")
    assert entry.before == {"email": "old@example.test"} and entry.after == {"email": "new@example.test"}
    assert entry.actor_id == admin.id and entry.address == "198.51.100.4"


def test_token_resets_shared_reports_and_exports_are_audited(client, csrf, sign_in, factory):
    admin = sign_in(factory.user("Administrator"))
    client.post(f"/qr/{admin.id}/reset", data={"csrf_token": csrf()}, environ_base=ADDRESS)
    client.post("/reports/calendar/reset", data={"csrf_token": csrf()}, environ_base=ADDRESS)
    client.post("/reports/shared", data={"title": "For the client", "users": [admin.id], "csrf_token": csrf()},
                environ_base=ADDRESS)
    assert client.get("/reports/export.csv?all=1", environ_base=ADDRESS).status_code == 200
    for action in ("qr_code_reset", "calendar_token_reset", "shared_report_created", "report.export"):
        [entry] = _entries(action)
        assert (entry.actor_id, entry.address) == (admin.id, "198.51.100.4"), action
    assert _entries("report.export")[0].after["everything"] is True
