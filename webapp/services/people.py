"""People: add, invite, edit, deactivate, reactivate and erase a person; hide from or show in the users
table; notify by e-mail. Each takes plain arguments, so the pages and an import call the same functions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload, selectinload

from webapp.extensions import db
from webapp.i18n import translated
from webapp.models import (
    AuditEntry,
    Certification,
    CertificationRole,
    Company,
    ModuleLevel,
    Notice,
    RoleAssignment,
    User,
    new_token,
    utcnow,
)
from webapp.models.people import supervisor_links
from webapp.permissions import Permission
from webapp.rules.accounts import RESET_HOLD_AFTER_EMAIL_CHANGE, may_change_email, reset_hold_after_email_change
from webapp.rules.languages import N_, check_language
from webapp.rules.passwords import password_problem
from webapp.rules.people import REFUSED, removes_own_level_management, supervision_loop
from webapp.rules.periods import format_date
from webapp.rules.time_zones import check_time_zone
from webapp.services.access import users_in_reach
from webapp.services.activity_notices import queue_activity_notices
from webapp.services.accounts import hash_password, unusable_password_hash
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.services.mail import SECRET_LINK, external_url, queue_email, render_mail
from webapp.services.organisation import create_user, ensure_built_in_module_levels
from webapp.services.photos import PhotoInvalid, encode_photo, keep_photo
from webapp.services.compliance import load_requirements
from webapp.services.privacy import certification_visible_to, sight_of
from webapp.services.push import forget_push_subscriptions
from webapp.services.reset_tokens import INVITATION_DAYS
from webapp.services.sessions import revoke_user_sessions
from webapp.services.settings import known_time_zones

PEOPLE_PER_PAGE = 50
STATUS_CHUNK = 1000


@dataclass
class PeoplePage:
    users: list[User]
    total: int  # everyone the filters keep, counted in SQL
    page: int
    pages: int


def find_people(actor: User, *, search: str | None = None, company_id: int | None = None,
                include_hidden: bool = False, inactive: bool = False, role_id: int | None = None,
                status: str | None = None, day: date | None = None, page: int = 1) -> PeoplePage:
    """One page of the active (or, with `inactive`, the inactive) users `actor` may view, filtered and
    counted in SQL, with their company, in three queries however many there are; `role_id` keeps holders
    of the role; `status` (with `day`) keeps those with at least one requirement in that status on `day`
    whose certification `actor` may see (worked out by the rules, over the candidates in chunks)."""
    query: Select = users_in_reach(actor, "view").where(User.active.is_(not inactive))
    if not include_hidden:
        query = query.where(User.hidden.is_(False))
    if company_id is not None:
        query = query.where(User.company_id == company_id)
    if role_id is not None:
        query = query.where(User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role_id == role_id)))
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                db.func.lower(User.first_name + " " + User.last_name).like(pattern),
                db.func.lower(User.username).like(pattern),
                db.func.lower(User.email).like(pattern),
            )
        )
    if status is not None:
        query = query.where(User.id.in_(_holding_status(actor, query, status, day)))
    total = db.session.scalar(query.with_only_columns(func.count(User.id)).order_by(None))
    pages = max(1, -(-total // PEOPLE_PER_PAGE))
    page = min(max(page, 1), pages)
    users = list(db.session.scalars(
        # The table names people and never asks what they may do: their module levels and permissions
        # (two queries) stay unloaded (decision 84).
        query.options(selectinload(User.company), lazyload(User.module_levels))
        .order_by(User.last_name, User.first_name, User.id)
        .offset((page - 1) * PEOPLE_PER_PAGE).limit(PEOPLE_PER_PAGE)
    ))
    return PeoplePage(users, total, page, pages)


def _holding_status(actor: User, query: Select, status: str, day: date) -> list[int]:
    """The ids of `query`'s people with a requirement in `status` on `day` that `actor` may see. A status
    comes from the rules, not a column, so the candidates are worked through STATUS_CHUNK at a time."""
    sight = sight_of(actor)
    candidates = list(db.session.scalars(query.with_only_columns(User.id).order_by(None)))
    holding = []
    for start in range(0, len(candidates), STATUS_CHUNK):
        chunk = candidates[start:start + STATUS_CHUNK]
        requirements = load_requirements(chunk, day)
        holding += [user_id for user_id in chunk
                    if any(r.status.status.value == status for r in sight.shown(requirements.get(user_id, [])))]
    return holding


def company_choices(keep_id: int | None = None) -> list[tuple[str, str]]:
    """The companies in use (and the archived one `keep_id`, a person's own, so their form still saves)."""
    return [("", _("All companies"))] + [
        (str(company.id), company.name) for company in db.session.scalars(
            select(Company).where(or_(Company.archived_at.is_(None), Company.id == keep_id)).order_by(Company.name))
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
    subject = (_l("Notice from %(name)s", name=by.full_name) if certification is None
               else _l("Notice from %(name)s about %(certification)s", name=by.full_name, certification=certification.name))
    mail = render_mail("notify", subject, to=user, user=user, by=by, certification=certification,
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


# ---- Add Person and Edit Account Info ----------------------------------------------------------

ACCOUNT_FIELDS = ("first_name", "last_name", "email", "username", "job_title", "phone", "employee_number",
                  "company_id", "active")


class AccountInvalid(Invalid):
    """An account edit refused."""


@dataclass(frozen=True)
class AccountInput:
    """What Add Person and Edit Account Info (and an import) give for one person."""

    first_name: str
    last_name: str
    email: str
    username: str
    job_title: str | None = None
    phone: str | None = None
    employee_number: str | None = None
    company_id: int | None = None
    supervisor_ids: frozenset[int] = frozenset()
    # None: the module levels stay as they are (a new person gets Employee).
    level_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class _Checked:
    company: Company | None
    supervisors: list[User]
    levels: list[ModuleLevel] | None


def supervisor_choices(user: User | None) -> list[User]:
    """Who may supervise `user` (a new person: None): every other active user, by name."""
    query = select(User).where(User.active.is_(True)).order_by(User.last_name, User.first_name, User.id)
    return list(db.session.scalars(query if user is None else query.where(User.id != user.id)))


def _account_state(user: User) -> dict:
    return {
        **{name: getattr(user, name) for name in ACCOUNT_FIELDS},
        "supervisors": sorted(s.username for s in user.supervisors),
        "module_levels": sorted(level.name for level in user.module_levels),
    }


def _taken(column, value: str, user: User | None) -> bool:
    query = select(User.id).where(func.lower(column) == value.lower())
    return db.session.scalar(query if user is None else query.where(User.id != user.id)) is not None


def _blank_to_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def _check_account(user: User | None, by: User, account: AccountInput, errors: dict[str, str]) -> _Checked:
    """The checks Add Person (`user` None) and Edit Account Info share; adds refusals to `errors`."""
    username, email = account.username.strip(), account.email.strip().lower()
    employee_number = _blank_to_none(account.employee_number)
    if _taken(User.username, username, user):
        errors["username"] = _(REFUSED["username"])
    if _taken(User.email, email, user):
        errors["email"] = _(REFUSED["email"])
    elif user is not None and email != user.email.lower() and not may_change_email(
            by.permissions, user.permissions, own=user.id == by.id):
        errors["email"] = _(REFUSED["email_permissions"])
    if employee_number and _taken(User.employee_number, employee_number, user):
        errors["employee_number"] = _(REFUSED["employee_number"])
    company = db.session.get(Company, account.company_id) if account.company_id else None
    if account.company_id and company is None:
        errors["company"] = _(REFUSED["company"])
    supervisors = list(db.session.scalars(select(User).where(User.id.in_(account.supervisor_ids), User.active.is_(True))))
    if user is not None and user.id in account.supervisor_ids:
        errors["supervisors"] = _(REFUSED["self_supervisor"])
    elif len(supervisors) != len(account.supervisor_ids):
        errors["supervisors"] = _(REFUSED["inactive_supervisor"])
    elif user is not None and supervision_loop(user.id, account.supervisor_ids,
                                               db.session.execute(select(supervisor_links)).all()):
        errors["supervisors"] = _(REFUSED["supervision_loop"])
    levels = None
    if account.level_ids is not None:
        if not by.can(Permission.MANAGE_MODULE_LEVELS):
            raise PermissionError("choosing module levels needs the permission to manage them")
        levels = list(db.session.scalars(select(ModuleLevel).where(ModuleLevel.id.in_(account.level_ids))))
        if len(levels) != len(account.level_ids):
            errors["module_levels"] = _(REFUSED["module_levels"])
        elif user is not None and removes_own_level_management(user.id == by.id, [level.permissions for level in levels],
                                                               Permission.MANAGE_MODULE_LEVELS):
            errors["module_levels"] = _(REFUSED["own_module_levels"])
    return _Checked(company, supervisors, levels)


def _apply_account(user: User, account: AccountInput, checked: _Checked) -> None:
    user.first_name, user.last_name = account.first_name.strip(), account.last_name.strip()
    user.email, user.username = account.email.strip().lower(), account.username.strip()
    user.job_title = _blank_to_none(account.job_title)
    user.phone = _blank_to_none(account.phone)
    user.employee_number = _blank_to_none(account.employee_number)
    user.company = checked.company
    user.supervisors = checked.supervisors
    if checked.levels is not None:
        user.module_levels = checked.levels


def tell_old_address(user: User, by: User, old_email: str, old_username: str, held_until) -> None:
    """Mail the address the account had, so its owner learns of a change they did not make."""
    changes = [(what, old, new) for what, old, new in ((N_("e-mail address"), old_email, user.email),
                                                       (N_("username"), old_username, user.username)) if old != new]
    if not changes:
        return
    mail = render_mail("account_changed", _l("Your FieldCert account was changed"), to=user, user=user, by=by,
                       changes=changes,
                       held_hours=RESET_HOLD_AFTER_EMAIL_CHANGE // timedelta(hours=1) if held_until else None)
    queue_email("account_changed", old_email, mail, user=user)


def _photo_bytes(photo: bytes | None, errors: dict[str, str]) -> bytes | None:
    """The photo re-encoded, before anything is written; a refusal joins `errors`."""
    if not photo:
        return None
    try:
        return encode_photo(photo)
    except PhotoInvalid as invalid:
        errors.update(invalid.errors)
        return None


def _commit_account() -> None:
    """Commit, or refuse as taken what another request stored meanwhile (the unique columns)."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountInvalid({"username": _("Another user took this username, e-mail address or employee number "
                                          "meanwhile; check them and save again.")}) from None


def edit_account(user: User, by: User, account: AccountInput, *, active: bool, photo: bytes | None = None) -> User:
    """Save `user`'s account info, supervisors, (with `account.level_ids`, for people who manage module
    levels) module levels, and a new photo if one is given. Raises AccountInvalid, changing nothing,
    when the input is refused.

    A new e-mail address or username is told to the old address; someone else's new e-mail address
    holds password resets for a day (rules.accounts), and needs every permission the person has.
    Deactivating ends the person's sessions.
    """
    errors: dict[str, str] = {}
    checked = _check_account(user, by, account, errors)
    if user.id == by.id and not active:
        errors["active"] = _(REFUSED["own_active"])
    photo = _photo_bytes(photo, errors)
    if errors:
        raise AccountInvalid(errors)
    before = _account_state(user)
    old_email, old_username = user.email, user.username
    own = user.id == by.id
    held_until = reset_hold_after_email_change(
        utcnow(), own=own, by_administrator=by.can(Permission.MANAGE_MODULE_LEVELS)
    ) if account.email.strip().lower() != user.email.lower() else None
    if held_until is not None:
        user.password_reset_held_until = held_until
    _apply_account(user, account, checked)
    if user.active and not active:
        revoke_user_sessions(user)
    user.active = active
    if photo is not None:
        keep_photo(user, by, photo)
    after = _account_state(user)
    if after != before:
        record_audit(by, "user.edit_account", user, f"Edited the account info of {user.full_name}",
                     before={k: v for k, v in before.items() if after[k] != v},
                     after={k: v for k, v in after.items() if before[k] != v})
    tell_old_address(user, by, old_email, old_username, held_until)
    _commit_account()
    return user


def create_person(by: User, account: AccountInput, *, roles: dict[int, date | None] | None = None,
                  photo: bytes | None = None, day: date, invite: bool = True) -> User:
    """Add a person with the checks of Edit Account Info, their roles (each with the date their
    training ends, or None), and a photo; then e-mail them an invitation to choose a password, unless
    `invite` is off. Raises AccountInvalid, writing nothing, when any of it is refused.

    Nobody types or sees the person's password: the invitation's link is made as the mail is sent.
    """
    errors: dict[str, str] = {}
    checked = _check_account(None, by, account, errors)
    roles = roles or {}
    found_roles = list(db.session.scalars(select(CertificationRole).where(CertificationRole.id.in_(roles))))
    if len(found_roles) != len(roles):
        errors["roles"] = _("Choose existing roles.")
    for role_id, until in roles.items():
        if until is not None and until <= day:
            errors[f"training_until_{role_id}"] = _("The training end date must be after today (%(day)s).", day=format_date(day))
    photo = _photo_bytes(photo, errors)
    if errors:
        raise AccountInvalid(errors)
    user = create_user(username=account.username.strip(), email=account.email, first_name=account.first_name.strip(),
                       last_name=account.last_name.strip(), password_hash=unusable_password_hash())
    _apply_account(user, account, checked)
    if checked.levels is None:
        user.module_levels = list(db.session.scalars(
            select(ModuleLevel).where(ModuleLevel.built_in.is_(True), ModuleLevel.name == "Employee")))
    db.session.add_all(RoleAssignment(user=user, role=role, training_until=roles[role.id]) for role in found_roles)
    db.session.flush()
    if photo is not None:
        keep_photo(user, by, photo)
    record_audit(by, "user.create", user, f"Added {user.full_name}", after={
        **_account_state(user), "roles": sorted(role.name for role in found_roles), "photo": photo is not None})
    if invite:
        queue_invitation(user, by)
    queue_activity_notices([user.id], day)
    _commit_account()
    return user


def queue_invitation(user: User, by: User) -> None:
    mail = render_mail("invitation", _l("You are invited to FieldCert"), to=user, user=user, by=by, days=INVITATION_DAYS,
                       link=SECRET_LINK)
    queue_email("invitation", user, mail, user=user)
    user.invited_at = utcnow()
    record_audit(by, "user.invite", user, f"Invited {user.full_name} to choose a password")


def invite_person(user: User, by: User) -> None:
    """E-mail `user` a new invitation to choose a password (valid INVITATION_DAYS days, working once).

    Raises AccountInvalid for an inactive or erased person, who cannot sign in.
    """
    if not user.active:
        raise AccountInvalid({"invite": _("%(full_name)s is inactive: reactivate them first.", full_name=user.full_name)})
    queue_invitation(user, by)
    db.session.commit()


def deactivate_person(user: User, by: User) -> int:
    """Deactivate `user`: they cannot sign in, their sessions end, and they leave the active lists;
    their records stay in history and in reports that include inactive people. How many sessions ended."""
    if user.id == by.id:
        raise AccountInvalid({"active": _(REFUSED["own_active"])})
    if not user.active:
        return 0
    user.active = False
    ended = revoke_user_sessions(user)
    record_audit(by, "user.deactivate", user, f"Deactivated {user.full_name}",
                 before={"active": True}, after={"active": False, "sessions_ended": ended})
    db.session.commit()
    return ended


def reactivate_person(user: User, by: User) -> None:
    """Let `user` sign in again. Raises AccountInvalid for an erased person, whose account is gone."""
    if user.erased_at is not None:
        raise AccountInvalid({"active": _("This former employee's personal data was erased: add them again instead.")})
    if user.active:
        return
    user.active = True
    record_audit(by, "user.reactivate", user, f"Reactivated {user.full_name}", before={"active": False},
                 after={"active": True})
    db.session.commit()


FORMER_EMPLOYEE = "Former employee"


def erase_person(user: User, by: User, confirmation: str) -> None:
    """Erase `user`'s personal data on their request: name, username, e-mail, phone, employee number,
    job title, photo, supervisors, module levels, sessions, push subscriptions and mail still queued for them go; the account stays, inactive, as a
    "former employee" so the records the organisation must keep still have their holder. The erasure
    is recorded in the audit trail, which only ever grows: its older entries are left as they were.

    `confirmation` must be the person's username, typed. Raises AccountInvalid otherwise, or for
    oneself, changing nothing.
    """
    if user.id == by.id:
        raise AccountInvalid({"confirmation": _("You cannot erase your own account.")})
    if user.erased_at is not None:
        raise AccountInvalid({"confirmation": _("This person's personal data is already erased.")})
    if (confirmation or "").strip() != user.username:
        raise AccountInvalid({"confirmation": _("Type the username %(username)s to confirm the erasure.", username=user.username)})
    former = f"{FORMER_EMPLOYEE} {user.id}"
    revoke_user_sessions(user)
    forget_push_subscriptions(user)
    # Mail not yet sent would still go to the address being erased.
    db.session.execute(delete(Notice).where(Notice.recipient_user_id == user.id, Notice.status == "queued"))
    user.first_name, user.last_name = FORMER_EMPLOYEE, str(user.id)
    user.username, user.email = f"erased-{user.id}", f"erased-{user.id}@erased.invalid"
    user.phone = user.employee_number = user.job_title = None
    user.photo = None
    user.supervisors, user.supervised, user.module_levels = [], [], []
    user.password_hash = unusable_password_hash()
    user.qr_token, user.calendar_token = new_token(), new_token()
    user.active = False
    user.erased_at = utcnow()
    record_audit(by, "user.erase", user, f"Erased the personal data of {former} on request")
    db.session.commit()


def create_administrator(*, username: str, email: str, first_name: str, last_name: str,
                         password: str | None = None) -> User:
    """A first administrator for an empty instance (`flask create-admin`): every built-in module level,
    with `password`, or none anyone knows (then they choose one through an invitation link).

    Raises AccountInvalid, writing nothing, for a taken username or e-mail address or a weak password.
    """
    errors: dict[str, str] = {}
    if not username.strip() or not first_name.strip() or not last_name.strip():
        errors["username"] = _("Give a username, a first name and a last name.")
    if _taken(User.username, username.strip(), None):
        errors["username"] = _("Another user already has this username.")
    if _taken(User.email, email.strip(), None):
        errors["email"] = _("Another user already has this e-mail address.")
    if password is not None and (problem := password_problem(password)):
        errors["password"] = translated(problem)
    if errors:
        raise AccountInvalid(errors)
    levels = ensure_built_in_module_levels()
    user = create_user(username=username.strip(), email=email.strip(), first_name=first_name.strip(),
                       last_name=last_name.strip(),
                       password_hash=hash_password(password) if password is not None else unusable_password_hash())
    user.module_levels = list(levels.values())
    db.session.flush()
    record_audit(None, "user.create", user, f"Added {user.full_name} as an administrator from the command line",
                 after=_account_state(user))
    _commit_account()
    return user


def sign_in_history(user: User, limit: int = 50) -> list[AuditEntry]:
    """`user`'s latest sign-ins and failed sign-ins, newest first, with address and time."""
    return list(db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "User", AuditEntry.entity_id == str(user.id),
               AuditEntry.action.in_(("user.sign_in", "user.sign_in_failed")))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ))


def edit_own_profile(user: User, *, first_name: str, last_name: str, phone: str | None,
                     photo: bytes | None = None, time_zone: str | None = None, language: str | None = None) -> User:
    """My Account: the person changes their own name, phone, (if given) photo, the time zone moments are
    shown to them in ('' or None: the organisation's) and their language ('' for automatic). Raises
    AccountInvalid, changing nothing, for a photo that is not an image, an unknown zone or language."""
    errors: dict[str, str] = {}
    photo = _photo_bytes(photo, errors)
    try:
        time_zone = check_time_zone(time_zone, known_time_zones(), blank_allowed=True)
    except ValueError as refusal:
        errors["time_zone"] = str(refusal)
    language = user.language if language is None else language
    try:
        check_language(language)
    except ValueError:
        errors["language"] = _("Choose a language from the list.")
    if errors:
        raise AccountInvalid(errors)
    before = {"first_name": user.first_name, "last_name": user.last_name, "phone": user.phone,
              "time_zone": user.time_zone, "language": user.language}
    user.first_name, user.last_name, user.phone = first_name.strip(), last_name.strip(), _blank_to_none(phone)
    user.time_zone, user.language = time_zone, language
    after = {"first_name": user.first_name, "last_name": user.last_name, "phone": user.phone,
             "time_zone": user.time_zone, "language": user.language}
    if photo is not None:
        keep_photo(user, user, photo)
    if after != before:
        record_audit(user, "user.edit_profile", user, f"{user.full_name} edited their profile",
                     before={k: v for k, v in before.items() if after[k] != v},
                     after={k: v for k, v in after.items() if before[k] != v})
    db.session.commit()
    return user
