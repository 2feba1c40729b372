"""Forms required to certify (decision 81): each form's state, and when the activity completes."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules.required_forms import EntryFacts, FormState, MOST_FORMS, chosen_forms, form_state, ready_to_certify

DRAFT = EntryFacts(submitted=False, in_record=False, awaiting_payment=False)
SENT = EntryFacts(submitted=True, in_record=False, awaiting_payment=False)
UNPAID = EntryFacts(submitted=True, in_record=False, awaiting_payment=True)
DONE = EntryFacts(submitted=True, in_record=True, awaiting_payment=False)


@pytest.mark.parametrize("entry, state", [
    (None, FormState.NOT_STARTED), (DRAFT, FormState.DRAFT), (SENT, FormState.SENT),
    (UNPAID, FormState.AWAITING_PAYMENT), (DONE, FormState.COMPLETED),
])
def test_form_state(entry, state):
    assert form_state(entry) is state


@pytest.mark.parametrize("entries, ready", [
    ({1: SENT, 2: SENT}, True),
    ({1: SENT}, False),  # the second form is not started
    ({1: SENT, 2: DRAFT}, False),
    ({1: SENT, 2: UNPAID}, False),  # its fee waits for confirmation
    ({1: SENT, 2: DONE}, False),  # form 2 went into an earlier record: it is filled in again
    ({1: DONE, 2: DONE}, False),  # completed already: no second record
])
def test_ready_to_certify_needs_every_form_sent(entries, ready):
    assert ready_to_certify([1, 2], entries) is ready


def test_no_forms_is_never_ready():
    assert ready_to_certify([], {}) is False


@pytest.mark.parametrize("chosen, kept, refusal", [
    ([None, 3, None, 1], [3, 1], None),
    ([], [], None),
    ([3, 1, 3], [3, 1, 3], "Each form can be listed once"),
    (list(range(1, MOST_FORMS + 2)), list(range(1, MOST_FORMS + 2)), f"List at most {MOST_FORMS} forms."),
])
def test_chosen_forms_keep_their_order(chosen, kept, refusal):
    forms, problem = chosen_forms(chosen)
    assert forms == kept
    assert (problem is None) if refusal is None else refusal in problem


@given(st.dictionaries(st.integers(1, 5), st.sampled_from([None, DRAFT, SENT, UNPAID, DONE])))
def test_ready_exactly_when_each_listed_form_is_sent(entries):
    forms = [1, 2, 3]
    assert ready_to_certify(forms, entries) == all(entries.get(f) == SENT for f in forms)
