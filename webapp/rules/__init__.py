"""FieldCert rules engine: expiration dates, statuses and requirements.

Pure functions over frozen dataclasses: no Flask, no database, no clock (every function
takes the day it reasons about).
"""

from .expiration import ExpirationResult, NoticeDates, expiration_for, notice_dates, printed_differs
from .periods import Period, parse_period_unit
from .policy import TrackingPolicy
from .requirements import RequirementSources, candidate_users, resolve_requirements
from .status import (
    DocumentFacts,
    ParentFacts,
    RecordFacts,
    RequirementFacts,
    RequirementStatus,
    RoleSource,
    Status,
    record_standings,
    status_on,
)

__all__ = [
    "DocumentFacts",
    "ExpirationResult",
    "NoticeDates",
    "ParentFacts",
    "Period",
    "RecordFacts",
    "RequirementFacts",
    "RequirementSources",
    "RequirementStatus",
    "RoleSource",
    "Status",
    "TrackingPolicy",
    "candidate_users",
    "expiration_for",
    "notice_dates",
    "parse_period_unit",
    "printed_differs",
    "record_standings",
    "resolve_requirements",
    "status_on",
]
