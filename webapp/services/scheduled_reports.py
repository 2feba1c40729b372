"""Scheduled reports: the Reports page's filters, saved by a supervisor or administrator and e-mailed
weekly or monthly (the CSV attached, a short summary in the body) to chosen people, through the outbox.

Exactly once per period: each sending first inserts the report's run for that period, whose unique
key (report, period) lets one sender in however many processes win; the run, the mails and their
CSV files are committed together, so a sender that fails sends nothing and the next run tries again.

What a recipient gets (docs/rules.md, "Scheduled reports"): the report as its owner sees it (the
owner's reach and privacy), narrowed to what the recipient may see themselves.
"""
from __future__ import annotations

from flask_babel import force_locale, gettext, lazy_gettext as _l
import re
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import (
    Certification,
    CertificationRole,
    Company,
    Entity,
    ModuleLevelPermission,
    ScheduledReport,
    ScheduledReportRun,
    User,
)
from webapp.models.people import user_module_levels
from webapp.permissions import Permission
from webapp.rules.schedules import FREQUENCIES, next_period_start, report_period
from webapp.services.access import ids_in_reach, names_of
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.services.jobs import try_job_lock
from webapp.services.mail import external_url, queue_email, recipient_language, render_mail
from webapp.services.entity_reports import EntityLine
from webapp.services.once import stored_once
from webapp.services.privacy import hidden_certification_ids
from webapp.services.reports import ReportFilters, ReportLine, iter_report, report_csv_rows
from webapp.services.storage import CheckedUpload, store_file
from webapp.tabular import CSV_MEDIA_TYPE, csv_chunks

# What each saved filter id names, for the check that it still exists.
FILTERED_BY = {"certification_id": (Certification, "certification"), "role_id": (CertificationRole, "role"),
               "company_id": (Company, "company"), "supervisor_id": (User, "supervisor"),
               "client_id": (Entity, "client")}


@dataclass(frozen=True)
class ScheduleInput:
    title: str
    frequency: str
    filters: ReportFilters
    recipient_ids: frozenset[int]


def recipient_choices() -> list[User]:
    """Who may receive scheduled reports: active people who may view reports themselves (one query)."""
    return list(db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.id.in_(
            select(user_module_levels.c.user_id)
            .join(ModuleLevelPermission, ModuleLevelPermission.module_level_id == user_module_levels.c.module_level_id)
            .where(ModuleLevelPermission.permission == Permission.VIEW_REPORTS.value)
        ))
        .order_by(User.last_name, User.first_name, User.id)
    ))


def filter_problems(filters: dict) -> list[str]:
    """Why a report's saved filters no longer mean what they said: each thing filtered by that was deleted."""
    return _filter_problems([filters])[0]


def _filter_problems(many: list[dict]) -> list[list[str]]:
    """filter_problems for each of `many` filters, in one query per kind of thing filtered by."""
    existing = {}
    for key, (model, _) in FILTERED_BY.items():
        ids = {filters[key] for filters in many if filters.get(key) is not None}
        existing[key] = set(db.session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()
    return [[f"The {label} it is filtered by was deleted." for key, (_, label) in FILTERED_BY.items()
             if filters.get(key) is not None and filters[key] not in existing[key]] for filters in many]


def report_problems(reports: list[ScheduledReport]) -> dict[int, list[str]]:
    """What stops or narrows each report's sending: deleted filters, recipients who left (a fixed number of queries)."""
    return {report.id: filters + _recipient_problems(report)
            for report, filters in zip(reports, _filter_problems([r.filters for r in reports]))}


def _recipient_problems(report: ScheduledReport) -> list[str]:
    """Recipients who left (deactivated or erased): they are no longer sent the report."""
    left = [user for user in report.recipients if not user.active]
    return [f"{names_of(left)} left and {'are' if len(left) > 1 else 'is'} no longer sent this report."] if left else []


def scheduled_reports_of(owner: User) -> list[ScheduledReport]:
    return list(db.session.scalars(
        select(ScheduledReport).where(ScheduledReport.owner_id == owner.id)
        .options(selectinload(ScheduledReport.recipients))
        .order_by(ScheduledReport.title, ScheduledReport.id)
    ))


def get_scheduled_report(owner: User, report_id: int) -> ScheduledReport | None:
    """Only its owner manages a scheduled report: it is their view of Reports that it sends."""
    return db.session.scalar(select(ScheduledReport).where(ScheduledReport.id == report_id,
                                                           ScheduledReport.owner_id == owner.id))


def last_runs(reports: list[ScheduledReport]) -> dict[int, ScheduledReportRun]:
    """Each report's latest run, in one query."""
    runs = db.session.scalars(select(ScheduledReportRun).where(
        ScheduledReportRun.report_id.in_([r.id for r in reports])).order_by(ScheduledReportRun.ran_at, ScheduledReportRun.id))
    return {run.report_id: run for run in runs}


def next_sending(report: ScheduledReport, day: date, last: ScheduledReportRun | None) -> date:
    """When the report next goes out: today's period if not sent yet, else the next period's first day."""
    if last is not None and last.period == report_period(report.frequency, day):
        return next_period_start(report.frequency, day)
    return day


def _refusals(values: ScheduleInput) -> dict[str, str]:
    errors = {}
    if not values.title.strip():
        errors["title"] = gettext("Enter a title.")
    if values.frequency not in FREQUENCIES:
        errors["frequency"] = gettext("Choose weekly or monthly.")
    if problems := filter_problems(asdict(values.filters)):
        errors["page"] = " ".join(problems) + " Choose the filters again."
    allowed = {user.id for user in recipient_choices()}
    if not values.recipient_ids:
        errors["recipients"] = gettext("Choose at least one recipient.")
    elif values.recipient_ids - allowed:
        errors["recipients"] = (gettext("Some chosen recipients can no longer receive reports (they left, or may not view"
                                " reports): reload the page and choose again."))
    return errors


def save_scheduled_report(owner: User, values: ScheduleInput, report: ScheduledReport | None = None, *,
                          idempotency_key: str | None = None) -> ScheduledReport:
    """Create (or, given `report`, edit) `owner`'s scheduled report. Raises Invalid, saving nothing,
    for an empty title, an unknown frequency, a filter naming something deleted, or recipients who
    may not receive reports. A new report's form posted twice (`idempotency_key`) saves one."""
    if errors := _refusals(values):
        raise Invalid(errors)
    recipients = list(db.session.scalars(select(User).where(User.id.in_(values.recipient_ids))))

    def store() -> ScheduledReport:
        saving = report if report is not None else ScheduledReport(owner_id=owner.id, idempotency_key=idempotency_key)
        before = _snapshot(saving) if report is not None else None
        saving.title, saving.frequency = values.title.strip(), values.frequency
        saving.filters, saving.recipients = asdict(values.filters), recipients
        db.session.add(saving)
        db.session.flush()
        record_audit(owner, "scheduled_report.save", saving, f"Saved scheduled report {saving.title}",
                     before=before, after=_snapshot(saving))
        db.session.commit()
        return saving

    return store() if report is not None else stored_once(ScheduledReport, idempotency_key, store)


def _snapshot(report: ScheduledReport) -> dict:
    return {"title": report.title, "frequency": report.frequency, "filters": report.filters, "paused": report.paused,
            "recipient_ids": sorted(user.id for user in report.recipients)}


def set_paused(owner: User, report: ScheduledReport, paused: bool) -> None:
    """Pause (nothing is sent) or resume (sent from the current period on, if not sent in it yet)."""
    before = report.paused
    report.paused = paused
    record_audit(owner, "scheduled_report.pause" if paused else "scheduled_report.resume", report,
                 f"{'Paused' if paused else 'Resumed'} scheduled report {report.title}",
                 before={"paused": before}, after={"paused": paused})
    db.session.commit()


def delete_scheduled_report(owner: User, report: ScheduledReport) -> None:
    record_audit(owner, "scheduled_report.delete", report, f"Deleted scheduled report {report.title}",
                 before=_snapshot(report))
    db.session.delete(report)
    db.session.commit()


# ---- Sending (the scheduler's job) ----------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    sent: int = 0
    not_sent: int = 0


def send_scheduled_reports(day: date) -> SendResult | None:
    """Send each unpaused report not yet sent in the period `day` falls in; None when another sender
    holds the job. A report that cannot be sent (its owner or every recipient left, a filter names a
    deleted thing) is not sent for that period, and its owner is told why, once."""
    if not try_job_lock("send_scheduled_reports"):
        db.session.rollback()
        return None
    periods = {frequency: report_period(frequency, day) for frequency in FREQUENCIES}
    done = {(report_id, period) for report_id, period in db.session.execute(
        select(ScheduledReportRun.report_id, ScheduledReportRun.period).where(ScheduledReportRun.period.in_(periods.values())))}
    due = [report_id for report_id, frequency in db.session.execute(
        select(ScheduledReport.id, ScheduledReport.frequency).where(ScheduledReport.paused.is_(False))
        .order_by(ScheduledReport.id)) if (report_id, periods[frequency]) not in done]
    db.session.commit()  # the lock ends with this transaction; each report's unique run keeps it once
    outcomes = Counter(send_scheduled_report(report_id, day) for report_id in due)
    return SendResult(sent=outcomes["sent"], not_sent=outcomes["not_sent"])


def send_scheduled_report(report_id: int, day: date) -> str | None:
    """Send one report for the period `day` falls in, in one transaction: "sent", "not_sent" (its owner
    is told why), or None when it is paused, gone, or already done for this period (by any sender)."""
    report = db.session.get(ScheduledReport, report_id)
    if report is None or report.paused:
        db.session.rollback()
        return None
    period = report_period(report.frequency, day)
    run = ScheduledReportRun(report_id=report.id, period=period, outcome="sent", detail="")
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # another sender has this period
        return None
    recipients = [user for user in report.recipients if user.active]
    reasons = filter_problems(report.filters)
    if not report.owner.active:
        reasons.append("Its owner left.")
    if not recipients:
        reasons.append("None of its recipients may still receive it.")
    if reasons:
        run.outcome, run.detail = "not_sent", " ".join(reasons)
        if report.owner.active:
            mail = render_mail("scheduled_report_not_sent", _l("Scheduled report not sent: %(title)s", title=report.title),
                               to=report.owner,
                               report=report, reasons=reasons, period=period,
                               link=external_url("reports.scheduled_edit", scheduled_id=report.id))
            queue_email("scheduled_report", report.owner, mail)
    else:
        lines = list(iter_report(report.owner, ReportFilters(**report.filters), day))
        for recipient in recipients:
            _mail_report(report, recipient, _seen_by(recipient, lines), period, day)
        run.detail = f"Sent to {names_of(recipients)}."
    record_audit(None, f"scheduled_report.{run.outcome}", report, f"Scheduled report {report.title} ({period}): {run.detail}")
    db.session.commit()
    return run.outcome


def _seen_by(recipient: User, lines: list[ReportLine | EntityLine]) -> list[ReportLine | EntityLine]:
    """The owner's lines that `recipient` may see too: people in their reach (or themselves), or entities they
    may see (decision 70: all of them for who manages certifications, else those they are responsible for),
    certifications privacy does not hide from them."""
    hidden = hidden_certification_ids(recipient)
    if any(isinstance(line, EntityLine) for line in lines):
        every = recipient.can(Permission.MANAGE_CERTIFICATIONS)
        return [line for line in lines if (every or line.entity.owner_id == recipient.id)
                and line.certification.id not in hidden]
    reach = ids_in_reach(recipient, "view", {line.user.id for line in lines}) | {recipient.id}
    return [line for line in lines if line.user.id in reach and line.certification.id not in hidden]


def _mail_report(report: ScheduledReport, recipient: User, lines: list[ReportLine], period: str, day: date) -> None:
    counts = Counter(line.status_label for line in lines)
    files = []
    if lines:
        # The CSV's header and words in the recipient's language, as the e-mail it is attached to (decision 86).
        with force_locale(recipient_language(recipient)):
            content = "".join(csv_chunks(report_csv_rows(lines), cells_safe=True)).encode()
        name = f"{re.sub(r'[^A-Za-z0-9]+', '-', report.title).strip('-')[:60] or 'report'}-{period}.csv"
        files = [(name, store_file(CheckedUpload(content, CSV_MEDIA_TYPE, name)))]
        db.session.flush()  # the outbox keeps the stored file's id
    query = {key.removesuffix("_id"): value for key, value in report.filters.items() if value not in (None, False)}
    mail = render_mail("scheduled_report", f"{report.title}: {period}", to=recipient, report=report, recipient=recipient,
                       lines=len(lines), counts=sorted(counts.items()), period=period, day=day,
                       file_name=files[0][0] if files else None, link=external_url("reports.index", **query))
    queue_email("scheduled_report", recipient, mail, files=files)
