"""The main navigation: each entry shows only to people whose permissions allow it."""
from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import current_user

from webapp.permissions import Permission
from webapp.rules.languages import N_


@dataclass(frozen=True)
class NavItem:
    label: str  # a message id, translated where shown
    endpoint: str
    permission: Permission | None = None  # None: any signed-in user


# Areas add their entries here; an entry whose endpoint is not registered is not shown.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(N_("Home"), "home.index"),
    NavItem(N_("My Certifications"), "my_account.certifications", Permission.VIEW_OWN_CERTIFICATIONS),
    NavItem(N_("My QR Code"), "qr.mine"),
    NavItem(N_("Submissions"), "submissions.pending", Permission.APPROVE_SUPERVISED),
    NavItem(N_("People"), "people.index", Permission.VIEW_SUPERVISED_USERS),
    NavItem(N_("Matrix"), "reports.matrix", Permission.VIEW_MATRIX),
    NavItem(N_("Reports"), "reports.index", Permission.VIEW_REPORTS),
    NavItem(N_("Certifications"), "certifications.index", Permission.MANAGE_CERTIFICATIONS),
    NavItem(N_("Activities"), "activity_admin.documents", Permission.MANAGE_CERTIFICATIONS),
    NavItem(N_("Roles"), "roles.index", Permission.MANAGE_ROLES),
    NavItem(N_("Companies"), "companies.index", Permission.MANAGE_COMPANIES),
    NavItem(N_("Import and Export"), "data.index", Permission.IMPORT_EXPORT),
    NavItem(N_("Settings"), "settings.index", Permission.MANAGE_SETTINGS),
    NavItem(N_("Sent mail"), "notices.outbox", Permission.MANAGE_SETTINGS),
    NavItem(N_("Audit trail"), "audit.index", Permission.VIEW_AUDIT_LOG),
)


def visible_nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    held = current_user.permissions
    return [
        item
        for item in NAV_ITEMS
        if item.endpoint in current_app.view_functions and (item.permission is None or item.permission in held)
    ]


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = visible_nav_items
    app.jinja_env.globals["view_functions"] = app.view_functions
