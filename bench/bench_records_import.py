"""Benchmark the User Certifications import: a 10,000-row file (1,000 people x 10 certifications, a year of
history each), checked (the preview) and then imported (checked again, then written in one transaction).

Run from the repository root:
    .venv/bin/python bench/bench_records_import.py                      # SQLite in a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_records_import.py
The PostgreSQL database must be empty: the script builds its tables and drops them at the end.
Target: checking plus importing 10,000 rows under 10 seconds.
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine  # noqa: E402
from benchdb import bench_app  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from webapp.extensions import db  # noqa: E402
from webapp.models import Certification, Submission, User, new_token  # noqa: E402
from webapp.models.people import user_module_levels  # noqa: E402
from webapp.services.import_kinds import IMPORT_KINDS  # noqa: E402
from webapp.services.imports import check_import, confirm_import, run_import, start_import  # noqa: E402
from webapp.services.organisation import ensure_built_in_module_levels  # noqa: E402
from webapp.services.record_import import HEADERS  # noqa: E402

PEOPLE, CERTIFICATIONS, YEARS = 1000, 10, 1
TODAY = date(2026, 6, 15)


def build() -> tuple[User, bytes]:
    levels = ensure_built_in_module_levels()
    db.session.add_all(Certification(name=f"Certification {n:02d}", expires=True, duration_amount=1,
                                     duration_unit="years", first_notice_amount=1, first_notice_unit="months",
                                     second_notice_amount=1, second_notice_unit="weeks")
                       for n in range(CERTIFICATIONS))
    db.session.execute(insert(User), [{"username": f"person{n}", "email": f"person{n}@example.test", "first_name": "P",
                                       "last_name": str(n), "password_hash": "x", "qr_token": new_token(),
                                       "calendar_token": new_token()} for n in range(PEOPLE + 1)])
    admin = db.session.scalar(select(User).where(User.username == f"person{PEOPLE}"))
    db.session.execute(insert(user_module_levels), [{"user_id": admin.id,
                                                     "module_level_id": levels["Administrator"].id}])
    db.session.commit()
    lines = [",".join(HEADERS)]
    for person in range(PEOPLE):
        for certification in range(CERTIFICATIONS):
            for year in range(YEARS):
                completed = date(2024 + year, 1 + certification, 1 + person % 28)
                expires = "" if person % 2 else date(completed.year + 1, completed.month, completed.day).isoformat()
                lines.append(f"person{person}@example.test,Certification {certification:02d},"
                             f"{completed:%m/%d/%Y},{expires},Approved,,Imported by the benchmark")
    return admin, "\r\n".join(lines).encode()


def main() -> None:
    with bench_app() as app, time_machine.travel(TODAY, tick=False):
        admin, content = build()
        kind = IMPORT_KINDS["records"]
        rows = content.count(b"\n")
        started, cpu = time.perf_counter(), time.process_time()
        job = start_import(kind, admin, "records.csv", content, {})
        check_import(job.id, kind, TODAY)
        checked = time.perf_counter()
        confirm_import(job, admin)
        run_import(job.id, kind, TODAY)
        imported, cpu = time.perf_counter(), time.process_time() - cpu
        count = db.session.scalar(select(func.count(Submission.id)))
        assert count == rows, (count, job.state, job.preview and job.preview["error_rows"][:3])
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
        print(f"{backend}: {rows:,} user-certification rows: checked in {checked - started:.2f} s, "
              f"imported (checked again and written) in {imported - checked:.2f} s, "
              f"{imported - started:.2f} s in all (target: under 10 s; {cpu:.2f} s of this process's CPU time)")


if __name__ == "__main__":
    main()
