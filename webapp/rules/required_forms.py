"""Forms required to certify (decision 81): a certification lists its forms in order; a person
completes every one, and the activity (the submission) completes once all of them are sent.

Pure: each form's latest entry is described by plain facts; no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Hashable

MOST_FORMS = 6  # the certification form's places; more is a process to split, not one activity


class FormState(Enum):
    """Where a person stands with one form of a certification, as My Certifications shows it."""

    NOT_STARTED = "Not started"
    DRAFT = "Draft saved"
    AWAITING_PAYMENT = "Sent; payment not yet confirmed"
    SENT = "Sent"
    COMPLETED = "Completed"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True)
class EntryFacts:
    """A person's latest entry of one form for one certification."""

    submitted: bool  # False: a draft
    in_record: bool  # it went into a submission (the activity completed with it)
    awaiting_payment: bool  # sent, its fee not yet confirmed


def form_state(entry: EntryFacts | None) -> FormState:
    if entry is None:
        return FormState.NOT_STARTED
    if not entry.submitted:
        return FormState.DRAFT
    if entry.in_record:
        return FormState.COMPLETED
    if entry.awaiting_payment:
        return FormState.AWAITING_PAYMENT
    return FormState.SENT


def ready_to_certify(form_ids: Sequence[Hashable], entries: Mapping[Hashable, EntryFacts | None]) -> bool:
    """Every form is sent (its fee confirmed) and none of them went into a record yet: the activity completes now.

    A certification without forms is never ready: there is nothing to complete."""
    return bool(form_ids) and all(form_state(entries.get(form_id)) is FormState.SENT for form_id in form_ids)


def chosen_forms(form_ids: Iterable[Hashable | None]) -> tuple[list[Hashable], str | None]:
    """The forms chosen, in order, blank places skipped; and why the list is refused (None: it is not)."""
    chosen = [form_id for form_id in form_ids if form_id is not None]
    if len(set(chosen)) != len(chosen):
        return chosen, "Each form can be listed once: remove the repeated one."
    if len(chosen) > MOST_FORMS:
        return chosen, f"List at most {MOST_FORMS} forms."
    return chosen, None
