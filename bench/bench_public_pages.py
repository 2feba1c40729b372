"""Benchmark the kept public pages: the QR report served kept, rendered at each visit, and a trivial route,
side by side under one gunicorn configuration (2 workers), on the demo organisation.

Run from the repository root:
    .venv/bin/python bench/bench_public_pages.py
It builds a demo instance in a temporary folder (SQLite), starts gunicorn twice (the app as it is, then
with a page store that keeps nothing) and prints p50/p95 at 2 connections and throughput at 16.
BENCH_SECONDS sets each measurement's length (default 5).
"""
from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402
from webapp.services.page_cache import MemoryPages  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))


def uncached_app():
    """The app with a page store that keeps nothing: each QR report is rendered (gunicorn's factory form)."""
    app = create_app()
    app.extensions["page_cache"] = MemoryPages(size=0)
    return app


def _load(port: int, path: str, connections: int, seconds: float) -> tuple[list[float], int]:
    """Each connection sends `path` again and again for `seconds`: (every latency in ms, requests done)."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def run():
        mine = []
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(latencies)


def _serve(target: str, port: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", target],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "FIELDCERT_INSTANCE_PATH": instance, "FIELDCERT_CONFIG": "development",
               "ORGANISATION_TIMEZONE": "UTC"}
        flask = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        token = subprocess.run(
            [str(ROOT / ".venv/bin/python"), "-c",
             "from webapp import create_app; from webapp.models import User; from webapp.extensions import db;"
             "from sqlalchemy import select; app = create_app();"
             "ctx = app.app_context(); ctx.push();"
             "print(db.session.scalar(select(User.qr_token).where(User.username == 'emma')))"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()
        rows = []
        for label, target in (("kept", "wsgi:app"), ("rendered", "bench.bench_public_pages:uncached_app()")):
            server = _serve(target, 8765, env)
            try:
                for name, path in (("trivial /healthz", "/healthz"), (f"QR report, {label}", f"/r/{token}")):
                    _load(8765, path, 2, 1)  # warm up
                    latencies, _ = _load(8765, path, 2, SECONDS)
                    _, done = _load(8765, path, 16, SECONDS)
                    quantiles = statistics.quantiles(latencies, n=20)
                    rows.append((name, statistics.median(latencies), quantiles[18], done / SECONDS))
            finally:
                server.terminate()
                server.wait()
        print(f"{'page':<26} {'p50 ms':>8} {'p95 ms':>8} {'req/s @16':>10}")
        for name, p50, p95, throughput in rows:
            print(f"{name:<26} {p50:8.1f} {p95:8.1f} {throughput:10.0f}")


if __name__ == "__main__":
    main()
