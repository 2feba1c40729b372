"""The sweep (issue 15): every demo role visits every page its navigation reaches, and the pages those link to,
at 360, 820 and 1280 px, as a person would see them.

It fails on a server error, a console error or CSP violation, a serious or critical axe-core violation
(colour contrast included; at 360 and 1280 px), a page whose main navigation is neither visible nor one tap away, a button or
link with no accessible name or smaller than 24x24 px (44 px for the employee), and sideways scrolling at
360 px. The figures (pages x roles x widths) are printed for the record.

The same pages are swept once more in Spanish (issue 23 part 5), at 360 px only, where Spanish words, longer than
English ones, break layouts first: the same checks, and no English word a page must translate (a label, a column
head, a status, a button) left visible outside the person's own data.
"""
import re
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from sqlalchemy import update

from webapp.clock import today
from webapp.extensions import db
from webapp.models import User
from webapp.services.demo import DEMO_PASSWORD, load_demo_organisation

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (360, 820, 1280)
HEIGHT = 800
# The employee, a supervisor, a supervisor of another team and the administrator; the employee's
# pages are used on a phone in the field, so her targets are 44 px.
ROLES = {"emma": 44, "sam": 24, "nora": 24, "ada": 24}
PAGES_PER_ROLE = 40
# Not pages: files, downloads, calendars, fragments, the service worker; sign-in pages would end the session.
SKIP = re.compile(
    r"^/(auth|static|files|entity-files|cal)/|\.(csv|xlsx|ics|png|pdf|json|webmanifest|js)$|/attachments/|/media/|/document/"
    r"|/preview$|^/reports/calendar|^/reports/matrix/\d|^/my/offline-pages|^/sw\.js"
)

PAGE_CHECKS = """(minimum) => {
  const problems = [];
  const shown = (el) => el.checkVisibility({visibilityProperty: true});
  const nav = document.querySelector('.site-header nav');
  const toggle = document.querySelector('.menu-toggle > summary');
  if (!nav || !(shown(nav) || (toggle && shown(toggle)))) problems.push('main navigation neither visible nor behind a visible Menu button');
  const named = (el) => (el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') || '').split(/\\s+/)
      .map((id) => document.getElementById(id)?.textContent || '').join(' ') || el.innerText || el.value || el.title || '').trim();
  // WCAG 2.5.8: a link inside a sentence is sized by the text around it.
  const inSentence = (el) => el.tagName === 'A' && getComputedStyle(el).display === 'inline'
      && el.parentElement.textContent.trim().length > el.textContent.trim().length + 2;
  for (const el of document.querySelectorAll('a[href], button, summary, input[type=submit], input[type=button], [role=button]')) {
    if (!shown(el)) continue;
    const label = (named(el) || el.outerHTML).slice(0, 60);
    if (!named(el)) problems.push(`no accessible name: ${label}`);
    if (inSentence(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      problems.push(`smaller than ${minimum}px (${Math.round(box.width)}x${Math.round(box.height)}): ${label}`);
    }
  }
  return problems;
}"""
AXE_RUN = (
    "(rules) => axe.run(document, {resultTypes: ['violations'], ...(rules ? {runOnly: {type: 'rule', values: rules}} : {})})"
    ".then((r) => r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))"
    ".map((v) => `axe ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`))"
)
# In Spanish only what its words can change (CI time: the English sweep runs every rule on the same pages).
TEXT_RULES = ["color-contrast", "link-name", "button-name", "label", "select-name", "document-title", "empty-heading",
              "html-lang-valid", "valid-lang", "aria-valid-attr-value", "scrollable-region-focusable"]


# The Spanish sweep: the employee (44 px targets) and the administrator, who reaches every other page; each route once.
SPANISH_ROLES = ("emma", "ada")
# CI's time is near its limit: the Spanish pass may add about a minute, so fewer pages than the English one, breadth
# first (the navigation's pages, then what they link to).
SPANISH_PAGES_PER_ROLE = 30
# Words of the interface that a Spanish page must not show in English. A visible text node that is exactly one of
# them (a status, a column head, a tab, a button) is interface, never data: demo names are longer. The phrases are
# matched anywhere in a text node; no demo name contains them. Text marked `lang="en"` (the import files' column
# names, which stay English: decision 89) is not looked at.
ENGLISH_WORDS = ("Expires", "Expired", "Required", "Valid", "Overdue", "Due", "Upcoming", "Revoked", "Pending",
                 "Approved", "Declined", "Deferred", "Asset", "Assets", "Client", "Clients", "Job Location",
                 "Job Locations", "Certifications", "Certification", "Submit", "Save", "Cancel", "Edit", "Delete",
                 "Search", "Status", "Name", "Company", "Identifier", "Person", "Employees", "Groups", "Actions",
                 "Completed", "Never expires", "Not Applicable", "Nothing on File", "In Training")
ENGLISH_PHRASES = ("Job Location", "Nothing on File", "Not Applicable", "Valid When Added", "Forms Required",
                   "expires ", "expired ", " pages", "Other Required Certification", "From role:")
ENGLISH_LEFT = r"""([words, phrases]) => {
  const found = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, [lang]:not([lang^="es"])') || !el.checkVisibility({visibilityProperty: true})) continue;
    const text = node.textContent.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (words.includes(text) || phrases.some((phrase) => text.includes(phrase))) found.add(text.slice(0, 80));
  }
  return [...found].map((text) => `English left: "${text}"`);
}"""


def _route(path: str) -> str:
    """One page per endpoint pattern: /people/12/certifications and /people/13/certifications are one route."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(path).path)


class Sweep:
    """One role at one width: one signed-in browser context, each page checked once."""

    def __init__(self, browser, live_server: str, username: str, width: int, axe_source: str):
        self.origin, self.width, self.minimum = live_server, width, ROLES[username]
        # No service worker: saving the employee's pages for use without signal (tested elsewhere) would
        # fetch them all again in the background of every visit.
        self.context = browser.new_context(base_url=live_server, viewport={"width": width, "height": HEIGHT},
                                           service_workers="block")
        self.context.set_default_timeout(15_000)
        # Through the DevTools protocol, which the page's Content-Security-Policy does not govern.
        self.context.add_init_script(script=axe_source)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.console.append(f"console: {message.text}"))
        self.page.on("pageerror", lambda error: self.console.append(f"script error: {error}"))
        self.page.goto("/auth/login")
        self.page.get_by_label("Username or e-mail").fill(username)
        self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url("**/")

    def menu_opens(self) -> bool:
        """Behind the Menu button (narrow screens), the main navigation is one tap away."""
        toggle = self.page.locator(".menu-toggle > summary")
        if toggle.is_visible():
            toggle.click()
        return self.page.locator(".site-header nav").is_visible()

    def check(self, path: str, english_left: bool = False) -> list[str] | None:
        """What is wrong with the page; None when it is not an HTML page. `english_left`: also the English words
        a page in another language must have translated."""
        self.console.clear()
        response = self.page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return None
        problems = [f"HTTP {response.status}"] if response.status >= 500 else []
        problems += self.page.evaluate(PAGE_CHECKS, self.minimum)
        if self.width == min(WIDTHS):
            scroll = self.page.evaluate("document.documentElement.scrollWidth")
            if scroll > self.width:
                problems.append(f"scrolls sideways: {scroll}px wide")
        problems += self.page.evaluate(AXE_RUN, TEXT_RULES if english_left else None)
        if english_left:
            problems += self.page.evaluate(ENGLISH_LEFT, [list(ENGLISH_WORDS), list(ENGLISH_PHRASES)])
        return problems + self.console

    def links(self) -> list[str]:
        """Same-origin page links of the current page (no files, downloads or calendars)."""
        hrefs = self.page.eval_on_selector_all("a[href]:not([download])", "(links) => links.map((a) => a.href)")
        paths = (urldefrag(href).url[len(self.origin):] or "/" for href in hrefs if href.startswith(self.origin))
        return [path for path in paths if not SKIP.search(urlsplit(path).path)]


@pytest.mark.slow
@pytest.mark.parametrize("username", ROLES)
def test_every_role_sees_every_page_well_at_every_width(browser, live_server, app_context, username):
    assert AXE.exists(), "axe-core is installed by `make setup` (npm ci)"
    load_demo_organisation(today())
    axe_source = AXE.read_text()
    started = time.monotonic()
    found: dict[str, list[str]] = {}
    pages: list[str] = []

    def record(sweep: Sweep, path: str) -> bool:
        problems = sweep.check(path)
        if problems:
            found[f"{username} {sweep.width}px {path}"] = problems
        return problems is not None

    for width in sorted(WIDTHS, reverse=True):
        sweep = Sweep(browser, live_server, username, width, axe_source)
        if not sweep.menu_opens():
            found[f"{username} {width}px menu"] = ["the main navigation is not visible, nor one tap away"]
        if not pages:
            # The widest screen finds the pages: breadth first from home (the navigation comes first),
            # one page per route, up to PAGES_PER_ROLE.
            queue, seen = deque(["/"]), {"/"}
            while queue and len(pages) < PAGES_PER_ROLE:
                path = queue.popleft()
                if record(sweep, path):
                    pages.append(path)
                    for link in sweep.links():
                        if _route(link) not in seen:
                            seen.add(_route(link))
                            queue.append(link)
        else:
            for path in pages:
                record(sweep, path)
        sweep.context.close()
    print(f"\nsweep: {username} {len(pages)} pages x {len(WIDTHS)} widths = {len(pages) * len(WIDTHS)} page visits "
          f"in {time.monotonic() - started:.0f} s")
    if found:
        pytest.fail("\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items()), pytrace=False)


@pytest.mark.slow
def test_every_page_in_spanish_at_360_px(browser, live_server, app_context):
    """Every route once in Spanish on a phone: no sideways scrolling, axe (contrast included), accessible names
    and target sizes as in English, and nothing left in English."""
    assert AXE.exists(), "axe-core is installed by `make setup` (npm ci)"
    load_demo_organisation(today())
    # Signed in through the English sign-in page (the browser's language), then Spanish by their own choice.
    db.session.execute(update(User).where(User.username.in_(SPANISH_ROLES)).values(language="es"))
    db.session.commit()
    axe_source = AXE.read_text()
    started = time.monotonic()
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    visits = 0
    for username in SPANISH_ROLES:
        sweep = Sweep(browser, live_server, username, min(WIDTHS), axe_source)
        assert sweep.page.evaluate("document.documentElement.lang") == "es"
        if not sweep.menu_opens():
            found[f"{username} menu"] = ["the main navigation is not visible, nor one tap away"]
        queue, pages = deque(["/"]), 0
        while queue and pages < SPANISH_PAGES_PER_ROLE:
            path = queue.popleft()
            problems = sweep.check(path, english_left=True)
            if problems is None:
                continue
            pages += 1
            if problems:
                found[f"{username} es 360px {path}"] = problems
            for link in sweep.links():
                if _route(link) not in seen:  # a route another role has seen is not swept again
                    seen.add(_route(link))
                    queue.append(link)
        visits += pages
        sweep.context.close()
    print(f"\nSpanish sweep: {visits} page visits at {min(WIDTHS)} px in {time.monotonic() - started:.0f} s")
    if found:
        pytest.fail("\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items()), pytrace=False)
