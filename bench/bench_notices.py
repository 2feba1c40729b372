"""Benchmark the daily notice scan: 10,000 generated people x about 30 requirements = 300,000 requirements.

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
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import bench_app  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from webapp.extensions import db  # noqa: E402
from webapp.models import Notice  # noqa: E402
from webapp.services.large_organisation import generate_organisation  # noqa: E402
from webapp.services.notices import queue_scheduled_notices  # noqa: E402

USERS = int(os.environ.get("BENCH_USERS", "10000"))
DAY = date(2026, 6, 15)


def populate() -> int:
    """The generated organisation (`flask generate-organisation`) of USERS people; returns its requirements."""
    return generate_organisation(USERS, 11, DAY).requirements


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
