"""The one runner of scheduled jobs (APScheduler 3).

APScheduler cannot share a job store between processes, so web workers never start it:
it runs as its own process (`flask scheduler`) or, for local use, inside the single dev
server process (RUN_SCHEDULER=1, `make run`). Jobs are thin: an app context around a
service; the services take advisory locks, so a second runner started by mistake is harmless.
"""
from __future__ import annotations

import logging
import os

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from flask.helpers import get_debug_flag

from webapp.clock import today
from webapp.extensions import db
from webapp.services.mail import deliver_notices
from webapp.services.notices import queue_scheduled_notices
from webapp.services.push import deliver_push
from webapp.services.scheduled_reports import send_scheduled_reports
from webapp.services.settings import notification_defaults, organisation_time_zone
from webapp.services.storage import remove_orphan_files

log = logging.getLogger(__name__)
DAILY_JOB = "queue_scheduled_notices"
FILE_CLEANUP_JOB = "remove_orphan_files"
SCHEDULED_REPORTS_JOB = "send_scheduled_reports"


def run_daily_notices(app: Flask) -> None:
    with app.app_context():
        try:
            result = queue_scheduled_notices(today())
        finally:
            db.session.remove()
    if result is None:
        log.info("Daily notices skipped: another runner holds the job.")
    else:
        log.info("Daily notices: %d requirements, %d notices queued.", result.requirements, result.queued)


def run_delivery(app: Flask) -> None:
    """Send the outbox: mail, then the same notices as push notifications to the phones that asked."""
    with app.app_context():
        try:
            deliver_notices()
            deliver_push()
        finally:
            db.session.remove()


def run_scheduled_reports(app: Flask) -> None:
    with app.app_context():
        try:
            result = send_scheduled_reports(today())
        finally:
            db.session.remove()
    if result is None:
        log.info("Scheduled reports skipped: another runner holds the job.")
    elif result.sent or result.not_sent:
        log.info("Scheduled reports: %d sent, %d not sent.", result.sent, result.not_sent)


def run_file_cleanup(app: Flask) -> None:
    with app.app_context():
        try:
            removed = remove_orphan_files()
        finally:
            db.session.remove()
    log.info("File store: %d orphan or partial files removed.", removed)


def _daily_trigger(hour: int, zone: str) -> CronTrigger:
    return CronTrigger(hour=hour, minute=0, timezone=zone)


def _send_time(app: Flask) -> tuple[int, str]:
    """The hour notices go out at, and the organisation's time zone it is in (both Module Settings)."""
    with app.app_context():
        try:
            return notification_defaults()["send_hour"], organisation_time_zone()
        finally:
            db.session.remove()


def follow_send_hour(app: Flask, scheduler) -> None:
    """Move the daily job when an administrator changes the hour notices go out, or the organisation's zone."""
    hour, zone = _send_time(app)
    job = scheduler.get_job(DAILY_JOB)
    if job is not None and ({f.name: str(f) for f in job.trigger.fields}["hour"], str(job.trigger.timezone)) != (
            str(hour), zone):
        scheduler.reschedule_job(DAILY_JOB, trigger=_daily_trigger(hour, zone))
        log.info("Daily notices now run at %02d:00 %s.", hour, zone)


def build_scheduler(app: Flask, scheduler_class=BackgroundScheduler):
    hour, zone = _send_time(app)
    scheduler = scheduler_class(timezone=zone,
                                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    scheduler.add_job(run_daily_notices, _daily_trigger(hour, zone), args=[app], id=DAILY_JOB)
    scheduler.add_job(run_delivery, IntervalTrigger(seconds=app.config["MAIL_DELIVERY_SECONDS"]), args=[app],
                      id="deliver_notices")
    # Deleting is idempotent, so this job needs no lock; the night hour keeps it off busy times.
    scheduler.add_job(run_file_cleanup, CronTrigger(hour=3, minute=30, timezone=zone), args=[app], id=FILE_CLEANUP_JOB)
    scheduler.add_job(follow_send_hour, IntervalTrigger(minutes=5), args=[app, scheduler], id="follow_send_hour")
    # Each report goes out once per period (a unique run per report and period): hourly, and at start.
    scheduler.add_job(run_scheduled_reports, IntervalTrigger(hours=1), args=[app], id=SCHEDULED_REPORTS_JOB)
    scheduler.add_job(run_scheduled_reports, args=[app], id="scheduled_reports_on_start")
    # A runner started after today's hour still queues today's notices (queueing is idempotent).
    scheduler.add_job(run_daily_notices, args=[app], id="queue_on_start")
    return scheduler


def should_run_in_process(app: Flask) -> bool:
    """RUN_SCHEDULER=1 in the dev server: never under tests, and only in the reloader's child."""
    if not app.config["RUN_SCHEDULER"] or app.testing:
        return False
    if get_debug_flag():
        return os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    return True


def init_scheduler(app: Flask) -> None:
    if should_run_in_process(app):
        scheduler = build_scheduler(app)
        scheduler.start()
        app.extensions["fieldcert_scheduler"] = scheduler
