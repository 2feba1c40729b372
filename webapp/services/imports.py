"""Importing a file: every kind of import (people, certifications, records...) goes through the same
steps, so each shows the same preview and errors and is written all at once or not at all.

1. start_import keeps the uploaded file in an import job.
2. check_import reads it, checks every row against the data, and keeps a preview: rows to create, to
   update, unchanged, and each error by row and column. Nothing is written.
3. confirm_import, by the person who uploaded it, when the preview has no errors.
4. run_import checks the file again against the data as it is now; if the outcome differs from the
   preview it shows the new preview instead; otherwise it writes every row in one transaction, then
   does what must wait for the commit (invitations).

Checking and importing run outside the request (webapp.jobs), so a 50,000-row file never holds up a
web worker; the job page polls the job's progress.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import ImportJob, User, utcnow
from webapp.permissions import Permission
from webapp.rules.import_errors import (
    DATA_CHANGED,
    FIX_THE_FILE,
    HEADER_MISSING,
    HEADER_MISSING_AND_UNKNOWN,
    HEADER_ORDER,
    HEADER_UNKNOWN,
    ROW_TOO_WIDE,
)
from webapp.rules.messages import Message, message
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.tabular import XLSX_MAGIC, Table, TableUnreadable, cell_value, format_of, formula_problem, read_table

log = logging.getLogger(__name__)

# The preview shows this many planned rows and errors; the counts always cover the whole file.
PREVIEW_ROWS = 300
PREVIEW_ERRORS = 1000
# A job nobody has moved for this long was cut off (the server stopped): it is shown as failed.
STOPPED_AFTER = timedelta(minutes=15)
PROGRESS_EVERY = 500
# ... and at most once in this many seconds: each write is a commit of its own.
PROGRESS_SECONDS = 1.0

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


def row_error(line: int, column: str, id_: str, **parts: object) -> RowError:
    """The row error of message id `id_` (rules/import_errors.py), stored in English by the job that checks the file
    and read back in the reader's language where it is shown (decisions 103 and 111)."""
    return RowError(line, column, message(id_, **parts).english())


@dataclass(frozen=True)
class PlannedRow:
    """What importing one row will do: "create", "update" or "unchanged", to what (`label`), and for an
    update which fields change (`changes`, e.g. "Job Title: Welder → Foreman"): the English of
    rules/import_previews.py's ids, read back in the reader's language where the preview is shown (decision 114)."""

    line: int
    action: str
    label: str
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportRow:
    """A row of the file as the kind sees it: each of the kind's columns to its (trimmed) text."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # What the kind's `write` needs to write the rows, in its own shape.
    work: Any = None
    # The job the file came in with (set by the framework, not the kind): `write` may mark what it
    # creates with it, so each row leads back to its import and the import's audit entry.
    job_id: int | None = None

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def digest(self) -> str:
        """A fingerprint of what importing would do, to tell whether it still matches the preview."""
        planned = [[row.line, row.action, row.label, list(row.changes)] for row in self.rows]
        return hashlib.sha256(json.dumps(planned, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class ImportOption:
    """A tick box on the upload form, e.g. "E-mail invitations to the new people"."""

    name: str
    label: str
    default: bool = False


@dataclass(frozen=True)
class ImportKind:
    """One kind of file FieldCert imports and exports. `plan` checks rows and reads the data but writes
    nothing; `write` adds the planned rows to the session (the import commits); `after_commit` does what
    must wait until the rows are safely stored."""

    name: str
    title: str
    headers: tuple[str, ...]
    # Needed besides IMPORT_EXPORT, for importing and for exporting.
    permissions: frozenset[Permission]
    plan: Callable[[list[ImportRow], User, date, Progress], ImportPlan]
    write: Callable[[ImportPlan, User, date], Any]
    export_rows: Callable[[User], Iterator[Sequence]]
    # The last headers, added after files were made without them: a file may leave out the last of them (the
    # newest first), and its rows then say nothing of those it leaves out.
    optional_headers: tuple[str, ...] = ()
    # Each column's rule, shown on the import page: a message id, or a message with its parts.
    column_help: dict[str, str | Message] = field(default_factory=dict)
    template_rows: tuple[tuple[str, ...], ...] = ()
    options: tuple[ImportOption, ...] = ()
    after_commit: Callable[[Any, User, dict], None] | None = None
    importable: bool = True
    # One sentence on the Import and Export page: what a row of the file is.
    description: str = ""


class ImportRefused(Invalid):
    """The file or the step was refused; `errors` say why."""


def _not_importable(*_args) -> ImportPlan:
    raise ImportRefused({"file": gettext("This kind is only exported.")})


def export_only_kind(**fields) -> ImportKind:
    """A kind that is only exported (a report's rows): its pages offer no import, so it plans and writes nothing."""
    return ImportKind(plan=_not_importable, write=_not_importable, importable=False, **fields)


def may_use_kind(user: User, kind: ImportKind) -> bool:
    return user.can(Permission.IMPORT_EXPORT) and kind.permissions <= user.permissions


def file_headers(kind: ImportKind, headers: tuple[str, ...]) -> tuple[str, ...]:
    """The kind's headers a file with `headers` has: all of them, or all but the last of the optional ones it
    leaves out (a file made before them)."""
    for left_out in range(len(kind.optional_headers), 0, -1):
        older = kind.headers[:len(kind.headers) - left_out]
        if len(headers) == len(older):
            return older
    return kind.headers


def header_problem(headers: tuple[str, ...], expected: tuple[str, ...]) -> str | None:
    """Why the file's header row is not the kind's, or None. Case and spaces around a name are forgiven,
    not a missing, extra or moved column."""
    found = tuple(header.strip().casefold() for header in headers)
    wanted = tuple(header.casefold() for header in expected)
    if found == wanted:
        return None
    missing = [header for header in expected if header.casefold() not in found]
    unknown = [header for header in headers if header.strip().casefold() not in wanted]
    if missing and unknown:
        return message(HEADER_MISSING_AND_UNKNOWN, missing=", ".join(missing), unknown=", ".join(unknown)).english()
    if missing:
        return message(HEADER_MISSING, missing=", ".join(missing)).english()
    if unknown:
        return message(HEADER_UNKNOWN, unknown=", ".join(unknown)).english()
    return message(HEADER_ORDER, headers=", ".join(expected)).english()


def import_rows(table: Table, kind: ImportKind) -> tuple[list[ImportRow], list[RowError]]:
    """The table's rows keyed by the kind's columns the file has, and the errors no kind accepts: a formula,
    or more cells than the header has."""
    rows, errors = [], []
    headers = file_headers(kind, table.headers)
    width = len(headers)
    for row in table.rows:
        cells = row.cells
        if any(cells[width:]):
            errors.append(row_error(row.line, headers[-1], ROW_TOO_WIDE, cells=len(cells), columns=width))
        values = {}
        for column, cell in zip(headers, cells + ("",) * (width - len(cells))):
            problem = formula_problem(cell)
            if problem:
                errors.append(RowError(row.line, column, problem))
            values[column] = cell_value(cell)
        rows.append(ImportRow(row.line, values))
    return rows, errors


def start_import(kind: ImportKind, by: User, filename: str, content: bytes, options: dict[str, bool]) -> ImportJob:
    """Keep an uploaded file as a job waiting to be checked. Raises ImportRefused for a file too large
    or not a spreadsheet (by its name and its first bytes)."""
    limit = current_app.config["IMPORT_MAX_MB"]
    if len(content) > limit * 1024 * 1024:
        raise ImportRefused({"file": f"The file is larger than {limit} MB; split it into smaller files."})
    if not filename.lower().endswith((".csv", ".txt", ".xlsx")):
        raise ImportRefused({"file": "Choose a CSV (.csv) or Excel (.xlsx) file."})
    if format_of(filename) == "xlsx" and not content.startswith(XLSX_MAGIC):
        raise ImportRefused({"file": "This file is named .xlsx but is not an Excel workbook."})
    job = ImportJob(kind=kind.name, created_by=by, filename=filename[:255], content=content,
                    options={option.name: bool(options.get(option.name)) for option in kind.options})
    db.session.add(job)
    db.session.commit()
    return job


def _plan(job: ImportJob, kind: ImportKind, by: User, day: date) -> ImportPlan:
    """Check the job's file: the whole plan, reporting progress as rows are checked. Writes nothing but
    the job's own progress."""
    table = read_table(job.content or b"", job.filename, max_rows=current_app.config["IMPORT_MAX_ROWS"])
    problem = header_problem(table.headers, file_headers(kind, table.headers))
    if problem:
        return ImportPlan(errors=[RowError(1, "Header", problem)])
    rows, errors = import_rows(table, kind)
    job_id = job.id
    _set_progress(job_id, 0, len(rows))

    written = [time.monotonic()]

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0 and time.monotonic() - written[0] >= PROGRESS_SECONDS:
            _set_progress(job_id, done, len(rows))
            written[0] = time.monotonic()

    plan = kind.plan(rows, by, day, progress)
    plan.job_id = job_id
    plan.errors = sorted(errors + plan.errors, key=lambda error: (error.line, kind.headers.index(error.column)
                                                                  if error.column in kind.headers else -1))
    return plan


def _set_progress(job_id: int, done: int, total: int) -> None:
    # On a connection of its own: committing the session would expire every object the check has loaded.
    with db.engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id)
                           .values(rows_done=done, rows_total=total, updated_at=utcnow()))


def _preview(plan: ImportPlan) -> dict:
    changed = [row for row in plan.rows if row.action != "unchanged"]
    return {
        "create": plan.count("create"),
        "update": plan.count("update"),
        "unchanged": plan.count("unchanged"),
        "errors": len(plan.errors),
        "digest": plan.digest(),
        "rows": [[row.line, row.action, row.label, list(row.changes)] for row in changed[:PREVIEW_ROWS]],
        "error_rows": [[error.line, error.column, error.message] for error in plan.errors[:PREVIEW_ERRORS]],
    }


def _finish(job: ImportJob, state: str, *, preview: dict | None = None, message: str | None = None) -> None:
    job.state = state
    job.updated_at = utcnow()
    if preview is not None:
        job.preview = preview
    job.message = message
    if state in ("imported", "failed"):
        job.finished_at = utcnow()
        job.content = None
    db.session.commit()


def check_import(job_id: int, kind: ImportKind, day: date) -> None:
    """Check a job's file and keep its preview (run by webapp.jobs, outside the request)."""
    job = db.session.get(ImportJob, job_id)
    try:
        plan = _plan(job, kind, job.created_by, day)
    except TableUnreadable as unreadable:
        _finish(job, "failed", message=str(unreadable))
        return
    _finish(job, "checked", preview=_preview(plan))


def confirm_import(job: ImportJob, by: User) -> None:
    """Start importing a checked job whose preview has no errors. A second click (or a second tab) finds
    the job already started and is refused, so a file is never imported twice."""
    if job.preview is None or job.preview["errors"]:
        raise ImportRefused({"confirm": FIX_THE_FILE})
    started = db.session.execute(update(ImportJob).where(ImportJob.id == job.id, ImportJob.state == "checked")
                                 .values(state="importing", updated_at=utcnow(), rows_done=0))
    db.session.commit()
    if started.rowcount != 1:
        raise ImportRefused({"confirm": gettext("This file is already being imported, or was imported.")})


def run_import(job_id: int, kind: ImportKind, day: date) -> None:
    """Import a confirmed job (run by webapp.jobs): check again, and write everything or nothing."""
    job = db.session.get(ImportJob, job_id)
    by = job.created_by
    previewed = job.preview["digest"]
    try:
        plan = _plan(job, kind, by, day)
    except TableUnreadable as unreadable:
        _finish(job, "failed", message=str(unreadable))
        return
    if plan.errors or plan.digest() != previewed:
        _finish(job, "checked", preview=_preview(plan),
                message=DATA_CHANGED)
        return
    outcome = kind.write(plan, by, day)
    record_audit(by, f"import.{kind.name}", job,
                 f"Imported {kind.title.lower()} from {job.filename}: {plan.count('create')} created, "
                 f"{plan.count('update')} updated, {plan.count('unchanged')} unchanged",
                 after={"file": job.filename, "create": plan.count("create"), "update": plan.count("update"),
                        "unchanged": plan.count("unchanged")})
    job.rows_done = job.rows_total
    _finish(job, "imported", preview=_preview(plan))
    if kind.after_commit is not None:
        kind.after_commit(outcome, by, job.options)


def fail_job(job_id: int, message: str) -> None:
    """Mark a job failed after an unexpected error (webapp.jobs), in a fresh transaction."""
    db.session.rollback()
    job = db.session.get(ImportJob, job_id)
    if job is not None and job.state in ("checking", "importing"):
        _finish(job, "failed", message=message)


def job_stopped(job: ImportJob, now: datetime) -> bool:
    """A job still checking or importing that nobody has moved for STOPPED_AFTER: its server stopped."""
    return job.state in ("checking", "importing") and now - job.updated_at > STOPPED_AFTER


def recent_imports(by: User, kind: ImportKind, limit: int = 5) -> list[ImportJob]:
    return list(db.session.scalars(
        select(ImportJob).where(ImportJob.created_by_id == by.id, ImportJob.kind == kind.name)
        .order_by(ImportJob.id.desc()).limit(limit)))


def record_export(by: User, kind: ImportKind, file_format: str) -> None:
    """Note in the audit log that `by` downloaded `kind`: the data leaves FieldCert with them."""
    record_audit(by, f"export.{kind.name}", by, f"Exported {kind.title.lower()} as {file_format.upper()}",
                 after={"kind": kind.name, "format": file_format})
    db.session.commit()
