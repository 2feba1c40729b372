"""Lighthouse on a phone: My Certifications and the QR code page of the demo employee.

Run from the repository root after `make setup` (npm installs lighthouse):
    .venv/bin/python bench/bench_lighthouse.py
It serves the demo organisation from a temporary SQLite file, gzipped as the reverse proxy in
front of a production server sends it, signs in as the demo employee, and runs Lighthouse with
the system Chromium in its default mobile emulation (simulated slow 4G and a mid-range phone's
CPU), three times per page, printing the median. Targets: performance >= 90, accessibility >= 95,
LCP <= 2.5 s, TBT <= 200 ms, CLS <= 0.1, first load <= 100 KB compressed.
"""
from __future__ import annotations

import gzip
import http.cookiejar
import json
import logging
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.clock import today  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import User  # noqa: E402
from webapp.services.demo import DEMO_PASSWORD, load_demo_organisation  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TARGETS = {"performance": 90, "accessibility": 95, "lcp_ms": 2500, "tbt_ms": 200, "cls": 0.1, "first_load_kb": 100}


RUNS = 3
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json")


def _gzipped(wsgi_app):
    """What a compressing reverse proxy does to the answers of the app."""

    def app(environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)

        body = b"".join(wsgi_app(environ, capture))
        headers = captured["headers"]
        kind = next((value for name, value in headers if name.lower() == "content-type"), "")
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and kind.startswith(COMPRESSIBLE) and body:
            body = gzip.compress(body, 6)
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        start_response(captured["status"], headers)
        return [body]

    return app


def _serve(app) -> str:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, _gzipped(app.wsgi_app), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def _signed_in_cookie(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = opener.open(f"{base}/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    form = urllib.parse.urlencode({"identifier": "emma", "password": DEMO_PASSWORD, "csrf_token": token}).encode()
    opener.open(f"{base}/auth/login", data=form)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def _lighthouse(url: str, cookie: str) -> dict:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
             "--only-categories=performance,accessibility,best-practices",
             f"--chrome-path={CHROMIUM}",
             f"--chrome-flags=--headless=new --no-sandbox --user-data-dir={profile}",
             f"--extra-headers={json.dumps({'Cookie': cookie})}"],
            capture_output=True, text=True, check=True, timeout=300,
        )
    report = json.loads(result.stdout)
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "best_practices": round(report["categories"]["best-practices"]["score"] * 100),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        # Everything the first load fetched, as sent (compressed), service worker precache included.
        "first_load_kb": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
    }


def _meets(name: str, value) -> bool:
    target = TARGETS.get(name)
    if target is None:
        return True
    return value >= target if name in ("performance", "accessibility") else value <= target


def main() -> int:
    if not LIGHTHOUSE.exists():
        print("lighthouse is not installed: run `make setup` (npm ci).")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.sqlite3", UPLOAD_FOLDER=folder)
        app.extensions["fieldcert_schema_checked"] = True
        with app.app_context():
            db.create_all()
            load_demo_organisation(today())
            emma = db.session.query(User.id).filter(User.username == "emma").scalar()
        base = _serve(app)
        cookie = _signed_in_cookie(base)
        failed = False
        for label, path in (("My Certifications", "/my/certifications"), ("QR code", f"/qr/{emma}")):
            runs = [_lighthouse(base + path, cookie) for _ in range(RUNS)]
            figures = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
            print(label)
            for name, value in figures.items():
                ok = _meets(name, value)
                failed |= not ok
                target = TARGETS.get(name)
                print(f"  {name:15} {value:>8}   target {target if target is not None else '-'} {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
