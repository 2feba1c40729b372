"""Module levels: named permission sets; create, edit, delete and assign them to users.

Built-in levels (Employee, Supervisor, Administrator) are fixed: they can be assigned
but not edited or deleted, so an organisation can never lose its administrators' rights
by accident.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import ModuleLevel, User
from webapp.permissions import Permission
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.services.known import check_known
from webapp.services.names import name_taken, name_too_long, saving_unique_name


class ModuleLevelInvalid(Invalid):
    """Module level input refused."""


def list_module_levels() -> list[ModuleLevel]:
    return list(db.session.scalars(select(ModuleLevel).order_by(ModuleLevel.built_in.desc(), func.lower(ModuleLevel.name))))


def get_module_level(level_id: int) -> ModuleLevel | None:
    return db.session.get(ModuleLevel, level_id)


LEVEL_NAME_TAKEN = _l("Another module level already has this name.")


def _check(name: str | None, level: ModuleLevel | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ModuleLevelInvalid({"name": gettext("Enter the module level name.")})
    if too_long := name_too_long(ModuleLevel, name):
        raise ModuleLevelInvalid({"name": too_long})
    if name_taken(ModuleLevel, name, level.id if level else None):
        raise ModuleLevelInvalid({"name": LEVEL_NAME_TAKEN})
    return name


def _state(level: ModuleLevel) -> dict:
    return {"name": level.name, "permissions": sorted(p.value for p in level.permissions)}


def create_module_level(actor: User, name: str, permissions) -> ModuleLevel:
    level = ModuleLevel(name=_check(name, None), built_in=False)
    with saving_unique_name(ModuleLevel, level.name, None, ModuleLevelInvalid, LEVEL_NAME_TAKEN):
        level.permissions = {Permission(p) for p in permissions}
        db.session.add(level)
        db.session.flush()
        record_audit(actor, "module_level.create", level, f"Created module level {level.name}", after=_state(level))
        db.session.commit()
    return level


def update_module_level(actor: User, level: ModuleLevel, name: str, permissions) -> ModuleLevel:
    if level.built_in:
        raise ModuleLevelInvalid({"name": gettext("Built-in module levels cannot be changed.")})
    before = _state(level)
    level.name = _check(name, level)
    with saving_unique_name(ModuleLevel, level.name, level.id, ModuleLevelInvalid, LEVEL_NAME_TAKEN):
        level.permissions = {Permission(p) for p in permissions}
        record_audit(actor, "module_level.update", level, f"Edited module level {level.name}", before=before,
                     after=_state(level))
        db.session.commit()
    return level


def count_level_users(level: ModuleLevel) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.module_levels.any(ModuleLevel.id == level.id)))


def delete_module_level(actor: User, level: ModuleLevel) -> None:
    if level.built_in:
        raise ModuleLevelInvalid({"name": gettext("Built-in module levels cannot be deleted.")})
    record_audit(actor, "module_level.delete", level, f"Deleted module level {level.name}", before=_state(level))
    db.session.delete(level)
    db.session.commit()


def users_with_levels() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.active).options(selectinload(User.module_levels))
        .order_by(func.lower(User.last_name), func.lower(User.first_name))
    ))


def assign_module_levels(actor: User, assignments: dict[int, set[int]]) -> None:
    """Set each listed user's module levels ({user id: level ids}); users not listed are untouched."""
    levels = {level.id: level for level in list_module_levels()}
    errors: dict[str, str] = {}
    check_known(errors, "levels", ModuleLevel, {i for wanted in assignments.values() for i in wanted}, "module level")
    if errors:
        raise ModuleLevelInvalid(errors)
    users = {user.id: user for user in users_with_levels() if user.id in assignments}
    own = assignments.get(actor.id)
    if own is not None and not any(Permission.MANAGE_MODULE_LEVELS in levels[i].permissions for i in own if i in levels):
        raise ModuleLevelInvalid({"levels": gettext("You cannot remove your own right to manage module levels.")})
    for user_id, user in users.items():
        wanted = [levels[i] for i in sorted(assignments[user_id]) if i in levels]
        before = sorted(level.name for level in user.module_levels)
        after = sorted(level.name for level in wanted)
        if before != after:
            user.module_levels = wanted
            record_audit(actor, "user.module_levels", user, f"Changed the module levels of {user.full_name}",
                         before={"levels": before}, after={"levels": after})
    db.session.commit()
