"""Password reset and invitation links: signed, expiring, and void once the password changes.

Apart from accounts so the outbox can mint a link while it sends the mail: the stored mail never
holds one (see services.mail.SECRET_LINK).
"""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webapp.extensions import db
from webapp.models import User, utcnow
from webapp.rules.accounts import reset_held


# An invitation waits for a week-end and a holiday; a reset is asked for by someone waiting for it.
INVITATION_DAYS = 7


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _invitation_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="invitation")


def _password_fingerprint(user: User) -> str:
    # In the token so it works once: setting a new password changes the hash and voids it.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"user": user.id, "password": _password_fingerprint(user)})


def make_invitation_token(user: User) -> str:
    return _invitation_serializer().dumps({"user": user.id, "password": _password_fingerprint(user)})


def _user_for(serializer: URLSafeTimedSerializer, token: str, max_age: int) -> User | None:
    """The active user a genuine, unexpired token names, while their password is the one it was made for."""
    try:
        payload = serializer.loads(token, max_age=max_age)
    except BadSignature:
        return None
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.active or payload.get("password") != _password_fingerprint(user):
        return None
    return user


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link is for, if it is genuine, unexpired and unused, and resets are not held."""
    user = _user_for(_reset_serializer(), token, current_app.config["PASSWORD_RESET_HOURS"] * 3600)
    if user is None or reset_held(user.password_reset_held_until, utcnow()):
        return None
    return user


def user_for_invitation_token(token: str) -> User | None:
    """The person an invitation link is for, if it is genuine, under INVITATION_DAYS old and unused."""
    return _user_for(_invitation_serializer(), token, INVITATION_DAYS * 86400)
