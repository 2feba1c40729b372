"""The main navigation: each entry shows only to people whose permissions allow it; the entries of a
group share one disclosure ("Admin"), so an administrator's header stays one row on a wide screen."""
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
    group: str | None = None  # shown inside this group's disclosure, with the other entries of the group


@dataclass(frozen=True)
class NavGroup:
    """Two or more visible entries of one group, shown where the first of them would be."""

    label: str
    items: tuple[NavItem, ...]

    @property
    def endpoints(self) -> set[str]:
        return {item.endpoint for item in self.items}


ADMIN = N_("Admin")
# Areas add their entries here; an entry whose endpoint is not registered is not shown.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(N_("Home"), "home.index"),
    NavItem(N_("My Certifications"), "my_account.certifications", Permission.VIEW_OWN_CERTIFICATIONS),
    NavItem(N_("My QR Code"), "qr.mine"),
    NavItem(N_("Submissions"), "submissions.pending", Permission.APPROVE_SUPERVISED),
    NavItem(N_("People"), "people.index", Permission.VIEW_SUPERVISED_USERS),
    NavItem(N_("Matrix"), "reports.matrix", Permission.VIEW_MATRIX),
    NavItem(N_("Reports"), "reports.index", Permission.VIEW_REPORTS),
    NavItem(N_("Certifications"), "certifications.index", Permission.MANAGE_CERTIFICATIONS, ADMIN),
    NavItem(N_("Activities"), "activity_admin.documents", Permission.MANAGE_CERTIFICATIONS, ADMIN),
    NavItem(N_("Roles"), "roles.index", Permission.MANAGE_ROLES, ADMIN),
    NavItem(N_("Companies"), "companies.index", Permission.MANAGE_COMPANIES, ADMIN),
    NavItem(N_("Assets, Clients and Job Locations"), "entities.index", Permission.MANAGE_CERTIFICATIONS, ADMIN),
    NavItem(N_("Import and Export"), "data.index", Permission.IMPORT_EXPORT, ADMIN),
    NavItem(N_("Settings"), "settings.index", Permission.MANAGE_SETTINGS, ADMIN),
    NavItem(N_("Sent mail"), "notices.outbox", Permission.MANAGE_SETTINGS, ADMIN),
    NavItem(N_("Audit trail"), "audit.index", Permission.VIEW_AUDIT_LOG, ADMIN),
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


def visible_nav_entries() -> list[NavItem | NavGroup]:
    """The visible entries in order, those of a group gathered where its first one is; a group with a
    single visible entry is shown as that entry."""
    items = visible_nav_items()
    grouped: dict[str, list[NavItem]] = {}
    for item in items:
        if item.group is not None:
            grouped.setdefault(item.group, []).append(item)
    entries: list[NavItem | NavGroup] = []
    for item in items:
        members = grouped.get(item.group, [])
        if len(members) < 2:
            entries.append(item)
        elif members[0] is item:
            entries.append(NavGroup(item.group, tuple(members)))
    return entries


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals["nav_entries"] = visible_nav_entries
    app.jinja_env.globals["view_functions"] = app.view_functions
