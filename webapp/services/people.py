"""Supervisors' actions on a person: edit account info, hide from or show in the users table, notify by e-mail."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Certification, Company, ModuleLevel, User, utcnow
from webapp.models.people import supervisor_links
from webapp.permissions import Permission
from webapp.rules.accounts import RESET_HOLD_AFTER_EMAIL_CHANGE, may_change_email, reset_hold_after_email_change
from webapp.services.access import users_in_reach
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.services.mail import external_url, queue_email, render_mail
from webapp.services.privacy import certification_visible_to


def find_people(actor: User, *, search: str | None = None, company_id: int | None = None,
                include_hidden: bool = False) -> list[User]:
    """The users `actor` may view, filtered, with their company, in two queries."""
    query: Select = users_in_reach(actor, "view").where(User.active.is_(True))
    if not include_hidden:
        query = query.where(User.hidden.is_(False))
    if company_id is not None:
        query = query.where(User.company_id == company_id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                db.func.lower(User.first_name + " " + User.last_name).like(pattern),
                db.func.lower(User.username).like(pattern),
                db.func.lower(User.email).like(pattern),
            )
        )
    return list(db.session.scalars(
        query.options(selectinload(User.company)).order_by(User.last_name, User.first_name, User.id)
    ))


def company_choices() -> list[tuple[str, str]]:
    return [("", "All companies")] + [
        (str(company.id), company.name) for company in db.session.scalars(select(Company).order_by(Company.name))
    ]


def _set_hidden(user: User, by: User, hidden: bool) -> User:
    before = {"hidden": user.hidden}
    user.hidden = hidden
    record_audit(by, "user.hide" if hidden else "user.show", user,
                 f"{'Hid' if hidden else 'Showed'} {user.full_name} {'from' if hidden else 'in'} reports",
                 before=before, after={"hidden": hidden})
    db.session.commit()
    return user


def hide_user(user: User, by: User) -> User:
    """Hide from the users table and People pages; module-wide reports still include the user."""
    return _set_hidden(user, by, True)


def show_user(user: User, by: User) -> User:
    return _set_hidden(user, by, False)


def notify_user(user: User, by: User, message: str | None, certification: Certification | None = None):
    """E-mail `user` a manual notice, about one certification or in general, with an optional message.

    A certification privacy hides from the user's module levels is not named: the notice is a general one."""
    message = (message or "").strip()
    if certification is not None and not certification_visible_to(user, certification):
        certification = None
    about = f" about {certification.name}" if certification is not None else ""
    mail = render_mail("notify", f"Notice from {by.full_name}{about}", user=user, by=by, certification=certification,
                       message=message, link=external_url("my_account.certifications"))
    notice = queue_email("notify", user, mail, user=user, certification=certification)
    record_audit(by, "user.notify", user, f"Notified {user.full_name}{about}", after={"message": message or None})
    db.session.commit()
    return notice


def supervised_people(supervisor: User) -> list[User]:
    """The active people `supervisor` supervises directly, by name, in one query."""
    return list(db.session.scalars(
        select(User)
        .join(supervisor_links, supervisor_links.c.user_id == User.id)
        .where(supervisor_links.c.supervisor_id == supervisor.id, User.active.is_(True))
        .order_by(User.last_name, User.first_name, User.id)
    ))


# ---- Edit Account Info -----------------------------------------------------------------------

ACCOUNT_FIELDS = ("first_name", "last_name", "email", "username", "job_title", "company_id", "active")


class AccountInvalid(Invalid):
    """An account edit refused."""


def supervisor_choices(user: User) -> list[User]:
    """Who may supervise `user`: every other active user, by name."""
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.id != user.id).order_by(User.last_name, User.first_name, User.id)
    ))


def _account_state(user: User) -> dict:
    return {
        **{name: getattr(user, name) for name in ACCOUNT_FIELDS},
        "supervisors": sorted(s.username for s in user.supervisors),
        "module_levels": sorted(level.name for level in user.module_levels),
    }


def _taken(column, value: str, user: User) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(column) == value.lower(), User.id != user.id)) is not None


def _tell_old_address(user: User, by: User, old_email: str, old_username: str, held_until) -> None:
    """Mail the address the account had, so its owner learns of a change they did not make."""
    changes = [(what, old, new) for what, old, new in (("e-mail address", old_email, user.email),
                                                       ("username", old_username, user.username)) if old != new]
    if not changes:
        return
    mail = render_mail("account_changed", "Your FieldCert account was changed", user=user, by=by, changes=changes,
                       held_hours=RESET_HOLD_AFTER_EMAIL_CHANGE // timedelta(hours=1) if held_until else None)
    queue_email("account_changed", old_email, mail, user=user)


def edit_account(user: User, by: User, *, first_name: str, last_name: str, email: str, username: str,
                 job_title: str | None, company_id: int | None, supervisor_ids: set[int], active: bool,
                 level_ids: set[int] | None = None) -> User:
    """Save `user`'s account info, supervisors and (with `level_ids`, for people who manage module
    levels) module levels. Raises AccountInvalid, changing nothing, when the input is refused.

    A new e-mail address or username is told to the old address; someone else's new e-mail address
    holds password resets for a day (rules.accounts), and needs every permission the person has.
    """
    errors: dict[str, str] = {}
    username, email = username.strip(), email.strip().lower()
    own = user.id == by.id
    email_changed = email != user.email.lower()
    if _taken(User.username, username, user):
        errors["username"] = "Another user already has this username."
    if _taken(User.email, email, user):
        errors["email"] = "Another user already has this e-mail address."
    elif email_changed and not may_change_email(by.permissions, user.permissions, own=own):
        errors["email"] = "Only someone with every permission this person has may change their e-mail address."
    company = db.session.get(Company, company_id) if company_id else None
    if company_id and company is None:
        errors["company"] = "Choose an existing company."
    supervisors = list(db.session.scalars(select(User).where(User.id.in_(supervisor_ids), User.active.is_(True))))
    if user.id in supervisor_ids:
        errors["supervisors"] = "A user cannot supervise themselves."
    elif len(supervisors) != len(supervisor_ids):
        errors["supervisors"] = "Choose supervisors among the active users."
    if user.id == by.id and not active:
        errors["active"] = "You cannot deactivate your own account."
    levels = None
    if level_ids is not None:
        if not by.can(Permission.MANAGE_MODULE_LEVELS):
            raise PermissionError("changing module levels needs the permission to manage them")
        levels = list(db.session.scalars(select(ModuleLevel).where(ModuleLevel.id.in_(level_ids))))
        if len(levels) != len(level_ids):
            errors["module_levels"] = "Choose existing module levels."
        elif user.id == by.id and not any(Permission.MANAGE_MODULE_LEVELS in level.permissions for level in levels):
            errors["module_levels"] = "You cannot remove your own right to manage module levels."
    if errors:
        raise AccountInvalid(errors)
    before = _account_state(user)
    old_email, old_username = user.email, user.username
    held_until = reset_hold_after_email_change(
        utcnow(), own=own, by_administrator=by.can(Permission.MANAGE_MODULE_LEVELS)) if email_changed else None
    if held_until is not None:
        user.password_reset_held_until = held_until
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.email, user.username = email, username
    user.job_title = (job_title or "").strip() or None
    user.company = company
    user.supervisors = supervisors
    user.active = active
    if levels is not None:
        user.module_levels = levels
    after = _account_state(user)
    if after != before:
        record_audit(by, "user.edit_account", user, f"Edited the account info of {user.full_name}",
                     before={k: v for k, v in before.items() if after[k] != v},
                     after={k: v for k, v in after.items() if before[k] != v})
    _tell_old_address(user, by, old_email, old_username, held_until)
    db.session.commit()
    return user
