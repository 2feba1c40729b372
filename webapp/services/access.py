"""Whom a person may act on: the supervised-users and all-users permissions, applied to records."""
from collections.abc import Iterable

from sqlalchemy import Select, exists, false, func, select

from webapp.extensions import db
from webapp.models import Submission, User
from webapp.models.people import supervisor_links
from webapp.permissions import ACTIONS_ON_PEOPLE, Permission
from webapp.services.invalid import Invalid
from webapp.services.privacy import hidden_certifications


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


def _approves_own_or_other(actor: User, user_id: int) -> bool:
    """Nobody approves their own submissions without the permission to."""
    return user_id != actor.id or actor.can(Permission.APPROVE_OWN_SUBMISSIONS)


def may_approve_for(actor: User, user: User) -> bool:
    """Whether `actor` may approve `user`'s submissions: someone in reach, themselves only with the permission."""
    return _approves_own_or_other(actor, user.id) and may_act_on(actor, user, "approve")


def ids_in_reach(actor: User, action: str, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` `actor` may do `action` to, in one query (may_act_on for many people)."""
    return set(db.session.scalars(users_in_reach(actor, action).where(User.id.in_(list(user_ids))).with_only_columns(User.id)))


def out_of_reach(actor: User, action: str, users: Iterable[User]) -> list[User]:
    """Those of `users` `actor` may not do `action` to, in one query (for refusals that name them)."""
    users = list(users)
    allowed = ids_in_reach(actor, action, (user.id for user in users))
    return [user for user in users if user.id not in allowed]


def names_of(users: Iterable[User]) -> str:
    """People named in a refusal: "Ann Lee, Bob Ray"."""
    return ", ".join(user.full_name for user in users)


def approvable_ids(actor: User, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` whose submissions `actor` may approve, in one query (may_approve_for for many)."""
    return {user_id for user_id in ids_in_reach(actor, "approve", user_ids) if _approves_own_or_other(actor, user_id)}


def ids_managed_by(actor: User) -> Select:
    """The ids of the users whose requirements (roles, direct requirements) `actor` may manage."""
    return users_in_reach(actor, "manage_requirements").with_only_columns(User.id)


def change_within_reach(before: set[int], chosen: set[int], in_reach: set[int]) -> set[int]:
    """Who a list holds after an edit by someone who reaches only `in_reach`: their choice among
    those, and everyone out of their reach as before. Raises Invalid (field "user_ids") when
    `chosen` names anyone else: a forged or stale id is refused, not silently dropped."""
    if chosen - in_reach:
        raise Invalid({"user_ids": "Some of the chosen users are not among the people you manage (or no longer"
                                   " exist): reload the page and choose again. Nothing was saved."})
    return chosen | (before - in_reach)


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
    unless a permission allows it, nor one of a certification privacy hides from them."""
    query = select(Submission).where(Submission.certification_id.not_in(hidden_certifications(actor)))
    # Everyone's submissions need no list of everyone (at 10,000 people, half the administrator's home page).
    if not reaches_everyone(actor, "approve"):
        query = query.where(Submission.user_id.in_(users_in_reach(actor, "approve").with_only_columns(User.id)))
    if pending_only:
        query = query.where(Submission.status == "pending")
    if not actor.can(Permission.APPROVE_OWN_SUBMISSIONS):
        query = query.where(Submission.user_id != actor.id)
    return query


def count_approvable_submissions(actor: User) -> int:
    # Counted from the pending submissions' index alone (certification, user): no row is read.
    return db.session.scalar(approvable_submissions(actor).with_only_columns(func.count()))
