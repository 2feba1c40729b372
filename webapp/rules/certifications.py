"""A certification's own rules, the same for its form and its import: what a name may be, how parents
and children may link, and what one setting implies for the others."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from typing import Hashable

from webapp.rules.cells import NOT_ONE_LINE
from webapp.rules.languages import N_
from webapp.rules.messages import message
from webapp.rules.required_forms import chosen_forms

FORBIDDEN_NAME_CHARACTERS = ";<>\\/"

# Message ids: the import stores their English, read back where shown (decision 111's `IMPORT_ERRORS`).
BOTH_PARENT_AND_CHILDREN = N_("A certification can have a parent or children, not both.")
OWN_PARENT = N_("A certification cannot be its own parent or child.")
PARENT_IS_A_CHILD = N_("This certification is itself a child; choose a certification without a parent.")
CHILD_TAKEN = N_("A child must not already have another parent or children of its own.")
NAME_MISSING = N_("Enter the certification name.")
NAME_FORBIDDEN = N_("The name cannot contain the characters ; < > \\ /")
NAME_NOT_ONE_LINE = N_("Write the certification name on one line, without line breaks or tabs.")
NAME_TOO_LONG = N_("Keep the name to %(limit)s characters or fewer.")
TYPE_FIXED = N_("The type cannot change: this certification already has records or associations.")
NAME_PROBLEMS = (NAME_MISSING, NAME_FORBIDDEN, NAME_NOT_ONE_LINE, NAME_TOO_LONG)
FAMILY_PROBLEMS = (BOTH_PARENT_AND_CHILDREN, OWN_PARENT, PARENT_IS_A_CHILD, CHILD_TAKEN)

# Settings that mean something only for a certification that expires (decision 3).
_EXPIRING_ONLY_PREFIXES = ("duration", "first_notice", "second_notice", "existing_", "refresher_")
_EXPIRING_ONLY = ("extend_to", "forced_expiration")


def name_problem(name: str, limit: int) -> str | None:
    """Why `name` (trimmed) cannot name a certification, or None. Uniqueness needs the data: not here."""
    if not name:
        return NAME_MISSING
    if any(character in name for character in FORBIDDEN_NAME_CHARACTERS):
        return NAME_FORBIDDEN
    if NOT_ONE_LINE.search(name):
        return NAME_NOT_ONE_LINE
    if len(name) > limit:
        return message(NAME_TOO_LONG, limit=limit).english()
    return None


def family_problems(own: Hashable | None, parent: Hashable | None, children: Collection[Hashable],
                    parent_of: Mapping[Hashable, Hashable | None],
                    parents: Collection[Hashable] | None = None) -> dict[str, str]:
    """Why `own` cannot have `parent` and `children`, by field ("parent_id", "child_ids"); empty when it can.

    A certification has a parent or children, never both; a parent has no parent itself, a child no
    other parent and no children. `parent_of` gives every other certification's parent (None: none),
    by the same keys (ids, or names for an import); `own`'s own entries there are replaced by these.
    `parents`, the keys that are a parent in `parent_of`, saves computing them again for each of many calls.
    """
    if parent is not None and children:
        return {"parent_id": BOTH_PARENT_AND_CHILDREN}
    if own is not None and (parent == own or own in children):
        return {"parent_id" if parent == own else "child_ids": OWN_PARENT}
    errors = {}
    if parent is not None and parent_of.get(parent) is not None:
        errors["parent_id"] = PARENT_IS_A_CHILD
    if children:
        has_children = set(parent_of.values()) if parents is None else parents
        if any(parent_of.get(child) not in (None, own) or child in has_children for child in children):
            errors["child_ids"] = CHILD_TAKEN
    return errors


@lru_cache(maxsize=8)
def _column_groups(columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The expiring-only settings, the refresher's, and the (amount, unit) pairs among `columns`."""
    return (tuple(c for c in columns if c.startswith(_EXPIRING_ONLY_PREFIXES) or c in _EXPIRING_ONLY),
            tuple(c for c in columns if c.startswith("refresher_")),
            tuple((c, c.removesuffix("_amount") + "_unit") for c in columns if c.endswith("_amount")))


def settle_settings(values: Mapping, columns: Iterable[str]) -> dict:
    """The settings as stored, once each setting's consequences for the others are drawn: a certification
    that never expires keeps no expiring-only setting (decision 3), only the chosen activity keeps its
    settings, required at login auto-approves, hiding a certification hides its attachments, and batch
    roles count only when batch submission is allowed. `columns` are the stored settings' names."""
    expiring_only, refresher_only, amounts = _column_groups(tuple(columns))
    values = {**values, "name": values["name"].strip()}
    if not values.get("expires"):
        values.update(dict.fromkeys(expiring_only))
        values["has_refresher"] = values["expiry_as_printed"] = False
    if not values.get("has_refresher"):
        values.update(dict.fromkeys(refresher_only))
    if values.get("existing_window_opens") != "custom":
        values["existing_window_amount"] = values["existing_window_unit"] = None
    for amount, unit in amounts:
        if values.get(amount) is None:
            values[unit] = None
        else:
            values[amount] = int(values[amount])
    activity = values.get("activity_type")
    values["course_id"] = values.get("course_id") if activity == "course" else None
    values["form_ids"] = chosen_forms(values.get("form_ids") or ())[0] if activity == "form" else []
    if activity != "external_course":
        values["learning_integration_id"] = values["external_course_ref"] = None
    if values.get("required_at_login"):
        # Required at login forces auto-approval, or the user could never get past the login.
        values["auto_approve_on_activity"] = True
    hidden = set(values.get("hidden_level_ids") or ())
    values["attachments_hidden_level_ids"] = sorted(hidden | set(values.get("attachments_hidden_level_ids") or ()))
    if values.get("hide_from_shared_reports"):
        values["hide_attachments_from_shared_reports"] = True
    if values.get("hide_from_qr_reports"):
        values["hide_attachments_from_qr_reports"] = True
    if not values.get("allow_batch_submission"):
        values["batch_role_ids"] = []
    return values
