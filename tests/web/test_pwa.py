"""The installable app from the server's side: manifest, service worker, what a phone may save,
submissions replayed from the offline queue, and sign-out."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp import create_app
from webapp.blueprints.pwa import static_version
from webapp.extensions import db
from webapp.models import Attachment, Notice, Submission
from webapp.services.storage import CheckedUpload, store_file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JSON = {"Accept": "application/json"}


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "FieldCert" and manifest["short_name"] == "FieldCert"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    assert "prefer_related_applications" not in manifest
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
        width, height = int.from_bytes(image.data[16:20], "big"), int.from_bytes(image.data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_pages_link_the_manifest_and_the_service_worker(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="service-worker" content="/sw.js">' in page
    assert "data-rendered-at=" in page


def test_service_worker_is_served_from_the_root_for_the_whole_site(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    script = response.get_data(as_text=True)
    version = app.config["STATIC_VERSION"]
    assert f'const VERSION = "{version}";' in script
    assert f"/static/css/app.css?v={version}" in script and f"/static/js/queue.js?v={version}" in script
    assert 'addEventListener("fetch"' in script and 'headers.has("HX-Request")' in script


def test_static_urls_and_cache_names_follow_the_static_files(app, client, tmp_path):
    page = client.get("/auth/login").get_data(as_text=True)
    assert f"/static/js/app.js?v={app.config['STATIC_VERSION']}" in page
    (tmp_path / "app.css").write_text("body { color: black; }")
    before = static_version(str(tmp_path))
    (tmp_path / "app.css").write_text("body { color: navy; }")
    assert static_version(str(tmp_path)) != before


def test_a_deploy_with_new_static_files_gets_a_new_service_worker_and_asset_cache(app, database_url):
    deployed = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, STATIC_VERSION="next-deploy")
    deployed.extensions["fieldcert_schema_checked"] = True
    script = deployed.test_client().get("/sw.js").get_data(as_text=True)
    assert script != app.test_client().get("/sw.js").get_data(as_text=True)
    assert 'const VERSION = "next-deploy";' in script and "/static/css/app.css?v=next-deploy" in script
    # The new worker's activation deletes every asset cache but its own.
    assert 'name.startsWith("fieldcert-static-") && name !== STATIC_CACHE' in script


def test_content_security_policy_allows_the_worker_and_manifest(client):
    policy = client.get("/auth/login").headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy and "script-src 'self'" in policy


def test_offline_page_links_back_to_saved_pages(client):
    response = client.get("/offline")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "No signal" in text
    assert 'data-offline-links="/my/offline-pages"' in text and 'href="/my/certifications"' in text


def test_pages_and_fragments_vary_on_htmx(client, sign_in, factory):
    sign_in(factory.user())
    for path in ("/", "/my/certifications", "/my/submit", "/offline"):
        response = client.get(path)
        assert "HX-Request" in response.headers["Vary"], path
        assert "private" in response.headers["Cache-Control"], path


@pytest.fixture
def worker(factory, sign_in, frozen_clock):
    worker = factory.user(first_name="Wanda")
    first_aid = factory.yearly_certification(name="First Aid")
    record = factory.record(worker, first_aid, date(2026, 1, 10))
    stored = store_file(CheckedUpload(data=PNG, content_type="image/png", name="card.png"))
    db.session.add(Attachment(kind="file", name="card.png", stored_file=stored, submission=record))
    db.session.commit()
    return sign_in(worker)


def test_phone_saves_only_the_persons_own_pages_and_files(client, factory, worker, frozen_clock):
    other = factory.user()
    other_record = factory.record(other, factory.certification(name="Forklift"), date(2026, 2, 1))
    stored = store_file(CheckedUpload(data=PNG, content_type="image/png", name="theirs.png"))
    db.session.add(Attachment(kind="file", name="theirs.png", stored_file=stored, submission=other_record))
    db.session.commit()
    saved = client.get("/my/offline-pages").get_json()
    assert saved["user"] == worker.id
    urls = [entry["url"] for entry in saved["pages"]]
    record = db.session.scalar(select(Submission).where(Submission.user_id == worker.id))
    assert urls[:3] == ["/", "/my/certifications", "/my/submit"]
    assert f"/qr/{worker.id}" in urls and f"/r/{worker.qr_token}" in urls
    assert f"/my/certifications/{record.certification_id}" in urls
    assert [entry["title"] for entry in saved["files"]] == ["My QR Code (PNG)", "card.png"]
    assert f"/qr/{other.id}" not in urls and f"/my/certifications/{other_record.certification_id}" not in urls


def test_phone_saves_every_page_its_saved_pages_link_to(client, factory, worker, frozen_clock):
    """The menu's QR address, each row's Submit page, requirements with nothing on file, the notices,
    and the files of pending submissions and of certifications."""
    height = factory.yearly_certification(name="Working at Height")
    factory.require(worker, height)
    manual = factory.yearly_certification(name="Manual Handling")
    factory.require(worker, manual)
    stored = store_file(CheckedUpload(data=PNG, content_type="image/png", name="harness.png"))
    pending = factory.record(worker, height, date(2026, 5, 1), status="pending")
    db.session.add(Attachment(kind="file", name="harness.png", stored_file=stored, submission=pending))
    guide = store_file(CheckedUpload(data=PNG, content_type="image/png", name="guide.png"))
    db.session.add(Attachment(kind="file", name="guide.png", stored_file=guide, certification_id=manual.id))
    notice = Notice(kind="approved", recipient_email=worker.email, recipient_user_id=worker.id, user_id=worker.id,
                    subject="Certification approved: First Aid", body_text="Approved.", status="sent")
    db.session.add(notice)
    db.session.commit()
    saved = client.get("/my/offline-pages").get_json()
    urls = [entry["url"] for entry in saved["pages"]]
    for url in ("/qr/", f"/my/submit?certification={height.id}", f"/my/certifications/{height.id}",
                f"/my/certifications/{manual.id}", f"/my/submit?certification={manual.id}", "/notices/",
                f"/notices/{notice.id}", "/reports/calendar"):
        assert url in urls
    assert {entry["title"] for entry in saved["files"]} == {"My QR Code (PNG)", "card.png", "harness.png", "guide.png"}
    assert client.get("/qr/").status_code == 200


def test_saved_list_loads_in_fixed_queries(client, factory, worker, count_queries, frozen_clock):
    factory.require(worker, db.session.scalar(select(Submission).where(Submission.user_id == worker.id)).certification)
    with count_queries() as few:
        client.get("/my/offline-pages")
    for n in range(4):
        certification = factory.certification(name=f"Cert {n}")
        factory.require(worker, certification)
        factory.record(worker, certification, date(2026, 3, 1 + n))
    with count_queries() as many:
        pages = client.get("/my/offline-pages").get_json()["pages"]
        assert len([page for page in pages if page["url"].startswith("/my/certifications/")]) == 5
    assert len(many) == len(few)


def test_saved_list_needs_sign_in(client):
    assert client.get("/my/offline-pages").status_code == 302


def _replay(client, csrf, certification_id, key, user_id):
    data = {"csrf_token": csrf(), "certification": str(certification_id), "completed_on": "2026-06-10",
            "idempotency_key": key, "photos": (io.BytesIO(PNG), "harness.png")}
    return client.post("/my/submit", data=data, content_type="multipart/form-data",
                       headers={**JSON, "X-Queued-By": str(user_id)})


def test_queued_submission_is_stored_once_however_often_it_is_replayed(client, csrf, factory, worker, frozen_clock):
    height = factory.yearly_certification(name="Working at Height")
    answers = [_replay(client, csrf, height.id, "queued-key-1", worker.id) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].get_json() == {"status": "pending", "certification": "Working at Height",
                                     "url": f"/my/certifications/{height.id}"}
    stored = db.session.scalars(select(Submission).where(Submission.certification_id == height.id)).all()
    assert len(stored) == 1 and stored[0].idempotency_key == "queued-key-1"
    assert [a.name for a in stored[0].attachments] == ["harness.png"]


def test_refused_replay_answers_with_the_reasons(client, csrf, factory, worker, frozen_clock):
    height = factory.yearly_certification(name="Working at Height")
    data = {"csrf_token": csrf(), "certification": str(height.id), "completed_on": "06/30/2026", "idempotency_key": "k"}
    response = client.post("/my/submit", data=data, headers=JSON)
    assert response.status_code == 422
    assert "cannot be after today" in " ".join(response.get_json()["errors"]["completed_on"])
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_replay_queued_by_someone_else_is_refused(client, csrf, factory, worker, frozen_clock):
    height = factory.yearly_certification(name="Working at Height")
    response = _replay(client, csrf, height.id, "theirs", worker.id + 100)
    assert response.status_code == 409 and "Another person" in response.get_json()["errors"]["user"][0]
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_replay_without_a_valid_form_token_is_refused(client, factory, worker, frozen_clock):
    height = factory.yearly_certification(name="Working at Height")
    data = {"csrf_token": "expired", "certification": str(height.id), "completed_on": "2026-06-10", "idempotency_key": "k"}
    assert client.post("/my/submit", data=data, headers=JSON).status_code == 400


def test_sign_out_clears_cache_and_storage(client, csrf, sign_in, factory):
    sign_in(factory.user())
    response = client.post("/auth/logout", data={"csrf_token": csrf()})
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/my/offline-pages").status_code == 302
