"""Module-level permissions: what each named permission lets a person do.

A user holds the union of the permissions of all their module levels. The
categories follow the documents' Create People Module Level page.
"""
from enum import StrEnum


class Permission(StrEnum):
    # My Account
    VIEW_OWN_CERTIFICATIONS = "view_own_certifications"
    SUBMIT_OWN_CERTIFICATIONS = "submit_own_certifications"
    SET_OWN_EXPIRATION = "set_own_expiration"
    APPROVE_OWN_SUBMISSIONS = "approve_own_submissions"
    # Reports
    VIEW_REPORTS = "view_reports"
    VIEW_MATRIX = "view_matrix"
    MANAGE_SHARED_REPORTS = "manage_shared_reports"
    # Supervised Users
    VIEW_SUPERVISED_USERS = "view_supervised_users"
    APPROVE_SUPERVISED = "approve_supervised"
    RECORD_FOR_SUPERVISED = "record_for_supervised"
    DEFER_SUPERVISED = "defer_supervised"
    MANAGE_SUPERVISED_REQUIREMENTS = "manage_supervised_requirements"
    EDIT_SUPERVISED_ACCOUNTS = "edit_supervised_accounts"
    # Non-Supervised Users
    VIEW_ALL_USERS = "view_all_users"
    APPROVE_ALL = "approve_all"
    RECORD_FOR_ALL = "record_for_all"
    DEFER_ALL = "defer_all"
    MANAGE_ALL_REQUIREMENTS = "manage_all_requirements"
    EDIT_ALL_ACCOUNTS = "edit_all_accounts"
    # Administration
    MANAGE_CERTIFICATIONS = "manage_certifications"
    MANAGE_ROLES = "manage_roles"
    MANAGE_COMPANIES = "manage_companies"
    MANAGE_MODULE_LEVELS = "manage_module_levels"
    MANAGE_SETTINGS = "manage_settings"
    IMPORT_EXPORT = "import_export"
    # General
    BATCH_SUBMIT = "batch_submit"
    USE_ATTACHMENT_INBOX = "use_attachment_inbox"
    VIEW_AUDIT_LOG = "view_audit_log"

    @property
    def category(self) -> str:
        return _CATEGORY_OF[self]


CATEGORIES: dict[str, tuple[Permission, ...]] = {
    "My Account": (
        Permission.VIEW_OWN_CERTIFICATIONS,
        Permission.SUBMIT_OWN_CERTIFICATIONS,
        Permission.SET_OWN_EXPIRATION,
        Permission.APPROVE_OWN_SUBMISSIONS,
    ),
    "Reports": (Permission.VIEW_REPORTS, Permission.VIEW_MATRIX, Permission.MANAGE_SHARED_REPORTS),
    "Supervised Users": (
        Permission.VIEW_SUPERVISED_USERS,
        Permission.APPROVE_SUPERVISED,
        Permission.RECORD_FOR_SUPERVISED,
        Permission.DEFER_SUPERVISED,
        Permission.MANAGE_SUPERVISED_REQUIREMENTS,
        Permission.EDIT_SUPERVISED_ACCOUNTS,
    ),
    "Non-Supervised Users": (
        Permission.VIEW_ALL_USERS,
        Permission.APPROVE_ALL,
        Permission.RECORD_FOR_ALL,
        Permission.DEFER_ALL,
        Permission.MANAGE_ALL_REQUIREMENTS,
        Permission.EDIT_ALL_ACCOUNTS,
    ),
    "Administration": (
        Permission.MANAGE_CERTIFICATIONS,
        Permission.MANAGE_ROLES,
        Permission.MANAGE_COMPANIES,
        Permission.MANAGE_MODULE_LEVELS,
        Permission.MANAGE_SETTINGS,
        Permission.IMPORT_EXPORT,
    ),
    "General": (Permission.BATCH_SUBMIT, Permission.USE_ATTACHMENT_INBOX, Permission.VIEW_AUDIT_LOG),
}

_CATEGORY_OF = {permission: name for name, members in CATEGORIES.items() for permission in members}

# For each action on another person, the permission that allows it for the
# people one supervises and the one that allows it for everybody.
ACTIONS_ON_PEOPLE: dict[str, tuple[Permission, Permission]] = {
    "view": (Permission.VIEW_SUPERVISED_USERS, Permission.VIEW_ALL_USERS),
    "approve": (Permission.APPROVE_SUPERVISED, Permission.APPROVE_ALL),
    "record": (Permission.RECORD_FOR_SUPERVISED, Permission.RECORD_FOR_ALL),
    "defer": (Permission.DEFER_SUPERVISED, Permission.DEFER_ALL),
    "manage_requirements": (Permission.MANAGE_SUPERVISED_REQUIREMENTS, Permission.MANAGE_ALL_REQUIREMENTS),
    "edit_account": (Permission.EDIT_SUPERVISED_ACCOUNTS, Permission.EDIT_ALL_ACCOUNTS),
}

EMPLOYEE_PERMISSIONS = frozenset(CATEGORIES["My Account"]) - {
    Permission.SET_OWN_EXPIRATION,
    Permission.APPROVE_OWN_SUBMISSIONS,
}
SUPERVISOR_PERMISSIONS = EMPLOYEE_PERMISSIONS | frozenset(CATEGORIES["Supervised Users"]) | {
    Permission.VIEW_REPORTS,
    Permission.VIEW_MATRIX,
    Permission.MANAGE_SHARED_REPORTS,
    Permission.BATCH_SUBMIT,
    Permission.USE_ATTACHMENT_INBOX,
}
ADMINISTRATOR_PERMISSIONS = frozenset(Permission)

BUILT_IN_LEVELS: dict[str, frozenset[Permission]] = {
    "Employee": EMPLOYEE_PERMISSIONS,
    "Supervisor": SUPERVISOR_PERMISSIONS,
    "Administrator": ADMINISTRATOR_PERMISSIONS,
}
