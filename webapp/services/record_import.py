"""User certifications in and out: the records of people's certification history, the way an organisation
moves years of records in (docs/rules.md, decisions 38 to 41).

Every imported row becomes an approved record (or a revoked one, with its reason), marked with the import
that brought it (`Submission.import_job_id`, source "import"); the import's audit entry says who and from
which file. A record already on file (same person, certification and completion date) is left unchanged.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select

from webapp.extensions import db
from webapp.models import Certification, Comment, Submission, User, utcnow
from webapp.permissions import Permission
from webapp.rules import RecordFacts
from webapp.rules.imported_records import NEVER, STATUS_HELP, earlier_record, imported_expiration, read_record_status
from webapp.rules.periods import format_date
from webapp.services.access import users_in_reach
from webapp.services.chunks import batches, rows_by_key
from webapp.services.compliance import tracking_policy
from webapp.rules.dates import DateRange, read_date
from webapp.rules.import_errors import (
    CERTIFICATION_MISSING,
    COMPLETION_MISSING,
    NO_CERTIFICATION_NAMED,
    NO_ONE_NAMED,
    OWN_RECORD,
    PERSON_MISSING,
    REASON_NEEDED,
    REASON_ONLY_REVOKED,
    RECORD_TWICE,
    TEXT_TOO_LONG,
)
from webapp.rules.import_previews import EXPIRES_ON, NEVER_EXPIRES, RECORD_LABEL, REVOKED
from webapp.rules.languages import N_
from webapp.rules.messages import message
from webapp.services.dates import typed_date_range
from webapp.services.imports import ImportKind, ImportPlan, ImportRow, PlannedRow, Progress, RowError, row_error
from webapp.services.privacy import hidden_certification_ids, hidden_certifications

USER, CERTIFICATION, COMPLETED, EXPIRES, STATUS, REASON, NOTES = HEADERS = (
    "Username or E-mail", "Certification", "Completion Date", "Expiration Date", "Status", "Revocation Reason",
    "Notes")
LONGEST_TEXT = 5000


@dataclass
class NewRecord:
    """A row as a record to add to a holder's history: a person's here, an entity's in entity_import.py."""

    line: int
    holder: tuple[int, str]  # the person's (or entity's) id, and how the preview names them
    certification: Certification
    completed_on: date
    given_expiration: date | None
    never: bool
    status: str
    reason: str | None  # this record's own revocation (a person's record; an entity's is its association's)
    notes: str
    label: str = ""
    # What else importing the row does, for the preview (an entity's new association).
    also: tuple[str, ...] = ()
    expires_on: date | None = None
    explanation: str | None = None


@dataclass(frozen=True)
class RecordCells:
    """The cells every records file has, Completion Date to Notes, read."""

    completed_on: date | None
    given_expiration: date | None
    never: bool
    status: str | None
    reason: str | None
    notes: str


def _people() -> dict[str, tuple[int, str]]:
    """Every person by username and by e-mail address, in lower case (one query)."""
    people = {}
    for user_id, username, email, first, last in db.session.execute(
            select(User.id, User.username, User.email, User.first_name, User.last_name)):
        person = (user_id, f"{first} {last} ({username})")
        people[email.casefold()] = person
        people[username.casefold()] = person
    return people


def _on_file(user_ids: set[int]) -> dict[tuple[int, int], list[RecordFacts]]:
    """The approved records of these people, by (person, certification): a query per thousand people."""
    records: dict[tuple[int, int], list[RecordFacts]] = defaultdict(list)
    for batch in batches(sorted(user_ids)):
        for user_id, certification_id, completed_on, expires_on, reason in db.session.execute(
                select(Submission.user_id, Submission.certification_id, Submission.completed_on, Submission.expires_on,
                       Submission.revoked_reason)
                .where(Submission.user_id.in_(batch), Submission.status == "approved")):
            records[(user_id, certification_id)].append(RecordFacts(completed_on, expires_on, reason))
    return records


def _text_problem(row: ImportRow, column: str) -> RowError | None:
    if len(row[column]) > LONGEST_TEXT:
        return row_error(row.line, column, TEXT_TOO_LONG, limit=f"{LONGEST_TEXT:,}")
    return None


def _read_date(text: str, within: DateRange) -> tuple[date | None, str | None]:
    try:
        return read_date(text, within), None
    except ValueError as refusal:
        return None, str(refusal)


def record_date_ranges() -> tuple[DateRange, DateRange]:
    """The dates a completion and an expiration may have (the configured years)."""
    return typed_date_range(), typed_date_range(expiration=True)


def read_record_cells(row: ImportRow, ranges: tuple[DateRange, DateRange],
                      read_status: Callable[[str], str] = read_record_status) -> tuple[RecordCells, list[RowError]]:
    """The row's Completion Date to Notes, and what is wrong with them: a completion date, an expiration date
    or Never or blank, a status `read_status` knows, a revocation reason only (and always) for Revoked."""
    errors = []
    completions, expirations = ranges
    completed_on, problem = (_read_date(row[COMPLETED], completions) if row[COMPLETED]
                             else (None, message(COMPLETION_MISSING).english()))
    if problem:
        errors.append(RowError(row.line, COMPLETED, problem))
    never = row[EXPIRES].casefold() == NEVER.casefold()
    expires_on, problem = _read_date(row[EXPIRES], expirations) if row[EXPIRES] and not never else (None, None)
    if problem:
        errors.append(RowError(row.line, EXPIRES, problem))
    status = None
    try:
        status = read_status(row[STATUS])
    except ValueError as refusal:
        errors.append(RowError(row.line, STATUS, str(refusal).removeprefix("Status: ")))
    if status == "revoked" and not row[REASON]:
        errors.append(row_error(row.line, REASON, REASON_NEEDED))
    if status not in (None, "revoked") and row[REASON]:
        errors.append(row_error(row.line, REASON, REASON_ONLY_REVOKED))
    errors.extend(problem for problem in (_text_problem(row, REASON), _text_problem(row, NOTES)) if problem)
    return RecordCells(completed_on, expires_on, never, status, row[REASON] or None, row[NOTES]), errors


@dataclass(frozen=True)
class _Known:
    """What the rows are checked against, loaded once for the whole file."""

    people: dict[str, tuple[int, str]]
    certifications: dict[str, Certification]
    ranges: tuple[DateRange, DateRange]


def _read_row(row: ImportRow, by: User, known: _Known) -> tuple[NewRecord | None, list[RowError]]:
    """One row as a record to create, or the reasons it cannot be one."""
    errors = []

    def refuse(column: str, id_: str, **parts: object) -> None:
        errors.append(row_error(row.line, column, id_, **parts))

    person = known.people.get(row[USER].casefold())
    if not row[USER]:
        refuse(USER, PERSON_MISSING)
    elif person is None:
        refuse(USER, NO_ONE_NAMED, name=row[USER])
    elif person[0] == by.id and not by.can(Permission.APPROVE_OWN_SUBMISSIONS):
        refuse(USER, OWN_RECORD)
    certification = known.certifications.get(row[CERTIFICATION].casefold())
    if not row[CERTIFICATION]:
        refuse(CERTIFICATION, CERTIFICATION_MISSING)
    elif certification is None:
        refuse(CERTIFICATION, NO_CERTIFICATION_NAMED, name=row[CERTIFICATION])
    cells, more = read_record_cells(row, known.ranges)
    errors.extend(more)
    if errors:
        return None, errors
    label = message(RECORD_LABEL, holder=person[1], certification=certification.name, day=cells.completed_on).english()
    return NewRecord(row.line, person, certification, cells.completed_on, cells.given_expiration, cells.never,
                     cells.status, cells.reason, cells.notes, label), []


def _set_expirations(new: list[NewRecord], on_file: dict[tuple[int, int], list[RecordFacts]]) -> list[RowError]:
    """Each new record's expiration, taking a holder's history in order of completion: a blank expiration is
    what the rules give after the record current before it, on file or earlier in the file."""
    errors = []
    by_key: dict[tuple[int, int], list[NewRecord]] = defaultdict(list)
    for record in new:
        by_key[(record.holder[0], record.certification.id)].append(record)
    policies = {}
    for key, records in by_key.items():
        certification = records[0].certification
        if certification.id not in policies:
            policies[certification.id] = tracking_policy(certification)
        policy = policies[certification.id]
        history = list(on_file.get(key, ()))
        for record in sorted(records, key=lambda record: record.completed_on):
            try:
                result = imported_expiration(policy, record.completed_on, record.given_expiration,
                                             earlier_record(history, record.completed_on), never=record.never)
            except ValueError as refusal:
                errors.append(RowError(record.line, EXPIRES, str(refusal).removeprefix("Expiration Date: ")))
                continue
            record.expires_on, record.explanation = result.expires_on, result.explanation
            history.append(RecordFacts(record.completed_on, record.expires_on, record.reason))
    return errors


def plan_history(plan: ImportPlan, read: list[NewRecord],
                 on_file: dict[tuple[int, int], list[RecordFacts]]) -> list[NewRecord]:
    """Plan the records `read` from the file's rows (decisions 39 and 40): one already on file (same holder,
    certification and completion date) is unchanged, the same one twice in the file an error, the others get
    their expirations. Adds their rows and errors to `plan`; the records to add, those of rows without errors."""
    new, seen = [], {}
    for record in read:
        key = (record.holder[0], record.certification.id, record.completed_on)
        if key in seen:
            plan.errors.append(row_error(record.line, COMPLETED, RECORD_TWICE, row=seen[key]))
        elif any(facts.completed_on == record.completed_on for facts in on_file.get(key[:2], ())):
            plan.rows.append(PlannedRow(record.line, "unchanged", record.label))
        else:
            new.append(record)
        seen.setdefault(key, record.line)
    plan.errors.extend(_set_expirations(new, on_file))
    failed = {error.line for error in plan.errors}
    added = [record for record in new if record.line not in failed]
    for record in added:
        expires = message(EXPIRES_ON, day=record.expires_on) if record.expires_on else message(NEVER_EXPIRES)
        revoked = (message(REVOKED, reason=record.reason).english(),) if record.reason else ()
        changes = (expires.english(), *revoked, *record.also)
        plan.rows.append(PlannedRow(record.line, "create", record.label, changes))
    plan.rows.sort(key=lambda planned: planned.line)
    return added


def plan_records(rows: list[ImportRow], by: User, day: date, progress: Progress) -> ImportPlan:
    """Check every row: the person (username or e-mail), a certification the importer may see, the dates, the
    status; a record already on file is unchanged, the same record twice in the file an error. Writes nothing."""
    hidden = hidden_certification_ids(by)
    known = _Known(_people(), {certification.name.casefold(): certification
                               for certification in db.session.scalars(select(Certification))
                               if certification.id not in hidden},
                   record_date_ranges())
    plan, read = ImportPlan(), []
    for done, row in enumerate(rows, start=1):
        record, errors = _read_row(row, by, known)
        plan.errors.extend(errors)
        if record is not None:
            read.append(record)
        progress(done)
    plan.work = plan_history(plan, read, _on_file({record.holder[0] for record in read}))
    return plan


def write_records(plan: ImportPlan, by: User, day: date) -> int:
    """Add the planned records, approved (or revoked) by the importer, in two bulk inserts (records, then
    their notes as comments); the import commits."""
    now = utcnow()
    if not plan.work:
        return 0
    db.session.execute(insert(Submission), [{
        "user_id": record.holder[0], "certification_id": record.certification.id, "completed_on": record.completed_on,
        "expires_on": record.expires_on, "expiration_explanation": record.explanation, "status": "approved",
        "source": "import", "submitted_by_id": by.id, "submitted_at": now, "decided_by_id": by.id, "decided_at": now,
        "revoked_at": now if record.reason else None, "revoked_by_id": by.id if record.reason else None,
        "revoked_reason": record.reason, "import_job_id": plan.job_id,
    } for record in plan.work])
    noted = {(record.holder[0], record.certification.id, record.completed_on): record.notes
             for record in plan.work if record.notes}
    if noted:
        ids = {(user_id, certification_id, completed_on): record_id
               for record_id, user_id, certification_id, completed_on in db.session.execute(
                   select(Submission.id, Submission.user_id, Submission.certification_id, Submission.completed_on)
                   .where(Submission.import_job_id == plan.job_id))}
        db.session.execute(insert(Comment), [{"submission_id": ids[key], "author_id": by.id, "body": notes,
                                              "created_at": now} for key, notes in noted.items()])
    return len(plan.work)


def export_records(by: User) -> Iterator[tuple]:
    """Every record (approved, revoked ones too) of the people `by` may view, of the certifications privacy
    lets them see, in the import's columns; comments come out as Notes. A thousand records at a time."""
    query = (select(Submission.id, User.username, Certification.name, Submission.completed_on, Submission.expires_on,
                    Submission.revoked_reason)
             .join(User, User.id == Submission.user_id)
             .join(Certification, Certification.id == Submission.certification_id)
             .where(Submission.status == "approved",
                    Submission.user_id.in_(users_in_reach(by, "view").with_only_columns(User.id)),
                    Submission.certification_id.not_in(hidden_certifications(by))))
    for chunk in rows_by_key(query, Submission.id):
        notes: dict[int, list[str]] = defaultdict(list)
        for record_id, body in db.session.execute(
                select(Comment.submission_id, Comment.body).where(Comment.submission_id.in_([row[0] for row in chunk]))
                .order_by(Comment.created_at, Comment.id)):
            notes[record_id].append(body)
        for record_id, username, certification, completed_on, expires_on, reason in chunk:
            yield (username, certification, format_date(completed_on), format_date(expires_on) if expires_on else NEVER,
                   "Revoked" if reason else "Approved", reason or "", "\n\n".join(notes[record_id]))


RECORDS = ImportKind(
    name="records", title=N_("User Certifications"), headers=HEADERS,
    permissions=frozenset({Permission.RECORD_FOR_ALL, Permission.APPROVE_ALL}),
    plan=plan_records, write=write_records, export_rows=export_records,
    column_help={
        USER: N_("The person's username or e-mail address; they must already be in FieldCert."),
        CERTIFICATION: N_("The certification's name, as in FieldCert (any case)."),
        COMPLETED: N_("The day it was completed, as MM/DD/YYYY (or YYYY-MM-DD). Required."),
        EXPIRES: N_("Kept as given (history moves in as it was); not before the completion date. Never: the record "
                     "does not expire. Blank: the certification's tracking settings give it, after the person's "
                     "earlier records."),
        STATUS: STATUS_HELP,
        REASON: N_("Why the record was revoked: required for a revoked record, empty otherwise."),
        NOTES: N_("Optional; added to the record as a comment by you."),
    },
    description=N_("One row per record: a person's certification completed on a date, the history an organisation "
                "moves in or out."),
    template_rows=(("emma", "First Aid", "07/01/2025", "07/01/2026", "Approved", "", "Paper card seen by HR"),),
)
