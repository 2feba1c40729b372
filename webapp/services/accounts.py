"""Accounts: passwords, signing in, and revoking sessions."""
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.models import User, utcnow

# Checked against when the user is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt, werkzeug's default


def authenticate_user(identifier: str, password: str) -> User | None:
    """The active user with that username or e-mail and password, else None."""
    identifier = identifier.strip().lower()
    user = db.session.scalar(
        select(User).where(or_(func.lower(User.username) == identifier, func.lower(User.email) == identifier))
    )
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
