"""Settings: module levels (grouped permissions, built-ins fixed, assignment) and module settings."""
import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEntry, ModuleLevel, Setting, User
from webapp.permissions import CATEGORIES, Permission
from webapp.services.settings import DEFAULT_TEMPLATE, attachment_naming, notification_defaults


@pytest.fixture
def admin(factory, sign_in):
    return sign_in(factory.user("Administrator"))


def _page(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/settings/", "/settings/module-levels", "/settings/module-levels/new",
                                  "/settings/module-levels/users", "/settings/module-settings",
                                  "/settings/module-settings/notifications", "/settings/module-settings/attachment-naming"])
def test_supervisor_cannot_reach_settings(client, factory, sign_in, path):
    sign_in(factory.user("Supervisor"))
    assert client.get(path).status_code == 403


def test_module_level_form_groups_permissions_by_category(client, admin):
    page = _page(client.get("/settings/module-levels/new"))
    for category in CATEGORIES:
        assert f"<legend>{category}</legend>" in page
    positions = [page.index(f"<legend>{category}</legend>") for category in CATEGORIES]
    assert positions == sorted(positions)


def test_create_module_level_and_assign_it(client, csrf, admin, factory):
    response = client.post("/settings/module-levels/new", data={
        "csrf_token": csrf(), "name": "Auditor", "permissions": ["view_reports", "view_audit_log"]})
    assert response.status_code == 302
    level = db.session.scalar(select(ModuleLevel).where(ModuleLevel.name == "Auditor"))
    assert level.permissions == {Permission.VIEW_REPORTS, Permission.VIEW_AUDIT_LOG}
    worker = factory.user()
    response = client.post("/settings/module-levels/users", data={
        "csrf_token": csrf(), f"listed-{worker.id}": "1", f"levels-{worker.id}": [str(level.id)]})
    assert response.status_code == 302
    assert [lvl.name for lvl in db.session.get(User, worker.id).module_levels] == ["Auditor"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.module_levels")).after == {"levels": ["Auditor"]}


def test_assigning_an_unknown_module_level_is_refused(client, csrf, admin, factory):
    worker = factory.user()
    response = client.post("/settings/module-levels/users", data={
        "csrf_token": csrf(), f"listed-{worker.id}": "1", f"levels-{worker.id}": ["999999"]})
    assert response.status_code == 422
    assert "There is no module level with the id 999999" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [level.name for level in db.session.get(User, worker.id).module_levels] == ["Employee"]


def test_module_level_name_required_and_unique(client, csrf, admin):
    assert "Enter the module level name." in _page(client.post("/settings/module-levels/new", data={"csrf_token": csrf(), "name": ""}))
    response = client.post("/settings/module-levels/new", data={"csrf_token": csrf(), "name": "administrator"})
    assert response.status_code == 422 and "Another module level already has this name." in _page(response)


def test_unknown_permission_is_refused(client, csrf, admin):
    response = client.post("/settings/module-levels/new", data={"csrf_token": csrf(), "name": "X", "permissions": ["root"]})
    assert response.status_code == 422 and db.session.scalar(select(ModuleLevel).where(ModuleLevel.name == "X")) is None


def test_built_in_levels_cannot_be_edited_or_deleted(client, csrf, admin, factory):
    built_in = factory.levels["Employee"]
    assert client.get(f"/settings/module-levels/{built_in.id}/edit").status_code == 403
    assert client.post(f"/settings/module-levels/{built_in.id}/delete", data={"csrf_token": csrf()}).status_code == 403
    assert db.session.get(ModuleLevel, built_in.id) is not None


def test_edit_and_delete_custom_level(client, csrf, admin):
    client.post("/settings/module-levels/new", data={"csrf_token": csrf(), "name": "Auditor", "permissions": ["view_reports"]})
    level = db.session.scalar(select(ModuleLevel).where(ModuleLevel.name == "Auditor"))
    client.post(f"/settings/module-levels/{level.id}/edit", data={"csrf_token": csrf(), "name": "Auditors", "permissions": ["view_matrix"]})
    db.session.expire_all()
    assert level.name == "Auditors" and level.permissions == {Permission.VIEW_MATRIX}
    assert client.post(f"/settings/module-levels/{level.id}/delete", data={"csrf_token": csrf()}).status_code == 302
    assert db.session.scalar(select(ModuleLevel).where(ModuleLevel.name == "Auditors")) is None


def test_permissions_take_effect_at_once(client, csrf, admin, factory, sign_in):
    client.post("/settings/module-levels/new", data={"csrf_token": csrf(), "name": "Cert keeper", "permissions": ["manage_certifications"]})
    level = db.session.scalar(select(ModuleLevel).where(ModuleLevel.name == "Cert keeper"))
    worker = factory.user()
    client.post("/settings/module-levels/users", data={"csrf_token": csrf(), f"listed-{worker.id}": "1", f"levels-{worker.id}": [str(level.id)]})
    sign_in(worker)
    assert client.get("/certifications/").status_code == 200
    assert client.get("/roles/").status_code == 403


def test_cannot_remove_own_module_level_rights(client, csrf, admin):
    response = client.post("/settings/module-levels/users", data={"csrf_token": csrf(), f"listed-{admin.id}": "1"})
    assert response.status_code == 422 and "cannot remove your own right" in _page(response)
    assert db.session.get(User, admin.id).module_levels


def test_notification_defaults_saved_in_settings(client, csrf, admin):
    assert notification_defaults()["second_notice_supervisors"] is True
    assert notification_defaults()["digest_window_days"] == 90
    response = client.post("/settings/module-settings/notifications",
                           data={"csrf_token": csrf(), "send_hour": "6", "digest_window_days": "30",
                                 "first_notice_user": "y"})
    assert response.status_code == 302
    saved = db.session.get(Setting, "notification_defaults").value
    assert saved["first_notice_user"] is True and saved["second_notice_supervisors"] is False and saved["send_hour"] == 6
    assert saved["digest_window_days"] == 30
    assert "The digest lists what expires within 30 days." in _page(client.get("/settings/module-settings"))


@pytest.mark.parametrize("hour, window, error", [
    ("25", "90", "Choose an hour between 0 and 23."),
    ("6", "0", "Choose a digest window between 1 and 365 days."),
    ("6", "366", "Choose a digest window between 1 and 365 days."),
    ("6", "", "Choose a digest window between 1 and 365 days."),
])
def test_notification_hour_and_digest_window_must_be_valid(client, csrf, admin, hour, window, error):
    response = client.post("/settings/module-settings/notifications",
                           data={"csrf_token": csrf(), "send_hour": hour, "digest_window_days": window})
    assert response.status_code == 422 and error in _page(response)
    assert db.session.get(Setting, "notification_defaults") is None


def test_attachment_naming_default_template_and_save(client, csrf, admin):
    assert attachment_naming() == {"enabled": False, "template": DEFAULT_TEMPLATE}
    response = client.post("/settings/module-settings/attachment-naming",
                           data={"csrf_token": csrf(), "enabled": "on", "template": "#Username# #CertificationName#"})
    assert response.status_code == 302
    assert db.session.get(Setting, "attachment_naming").value == {"enabled": True, "template": "#Username# #CertificationName#"}


def test_attachment_naming_rejects_unknown_options(client, csrf, admin):
    response = client.post("/settings/module-settings/attachment-naming",
                           data={"csrf_token": csrf(), "enabled": "on", "template": "#Nickname#"})
    assert response.status_code == 422 and "Unknown template option: #Nickname#" in _page(response)


def test_attachment_naming_live_preview(frozen_clock, client, csrf, admin):
    response = client.post("/settings/module-settings/attachment-naming/preview", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf(), "template": DEFAULT_TEMPLATE})
    assert "Doe, Jane, Forklift Operator - Completed, 06-15-2026" in _page(response)


def test_assign_levels_page_in_fixed_queries(client, admin, factory, count_queries):
    def count():
        with count_queries() as queries:
            client.get("/settings/module-levels/users")
        return len(queries)

    factory.user(), factory.user()
    two = count()
    for _ in range(8):
        factory.user()
    assert count() == two
