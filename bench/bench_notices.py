"""Benchmark the daily notice scan: 10,000 users x 30 required certifications = 300,000 requirements.

Run from the repository root:
    .venv/bin/python bench/bench_notices.py                      # SQLite in a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_notices.py
BENCH_USERS changes the number of users. The PostgreSQL database must be empty: the script builds
its tables and drops them at the end.
Target: the scan finishes in under 30 s on PostgreSQL with bounded memory (it streams users in
chunks); the second run of the same day queues nothing and shows the cost of a re-run.
"""
from __future__ import annotations

import gc
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dateutil.relativedelta import relativedelta  # noqa: E402
from benchdb import bench_app  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from webapp.extensions import db  # noqa: E402
from webapp.models import Certification, DirectRequirement, Notice, Submission, User, new_token  # noqa: E402
from webapp.models.people import supervisor_links, user_module_levels  # noqa: E402
from webapp.services.notices import queue_scheduled_notices  # noqa: E402
from webapp.services.organisation import ensure_built_in_module_levels  # noqa: E402

USERS = int(os.environ.get("BENCH_USERS", "10000"))
PER_USER = 30
DAY = date(2026, 6, 15)


def populate() -> int:
    """Users, each with a supervisor and 30 direct requirements with approved records; returns requirements."""
    levels = ensure_built_in_module_levels()
    certifications = [
        Certification(name=f"Bench certification {i:02d}", expires=True, duration_amount=1, duration_unit="years",
                      first_notice_amount=1, first_notice_unit="months", second_notice_amount=1,
                      second_notice_unit="weeks")
        for i in range(PER_USER)
    ]
    db.session.add_all(certifications)
    db.session.flush()
    rng = random.Random(11)
    for start in range(0, USERS, 2000):
        db.session.execute(insert(User), [
            dict(username=f"b{i}", email=f"b{i}@bench.test", first_name="Bench", last_name=f"B{i:05d}",
                 password_hash="x", qr_token=new_token(), calendar_token=new_token(), active=True, hidden=False,
                 session_version=1)
            for i in range(start, min(start + 2000, USERS))
        ])
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    db.session.execute(insert(user_module_levels), [
        {"user_id": uid, "module_level_id": levels["Administrator" if n == 0 else "Employee"].id}
        for n, uid in enumerate(user_ids)
    ])
    db.session.execute(insert(supervisor_links), [
        {"supervisor_id": user_ids[n - n % 20], "user_id": uid} for n, uid in enumerate(user_ids) if n % 20
    ])
    for start in range(0, len(user_ids), 1000):
        chunk = user_ids[start:start + 1000]
        db.session.execute(insert(DirectRequirement), [
            {"user_id": uid, "certification_id": c.id} for uid in chunk for c in certifications
        ])
        records = []
        for uid in chunk:
            for c in certifications:
                completed = DAY - timedelta(days=rng.randint(0, 400))
                records.append(dict(user_id=uid, certification_id=c.id, completed_on=completed,
                                    expires_on=completed + relativedelta(years=1), status="approved", source="import"))
        db.session.execute(insert(Submission), records)
    db.session.commit()
    return len(user_ids) * PER_USER


def timed_scan() -> tuple[float, float, int]:
    """(wall seconds, this process's CPU seconds, notices queued); on a busy machine the CPU figure is the fair one."""
    start, cpu = time.perf_counter(), time.process_time()
    result = queue_scheduled_notices(DAY)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    db.session.remove()
    return seconds, cpu_seconds, result.queued


def _status_kb(field: str) -> int:
    return int(next(line.split()[1] for line in Path("/proc/self/status").read_text().splitlines()
                    if line.startswith(f"{field}:")))


def _reset_peak_rss() -> int:
    """The resident memory now (KB), and start measuring the peak from here (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_kb("VmRSS")
    except OSError:  # not Linux: the peak so far, which may hide what the scan adds
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _peak_rss() -> int:
    try:
        return _status_kb("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    with bench_app():
        requirements = populate()
        gc.collect()
        rss_before = _reset_peak_rss()
        first, first_cpu, queued = timed_scan()
        rss_after = _peak_rss()
        again, again_cpu, queued_again = timed_scan()
        total = db.session.scalar(select(func.count()).select_from(Notice))
        print(f"{db.engine.dialect.name}: daily scan of {requirements:,} requirements ({USERS:,} users) "
              f"{first:.1f} s ({first_cpu:.1f} s CPU here), queued {queued:,} notices (outbox holds {total:,}); "
              f"re-run {again:.1f} s ({again_cpu:.1f} s CPU), "
              f"queued {queued_again}; peak memory grew {(rss_after - rss_before) / 1024:.0f} MB during the scan "
              f"(target: under 30 s on PostgreSQL); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
