"""Issue 16's smaller holes: caching of private pages, HTTPS-only cookies and HSTS, a full upload folder,
files left behind by killed requests."""
import errno
import hashlib
import io
import os
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.web.test_files import PNG, _file
from webapp import create_app
from webapp.extensions import db
from webapp.models import StoredFile, Submission
from webapp.scheduler import FILE_CLEANUP_JOB, build_scheduler
from webapp.security import HSTS_SECONDS
from webapp.services.storage import CheckedUpload, file_path, remove_orphan_files, store_file


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def https_app(database_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_FOLDER=str(tmp_path), HTTPS=True)
    app.extensions["fieldcert_schema_checked"] = True
    return app


def test_private_pages_files_and_forms_are_kept_by_no_cache(app, client, sign_in, factory, frozen_clock):
    owner = sign_in(factory.user())
    record = factory.record(owner, factory.certification(), date(2026, 1, 1))
    photo = _file("card.png", PNG, "image/png", submission=record)
    for path in ("/", "/my/certifications", f"/files/{photo.id}"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path
    signed_out = app.test_client().get("/auth/login")
    assert signed_out.status_code == 200 and signed_out.headers["Cache-Control"] == "private, no-store"


def test_static_files_and_the_service_worker_keep_their_own_policy(client):
    assert "no-store" not in client.get("/sw.js").headers["Cache-Control"]
    assert "no-store" not in (client.get("/static/css/app.css").headers.get("Cache-Control") or "")


def test_over_https_cookies_are_host_only_and_secure_and_hsts_is_sent(https_app, app_context, factory):
    user = factory.user()
    client = https_app.test_client()
    page = client.get("/auth/login", base_url="https://fieldcert.example")
    assert page.headers["Strict-Transport-Security"] == f"max-age={HSTS_SECONDS}; includeSubDomains"
    assert HSTS_SECONDS >= 365 * 24 * 3600
    csrf = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/auth/login", base_url="https://fieldcert.example",
                           headers={"Referer": "https://fieldcert.example/auth/login"},
                           data={"csrf_token": csrf, "identifier": user.username, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = {header.split("=")[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert set(cookies) == {"__Host-session", "__Host-fieldcert_remember"}
    for header in cookies.values():
        assert "Secure" in header and "Path=/" in header and "Domain" not in header


def test_over_plain_http_no_hsts_is_sent(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_full_or_read_only_upload_folder_gives_a_clear_503_and_saves_nothing(
        client, csrf, factory, sign_in, frozen_clock, monkeypatch, code):
    certification = factory.yearly_certification(name="First Aid")
    sign_in(factory.user(supervisors=[factory.user("Supervisor")]))

    def refuse(path, data):
        path.write_text("half")  # what a disk filling half-way leaves behind
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    response = client.post("/my/submit", content_type="multipart/form-data", data={
        "csrf_token": csrf(), "certification": str(certification.id), "completed_on": "06/10/2026",
        "idempotency_key": "k", "photos": (io.BytesIO(PNG + b"never stored before %d" % code), "card.png")})
    assert response.status_code == 503
    assert "nothing was saved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(Submission)).all() == [] and db.session.scalars(select(StoredFile)).all() == []
    assert not list(Path(current_app.config["UPLOAD_FOLDER"]).rglob("*.partial"))


@pytest.fixture
def own_store(app, tmp_path, monkeypatch):
    """A file store of this test's own: the session's holds every other test's files."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "files"))
    return tmp_path / "files"


def _aged(path: Path, data: bytes, age: timedelta) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - age.total_seconds()
    os.utime(path, (then, then))
    return path


def test_the_scheduled_clean_up_removes_old_orphans_and_partials_only(app, factory, own_store):
    folder = own_store
    kept = store_file(CheckedUpload(data=PNG + b"kept", content_type="image/png", name="kept.png"))
    db.session.commit()
    kept_path = file_path(kept)
    os.utime(kept_path, (0, 0))  # old, but a row names it
    orphan_data, young_data = PNG + b"orphan", PNG + b"young"
    orphan = _aged(folder / _sha(orphan_data)[:2] / _sha(orphan_data), orphan_data, timedelta(days=2))
    partial = _aged(folder / "ab" / ("ab" + "0" * 62 + ".partial"), b"half", timedelta(days=2))
    young = _aged(folder / _sha(young_data)[:2] / _sha(young_data), young_data, timedelta(hours=1))
    stranger = _aged(folder / "notes.txt", b"an operator's file", timedelta(days=30))
    job = build_scheduler(app).get_job(FILE_CLEANUP_JOB)
    assert job is not None and {f.name: str(f) for f in job.trigger.fields}["hour"] == "3"
    job.func(*job.args)
    assert not orphan.exists() and not partial.exists()
    assert kept_path.exists() and young.exists() and stranger.exists()


def test_storing_content_an_orphan_already_holds_makes_it_young_again(app, factory, own_store):
    data = PNG + b"orphan about to be claimed"
    path = _aged(own_store / _sha(data)[:2] / _sha(data), data, timedelta(days=2))
    store_file(CheckedUpload(data=data, content_type="image/png", name="again.png"))
    assert remove_orphan_files() == 0 and path.exists()
    db.session.rollback()


def test_the_same_bytes_stored_at_once_by_two_requests_both_succeed(app_context, own_store, at_once, monkeypatch):
    data = PNG + b"sent twice by a double tap"
    both_written = threading.Barrier(2, timeout=10)
    write_bytes = Path.write_bytes

    def write_then_wait(path, content):
        written = write_bytes(path, content)
        both_written.wait()  # neither request moves its file into place before the other has written
        return written

    monkeypatch.setattr(Path, "write_bytes", write_then_wait)

    def store():
        return file_path(store_file(CheckedUpload(data=data, content_type="image/png", name="twice.png")))

    outcomes = at_once(store, store)
    assert all(isinstance(outcome, Path) for outcome in outcomes), outcomes
    assert outcomes[0].read_bytes() == data and not list(own_store.rglob("*.partial"))
