"""Bulk work on the people who must hold a certification (its Associated Users): e-mail them, mark
the requirement not applicable or defer it, record one completion for all.

Each action is all or nothing (docs/rules.md, "Bulk actions"): every chosen person is checked first
with the rule the one-by-one action applies, and when any is refused the refusal names each of them
and nothing is written. Only then do the one-by-one services do the work, so the rules are theirs.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l, ngettext
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import Certification, RequirementSetting, Submission, User
from webapp.services.access import ids_managed_by, names_of, out_of_reach
from webapp.services.compliance import required_to_hold
from webapp.services.dates import typed_date_format
from webapp.services.invalid import Invalid
from webapp.services.people import notify_user
from webapp.services.records import record_for_people
from webapp.services.requirements import LOCKED, requirement_state_refusals, set_requirement_state
from webapp.services.submissions import SubmissionError, record_date

NOTHING_CHANGED = _l("Nothing was changed.")
# What each bulk action needs of each chosen person, as in ACTIONS_ON_PEOPLE.
NEEDS = {"email": "view", "state": "defer", "record": "record"}


def chosen_people(certification: Certification, by: User, user_ids: Iterable[int]) -> list[User]:
    """The chosen people who must hold `certification` and whom `by` sees on its Associated Users, by name.

    Raises Invalid (field "user_ids") when none is chosen, or when some are no longer there (they no
    longer must hold it, or were deleted, or are not on `by`'s list): they are counted, never named.
    """
    user_ids = set(user_ids)
    if not user_ids:
        raise Invalid({"user_ids": f"{gettext('Select at least one person.')} {NOTHING_CHANGED}"})
    users = list(db.session.scalars(
        select(User)
        .where(User.id.in_(user_ids), User.id.in_(ids_managed_by(by)), required_to_hold(certification.id))
        .order_by(func.lower(User.last_name), func.lower(User.first_name), User.id)
    ))
    if gone := len(user_ids) - len(users):
        raise Invalid({"user_ids": ngettext(
            "%(num)d of the selected people no longer must hold %(name)s (or no longer exists): reload the page and"
            " select again. %(nothing_changed)s",
            "%(num)d of the selected people no longer must hold %(name)s (or no longer exist): reload the page and"
            " select again. %(nothing_changed)s", gone, name=certification.name, nothing_changed=NOTHING_CHANGED)})
    return users


def _refuse_out_of_reach(by: User, users: list[User], action: str, refusal: str) -> dict[str, str]:
    """`refusal` names the people out of `by`'s reach with %(names)s."""
    refused = out_of_reach(by, NEEDS[action], users)
    return {"user_ids": f"{refusal % {'names': names_of(refused)}} {NOTHING_CHANGED}"} if refused else {}


def notify_people(certification: Certification, by: User, users: list[User], message: str | None) -> int:
    """E-mail each of `users` a notice about `certification` with the same message (as Notify, one by one)."""
    if errors := _refuse_out_of_reach(by, users, "email", gettext("You may not e-mail %(names)s.")):
        raise Invalid(errors)
    for user in users:
        notify_user(user, by, message, certification)
    return len(users)


def set_requirement_states(certification: Certification, by: User, users: list[User], state: str, *,
                           deferred_until: date | None = None, notes: str | None = None, day: date) -> int:
    """Mark `certification` not applicable to each of `users`, or defer it for each until a date (with
    public notes), with the rules of the one-by-one Set Status: a requirement an administrator locked
    ("cannot be deferred") is refused, by name, to whoever may not lift the lock."""
    if state not in ("not_applicable", "deferred"):
        raise Invalid({"state": gettext("Choose Not Applicable or Defer.")})
    errors = _refuse_out_of_reach(by, users, "state",
                                  gettext("You may not defer or mark not applicable for %(names)s."))
    settings = {s.user_id: s for s in db.session.scalars(select(RequirementSetting).where(
        RequirementSetting.certification_id == certification.id, RequirementSetting.user_id.in_([u.id for u in users])))}
    locked = []
    for user in users:
        refusals = requirement_state_refusals(settings.get(user.id), by, state, deferred_until, day)
        if refusals.get("state") == [LOCKED]:
            locked.append(user)
        errors.update({field: messages[0] for field, messages in refusals.items() if field != "state"})
    if locked:
        errors["state"] = gettext("An administrator has set %(name)s as cannot be deferred for %(value)s.", name=certification.name, value=names_of(locked))
    if errors:
        raise Invalid(errors | {"user_ids": errors.get("user_ids", NOTHING_CHANGED)})
    for user in users:
        set_requirement_state(user, certification, by, state, deferred_until=deferred_until, notes=notes, day=day)
    return len(users)


def record_completion_for_people(certification: Certification, by: User, users: list[User], completed_on: date | None,
                                 files: Iterable[FileStorage] = (), idempotency_key: str | None = None) -> list[Submission]:
    """One record of the same completion for each of `users`, all stored or none (as Batch Submit)."""
    if record_date(certification, completed_on) is None:
        raise Invalid({"completed_on": gettext("Enter the completion date (%(format)s).", format=typed_date_format())})
    try:
        return record_for_people(certification, by, completed_on, users, files, idempotency_key)
    except SubmissionError as error:
        raise Invalid({("user_ids" if field == "users" else field): " ".join(messages)
                       for field, messages in error.errors.items()}) from None
