"""Assets, clients and job locations (docs/rules.md 65-72): what each kind is called, what an
identifier and a revocation reason may be, an association's status and the status filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .cells import NOT_ONE_LINE
from .languages import N_
from .messages import Message, message
from .policy import TrackingPolicy
from .status import RecordFacts, RequirementFacts, RequirementStatus, Status, status_on


@dataclass(frozen=True)
class KindWords:
    """How the pages name one kind of entity (message ids, translated where shown: decision 102), and the
    start of its URLs."""

    singular: str
    plural: str
    slug: str


KINDS: dict[str, KindWords] = {
    "asset": KindWords(N_("Asset"), N_("Assets"), "assets"),
    "client": KindWords(N_("Client"), N_("Clients"), "clients"),
    "location": KindWords(N_("Job Location"), N_("Job Locations"), "job-locations"),
}
KIND_BY_SLUG = {words.slug: kind for kind, words in KINDS.items()}

REASON_LIMIT = 1000
# The refusals below, by message id (an import stores their English: rules/stored_texts.py `IMPORT_ERRORS`).
IDENTIFIER_MISSING = N_("Enter the identifier: a serial, registration or account number, unique among its kind.")
IDENTIFIER_TOO_LONG = N_("Keep the identifier to %(limit)s characters.")
IDENTIFIER_NOT_ONE_LINE = N_("Write the identifier on one line, without line breaks or tabs.")
REASON_MISSING = N_("Give the documented reason for revoking: it stays on file with the association.")
REASON_TOO_LONG = N_("Keep the reason to %(limit)s characters.")
ENTITY_PROBLEMS = (IDENTIFIER_MISSING, IDENTIFIER_TOO_LONG, IDENTIFIER_NOT_ONE_LINE, REASON_MISSING, REASON_TOO_LONG)


def identifier_problem(identifier: str, limit: int) -> Message | None:
    """Why `identifier` (already stripped) cannot identify an entity, or None (decision 65)."""
    if not identifier:
        return message(IDENTIFIER_MISSING)
    if len(identifier) > limit:
        return message(IDENTIFIER_TOO_LONG, limit=limit)
    if NOT_ONE_LINE.search(identifier):
        return message(IDENTIFIER_NOT_ONE_LINE)
    return None


def reason_problem(reason: str) -> Message | None:
    """Why `reason` (already stripped) cannot document a revocation, or None (decision 67)."""
    if not reason:
        return message(REASON_MISSING)
    if len(reason) > REASON_LIMIT:
        return message(REASON_TOO_LONG, limit=REASON_LIMIT)
    return None


def association_status(day: date, policy: TrackingPolicy, records: tuple[RecordFacts, ...],
                       revoked_reason: str | None = None) -> RequirementStatus:
    """The status of an entity's association on `day` (decision 68): a person's direct requirement's
    status over the entity's records, or Revoked when the association is revoked."""
    if revoked_reason is not None:
        return RequirementStatus(Status.REVOKED, None, False, _kind="withdrawn", _detail=revoked_reason.strip())
    return status_on(day, RequirementFacts(policy, direct=True, records=records))


# The Associations tab's status filter: the HSE documents' statuses ("Expires soon" is due or overdue).
STATUS_FILTERS: dict[str, tuple[str, tuple[Status, ...]]] = {
    "valid": (N_("Valid"), (Status.VALID,)),
    "upcoming": (N_("Upcoming"), (Status.UPCOMING,)),
    "missing": (N_("Nothing on File"), (Status.MISSING,)),
    "expires_soon": (N_("Expires Soon"), (Status.DUE, Status.OVERDUE)),
    "expired": (N_("Expired"), (Status.EXPIRED,)),
    "revoked": (N_("Revoked"), (Status.REVOKED,)),
}


def matches_filter(status: RequirementStatus, chosen: str | None) -> bool:
    """Whether `status` is shown under the filter `chosen` (None or unknown: every status)."""
    return chosen not in STATUS_FILTERS or status.status in STATUS_FILTERS[chosen][1]

