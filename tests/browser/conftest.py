"""Browser fixtures: the app served on a real port, driven by the system Chromium through Playwright."""
from __future__ import annotations

import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.factories import PASSWORD
from webapp.services.demo import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class RequestsInFlight:
    """WSGI middleware counting the requests the live server is still serving (body included).

    The browser may still be loading something when a test ends; emptying the tables under such
    a request would leave it half the rows it read, so cleaning waits for none to be in flight.
    """

    def __init__(self, app):
        self.app = app
        self.serving: list[str] = []
        self.changed = threading.Condition()

    def _finished(self, path: str) -> None:
        with self.changed:
            self.serving.remove(path)
            self.changed.notify_all()

    def __call__(self, environ, start_response):
        path = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
        with self.changed:
            self.serving.append(path)
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._finished(path)
            raise
        return self._served(body, path)

    def _served(self, body, path: str):
        # Finished once the body is sent, not only when the server closes it: werkzeug skips the
        # close when the browser has already dropped the connection.
        try:
            yield from body
        finally:
            try:
                if hasattr(body, "close"):
                    body.close()
            finally:
                self._finished(path)

    def wait_until_idle(self, timeout: float = 10) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: not self.serving, timeout)


@pytest.fixture(scope="session")
def requests_in_flight(app) -> RequestsInFlight:
    return RequestsInFlight(app)


@pytest.fixture(autouse=True)
def _live_server_idle_before_cleaning(requests_in_flight):
    """Set up after (so torn down before) the database cleaning in tests/conftest.py."""
    yield
    assert requests_in_flight.wait_until_idle(), f"still serving 10 s after the test: {requests_in_flight.serving}"


@pytest.fixture(scope="session")
def live_server(requests_in_flight):
    """The base URL of the app served from a thread, on the suite's database."""
    server = make_server("127.0.0.1", 0, requests_in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts; `new_page(viewport=(w, h))`, with more of the context's
    options when given (`service_workers="block"`)."""
    contexts = []

    def open_page(viewport=(1280, 800), **options):
        context = browser.new_context(base_url=live_server, viewport={"width": viewport[0], "height": viewport[1]},
                                      **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def signed_in_page(new_page):
    """A page signed in through the real sign-in form: `signed_in_page(user, viewport=(390, 844))`."""

    def sign_in(user, viewport=(1280, 800)):
        page = new_page(viewport)
        page.goto("/auth/login")
        page.get_by_label("Username or e-mail").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return page

    return sign_in


def sign_in_demo(new_page, username: str, viewport: tuple[int, int]):
    """A page of the given size signed in as a person of the demo organisation, through the sign-in form."""
    page = new_page(viewport=viewport)
    page.goto("/auth/login")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page
