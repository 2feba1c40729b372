"""Records moved in from a file (docs/rules.md, decisions 38 to 41): which statuses a row may carry and
which expiration an imported record gets. Pure: no Flask, no database, no clock."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from webapp.rules.expiration import ExpirationResult, expiration_for
from webapp.rules.languages import N_
from webapp.rules.messages import message
from webapp.rules.policy import TrackingPolicy
from webapp.rules.status import RecordFacts

# What the Status column may say (any case; blank is Approved), and what is stored.
RECORD_STATUSES = {"approved": "approved", "revoked": "revoked"}
STATUS_HELP = N_("Approved (or blank) or Revoked: only records come in, never pending or declined submissions.")
# An entity's records are recorded, never submitted nor approved (decision 69); its revocation is its association's
# (decision 109).
ENTITY_RECORD_STATUSES = {"recorded": "recorded", "revoked": "revoked"}
ENTITY_STATUS_HELP = N_("Recorded (or blank) or Revoked: Revoked says the association is revoked, for the Revocation "
                        "Reason; every record of one association has the same Status and reason.")
# The Expiration Date of a record that does not expire, as the export writes it.
NEVER = "Never"
# The explanations an imported record stores (read back where shown, rules/stored_texts.py `EXPLANATIONS`).
NEVER_AS_IMPORTED = N_("Never expires, as imported.")
AS_IMPORTED = N_("%(expires)s as imported")
# The refusals of a row, by message id, after the column they are about ("Status: ...").
NOT_A_STATUS = N_("'%(text)s' is not a status a record can be imported with; use %(words)s")
BEFORE_COMPLETION = N_("%(expires)s is before the completion date %(completed)s.")


def read_record_status(text: str, statuses: Mapping[str, str] = RECORD_STATUSES, words: str = STATUS_HELP) -> str:
    """The status among `statuses` the Status cell names, in any case ("approved" or "revoked" for people's
    records; blank is the first). Raises ValueError("Status: ...") otherwise, saying the allowed `words`."""
    status = statuses.get(text.strip().casefold() or next(iter(statuses)))
    if status is None:
        raise ValueError(f"Status: {message(NOT_A_STATUS, text=text, words=words).english()}")
    return status


def read_entity_record_status(text: str) -> str:
    """"recorded" or "revoked" from an entity record's Status cell. Raises ValueError("Status: ...") otherwise."""
    return read_record_status(text, ENTITY_RECORD_STATUSES, ENTITY_STATUS_HELP)


def earlier_record(records: Iterable[RecordFacts], completed_on: date) -> RecordFacts | None:
    """The record that was current before one completed on `completed_on`: the latest not revoked
    completed strictly before it (the same day: the later expiration, never expiring counts as latest)."""
    earlier = [record for record in records if record.revoked_reason is None and record.completed_on < completed_on]
    return max(earlier, key=lambda record: (record.completed_on, record.expires_on or date.max), default=None)


def imported_expiration(policy: TrackingPolicy, completed_on: date, given: date | None,
                        earlier: RecordFacts | None, *, never: bool = False) -> ExpirationResult:
    """The expiration of an imported record: the file's date when it gives one, or none when it says Never
    (`never`): history is kept as it was, whatever today's settings would say. Otherwise what the rules give
    after the `earlier` record. Raises ValueError("Expiration Date: ...") for a date before the completion."""
    if never:
        return ExpirationResult(None, message(NEVER_AS_IMPORTED), "imported")
    if given is None:
        return expiration_for(policy, completed_on, earlier.expires_on if earlier is not None else None,
                              has_approved_record=earlier is not None)
    if given < completed_on:
        raise ValueError(f"Expiration Date: {message(BEFORE_COMPLETION, expires=given, completed=completed_on).english()}")
    return ExpirationResult(given, message(AS_IMPORTED, expires=given), "imported")
