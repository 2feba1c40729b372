"""Person requirements in and out: each person's Other Required Certifications and their requirement settings
(not applicable, deferred until a date, required and cannot be deferred), one row per person and
certification (docs/rules.md, decision 62). With the people, certifications, assignments and records files,
they move an organisation whole: a role's requirements come from the assignments, a person's own from here.

An import adds and changes, never removes: a person's setting is replaced by the row's, a blank State leaves
the setting as it is.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import delete, insert, select

from webapp.extensions import db
from webapp.models import Certification, DirectRequirement, RequirementSetting, User
from webapp.permissions import Permission
from webapp.rules.cells import read_yes_no
from webapp.rules.import_errors import (
    CERTIFICATION_MISSING,
    DEFERRAL_DATE,
    NO_CERTIFICATION_NAMED,
    NOBODY_MANAGED,
    NOT_A_STATE,
    PERSON_MISSING,
    REQUIREMENT_TWICE,
)
from webapp.rules.import_previews import BECOMES_OTHER_REQUIRED, SETTING
from webapp.rules.languages import N_
from webapp.rules.messages import message
from webapp.rules.periods import format_date
from webapp.services.access import users_in_reach
from webapp.services.dates import read_typed_date
from webapp.services.imports import ImportKind, ImportPlan, ImportRow, PlannedRow, Progress, RowError, row_error
from webapp.services.privacy import hidden_certification_ids

PERSON, CERTIFICATION, OTHER_REQUIRED, STATE, DEFERRED_UNTIL, NOTES = HEADERS = (
    "Username or E-mail", "Certification", "Other Required", "State", "Deferred Until", "Notes")
# The State column's words, and the stored state each stands for.
STATES = {"not applicable": "not_applicable", "deferred": "deferred", "cannot be deferred": "required"}
STATE_WORDS = {state: word.title() for word, state in STATES.items()}


def _people(by: User) -> dict[str, tuple[int, str]]:
    """The people `by` may manage requirements of, by username and by e-mail address in lower case."""
    people = {}
    for user_id, username, email in db.session.execute(
            users_in_reach(by, "manage_requirements").with_only_columns(User.id, User.username, User.email)):
        people[username.casefold()] = people[email.casefold()] = (user_id, username)
    return people


def plan_requirements(rows: list[ImportRow], by: User, day: date, progress: Progress) -> ImportPlan:
    """Check every row against the people and certifications `by` may see, in five queries. Writes nothing."""
    people = _people(by)
    hidden = hidden_certification_ids(by)
    certifications = {name.casefold(): (row_id, name) for row_id, name in
                      db.session.execute(select(Certification.id, Certification.name)) if row_id not in hidden}
    direct = {tuple(key) for key in db.session.execute(
        select(DirectRequirement.user_id, DirectRequirement.certification_id))}
    settings = {(s.user_id, s.certification_id): s for s in db.session.scalars(select(RequirementSetting))}
    plan, seen = ImportPlan(work=[]), {}
    for done, row in enumerate(rows, start=1):
        progress(done)
        errors = []
        person, certification = people.get(row[PERSON].casefold()), certifications.get(row[CERTIFICATION].casefold())
        if person is None:
            errors.append(row_error(row.line, PERSON, NOBODY_MANAGED, name=row[PERSON]) if row[PERSON]
                          else row_error(row.line, PERSON, PERSON_MISSING))
        if certification is None:
            errors.append(row_error(row.line, CERTIFICATION, NO_CERTIFICATION_NAMED, name=row[CERTIFICATION])
                          if row[CERTIFICATION] else row_error(row.line, CERTIFICATION, CERTIFICATION_MISSING))
        try:
            other_required = bool(read_yes_no(row[OTHER_REQUIRED]))
        except ValueError as refusal:
            errors.append(RowError(row.line, OTHER_REQUIRED, str(refusal)))
        state = STATES.get(row[STATE].strip().casefold()) if row[STATE].strip() else None
        if row[STATE].strip() and state is None:
            errors.append(row_error(row.line, STATE, NOT_A_STATE))
        until, refusal = read_typed_date(row[DEFERRED_UNTIL]) if row[DEFERRED_UNTIL] else (None, None)
        if refusal:
            errors.append(RowError(row.line, DEFERRED_UNTIL, refusal))
        elif (state == "deferred") != (until is not None):
            errors.append(row_error(row.line, DEFERRED_UNTIL, DEFERRAL_DATE))
        if person and certification:
            key = (person[0], certification[0])
            if key in seen:
                errors.append(row_error(row.line, CERTIFICATION, REQUIREMENT_TWICE, row=seen[key]))
            seen.setdefault(key, row.line)
        if errors:
            plan.errors.extend(errors)
            continue
        key = (person[0], certification[0])
        notes = row[NOTES] or None
        changes = []
        if other_required and key not in direct:
            changes.append(message(BECOMES_OTHER_REQUIRED).english())
        current = settings.get(key)
        setting = (state, until, notes) if state else None
        if setting and (current is None or (current.state, current.deferred_until, current.notes) != setting):
            changes.append(message(SETTING[state], **({"day": until} if until else {})).english())
        label = f"{person[1]}: {certification[1]}"
        plan.rows.append(PlannedRow(row.line, "update" if changes else "unchanged", label, tuple(changes)))
        if changes:
            plan.work.append((key, other_required and key not in direct, setting))
    return plan


def write_requirements(plan: ImportPlan, by: User, day: date) -> int:
    """Add the Other Required Certifications and replace the settings the plan changes (bulk statements)."""
    directs = [{"user_id": user_id, "certification_id": certification_id}
               for (user_id, certification_id), new_direct, _ in plan.work if new_direct]
    if directs:
        db.session.execute(insert(DirectRequirement), directs)
    changed = [(key, setting) for key, _, setting in plan.work if setting]
    for (user_id, certification_id), _ in changed:
        db.session.execute(delete(RequirementSetting).where(RequirementSetting.user_id == user_id,
                                                            RequirementSetting.certification_id == certification_id))
    if changed:
        db.session.execute(insert(RequirementSetting), [
            {"user_id": user_id, "certification_id": certification_id, "state": state, "deferred_until": until,
             "notes": notes, "updated_by_id": by.id}
            for (user_id, certification_id), (state, until, notes) in changed])
    return len(plan.work)


def export_requirements(by: User) -> Iterator[tuple]:
    """One row per person and certification with an Other Required Certification or a setting, for the
    people `by` may view and the certifications privacy lets them see."""
    hidden = hidden_certification_ids(by)
    people = dict(db.session.execute(users_in_reach(by, "view").with_only_columns(User.id, User.username)).all())
    names = dict(db.session.execute(select(Certification.id, Certification.name)).all())
    direct = {tuple(key) for key in db.session.execute(
        select(DirectRequirement.user_id, DirectRequirement.certification_id))}
    settings = {(s.user_id, s.certification_id): s for s in db.session.scalars(select(RequirementSetting))}
    for key in sorted(direct | set(settings), key=lambda k: (people.get(k[0], ""), names.get(k[1], ""))):
        if key[0] not in people or key[1] in hidden:
            continue
        setting = settings.get(key)
        yield (people[key[0]], names[key[1]], "Yes" if key in direct else "No",
               STATE_WORDS[setting.state] if setting else "",
               format_date(setting.deferred_until) if setting and setting.deferred_until else "",
               (setting.notes or "") if setting else "")


PERSON_REQUIREMENTS = ImportKind(
    name="person-requirements", title=N_("Person Requirements"), headers=HEADERS,
    permissions=frozenset({Permission.MANAGE_ALL_REQUIREMENTS, Permission.DEFER_ALL}),
    plan=plan_requirements, write=write_requirements, export_rows=export_requirements,
    column_help={
        PERSON: N_("The person's username or e-mail address (any case)."),
        CERTIFICATION: N_("The certification's name (any case)."),
        OTHER_REQUIRED: N_("Yes: required of the person whatever their roles (an Other Required Certification). "
                            "No or blank: only as their roles say. An import never removes one."),
        STATE: N_("Not Applicable, Deferred, Cannot Be Deferred, or blank to leave the person's setting as it is."),
        DEFERRED_UNTIL: N_("The day a deferral ends (MM/DD/YYYY or YYYY-MM-DD); only with Deferred."),
        NOTES: N_("The setting's notes (shown on the QR report)."),
    },
    description=N_("Each person's Other Required Certifications and their not applicable, deferred and "
                "cannot-be-deferred settings."),
    template_rows=(("emma", "First Aid", "Yes", "Deferred", "09/30/2026", "Course booked"),),
)
