"""Benchmark the matrix (1,000 generated people x 40 certifications, first screen) and the QR report.

Run from the repository root:
    .venv/bin/python bench/bench_reports.py                      # SQLite in a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_reports.py
The PostgreSQL database must be empty: the script builds its tables and drops them at the end.
Targets: matrix first screen under 300 ms, QR report under 50 ms (best of 5, warm).
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine  # noqa: E402
from benchdb import bench_app  # noqa: E402
from sqlalchemy import select  # noqa: E402

from webapp.extensions import db  # noqa: E402
from webapp.models import User  # noqa: E402
from webapp.services.large_organisation import generate_organisation  # noqa: E402
from webapp.services.sessions import start_session  # noqa: E402
from webapp.services.organisation import ensure_built_in_module_levels  # noqa: E402

USERS, CERTIFICATIONS, RUNS = 1000, 40, 5
TODAY = date(2026, 6, 15)


def build() -> tuple[User, str]:
    """An administrator and the generated organisation (`flask generate-organisation`) of USERS people."""
    levels = ensure_built_in_module_levels()
    admin = User(username="admin", email="admin@bench.test", first_name="Ada", last_name="Admin", password_hash="x")
    admin.module_levels = [levels["Administrator"]]
    db.session.add(admin)
    db.session.commit()
    generate_organisation(USERS, 7, TODAY)
    return admin, db.session.scalar(select(User.qr_token).where(User.username == "large00000"))


def best_ms(client, url) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return min(times)


def main() -> None:
    with bench_app() as app, time_machine.travel(TODAY, tick=True):
        admin, token = build()
        client = app.test_client()
        keys = start_session(admin, address="127.0.0.1", user_agent="bench", remember=False)
        with client.session_transaction() as session:
            session["_user_id"] = keys.key
            session["_fresh"] = True
        matrix = best_ms(client, "/reports/matrix")
        qr = best_ms(client, f"/r/{token}")
        print(f"{db.engine.dialect.name}: matrix first screen {matrix:.0f} ms (target 300), "
              f"QR report {qr:.1f} ms (target 50); {USERS} users x {CERTIFICATIONS} certifications")


if __name__ == "__main__":
    main()
