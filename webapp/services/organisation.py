"""Setting up an organisation: built-in module levels and people."""
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ModuleLevel, User
from webapp.permissions import BUILT_IN_LEVELS


def ensure_built_in_module_levels() -> dict[str, ModuleLevel]:
    """Create the Employee, Supervisor and Administrator levels if missing; return all three."""
    existing = {level.name: level for level in db.session.scalars(select(ModuleLevel).where(ModuleLevel.built_in))}
    for name, permissions in BUILT_IN_LEVELS.items():
        if name not in existing:
            level = ModuleLevel(name=name, built_in=True)
            level.permissions = permissions
            db.session.add(level)
            existing[name] = level
    db.session.flush()
    return existing


def create_user(*, username: str, email: str, first_name: str, last_name: str, password_hash: str, **fields) -> User:
    """A new user; the caller hashes the password (with accounts.hash_password) once."""
    user = User(
        username=username,
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        password_hash=password_hash,
        **fields,
    )
    db.session.add(user)
    return user
