"""Password reset links: signed, expiring, and void once the password changes.

Apart from accounts so the outbox can mint a link while it sends a reset mail: the stored mail
never holds one (see services.mail.SECRET_LINK).
"""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webapp.extensions import db
from webapp.models import User, utcnow
from webapp.rules.accounts import reset_held


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # In the token so it works once: setting a new password changes the hash and voids it.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"user": user.id, "password": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link is for, if it is genuine, unexpired and unused, and resets are not held."""
    try:
        payload = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_HOURS"] * 3600)
    except BadSignature:
        return None
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.active or payload.get("password") != _password_fingerprint(user):
        return None
    if reset_held(user.password_reset_held_until, utcnow()):
        return None
    return user
