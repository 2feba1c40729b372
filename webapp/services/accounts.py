"""Accounts: passwords, signing in, and changing or resetting a password."""
import secrets

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.i18n import translated
from webapp.models import User, utcnow
from webapp.permissions import Permission
from webapp.rules.accounts import reset_held
from webapp.rules.passwords import password_problem
from webapp.rules.single_sign_on import password_sign_in_allowed
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.services.mail import SECRET_LINK, queue_email, render_mail
from webapp.services.sessions import revoke_user_sessions

# Checked against when the user is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


# Marks a password hash no password matches (decision 51): werkzeug's hashes start with their method.
UNUSABLE_PREFIX = "!"


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt, werkzeug's default


def unusable_password_hash() -> str:
    """A stored "hash" no password matches, made in microseconds (an import makes thousands): the person
    chooses their password through an invitation, which replaces it. Unique per person, so the
    invitation's fingerprint of it (services.reset_tokens) differs from one person to the next."""
    return UNUSABLE_PREFIX + secrets.token_urlsafe(32)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether `password` is the one `password_hash` was made from; never for an unusable hash, which
    takes as long to refuse as a wrong password, so timing tells nobody the account has none yet."""
    if password_hash.startswith(UNUSABLE_PREFIX):
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


def _user_signing_in_as(identifier: str) -> User | None:
    """The user whose username or e-mail is `identifier`, in any case."""
    identifier = identifier.strip().lower()
    return db.session.scalar(
        select(User).where(or_(func.lower(User.username) == identifier, func.lower(User.email) == identifier))
    )


class PasswordSignInOff(Exception):
    """The password was right, but this account signs in only through single sign-on (decision 28)."""


class PasswordRefused(Invalid):
    """A password change or reset is refused (wrong current password, short or common new one)."""


def account_key(identifier: str) -> str:
    """What sign-in and reset limits count against: the account `identifier` names, whether by
    username or e-mail, or else the identifier itself (so unknown names are limited alike)."""
    user = _user_signing_in_as(identifier)
    return f"user {user.id}" if user is not None else f"name {identifier.strip().lower()}"


def authenticate_user(identifier: str, password: str) -> User | None:
    """The active user with that username or e-mail and password, else None; the audit log keeps either outcome.

    Raises PasswordSignInOff for the right password of an account that must use single sign-on.
    """
    user = _user_signing_in_as(identifier)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        # The typed identifier is not kept: people type their password into it by mistake.
        record_audit(None, "user.sign_in_failed", None, "Failed sign-in for an unknown account")
    elif not password_matches(user.password_hash, password) or not user.active:
        record_audit(None, "user.sign_in_failed", user, f"Failed sign-in as {user.username}")
        user = None
    elif not password_sign_in_allowed(current_app.config["PASSWORD_SIGN_IN"],
                                      administrator=user.can(Permission.MANAGE_MODULE_LEVELS)):
        record_audit(None, "user.sign_in_failed", user, f"Refused password sign-in as {user.username}",
                     after={"method": "password", "reason": "password sign-in is off for this account"})
        db.session.commit()
        raise PasswordSignInOff()
    else:
        record_audit(user, "user.sign_in", user, f"{user.full_name} signed in", after={"method": "password"})
    db.session.commit()
    return user




def request_password_reset(identifier: str) -> None:
    """E-mail a reset link to the active account with that username or e-mail, if there is one.

    Says nothing either way, so nobody learns which accounts exist; sends nothing either while
    resets are held after someone else changed the account's e-mail address. Does the same work
    either way (ASVS 6.3.8): the mail is rendered for a stand-in that is never stored, so only the
    outbox row itself is missing from the unknown case's time. The link itself is made as the mail
    is sent (services.mail.SECRET_LINK), so nobody reads it in the outbox.
    """
    user = _user_signing_in_as(identifier)
    wanted = user is not None and user.active and not reset_held(user.password_reset_held_until, utcnow())
    addressee = user if wanted else User(id=0, username=identifier, first_name="", last_name="",
                                         email="", password_hash=_DUMMY_HASH)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    mail = render_mail("password_reset", _l("Reset your FieldCert password"), to=addressee, user=addressee, hours=hours,
                       link=SECRET_LINK)
    if wanted:
        queue_email("password_reset", user, mail, user=user)
    db.session.commit()


def _set_password(user: User, password: str, action: str, summary: str) -> None:
    if problem := password_problem(password):
        raise PasswordRefused({"password": translated(problem)})
    user.password_hash = hash_password(password)
    ended = revoke_user_sessions(user)
    record_audit(user, action, user, summary, after={"sessions_ended": ended})
    db.session.commit()


def reset_password(user: User, password: str) -> None:
    """Set the new password and sign the user out everywhere (whoever had the old one too).

    Raises PasswordRefused, changing nothing, for a short or common password.
    """
    _set_password(user, password, "user.password_reset", f"{user.full_name} reset their password")


def accept_invitation(user: User, password: str) -> None:
    """The invited person chooses their password; the invitation's link stops working (it was made
    for the password the account had). Raises PasswordRefused, changing nothing, for a short or common one."""
    _set_password(user, password, "user.invitation_accepted", f"{user.full_name} accepted the invitation")


def change_password(user: User, current_password: str, new_password: str) -> int:
    """Change the signed-in user's password and end their other sessions (the current one,
    `user.session_key`, stays); how many ended.

    Raises PasswordRefused, changing nothing, when the current password is wrong or the new one
    is short or common.
    """
    errors = {}
    if not password_matches(user.password_hash, current_password):
        errors["current"] = _("This is not your current password.")
    if problem := password_problem(new_password):
        errors["password"] = translated(problem)
    if errors:
        raise PasswordRefused(errors)
    user.password_hash = hash_password(new_password)
    ended = revoke_user_sessions(user, keep=user.session_key)
    record_audit(user, "user.password_changed", user, f"{user.full_name} changed their password",
                 after={"sessions_ended": ended})
    db.session.commit()
    return ended
