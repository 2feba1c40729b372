"""Benchmark the people import: a staff list of 10,000 people, each with a supervisor (a third of them
later in the file) and two roles (one in training), checked then imported, then the same file again
(10,000 unchanged rows) - through the same services the import pages run.

Run from the repository root:
    .venv/bin/python bench/bench_people_import.py                      # SQLite in a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_people_import.py
BENCH_PEOPLE changes the number of people. The PostgreSQL database must be empty: the script builds
its tables and drops them at the end.
Target (issue 17): checking and importing 10,000 people takes under 15 s. The import checks the file
again before writing (the data may have changed since the preview), so its figure includes a check.
Each figure is elapsed time, with this process's CPU time beside it (on a busy machine the elapsed
time also counts other programs' turns).
"""
from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import bench_app  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from webapp.extensions import db  # noqa: E402
from webapp.models import CertificationRole, Company, ImportJob, RoleAssignment, User  # noqa: E402
from webapp.models.people import supervisor_links  # noqa: E402
from webapp.services.imports import check_import, confirm_import, run_import, start_import  # noqa: E402
from webapp.services.people import create_administrator  # noqa: E402
from webapp.services.people_import import HEADERS, PEOPLE  # noqa: E402
from webapp.tabular import csv_chunks  # noqa: E402

PEOPLE_COUNT = int(os.environ.get("BENCH_PEOPLE", "10000"))
DAY = date(2026, 6, 15)


def staff_file() -> bytes:
    """Person i is supervised by person i // 10 (the first ten by the administrator); every third
    supervisor comes later in the file, since the rows are written in a shuffled order."""
    order = sorted(range(PEOPLE_COUNT), key=lambda i: (i % 3, i))
    rows = [HEADERS]
    for i in order:
        supervisor = f"p{i // 10}" if i >= 10 else "admin"
        rows.append((f"p{i}", f"p{i}@bench.test", "Bench", f"Person {i:05d}", f"E{i:05d}", "Field technician",
                     f"Company {i % 5}", supervisor, "Supervisor" if i < PEOPLE_COUNT // 10 else "Employee",
                     f"Role {i % 7}; Role {(i + 1) % 7} (training until 01/31/2027)", "Yes"))
    return "".join(csv_chunks(rows)).encode()


def timed_job(admin: User, content: bytes) -> tuple[str, str, dict]:
    """The check's and the import's seconds, as elapsed (CPU of this process)."""
    job = start_import(PEOPLE, admin, "staff.csv", content, {"invite": False})
    started, started_cpu = time.perf_counter(), time.process_time()
    check_import(job.id, PEOPLE, DAY)
    checked, checked_cpu = time.perf_counter(), time.process_time()
    job = db.session.get(ImportJob, job.id)
    assert job.preview["errors"] == 0, job.preview["error_rows"][:5]
    confirm_import(job, admin)
    imported_at, imported_cpu = time.perf_counter(), time.process_time()
    run_import(job.id, PEOPLE, DAY)
    done, done_cpu = time.perf_counter(), time.process_time()
    job = db.session.get(ImportJob, job.id)
    assert job.state == "imported", (job.state, job.message)
    return (f"{checked - started:.2f} s ({checked_cpu - started_cpu:.2f} s CPU)",
            f"{done - imported_at:.2f} s ({done_cpu - imported_cpu:.2f} s CPU)", job.preview)


def main() -> None:
    with bench_app():
        admin = create_administrator(username="admin", email="admin@bench.test", first_name="Bench",
                                     last_name="Administrator", password=None)
        db.session.add_all(Company(name=f"Company {i}") for i in range(5))
        db.session.add_all(CertificationRole(name=f"Role {i}") for i in range(7))
        db.session.commit()
        content = staff_file()
        engine = db.engine.dialect.name
        print(f"{engine}: {PEOPLE_COUNT:,} people, {len(content) / 1e6:.1f} MB")
        check, write, preview = timed_job(admin, content)
        people = db.session.scalar(select(func.count(User.id)))
        links = db.session.scalar(select(func.count()).select_from(supervisor_links))
        roles = db.session.scalar(select(func.count(RoleAssignment.id)))
        print(f"  first import: check {check}, import {write} "
              f"({preview['create']:,} created; {people:,} people, {links:,} supervisor links, {roles:,} roles)")
        check, write, preview = timed_job(admin, content)
        print(f"  same file again: check {check}, import {write} ({preview['unchanged']:,} unchanged)")


if __name__ == "__main__":
    main()
