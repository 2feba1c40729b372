"""Benchmark the matrix (1,000 users x 50 certifications, first screen) and the QR report.

Run from the repository root:
    .venv/bin/python bench/bench_reports.py                      # SQLite in a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_reports.py
The PostgreSQL database must be empty: the script builds its tables and drops them at the end.
Targets: matrix first screen under 300 ms, QR report under 50 ms (best of 5, warm).
"""
from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine  # noqa: E402
from dateutil.relativedelta import relativedelta  # noqa: E402
from benchdb import bench_app  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from webapp.extensions import db  # noqa: E402
from webapp.models import (  # noqa: E402
    Certification,
    CertificationRole,
    Company,
    CompanyRole,
    RoleAssignment,
    RoleRequirement,
    Submission,
    User,
    new_token,
)
from webapp.models.people import user_module_levels  # noqa: E402
from webapp.services.organisation import ensure_built_in_module_levels  # noqa: E402

USERS, CERTIFICATIONS, ROLES, RUNS = 1000, 50, 10, 5
TODAY = date(2026, 6, 15)


def build() -> tuple[User, str]:
    levels = ensure_built_in_module_levels()
    company = Company(name="Bench Co")
    db.session.add(company)
    db.session.flush()
    certs = [
        Certification(name=f"Certification {i:02d}", expires=True, duration_amount=1, duration_unit="years",
                      first_notice_amount=1, first_notice_unit="months", second_notice_amount=1,
                      second_notice_unit="weeks")
        for i in range(CERTIFICATIONS)
    ]
    roles = [CertificationRole(name=f"Role {i}") for i in range(ROLES)]
    db.session.add_all(certs + roles)
    db.session.flush()
    for i, role in enumerate(roles):
        company_role = CompanyRole(company=company, role=role)
        company_role.requirements = [RoleRequirement(certification=c) for c in certs[i * 5:(i + 1) * 5 + 20]]
        db.session.add(company_role)
    admin = User(username="admin", email="admin@bench.test", first_name="Ada", last_name="Admin",
                 password_hash="x", company=company)
    db.session.add(admin)
    db.session.flush()
    db.session.execute(insert(user_module_levels), [{"user_id": admin.id, "module_level_id": levels["Administrator"].id}])
    db.session.execute(insert(User), [
        dict(username=f"u{i}", email=f"u{i}@bench.test", first_name="Worker", last_name=f"W{i:04d}", password_hash="x",
             company_id=company.id, qr_token=new_token(), calendar_token=new_token(), active=True, hidden=False,
             session_version=1)
        for i in range(USERS)
    ])
    user_ids = list(db.session.scalars(select(User.id).where(User.id != admin.id)))
    rng = random.Random(7)
    db.session.execute(insert(RoleAssignment), [
        dict(user_id=uid, role_id=role.id) for uid in user_ids for role in rng.sample(roles, 2)
    ])
    submissions = []
    for uid in user_ids:
        for cert in rng.sample(certs, 30):
            completed = TODAY - timedelta(days=rng.randint(0, 500))
            submissions.append(dict(user_id=uid, certification_id=cert.id, completed_on=completed,
                                    expires_on=completed + relativedelta(years=1),
                                    status="approved", source="import"))
    db.session.execute(insert(Submission), submissions)
    db.session.commit()
    return admin, db.session.get(User, user_ids[0]).qr_token


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
        with client.session_transaction() as session:
            session["_user_id"] = admin.get_id()
            session["_fresh"] = True
        matrix = best_ms(client, "/reports/matrix")
        qr = best_ms(client, f"/r/{token}")
        print(f"{db.engine.dialect.name}: matrix first screen {matrix:.0f} ms (target 300), "
              f"QR report {qr:.1f} ms (target 50); {USERS} users x {CERTIFICATIONS} certifications")


if __name__ == "__main__":
    main()
