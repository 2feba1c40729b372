"""The key pages, small (the demo) against large (the demo plus a generated organisation), through gunicorn.

Run from the repository root (`make bench-scale`):
    .venv/bin/python bench/bench_scale.py
BENCH_POSTGRES_URL names the server and a database-name prefix (default
postgresql://postgres@127.0.0.1:5432/fieldcert_bench): the databases PREFIX_small and PREFIX_large
are made (migrated, the demo loaded, and for the large one `flask generate-organisation`) the first
time and reused after. BENCH_PEOPLE (default 10000) sizes the generated organisation.

Each size is served by gunicorn with 2 workers. For every page: the queries it runs (counted in
process with the same URL), p50/p95 over requests at 2 connections, throughput at 16 connections,
and that throughput as a share of a trivial route's served by the same gunicorn in the same run.
The CSV export is timed alone (2 requests, one at a time) with the growth of a worker's peak memory.
Benchmarks are run by hand; they are never tests.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402
from webapp.config import _database_url  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import RequirementSetting, Submission, User  # noqa: E402
from webapp.services.demo import DEMO_PASSWORD  # noqa: E402

BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/fieldcert_bench")
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
SAMPLES, SAMPLE_SECONDS = 40, 15.0  # at 2 connections: 40 requests, or fewer once 15 s have passed (4 at least)
LOAD_SECONDS = 4.0  # at 16 connections
BIN = Path(sys.executable).parent
SECRET = secrets.token_urlsafe(32)


@dataclass
class Page:
    name: str
    who: str | None  # the demo username signed in, or None for a public page
    path: str
    queries: int = 0
    p50: float = 0.0
    p95: float = 0.0
    throughput: float = 0.0


@dataclass
class Run:
    size: str
    people: int
    pages: list[Page] = field(default_factory=list)
    trivial: float = 0.0
    export_seconds: list[float] = field(default_factory=list)
    export_rows: int = 0
    export_peak_growth_mb: float = 0.0
    worker_rss_mb: list[float] = field(default_factory=list)


def _env(url: str, port: int | None = None) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi", "FIELDCERT_CONFIG": "production",
           "SECRET_KEY": SECRET, "HTTPS": "0", "BASE_URL": f"http://127.0.0.1:{port or 5000}"}
    env.pop("RUN_SCHEDULER", None)
    return env


def ensure_database(url: str, people: int) -> None:
    """Create, migrate and fill the database unless that was done by an earlier run."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
    flask = [str(BIN / "flask")]
    subprocess.run(flask + ["db", "upgrade"], env=_env(url), check=True, capture_output=True, cwd=ROOT)
    subprocess.run(flask + ["demo"], env=_env(url), check=True, capture_output=True, cwd=ROOT)
    if people:
        made = subprocess.run(flask + ["generate-organisation", "--people", str(people)], env=_env(url),
                              capture_output=True, text=True, cwd=ROOT)
        print(f"  {parsed.database}: {(made.stdout or made.stderr).strip().splitlines()[-1]}", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url: str):
    port = _free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "300",
                               "wsgi:app"], env=_env(url, port), cwd=ROOT, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/manifest.webmanifest", timeout=60)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(30)


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _status_kb(pid: int, key: str) -> int:
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith(f"{key}:"))
    return int(line.split()[1])


_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _csrf(html: str) -> str:
    match = _TOKEN.search(html)
    return match.group(1) or match.group(2)


def sign_in(post, get, username: str) -> None:
    """Sign in through the form, as a person would (post/get: a requests session's or a test client's)."""
    token = _csrf(get("/auth/login"))
    post("/auth/login", {"identifier": username, "password": DEMO_PASSWORD, "csrf_token": token})


def http_session(base: str, username: str | None) -> requests.Session:
    session = requests.Session()
    if username:
        sign_in(lambda path, data: session.post(base + path, data=data, allow_redirects=False),
                lambda path: session.get(base + path).text, username)
    return session


def pages_for(url: str) -> list[Page]:
    """The key pages, with the ids and tokens of the demo's people in this database."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_database_url(url))
    with app.app_context():
        emma = db.session.scalar(select(User).where(User.username == "emma"))
        held = db.session.scalar(select(Submission.certification_id).where(
            Submission.user_id == emma.id, Submission.status == "approved",
            Submission.certification_id.not_in(select(RequirementSetting.certification_id).where(
                RequirementSetting.user_id == emma.id))))
        return [
            Page("Home, employee", "emma", "/"),
            Page("Home, supervisor", "sam", "/"),
            Page("Home, administrator", "ada", "/"),
            Page("My Certifications", "emma", "/my/certifications"),
            Page("Certification page", "emma", f"/my/certifications/{held}"),
            Page("Pending Approvals", "sam", "/submissions/pending"),
            Page("A user's details", "ada", f"/people/{emma.id}/certifications"),
            Page("Supervisor Report", "sam", "/people/supervisor-report"),
            Page("Matrix first screen", "ada", "/reports/matrix"),
            Page("Reports, status expired", "ada", "/reports/?status=expired"),
            Page("Users page", "ada", "/people/"),
            Page("QR report", None, f"/r/{emma.qr_token}"),
        ]


def client_for(app, who: str | None, clients: dict):
    """A test client of `app` signed in as `who` (None: not signed in), made once and kept in `clients`."""
    if who not in clients:
        client = app.test_client()
        if who:
            sign_in(lambda path, data: client.post(path, data=data),
                    lambda path: client.get(path).get_data(as_text=True), who)
        clients[who] = client
    return clients[who]


def count_queries(url: str, pages: list[Page]) -> None:
    """The statements each page runs, counted in process on the same database and URLs."""
    # Production reuses the data version for a second (decision 83); the testing configuration reads it every time.
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_database_url(url), PAGE_CACHE_VERSION_SECONDS=1.0)
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    clients = {}
    for page in pages:
        client = client_for(app, page.who, clients)
        client.get(page.path)  # warm: the first request fills per-process caches
        statements.clear()
        response = client.get(page.path)
        assert response.status_code == 200, (page.path, response.status_code)
        page.queries = len(statements)


def _timed(session: requests.Session, url: str) -> float:
    start = time.perf_counter()
    response = session.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed


def latencies(sessions: list[requests.Session], url: str) -> list[float]:
    """Requests over len(sessions) connections until SAMPLES, or SAMPLE_SECONDS with 4 at least."""
    times: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + SAMPLE_SECONDS

    def worker(session):
        while True:
            with lock:
                if len(times) >= SAMPLES or (len(times) >= 4 and time.perf_counter() > deadline):
                    return
            elapsed = _timed(session, url)
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def throughput(sessions: list[requests.Session], url: str) -> float:
    """Requests a second over len(sessions) connections for LOAD_SECONDS (each sends one at least)."""
    done = [0] * len(sessions)
    deadline = time.perf_counter() + LOAD_SECONDS

    def worker(i, session):
        while True:
            _timed(session, url)
            done[i] += 1
            if time.perf_counter() > deadline:
                return

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i, s)) for i, s in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start)


def _copies(session: requests.Session, n: int) -> list[requests.Session]:
    copies = []
    for _ in range(n):
        copy = requests.Session()
        copy.cookies.update(session.cookies)
        copies.append(copy)
    return copies


def measure(size: str, url: str, people: int) -> Run:
    run = Run(size, people, pages_for(url))
    count_queries(url, run.pages)
    with gunicorn(url) as (base, master):
        signed_in = {who: http_session(base, who) for who in {p.who for p in run.pages}}
        trivial = f"{base}/manifest.webmanifest"
        run.trivial = throughput(_copies(signed_in[None], 16), trivial)
        for page in run.pages:
            session = signed_in[page.who]
            for _ in range(3):
                _timed(session, base + page.path)
            times = sorted(latencies(_copies(session, 2), base + page.path))
            page.p50 = statistics.median(times) * 1000
            page.p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000
            page.throughput = throughput(_copies(session, 16), base + page.path)
            print(f"  {size} {page.name}: p95 {page.p95:.0f} ms, {page.throughput:.1f}/s", flush=True)
        workers = _workers(master)
        before = {}
        for pid in workers:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM restarts from the resident size now
            before[pid] = _status_kb(pid, "VmHWM")
        export = http_session(base, "ada")
        for _ in range(2):
            start = time.perf_counter()
            response = export.get(f"{base}/reports/export.csv?all=1", stream=True)
            run.export_rows = sum(chunk.count(b"\n") for chunk in response.iter_content(65536)) - 1
            run.export_seconds.append(time.perf_counter() - start)
        run.export_peak_growth_mb = max(_status_kb(pid, "VmHWM") - before[pid] for pid in workers) / 1024
        run.worker_rss_mb = [_status_kb(pid, "VmRSS") / 1024 for pid in workers]
    return run


def report(small: Run, large: Run) -> str:
    lines = [
        f"Small: the demo ({small.people} people); large: the demo plus {large.people - small.people:,} generated "
        f"people; PostgreSQL, gunicorn 2 workers, {os.cpu_count()} cores; trivial route (/manifest.webmanifest) "
        f"{small.trivial:.0f}/s small, {large.trivial:.0f}/s large at 16 connections; load average at the end "
        f"{os.getloadavg()[0]:.1f} (the machine is shared: compare the ratios more than the times).",
        "",
        "| page | queries S/L | p50 S ms | p95 S ms | p50 L ms | p95 L ms | p95 L/S | req/s @16 S | req/s @16 L "
        "| % of trivial S | % of trivial L |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s, g in zip(small.pages, large.pages):
        lines.append(
            f"| {s.name} | {s.queries}/{g.queries} | {s.p50:.0f} | {s.p95:.0f} | {g.p50:.0f} | {g.p95:.0f} "
            f"| {g.p95 / s.p95:.2f} | {s.throughput:.1f} | {g.throughput:.1f} "
            f"| {100 * s.throughput / small.trivial:.1f} | {100 * g.throughput / large.trivial:.1f} |"
        )
    for run in (small, large):
        lines.append("")
        lines.append(
            f"{run.size}: CSV export of everything ({run.export_rows:,} rows) "
            f"{' and '.join(f'{t:.1f} s' for t in run.export_seconds)}; a worker's peak memory grew "
            f"{run.export_peak_growth_mb:.0f} MB during it; workers' memory after the run "
            f"{', '.join(f'{m:.0f} MB' for m in run.worker_rss_mb)}."
        )
    return "\n".join(lines)


def main() -> None:
    small_url, large_url = f"{BASE_URL}_small", f"{BASE_URL}_large"
    print(f"Preparing {make_url(small_url).database} and {make_url(large_url).database} ...", flush=True)
    ensure_database(small_url, 0)
    ensure_database(large_url, PEOPLE)
    demo = _people(small_url)
    small = measure("small", small_url, demo)
    large = measure("large", large_url, _people(large_url))
    print()
    print(report(small, large))


def _people(url: str) -> int:
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]


if __name__ == "__main__":
    main()
