"""The inspector's verdict: is a person cleared for a role today, and if not, what blocks it
(docs/rules.md, decisions 21 to 24)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .languages import N_
from .messages import Message, message
from .status import RequirementStatus, Status

EXPIRING_WITHIN_DAYS = 30

# Held back by a deferral or training: these clear only when the record behind them stands.
_HELD = (Status.DEFERRED, Status.IN_TRAINING)
_IN_FORCE = (Status.VALID, Status.DUE, Status.OVERDUE)


def holds_record(status: RequirementStatus, day: date) -> bool:
    """Whether an approved record that has not expired stands behind `status` on `day`."""
    if status.status in _IN_FORCE:
        return True
    return (
        status.status in _HELD
        and status.source_record is not None
        and (status.expires_on is None or status.expires_on > day)
    )


def clears(status: RequirementStatus, day: date) -> bool:
    """Whether the requirement lets the person do the work on `day` (decision 23)."""
    return status.status is Status.NOT_APPLICABLE or holds_record(status, day)


@dataclass(frozen=True)
class VerdictItem:
    """One certification a role requires; `shown` is false when privacy hides it from this reader."""

    certification: str
    status: RequirementStatus
    shown: bool = True


@dataclass(frozen=True)
class Blocker:
    certification: str
    status: RequirementStatus

    @property
    def summary(self) -> str:
        """What blocks, with its date: "expired 12/06/2026"."""
        return blocking_summary(self.status)

    @property
    def why(self) -> Message:
        """The same, to translate where shown: `{{ b.why|translated }}`."""
        return blocking_why(self.status)


@dataclass(frozen=True)
class Verdict:
    cleared: bool
    blocking: tuple[Blocker, ...]
    unshown_blocking: int = 0


def verdict_for_role(items: Iterable[VerdictItem], day: date) -> Verdict:
    """Cleared when every requirement of the role clears; otherwise each blocking requirement,
    in the given order, and how many blocking ones privacy hides (decision 24)."""
    blocking = [item for item in items if not clears(item.status, day)]
    return Verdict(
        cleared=not blocking,
        blocking=tuple(Blocker(item.certification, item.status) for item in blocking if item.shown),
        unshown_blocking=sum(1 for item in blocking if not item.shown),
    )


def _underlying(status: RequirementStatus) -> Message:
    if status.source_record is None:
        return message(N_("nothing on file"))
    return message(N_("expired %(day)s"), day=status.expires_on)


def blocking_why(status: RequirementStatus) -> Message:
    """Why a requirement blocks, in words and dates, to follow the certification's name (decision 85)."""
    match status.status:
        case Status.EXPIRED:
            return message(N_("expired %(day)s"), day=status.expires_on)
        case Status.MISSING:
            return message(N_("nothing on file"))
        case Status.REVOKED:
            return message(N_("revoked (record completed %(day)s)"), day=status.completed_on)
        case Status.UPCOMING:
            return message(N_("upcoming, counts from %(day)s"), day=status.completed_on)
        case Status.DEFERRED:
            return message(N_("deferred until %(day)s, %(underlying)s"), day=status.until, underlying=_underlying(status))
        case Status.IN_TRAINING:
            return message(N_("in training until %(day)s, %(underlying)s"), day=status.until,
                           underlying=_underlying(status))
    raise ValueError(f"status: {status.status.label} does not block")


def blocking_summary(status: RequirementStatus) -> str:
    """blocking_why in English."""
    return blocking_why(status).english()


class Section(StrEnum):
    """Where a certification appears on the QR report, after the verdicts (decision 25)."""

    VALID = "valid"
    EXPIRING = "expiring"
    OTHER = "other"


def report_section(status: RequirementStatus, day: date) -> Section:
    if status.status not in _IN_FORCE:
        return Section.OTHER
    if status.expires_on is not None and (status.expires_on - day).days <= EXPIRING_WITHIN_DAYS:
        return Section.EXPIRING
    return Section.VALID
