"""QR code pages: who may see them, PNG download, reset invalidates old codes."""
from webapp.extensions import db
from webapp.models import AuditEntry, User
from webapp.services.qr_codes import qr_png

RESET_TEXT = (
    "Are you sure you want to reset the QR Code for this user? A new QR Code will be generated "
    "and all existing QR Codes will no longer work."
)


def test_user_sees_own_code_inline_svg_and_print_button(client, factory, sign_in):
    user = sign_in(factory.user())
    page = client.get(f"/qr/{user.id}").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page
    assert f"/r/{user.qr_token}" in page
    assert "Print wallet card" in page and f"/qr/{user.id}.png" in page
    assert "style=" not in page and "Reset QR Code" not in page  # an employee may not reset


def test_png_download_encodes_report_url(client, factory, sign_in):
    user = sign_in(factory.user())
    response = client.get(f"/qr/{user.id}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data == qr_png(f"http://127.0.0.1:5000/r/{user.qr_token}")


def test_supervisor_sees_supervised_code_but_not_others(client, factory, sign_in):
    boss = factory.user("Supervisor")
    mine = factory.user(supervisors=[boss])
    other = factory.user()
    sign_in(boss)
    assert client.get(f"/qr/{mine.id}").status_code == 200
    assert client.get(f"/qr/{other.id}").status_code == 404
    assert client.get(f"/qr/{other.id}.png").status_code == 404
    assert client.get("/qr/99999").status_code == 404


def test_users_page_leads_a_supervisor_to_each_persons_code(client, factory, sign_in):
    boss = factory.user("Supervisor")
    mine = factory.user(supervisors=[boss])
    sign_in(boss)
    page = client.get("/people/").get_data(as_text=True)
    assert f'href="/qr/{mine.id}">QR Code</a>' in page


def test_employee_cannot_see_colleague_code(client, factory, sign_in):
    sign_in(factory.user())
    assert client.get(f"/qr/{factory.user().id}").status_code == 404


def test_anonymous_is_sent_to_login(client, factory):
    user = factory.user()
    assert client.get(f"/qr/{user.id}").status_code == 302


def test_reset_issues_new_token_and_old_code_fails(client, factory, sign_in, csrf):
    admin = sign_in(factory.user("Administrator"))
    worker = factory.user()
    page = client.get(f"/qr/{worker.id}").get_data(as_text=True)
    assert RESET_TEXT in page and 'data-open-dialog="reset-dialog"' in page
    old = worker.qr_token
    response = client.post(f"/qr/{worker.id}/reset", data={"csrf_token": csrf()}, follow_redirects=True)
    assert "QR Code has been reset." in response.get_data(as_text=True)
    db.session.expire_all()
    new = db.session.get(User, worker.id).qr_token
    assert new != old and len(new) >= 43  # 32 random bytes
    assert "This code is no longer valid" in client.get(f"/r/{old}").get_data(as_text=True)
    assert client.get(f"/r/{new}").status_code == 200
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "qr_code_reset"))
    assert entry.actor_id == admin.id and entry.entity_id == str(worker.id)


def test_reset_needs_post_csrf_and_edit_permission(client, factory, sign_in, csrf):
    boss = factory.user("Employee")
    worker = factory.user(supervisors=[boss])
    sign_in(boss)
    assert client.get(f"/qr/{worker.id}/reset").status_code == 405
    assert client.post(f"/qr/{worker.id}/reset").status_code == 400
    assert client.post(f"/qr/{worker.id}/reset", data={"csrf_token": csrf()}).status_code == 403
    old = worker.qr_token
    db.session.expire_all()
    assert db.session.get(User, worker.id).qr_token == old



def test_navigation_leads_to_own_code(client, factory, sign_in):
    user = sign_in(factory.user())
    assert 'href="/qr/"' in client.get("/").get_data(as_text=True)
    response = client.get("/qr/")
    # The page itself, not a redirect: a phone keeps it under this address for use without signal.
    assert response.status_code == 200 and f"/qr/{user.id}.png" in response.get_data(as_text=True)
