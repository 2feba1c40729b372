"""The status of one (user, certification) requirement on a given day."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum

from .expiration import _notice_dates
from .languages import N_
from .messages import Counted, Message, message
from .periods import check_date
from .policy import TrackingPolicy


class Status(StrEnum):
    """A requirement's status; shown with colour, label and icon, never colour alone."""

    VALID = "valid"
    DUE = "due"
    OVERDUE = "overdue"
    EXPIRED = "expired"
    MISSING = "missing"
    DEFERRED = "deferred"
    IN_TRAINING = "in_training"
    NOT_APPLICABLE = "not_applicable"
    UPCOMING = "upcoming"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def colour(self) -> str:
        return _COLOURS[self]

    @property
    def icon(self) -> str:
        """Its symbol in static/icons/icons.svg: drawn, as a device may lack a font's glyph."""
        return self.value

    @property
    def is_outstanding(self) -> bool:
        """The user has something to do (it shows in Outstanding Requirements)."""
        return self in _OUTSTANDING


_LABELS = {
    Status.VALID: N_("Valid"),
    Status.DUE: N_("Due"),
    Status.OVERDUE: N_("Overdue"),
    Status.EXPIRED: N_("Expired"),
    Status.MISSING: N_("Nothing on File"),
    Status.DEFERRED: N_("Deferred"),
    Status.IN_TRAINING: N_("In Training"),
    Status.NOT_APPLICABLE: N_("Not Applicable"),
    Status.UPCOMING: N_("Upcoming"),
    Status.REVOKED: N_("Revoked"),
}
_COLOURS = {
    Status.VALID: "green",
    Status.DUE: "blue",
    Status.OVERDUE: "yellow",
    Status.EXPIRED: "red",
    Status.MISSING: "red",
    Status.DEFERRED: "blue",
    Status.IN_TRAINING: "blue",
    Status.NOT_APPLICABLE: "grey",
    Status.UPCOMING: "light",
    Status.REVOKED: "red",
}
# A tuple, not a set: Enum.__hash__ is Python code, a tuple scan compares by identity.
_OUTSTANDING = (Status.MISSING, Status.EXPIRED, Status.OVERDUE, Status.DUE, Status.REVOKED)


@dataclass(frozen=True)
class RoleSource:
    """A role that requires the certification, and the user's training end in it, if any."""

    role_name: str
    training_until: date | None = None

    def __post_init__(self) -> None:
        check_date(self.training_until, "training_until", optional=True)


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """One approved record; revoked when revoked_reason is set.

    record_id is the caller's identity for the record (not a fact the rules read), so the
    record a status names (`source_record`) leads back to the caller's row.
    """

    completed_on: date
    expires_on: date | None
    revoked_reason: str | None = None
    record_id: Hashable | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_date(self.completed_on, "completed_on")
        check_date(self.expires_on, "expires_on", optional=True)
        if self.expires_on is not None and self.expires_on < self.completed_on:
            raise ValueError("expires_on: the expiration date cannot be before the completion date")
        if self.revoked_reason is not None and not self.revoked_reason.strip():
            raise ValueError("revoked_reason: a revocation needs a reason")


@dataclass(frozen=True)
class ParentFacts:
    """The parent certification and the user's approved records of it."""

    name: str
    policy: TrackingPolicy
    records: tuple[RecordFacts, ...]


@dataclass(frozen=True)
class DocumentFacts:
    """The current revision of the certification's document, whether the user acknowledged it,
    and the day of their latest acknowledgement of any revision (None: never acknowledged)."""

    title: str
    revision: str
    acknowledged_current: bool
    acknowledged_on: date | None = None

    def __post_init__(self) -> None:
        check_date(self.acknowledged_on, "acknowledged_on", optional=True)
        if not self.title.strip() or not self.revision.strip():
            raise ValueError("revision: a document needs a title and a revision")


@dataclass(frozen=True)
class RequirementFacts:
    """Everything that decides one (user, certification) status."""

    policy: TrackingPolicy
    roles: tuple[RoleSource, ...] = ()
    direct: bool = False
    records: tuple[RecordFacts, ...] = ()
    parent: ParentFacts | None = None
    pending: bool = False
    deferred_until: date | None = None
    deferral_notes: str | None = None
    not_applicable: bool = False
    document: DocumentFacts | None = None

    def __post_init__(self) -> None:
        check_date(self.deferred_until, "deferred_until", optional=True)


@dataclass(frozen=True, slots=True)
class RequirementStatus:
    """A status with the dates of the record that decided it.

    days_left counts to the deferral/training end (deferred, in training) or to the
    expiration (valid, due, overdue); `until` is the deferral/training end.
    """

    status: Status
    days_left: int | None
    pending: bool
    completed_on: date | None = None
    expires_on: date | None = None
    due_on: date | None = None
    overdue_on: date | None = None
    until: date | None = None
    source_record: RecordFacts | None = None
    # What the explanation is built from (derived, so not part of equality). Slots (one
    # object per status, less for the garbage collector to scan) and a lazy explanation
    # keep a 300,000-cell matrix cheap: most explanations are never read.
    _kind: str = field(default="", repr=False, compare=False)
    _detail: object = field(default=None, repr=False, compare=False)

    @property
    def explanation(self) -> str:
        """One sentence saying why this status holds, in English (exports, the audit trail)."""
        return _explain(self).english()

    @property
    def why(self) -> Message:
        """The same sentence as a message to translate where it is shown (`{{ s.why|translated }}`)."""
        return _explain(self)


# The frozen __init__ stores each field through object.__setattr__ (~0.2 us a field on a
# slow core); the slot descriptors store them directly, for a third of the cost.
(
    _set_status,
    _set_days_left,
    _set_pending,
    _set_completed_on,
    _set_expires_on,
    _set_due_on,
    _set_overdue_on,
    _set_until,
    _set_source_record,
    _set_kind,
    _set_detail,
) = (getattr(RequirementStatus, f.name).__set__ for f in fields(RequirementStatus))
_new = object.__new__


def _status(
    status: Status,
    days_left: int | None,
    pending: bool,
    completed_on: date | None = None,
    expires_on: date | None = None,
    due_on: date | None = None,
    overdue_on: date | None = None,
    until: date | None = None,
    source_record: RecordFacts | None = None,
    kind: str = "",
    detail: object = None,
) -> RequirementStatus:
    """RequirementStatus(...) without the frozen __init__; a matrix builds 300,000."""
    result = _new(RequirementStatus)
    _set_status(result, status)
    _set_days_left(result, days_left)
    _set_pending(result, pending)
    _set_completed_on(result, completed_on)
    _set_expires_on(result, expires_on)
    _set_due_on(result, due_on)
    _set_overdue_on(result, overdue_on)
    _set_until(result, until)
    _set_source_record(result, source_record)
    _set_kind(result, kind)
    _set_detail(result, detail)
    return result


def status_on(day: date, facts: RequirementFacts) -> RequirementStatus:
    """The status of the requirement on `day` (PRODUCT.md "Status model")."""
    pending = facts.pending
    if facts.not_applicable:
        return _status(Status.NOT_APPLICABLE, None, pending, kind="na")

    on_file, upcoming = _split(day, facts.records)
    if on_file is not None and on_file.revoked_reason is not None:
        return _by_record(Status.REVOKED, pending, on_file, "revoked")

    own = _own_status(day, facts.policy, facts.records, on_file, pending)
    if own.status is Status.VALID:
        document = facts.document
        if document is None or document.acknowledged_current:
            return own
        # A new revision is due again for everyone holding a valid record; a record already
        # due, overdue or expired says more than the revision does.
        own = _status(
            Status.DUE,
            own.days_left,
            pending,
            own.completed_on,
            own.expires_on,
            own.due_on,
            own.overdue_on,
            None,
            own.source_record,
            "revision",
            document,
        )
    parent = facts.parent
    if parent is not None:
        p_on_file, _ = _split(day, parent.records)
        if p_on_file is not None and p_on_file.revoked_reason is None:
            via = _own_status(day, parent.policy, parent.records, p_on_file, pending)
            if via.status in (Status.VALID, Status.DUE, Status.OVERDUE):
                return _status(
                    Status.VALID,
                    via.days_left,
                    pending,
                    via.completed_on,
                    via.expires_on,
                    via.due_on,
                    via.overdue_on,
                    None,
                    p_on_file,
                    "parent",
                    parent.name,
                )
    if upcoming is not None:
        return _upcoming(facts.policy, facts.records, upcoming, pending)
    # Left: missing, due, overdue or expired, the statuses a deferral or training holds back.
    return _hold(day, facts, own)


def _by_record(status: Status, pending: bool, record: RecordFacts, kind: str) -> RequirementStatus:
    return _status(
        status,
        None,
        pending,
        record.completed_on,
        record.expires_on,
        source_record=record,
        kind=kind,
    )


def _upcoming(
    policy: TrackingPolicy, records: tuple[RecordFacts, ...], record: RecordFacts, pending: bool
) -> RequirementStatus:
    """Upcoming, with the notice dates the record will bring, so a calendar shows them ahead."""
    due_on = overdue_on = None
    if record.expires_on is not None and policy.expires:
        stage = policy.refresher if policy.refresher is not None and _has_earlier(records, record) else policy
        notices = _notice_dates(stage, record.expires_on)
        due_on, overdue_on = notices.due_on, notices.overdue_on
    return _status(
        Status.UPCOMING,
        None,
        pending,
        record.completed_on,
        record.expires_on,
        due_on,
        overdue_on,
        source_record=record,
        kind="upcoming",
    )


def _split(
    day: date, records: tuple[RecordFacts, ...]
) -> tuple[RecordFacts | None, RecordFacts | None]:
    """(current record on file, earliest future record that is not revoked)."""
    current = upcoming = None
    for r in records:
        if r.completed_on > day:
            if r.revoked_reason is None and (
                upcoming is None or r.completed_on < upcoming.completed_on
            ):
                upcoming = r
        elif current is None or _newer(r, current):
            current = r
    return current, upcoming


def record_standings(day: date, records: tuple[RecordFacts, ...]) -> dict[Hashable, str]:
    """How each approved record stands on `day` (decision 35), by record_id: "current" (the record
    the status reads), "superseded" (an earlier one it replaced), "upcoming" (dated after the day)
    or "revoked"."""
    current, _ = _split(day, records)
    standings = {}
    for r in records:
        if r.revoked_reason is not None:
            standings[r.record_id] = "revoked"
        elif r.completed_on > day:
            standings[r.record_id] = "upcoming"
        else:
            standings[r.record_id] = "current" if r is current else "superseded"
    return standings


def _newer(a: RecordFacts, b: RecordFacts) -> bool:
    if a.completed_on != b.completed_on:
        return a.completed_on > b.completed_on
    # Same completion day: the later expiration wins, and never expiring is the latest.
    if b.expires_on is None:
        return False
    return a.expires_on is None or a.expires_on > b.expires_on


def _own_status(
    day: date,
    policy: TrackingPolicy,
    records: tuple[RecordFacts, ...],
    current: RecordFacts | None,
    pending: bool,
) -> RequirementStatus:
    """Status from the certification's own current (not revoked) record, before any hold."""
    if current is None:
        return _status(Status.MISSING, None, pending, kind="missing")
    expires_on = current.expires_on
    if expires_on is None or not policy.expires:
        return _by_record(Status.VALID, pending, current, "never")
    stage = policy
    if policy.refresher is not None and _has_earlier(records, current):
        stage = policy.refresher
    notices = _notice_dates(stage, expires_on)
    if day >= expires_on:
        status = Status.EXPIRED
    elif day >= notices.overdue_on:
        status = Status.OVERDUE
    elif day >= notices.due_on:
        status = Status.DUE
    else:
        status = Status.VALID
    return _status(
        status,
        None if status is Status.EXPIRED else (expires_on - day).days,
        pending,
        current.completed_on,
        expires_on,
        notices.due_on,
        notices.overdue_on,
        None,
        current,
        "dates",
        stage,
    )


def _has_earlier(records: tuple[RecordFacts, ...], current: RecordFacts) -> bool:
    """Whether an approved, not revoked record precedes `current` (refresher stage)."""
    return any(
        r is not current and r.revoked_reason is None and not _newer(r, current) for r in records
    )


def _hold(day: date, facts: RequirementFacts, own: RequirementStatus) -> RequirementStatus:
    """Apply deferral and training, which hold back an outstanding status until their end."""
    deferred = facts.deferred_until
    if deferred is not None and deferred <= day:
        deferred = None
    training = _training_end(day, facts)
    if deferred is None and training is None:
        return own
    # Both in force: the later end holds; a tie counts as the explicit deferral.
    if training is None or (deferred is not None and deferred >= training[0]):
        status, until, detail = Status.DEFERRED, deferred, (own, facts.deferral_notes)
    else:
        status, until, detail = Status.IN_TRAINING, training[0], (own, training[1])
    return _status(
        status,
        (until - day).days,
        own.pending,
        own.completed_on,
        own.expires_on,
        own.due_on,
        own.overdue_on,
        until,
        own.source_record,
        status.value,
        detail,
    )


def training_end(roles: tuple[RoleSource, ...], direct: bool) -> date | None:
    """The day training stops (or stopped) holding the requirement back, if it ever does.

    Training holds only when every role requiring the certification is in training
    (and it is not also required directly), until the earliest training end.
    """
    if direct or not roles or any(role.training_until is None for role in roles):
        return None
    return min(role.training_until for role in roles)


def in_training(training_until: date | None, day: date) -> bool:
    """Whether training that ends on `training_until` still holds on `day` (its last day is the day before)."""
    return training_until is not None and training_until > day


def _training_end(day: date, facts: RequirementFacts) -> tuple[date, tuple[str, ...]] | None:
    """(earliest training end, its roles) while every role requiring it is in training."""
    end = training_end(facts.roles, facts.direct)
    if not in_training(end, day):
        return None
    return end, tuple(r.role_name for r in facts.roles if r.training_until == end)


def _explain(s: RequirementStatus) -> Message:
    match s._kind:
        case "na":
            return message(N_("Not applicable: marked as not applying to this user."))
        case "missing":
            return message(N_("Nothing on file: there is no approved record."))
        case "revoked":
            return message(N_("Revoked: the record completed %(completed)s was revoked (%(reason)s)."),
                           completed=s.completed_on, reason=s.source_record.revoked_reason.strip())
        case "never":
            if s.expires_on is None:
                return message(N_("Valid: completed %(completed)s and never expires."), completed=s.completed_on)
            return message(N_("Valid: completed %(completed)s and the certification no longer expires."),
                           completed=s.completed_on)
        case "dates":
            return _explain_dates(s, s._detail)
        case "parent":
            if s.expires_on is None:
                return message(N_("Valid through the parent certification %(parent)s: completed %(completed)s, "
                                  "which never expires."), parent=s._detail, completed=s.completed_on)
            return message(N_("Valid through the parent certification %(parent)s: completed %(completed)s, "
                              "which expires %(expires)s."),
                           parent=s._detail, completed=s.completed_on, expires=s.expires_on)
        case "revision":
            document = s._detail
            if document.acknowledged_on is None:
                return message(N_("Due: revision %(revision)s of %(title)s has not been acknowledged; acknowledge it."),
                               revision=document.revision, title=document.title)
            return message(N_("Revision %(revision)s of %(title)s replaced the revision you acknowledged on "
                              "%(acknowledged)s; acknowledge it."),
                           revision=document.revision, title=document.title, acknowledged=document.acknowledged_on)
        case "upcoming":
            return message(N_("Upcoming: a record completed %(completed)s counts from that date."),
                           completed=s.completed_on)
        case "deferred":
            own, notes = s._detail
            if notes and notes.strip():
                return message(N_("Deferred until %(until)s (%(left)s left); then %(then)s. Notes: %(notes)s"),
                               until=s.until, left=_days(s.days_left), then=message(own.status.label),
                               notes=notes.strip())
            return message(N_("Deferred until %(until)s (%(left)s left); then %(then)s."),
                           until=s.until, left=_days(s.days_left), then=message(own.status.label))
        case "in_training":
            own, roles = s._detail
            return message(N_("In training for %(roles)s until %(until)s (%(left)s left); then %(then)s."),
                           roles=", ".join(roles), until=s.until, left=_days(s.days_left),
                           then=message(own.status.label))
    raise AssertionError(s._kind)


def _explain_dates(s: RequirementStatus, stage: TrackingPolicy) -> Message:
    match s.status:
        case Status.VALID:
            return message(N_("Valid until %(expires)s: completed %(completed)s, due from %(due)s."),
                           expires=s.expires_on, completed=s.completed_on, due=s.due_on)
        case Status.DUE:
            return message(N_("Due since %(due)s: the 1st notice (%(notice)s) before the expiration %(expires)s."),
                           due=s.due_on, notice=stage.first_notice, expires=s.expires_on)
        case Status.OVERDUE:
            return message(N_("Overdue since %(overdue)s: the 2nd notice (%(notice)s) before the expiration "
                              "%(expires)s."), overdue=s.overdue_on, notice=stage.second_notice, expires=s.expires_on)
    return message(N_("Expired since %(expires)s: the expiration of the record completed %(completed)s."),
                   expires=s.expires_on, completed=s.completed_on)


def _days(n: int) -> Counted:
    return Counted(n, "days")
