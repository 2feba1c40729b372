"""Benchmark the certifications import: a 50,000-row file of the 42 columns, checked, imported, exported
and checked again (every row unchanged).

Run from the repository root:
    .venv/bin/python bench/bench_certification_import.py                  # SQLite in a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_certification_import.py
BENCH_ROWS changes the number of rows. Target: each step well under a minute, so a 50,000-row file never
holds anything up (it runs outside the request anyway).
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
from webapp.models import Certification, ImportJob  # noqa: E402
from webapp.rules.certification_columns import HEADERS, write_row  # noqa: E402
from webapp.services.certification_imports import CERTIFICATIONS, export_certifications  # noqa: E402
from webapp.services.imports import check_import, confirm_import, run_import, start_import  # noqa: E402
from webapp.services.organisation import create_user, ensure_built_in_module_levels  # noqa: E402
from webapp.tabular import csv_chunks  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "50000"))
DAY = date(2026, 6, 15)


def bench_file() -> bytes:
    """ROWS certifications; every tenth is the parent of the next, every third expires yearly."""
    rows = [HEADERS]
    for n in range(ROWS):
        expiring = n % 3 == 0
        rows.append(write_row({
            "name": f"Bench certification {n:05d}", "information": f"Row {n}", "expires": expiring,
            "duration_amount": 1 if expiring else None, "duration_unit": "years" if expiring else None,
            "first_notice_amount": 1 if expiring else None, "first_notice_unit": "months" if expiring else None,
            "second_notice_amount": 1 if expiring else None, "second_notice_unit": "weeks" if expiring else None,
            "hidden_levels": ["Supervisor"] if n % 7 == 0 else [], "attachments_hidden_levels": [], "batch_roles": [],
            "children": [f"Bench certification {n + 1:05d}"] if n % 10 == 0 and n + 1 < ROWS else [],
            "parent": f"Bench certification {n - 1:05d}" if n % 10 == 1 else None,
        }))
    return "".join(csv_chunks(rows)).encode()


def timed(step, *args) -> str:
    """Wall and CPU seconds of a step: on a shared machine the CPU figure is the fair one."""
    start, cpu = time.perf_counter(), time.process_time()
    step(*args)
    return f"{time.perf_counter() - start:.1f} s ({time.process_time() - cpu:.1f} s CPU)"


def main() -> None:
    with bench_app():
        levels = ensure_built_in_module_levels()
        admin = create_user(username="ada", email="ada@bench.test", first_name="Ada", last_name="Admin",
                            password_hash="x")
        admin.module_levels = [levels["Administrator"]]
        db.session.commit()
        data = bench_file()
        job = start_import(CERTIFICATIONS, admin, "bench.csv", data, {})
        check = timed(check_import, job.id, CERTIFICATIONS, DAY)
        job = db.session.get(ImportJob, job.id)
        assert job.preview["errors"] == 0 and job.preview["create"] == ROWS, job.preview["error_rows"][:5]
        confirm_import(job, admin)
        write = timed(run_import, job.id, CERTIFICATIONS, DAY)
        assert db.session.scalar(select(func.count(Certification.id))) == ROWS
        exported = []
        export = timed(lambda: exported.append("".join(csv_chunks([HEADERS, *export_certifications(admin)])).encode()))
        again = start_import(CERTIFICATIONS, admin, "again.csv", exported[0], {})
        recheck = timed(check_import, again.id, CERTIFICATIONS, DAY)
        again = db.session.get(ImportJob, again.id)
        assert again.preview["unchanged"] == ROWS, again.preview
        print(f"{db.engine.dialect.name}: {ROWS:,} rows ({len(data) / 1e6:.1f} MB): check {check}, "
              f"check again and import {write}, export {export}, re-check of the export "
              f"(all unchanged) {recheck}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
