"""Accounts: passwords, signing in, resetting a forgotten password, and revoking sessions."""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.models import User, utcnow
from webapp.services.audit import record_audit
from webapp.services.mail import external_url, queue_email, render_mail

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


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # In the token so it works once: setting a new password changes the hash and voids it.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(identifier: str) -> None:
    """E-mail a reset link to the active account with that username or e-mail, if there is one.

    Says nothing either way, so nobody learns which accounts exist; and does the same work either
    way (ASVS 6.3.8): an unknown account gets its token signed and its mail rendered for a stand-in
    that is never stored, so only the outbox row itself is missing from the unknown case's time.
    """
    user = _user_signing_in_as(identifier)
    known = user is not None and user.active
    addressee = user if known else User(id=0, username=identifier, first_name="", last_name="",
                                        email="", password_hash=_DUMMY_HASH)
    token = _reset_serializer().dumps({"user": addressee.id, "password": _password_fingerprint(addressee)})
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    mail = render_mail("password_reset", "Reset your FieldCert password", user=addressee, hours=hours,
                       link=external_url("auth.reset_password", token=token))
    if known:
        queue_email("password_reset", user, mail, user=user)
    db.session.commit()


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link is for, if it is genuine, unexpired and unused."""
    try:
        payload = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_HOURS"] * 3600)
    except BadSignature:
        return None
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.active or payload.get("password") != _password_fingerprint(user):
        return None
    return user


def reset_password(user: User, password: str) -> None:
    """Set the new password and sign the user out everywhere (whoever had the old one too)."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    record_audit(user, "user.password_reset", user, f"{user.full_name} reset their password")
    db.session.commit()
