"""Accounts: passwords, signing in, resetting a forgotten password, and revoking sessions."""
from flask import current_app
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.models import User, utcnow
from webapp.services.audit import record_audit
from webapp.rules.accounts import reset_held
from webapp.services.mail import SECRET_LINK, queue_email, render_mail

# Checked against when the user is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt, werkzeug's default


def _user_signing_in_as(identifier: str) -> User | None:
    """The user whose username or e-mail is `identifier`, in any case."""
    identifier = identifier.strip().lower()
    return db.session.scalar(
        select(User).where(or_(func.lower(User.username) == identifier, func.lower(User.email) == identifier))
    )


def account_key(identifier: str) -> str:
    """What sign-in and reset limits count against: the account `identifier` names, whether by
    username or e-mail, or else the identifier itself (so unknown names are limited alike)."""
    user = _user_signing_in_as(identifier)
    return f"user {user.id}" if user is not None else f"name {identifier.strip().lower()}"


def authenticate_user(identifier: str, password: str) -> User | None:
    """The active user with that username or e-mail and password, else None."""
    user = _user_signing_in_as(identifier)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def revoke_sessions(user: User) -> None:
    """Sign the user out on every device."""
    user.session_version += 1
    db.session.commit()


def request_password_reset(identifier: str) -> None:
    """E-mail a reset link to the active account with that username or e-mail, if there is one.

    Says nothing either way, so nobody learns which accounts exist; sends nothing either while
    resets are held after someone else changed the account's e-mail address.
    """
    user = _user_signing_in_as(identifier)
    if user is None or not user.active or reset_held(user.password_reset_held_until, utcnow()):
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    # The link itself is made as the mail is sent, so nobody reads it in the outbox.
    mail = render_mail("password_reset", "Reset your FieldCert password", user=user, hours=hours, link=SECRET_LINK)
    queue_email("password_reset", user, mail, user=user)
    db.session.commit()


def reset_password(user: User, password: str) -> None:
    """Set the new password and sign the user out everywhere (whoever had the old one too)."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    record_audit(user, "user.password_reset", user, f"{user.full_name} reset their password")
    db.session.commit()
