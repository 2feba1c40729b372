"""Scheduled jobs take a PostgreSQL advisory lock, so two runners started by mistake run once."""
from __future__ import annotations

from sqlalchemy import text

from webapp.extensions import db

# One fixed 64-bit key per job, in a range nobody else is likely to use.
JOB_LOCKS = {
    "queue_scheduled_notices": 0x46434E0001,
    "claim_notices": 0x46434E0002,
    "claim_push": 0x46434E0003,
    "send_scheduled_reports": 0x46434E0004,
}


def try_job_lock(job: str) -> bool:
    """Take the job's lock for the current transaction; False when another runner holds it.

    SQLite has no advisory locks; it serialises writers itself, and the outbox's unique
    keys and conditional claims keep a second runner from doubling anything.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": JOB_LOCKS[job]}))
