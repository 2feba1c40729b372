"""CPU per request of the key pages, in process, on the large benchmark database (`make bench`).

Run from the repository root:
    .venv/bin/python bench/bench_cpu.py                 # every page, one table
    .venv/bin/python bench/bench_cpu.py --profile "QR report"   # and cProfile's top 25 for that page
    .venv/bin/python bench/bench_cpu.py --only "My Certifications" --database sqlite:////tmp/large.db
                                                        # one page (and the two floors), another database
It uses `make bench-scale`'s large database (BENCH_POSTGRES_URL + "_large", made the first time with
BENCH_PEOPLE generated people, default 10000) and the production configuration, through Flask's test
client: the CPU milliseconds a worker spends per request (`time.process_time`, the database server's
own CPU not included), the wall milliseconds and the queries, for each page beside a trivial route and a
50-row Jinja page served by the same app, which are the floors the issue's targets compare with
(the QR report at 50% of the trivial route's throughput, My Certifications at 25% of the 50-row page's).
Benchmarks are run by hand; they are never tests.
"""
from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from flask import render_template_string
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import BASE_URL, PEOPLE, Page, client_for, ensure_database, pages_for  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.config import _database_url  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.security import public  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_CPU_REQUESTS", "30"))
FIFTY_ROWS = """<!doctype html><html lang="en"><head><title>Fifty rows</title></head><body><main><table>
<thead><tr><th>Person</th><th>Certification</th><th>Expires</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.certification }}</td><td>{{ row.expires }}</td></tr>
{% endfor %}</tbody></table></main></body></html>"""
ROWS = [{"name": f"Person {i}", "certification": f"Certification {i}", "expires": "2027-01-31"} for i in range(50)]


@public
def fifty_rows():
    return render_template_string(FIFTY_ROWS, rows=ROWS)


def bench_app(url: str):
    app = create_app("production", SQLALCHEMY_DATABASE_URI=_database_url(url), SECRET_KEY="bench-cpu-" + "x" * 32,
                     HTTPS=False, BASE_URL="http://127.0.0.1")
    app.add_url_rule("/bench/fifty-rows", "bench_fifty_rows", fifty_rows)
    for handler in logging.getLogger().handlers:  # production's JSON request lines are written (their cost counts), unseen
        handler.setStream(open(os.devnull, "w"))
    return app


def measure(client, path: str, statements: list) -> tuple[float, float, int]:
    """CPU ms and wall ms per request (median of REQUESTS, after 3 to warm up) and the queries of one."""
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    cpu, wall = [], []
    for _ in range(REQUESTS):
        statements.clear()
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        client.get(path).close()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    return statistics.median(cpu), statistics.median(wall), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", metavar="PAGE", help="print cProfile's top functions for this page's name")
    parser.add_argument("--database", metavar="URL", help="an existing database instead of the large one (SQLite too: "
                        "sqlite:////tmp/large.db made by `flask db upgrade`, `flask demo`, `flask generate-organisation`)")
    parser.add_argument("--only", metavar="PAGE", action="append", help="measure only this page (may be repeated)")
    args = parser.parse_args()
    url = args.database or f"{BASE_URL}_large"
    if not args.database:
        ensure_database(url, PEOPLE)
    pages = [Page("Trivial route", None, "/manifest.webmanifest"), Page("50-row Jinja page", None, "/bench/fifty-rows"),
             *pages_for(url)]
    app = bench_app(url)
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    clients = {}
    figures = {}
    print(f"{url.rsplit('/', 1)[-1]}: CPU ms per request in process, median of {REQUESTS}; load average "
          f"{os.getloadavg()[0]:.1f}\n")
    print("| page | CPU ms | wall ms | queries |\n| --- | --- | --- | --- |")
    for page in pages:
        if args.only and page.name not in args.only and page.name not in ("Trivial route", "50-row Jinja page"):
            continue
        client = client_for(app, page.who, clients)
        cpu, wall, queries = measure(client, page.path, statements)
        figures[page.name] = cpu
        print(f"| {page.name} | {cpu:.1f} | {wall:.1f} | {queries} |", flush=True)
        if args.profile == page.name:
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [client.get(page.path).close() for _ in range(REQUESTS)])
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
    if "QR report" not in figures or "My Certifications" not in figures:
        return
    print(f"\nQR report: {100 * figures['Trivial route'] / figures['QR report']:.0f}% of the trivial route's CPU "
          f"throughput (target 50%); My Certifications: "
          f"{100 * figures['50-row Jinja page'] / figures['My Certifications']:.0f}% of the 50-row page's (target 25%).")


if __name__ == "__main__":
    main()
