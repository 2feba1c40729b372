"""Field use: install the app, read certifications, the QR code and a certificate file without
signal, submit a photo underground and see it arrive once, and leave nothing behind at sign-out."""
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD
from webapp.extensions import db
from webapp.models import Attachment, Certification, Course, CoursePage, Notice, QuizQuestion, Submission
from webapp.services.activities import DocumentUpload, upload_document_revision
from webapp.services.storage import CheckedUpload, store_file

pytestmark = pytest.mark.browser

PHONE = (360, 740)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def worker(factory, frozen_clock):
    """A worker holding First Aid, with a photo of the card on file."""
    company = factory.company(name="Acme Field")
    worker = factory.user(company=company, first_name="Wanda", last_name="Worker")
    first_aid = factory.yearly_certification(name="First Aid")
    factory.yearly_certification(name="Working at Height")
    factory.assign(worker, factory.role(first_aid, companies=[company], name="Rigger"))
    record = factory.record(worker, first_aid, date(2026, 1, 10))
    stored = store_file(CheckedUpload(data=PNG, content_type="image/png", name="first-aid-card.png"))
    db.session.add(Attachment(kind="file", name="first-aid-card.png", stored_file=stored, submission=record))
    db.session.commit()
    return worker


def _saved_for_offline(page):
    page.goto("/my/certifications")
    expect(page.locator("[data-save-offline]")).to_have_attribute("data-saved", "true", timeout=15_000)


def _cached_urls(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
            }
            return urls;
        }"""
    )


@pytest.fixture
def profile_page(browser, live_server, tmp_path):
    """A page in a browser with a profile on disk: Chromium never offers to install from incognito,
    and Playwright's ordinary contexts are incognito."""
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        base_url=live_server, viewport={"width": PHONE[0], "height": PHONE[1]}, service_workers="allow",
    )
    context.set_default_timeout(10_000)
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


def _sign_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Username or e-mail").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_app_is_installable(worker, profile_page):
    page = profile_page
    _sign_in(page, worker)
    manifest = page.request.get("/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["name"] and manifest["short_name"]
    assert "prefer_related_applications" not in manifest
    for icon in manifest["icons"]:
        response = page.request.get(icon["src"])
        assert response.ok and response.headers["content-type"] == "image/png"
    assert {(i["sizes"], i["purpose"]) for i in manifest["icons"]} >= {("192x192", "maskable"), ("512x512", "maskable"),
                                                                      ("192x192", "any"), ("512x512", "any")}
    page.goto("/my/certifications")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.state)") == "activated"
    cdp = page.context.new_cdp_session(page)
    app_manifest = cdp.send("Page.getAppManifest")
    assert not app_manifest.get("errors")
    try:
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    except Exception as error:  # an older or newer Chromium without the method
        pytest.skip(f"Page.getInstallabilityErrors is not available: {error}")
    assert errors == []


def test_certifications_qr_code_and_file_open_without_signal(worker, signed_in_page):
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    context = page.context
    context.set_offline(True)

    page.reload()
    expect(page.get_by_role("heading", name="My Certifications")).to_be_visible()
    expect(page.locator(".saved-copy-notice")).to_contain_text("last refreshed")
    expect(page.get_by_role("heading", name="First Aid")).to_be_visible()

    page.get_by_role("link", name="first-aid-card.png").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/files/{worker.record_file_id}") if hasattr(worker, "record_file_id") else "/files/" in page.url
    assert page.evaluate("document.contentType") == "image/png"

    page.goto(f"/qr/{worker.id}")
    image = page.get_by_role("img", name="QR code for the Roles and Certifications Report of Wanda Worker")
    expect(image).to_be_visible()
    assert page.evaluate("document.querySelector('img.wallet-qr').naturalWidth") > 0
    expect(page.locator(".saved-copy-notice")).to_be_visible()

    page.goto(f"/r/{worker.qr_token}")
    expect(page.get_by_role("heading", name="Wanda Worker")).to_be_visible()

    page.goto("/people/")
    expect(page.get_by_role("heading", name="No signal")).to_be_visible()
    expect(page.get_by_role("link", name="My Certifications").first).to_be_visible()
    expect(page.locator("[data-offline-links]").get_by_role("link", name="My QR Code")).to_be_visible()


def test_every_link_on_the_saved_pages_opens_without_signal(worker, factory, signed_in_page, app):
    height = db.session.scalar(select(Certification).where(Certification.name == "Working at Height"))
    factory.require(worker, height)  # outstanding, nothing on file: its row has a Submit button
    # Activities: a policy to read, and a course with a picture.
    policy = factory.certification(name="Safety Policy", activity_type="document")
    factory.require(worker, policy)
    upload_document_revision(worker, policy, DocumentUpload(
        title="Safety policy", revision="1", revision_date=date(2026, 6, 1), owner_user_ids=[worker.id], owner_role_ids=[],
        upload=CheckedUpload(data=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf", name="policy.pdf")))
    course = Course(name="Ladder safety", version=1, pass_mark=100)
    course.pages = [CoursePage(position=1, title="Inspect", body="Look at the feet.",
                               stored_file=store_file(CheckedUpload(data=PNG, content_type="image/png", name="feet.png"))),
                    CoursePage(position=2, title="Climb", body="Three points.")]
    course.questions = [QuizQuestion(position=1, prompt="Contact points?", choices=["Two", "Three"], correct_choice=1)]
    db.session.add(course)
    db.session.commit()
    factory.require(worker, factory.certification(name="Ladders", activity_type="course", course_id=course.id))
    db.session.add(Notice(kind="approved", recipient_email=worker.email, recipient_user_id=worker.id,
                          user_id=worker.id, subject="Certification approved: First Aid", status="sent",
                          body_text=f"Your certifications:\n{app.config['BASE_URL']}/my/certifications"))
    db.session.commit()
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    saved = page.evaluate("caches.match('/my/offline-pages', {cacheName: 'fieldcert-pages'}).then((r) => r.json())")
    page.context.set_offline(True)

    links = set()
    for entry in saved["pages"]:
        page.goto(entry["url"])
        expect(page.get_by_role("heading", name="No signal")).to_have_count(0)
        links |= set(page.eval_on_selector_all(
            "a[href]", "(links) => links.filter((a) => a.origin === location.origin).map((a) => a.pathname + a.search)"))
    assert "/qr/" in links and f"/my/submit?certification={height.id}" in links
    assert any(href.startswith("/notices/") and href != "/notices/" for href in links)
    assert "/my/certifications" in links
    assert any(href.endswith("/course?page=3") for href in links)  # the quiz, after the course's two pages
    not_saved = []
    for href in sorted(links):
        # A download opens no page: the phone must have the file itself.
        ok, disposition = page.evaluate(
            "(url) => fetch(url).then((r) => [r.ok, r.headers.get('Content-Disposition') || ''], () => [false, ''])", href)
        if disposition.startswith("attachment"):
            opened = ok
        else:
            page.goto(href)
            opened = page.get_by_role("heading", name="No signal").count() == 0
        if not opened:
            not_saved.append(href)
    assert not_saved == []


def test_htmx_answers_are_never_saved_and_need_signal(worker, signed_in_page):
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    page.goto("/my/submit")
    box = page.get_by_label("Only show required certifications")
    for toggle in (box.check, box.uncheck):
        with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as answer:
            toggle()
        assert "<html" not in answer.value.text()
    assert answer.value.url.endswith("/my/submit")
    saved = page.evaluate("caches.match('/my/submit', {cacheName: 'fieldcert-pages'}).then((r) => r.text())")
    assert "<html" in saved

    page.context.set_offline(True)
    page.goto("/my/submit")
    expect(page.get_by_role("heading", name="Submit Certification")).to_be_visible()
    page.get_by_label("Certification", exact=True).select_option(label="First Aid")
    expect(page.get_by_role("alert")).to_contain_text("No signal: this needs a connection")


def _submit_without_signal(page, photo=None):
    """Open Submit Certification with no signal and submit Working at Height, completed 06/10/2026."""
    page.context.set_offline(True)
    page.goto("/my/submit")
    page.get_by_label("Certification", exact=True).select_option(label="Working at Height")
    page.get_by_label("Completion date").fill("2026-06-10")
    if photo:
        page.get_by_label("Take a photo").set_input_files(files=[{"name": photo, "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Submit certification").click()
    expect(page.locator("[data-submit-queue]")).to_contain_text("Waiting to send Working at Height, completed 06/10/2026")


@pytest.mark.both_databases
def test_submission_made_without_signal_arrives_once(worker, signed_in_page):
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    _submit_without_signal(page, photo="harness.png")
    page.reload()
    expect(page.locator("[data-submit-queue]")).to_contain_text("Waiting to send")
    assert _count_submissions() == 0
    page.evaluate("FieldCertQueue.list().then((items) => { window.keptCopy = items[0]; })")

    page.context.set_offline(False)
    expect(page.locator("[data-submit-queue-status]")).to_contain_text("1 waiting submission(s) sent", timeout=15_000)
    expect(page.locator("[data-submit-queue]")).to_be_hidden()
    # The same submission replayed again (Background Sync and the page both sending) stores nothing more.
    assert page.evaluate("FieldCertQueue.add(window.keptCopy).then(() => FieldCertQueue.send())") == ["sent"]
    db.session.expire_all()
    submissions = db.session.scalars(select(Submission).where(Submission.user_id == worker.id)).all()
    assert len(submissions) == 2
    sent = next(s for s in submissions if s.certification.name == "Working at Height")
    assert sent.status == "pending" and [a.name for a in sent.attachments] == ["harness.png"]


def test_refused_replay_is_shown_for_retry(worker, signed_in_page):
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    _submit_without_signal(page)
    # The session ends while the phone is underground.
    page.context.clear_cookies()
    page.context.set_offline(False)
    queue = page.locator("[data-submit-queue]")
    expect(queue).to_contain_text("Not sent", timeout=15_000)
    expect(queue).to_contain_text("Sign in again")
    assert _count_submissions() == 0

    _sign_in(page, worker)
    page.goto("/my/certifications")
    page.get_by_role("button", name="Retry").click()
    expect(page.locator("[data-submit-queue]")).to_be_hidden(timeout=15_000)
    assert _count_submissions() == 1


def test_refused_submission_says_why_and_opens_in_the_form_again(worker, signed_in_page):
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    page.context.set_offline(True)
    page.goto("/my/submit")
    page.get_by_label("Certification", exact=True).select_option(label="Working at Height")
    page.get_by_label("Completion date").fill("2030-01-10")
    page.get_by_label("Take a photo").set_input_files(files=[{"name": "harness.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Submit certification").click()
    queue = page.locator("[data-submit-queue]")
    expect(queue).to_contain_text("Waiting to send")

    page.context.set_offline(False)
    expect(queue).to_contain_text("Refused by the server", timeout=15_000)
    expect(queue).to_contain_text("cannot be after today")
    expect(queue).not_to_contain_text("Waiting to send")
    status = page.locator("[data-submit-queue-status]")
    expect(status).to_contain_text("refused by the server")
    expect(status).not_to_contain_text("waiting to send")

    page.goto("/my/certifications")
    page.get_by_role("button", name="Open the form again").click()
    page.wait_for_url("**/my/submit#queued=*")
    height = db.session.scalar(select(Certification).where(Certification.name == "Working at Height"))
    expect(page.get_by_label("Certification", exact=True)).to_have_value(str(height.id))
    expect(page.get_by_label("Completion date")).to_have_value("2030-01-10")
    assert page.evaluate("document.querySelector('input[name=photos]').files[0].name") == "harness.png"
    page.get_by_label("Completion date").fill("2026-06-10")
    page.get_by_role("button", name="Submit certification").click()
    expect(page.get_by_text("Working at Height is submitted")).to_be_visible()
    assert page.evaluate("FieldCertQueue.list().then((items) => items.length)") == 0
    assert _count_submissions() == 1


def _public(url: str) -> bool:
    """Kept through sign-out, as they hold nothing of anyone: the app's files, the offline page, and the
    credential verifier with its key set and revocation list (fetched signed out)."""
    path = urlsplit(url).path
    return path.startswith("/static/") or path in ("/offline", "/verify", "/.well-known/fieldcert-keys.json",
                                                   "/.well-known/fieldcert-revocations.json")


def test_sign_out_leaves_nothing_of_the_person(worker, signed_in_page):
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    assert any("/my/certifications" in url for url in _cached_urls(page))
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/auth/login")
    page.wait_for_load_state("networkidle")
    urls = _cached_urls(page)
    assert not [url for url in urls if not _public(url)]
    assert page.evaluate("indexedDB.databases().then((dbs) => dbs.map((d) => d.name))") in ([], ["fieldcert"])
    assert page.evaluate("FieldCertQueue.list().then((items) => items.length)") == 0
    page.context.set_offline(True)
    page.goto("/my/certifications")
    expect(page.get_by_role("heading", name="No signal")).to_be_visible()
    expect(page.get_by_text("Wanda")).to_have_count(0)


def test_session_ended_without_sign_out_leaves_no_pages(worker, signed_in_page):
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    page.context.clear_cookies()
    page.goto("/my/certifications")
    page.wait_for_url("**/auth/login**")
    page.wait_for_function("caches.has('fieldcert-pages').then((has) => !has)")
    page.context.set_offline(True)
    page.goto("/my/certifications")
    expect(page.get_by_role("heading", name="No signal")).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/my/certifications", "/my/submit", "/my/certifications/{cert}", "/qr/{user}", "/offline"])
def test_employee_pages_fit_a_360px_phone(worker, signed_in_page, path):
    record = db.session.scalar(select(Submission).where(Submission.user_id == worker.id))
    page = signed_in_page(worker, viewport=PHONE)
    page.goto(path.format(cert=record.certification_id, user=worker.id))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    too_small = page.evaluate(
        """() => [...document.querySelectorAll('main a, main button, main select, main input:not([type=hidden]), main summary, header a, header summary')]
              .filter((el) => el.offsetParent !== null)
              // A checkbox is tapped anywhere on its labelled row.
              .map((el) => [el.textContent.trim() || el.name || el.type, (el.closest('.field-check') || el).getBoundingClientRect().height])
              .filter(([, height]) => height < 44)"""
    )
    assert too_small == []


def _count_submissions() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Submission).where(Submission.status == "pending"))


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `make setup` (npm)")
def test_employee_pages_have_no_serious_accessibility_violations(worker, signed_in_page):
    record = db.session.scalar(select(Submission).where(Submission.user_id == worker.id))
    page = signed_in_page(worker, viewport=PHONE)
    found = {}
    for path in ("/", "/my/certifications", "/my/submit", f"/my/certifications/{record.certification_id}",
                 f"/qr/{worker.id}", f"/r/{worker.qr_token}", "/offline"):
        page.goto(path)
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
        page.evaluate(AXE.read_text())
        checked, violations = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then((r) => [r.passes.length, r.violations"
            ".filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id + ': ' + v.nodes.length)])"
        )
        assert checked > 10, path
        if violations:
            found[path] = violations
    assert found == {}


def test_approvals_need_signal(factory, signed_in_page, frozen_clock):
    supervisor = factory.user("Supervisor", first_name="Sam")
    worker = factory.user(first_name="Wanda", supervisors=[supervisor])
    pending = factory.record(worker, factory.certification(name="Forklift"), date(2026, 6, 1), status="pending")
    page = signed_in_page(supervisor, viewport=PHONE)
    page.goto("/submissions/pending")
    page.context.set_offline(True)
    page.get_by_role("button", name="Approve Forklift for").click()
    expect(page.get_by_role("alert")).to_contain_text("No signal: this needs a connection")
    page.context.set_offline(False)
    expect(page.get_by_role("alert")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(Submission, pending.id).status == "pending"


def test_sign_out_without_signal_still_empties_the_phone(worker, signed_in_page):
    page = signed_in_page(worker, viewport=PHONE)
    _saved_for_offline(page)
    page.context.set_offline(True)
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("alert")).to_contain_text("signing out needs a connection")
    assert not [url for url in _cached_urls(page) if not _public(url)]
