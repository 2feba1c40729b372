"""Whom a person may act on: the supervised-users and all-users permissions, applied to records."""
from sqlalchemy import Select, exists, false, func, select

from webapp.extensions import db
from webapp.models import Submission, User
from webapp.models.people import supervisor_links
from webapp.permissions import ACTIONS_ON_PEOPLE, Permission


def supervises(supervisor: User, user: User) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    supervisor_links.c.supervisor_id == supervisor.id, supervisor_links.c.user_id == user.id
                )
            )
        )
    )


def may_act_on(actor: User, target: User, action: str) -> bool:
    """Whether `actor` may do `action` (a key of ACTIONS_ON_PEOPLE) to `target`."""
    for_supervised, for_everyone = ACTIONS_ON_PEOPLE[action]
    if actor.can(for_everyone):
        return True
    return actor.can(for_supervised) and supervises(actor, target)


def may_approve_for(actor: User, user: User) -> bool:
    """Whether `actor` may approve `user`'s submissions: someone in reach, themselves only with the permission."""
    if user.id == actor.id and not actor.can(Permission.APPROVE_OWN_SUBMISSIONS):
        return False
    return may_act_on(actor, user, "approve")


def reaches_everyone(actor: User, action: str = "view") -> bool:
    """Whether `actor` may do `action` to every user, not only those they supervise."""
    return actor.can(ACTIONS_ON_PEOPLE[action][1])


def users_in_reach(actor: User, action: str = "view") -> Select:
    """A query for the users `actor` may do `action` to."""
    for_supervised, _ = ACTIONS_ON_PEOPLE[action]
    query = select(User)
    if reaches_everyone(actor, action):
        return query
    if actor.can(for_supervised):
        return query.where(
            User.id.in_(select(supervisor_links.c.user_id).where(supervisor_links.c.supervisor_id == actor.id))
        )
    return query.where(false())


def approvable_submissions(actor: User, *, pending_only: bool = True) -> Select:
    """Submissions (pending ones unless told otherwise) `actor` may approve; never their own
    unless a permission allows it."""
    query = select(Submission).where(
        Submission.user_id.in_(users_in_reach(actor, "approve").with_only_columns(User.id)),
    )
    if pending_only:
        query = query.where(Submission.status == "pending")
    if not actor.can(Permission.APPROVE_OWN_SUBMISSIONS):
        query = query.where(Submission.user_id != actor.id)
    return query


def count_approvable_submissions(actor: User) -> int:
    return db.session.scalar(select(func.count()).select_from(approvable_submissions(actor).subquery()))
