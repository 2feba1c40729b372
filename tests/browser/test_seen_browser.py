"""What a person sees in a real Chromium (issue 15): the menu on wide screens, buttons that can be read,
icons that need no font, confirmations that appear before anything changes."""
import io
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.browser.conftest import sign_in_demo
from webapp.clock import today
from webapp.extensions import db
from webapp.models import Attachment, User
from webapp.services.demo import load_demo_organisation
from webapp.services.records import add_inbox_files

pytestmark = pytest.mark.browser

PHONE, TABLET_LANDSCAPE, DESKTOP = (360, 740), (1180, 820), (1280, 800)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The contrast of two "rgb(r, g, b)" colours, as WCAG computes it.
CONTRAST = """(el) => {
  const style = getComputedStyle(el);
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.fixture
def demo(app_context):
    # The live server runs on the real clock, so the demo is built around the real today.
    load_demo_organisation(today())



def _dismiss_next_confirmation(page) -> list[str]:
    """Answer the next confirmation with Cancel; returns the list its question is added to."""
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    return asked


@pytest.mark.parametrize("viewport", [(900, 700), TABLET_LANDSCAPE, DESKTOP])
def test_the_menu_shows_on_wide_screens(new_page, demo, viewport):
    page = sign_in_demo(new_page, "ada", viewport)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="My QR Code")).to_be_visible()
    menu.locator(".nav-group summary").click()  # the administrator's setup pages share one disclosure
    expect(menu.get_by_role("link", name="Settings")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    menu.get_by_role("link", name="My QR Code").click()
    expect(page.get_by_role("heading", name="QR Code: Ada Admin")).to_be_visible()


def test_the_menu_is_one_tap_away_on_a_phone(new_page, demo):
    page = sign_in_demo(new_page, "emma", PHONE)
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.get_by_text("Menu").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My QR Code")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_primary_buttons_can_be_read(new_page, demo, viewport):
    emma = db.session.scalar(select(User).where(User.username == "emma"))
    page = sign_in_demo(new_page, "ada", viewport)
    page.goto(f"/people/{emma.id}/record")
    approve = page.get_by_role("button", name="Approve Certification")
    expect(approve).to_be_visible()
    assert approve.evaluate(CONTRAST) >= 4.5
    page = sign_in_demo(new_page, "sam", viewport)
    page.goto("/submissions/batch")
    submit = page.get_by_role("button", name="Submit Certifications")
    expect(submit).to_be_visible()
    assert submit.evaluate(CONTRAST) >= 4.5


def test_icons_are_drawn_from_the_sprite_not_a_font(new_page, demo):
    page = sign_in_demo(new_page, "emma", PHONE)
    page.goto("/my/certifications")
    deferred = page.locator(".status-deferred").first
    expect(deferred).to_contain_text("Deferred")
    assert re.search(r"^/static/icons/icons\.svg(\?v=\w+)?#deferred$", deferred.locator("svg use").get_attribute("href"))
    box = deferred.locator("svg").bounding_box()
    assert box["width"] >= 12 and box["height"] >= 12
    glyphs = page.evaluate(
        """() => [...document.querySelectorAll('[aria-hidden=true]')].filter((el) => !el.querySelector('svg') && el.tagName !== 'svg')
              .map((el) => el.textContent.trim()).filter(Boolean)"""
    )
    assert glyphs == []
    sprite = page.request.get(deferred.locator("svg use").get_attribute("href").split("#")[0])
    assert sprite.ok and sprite.headers["content-type"].startswith("image/svg+xml")
    assert all(f'id="{name}"' in sprite.text() for name in ("valid", "deferred", "expired", "warning", "brand"))


def test_resetting_a_qr_code_asks_first(new_page, demo):
    emma = db.session.scalar(select(User).where(User.username == "emma"))
    token = emma.qr_token
    page = sign_in_demo(new_page, "ada", DESKTOP)
    page.goto("/people/")
    asked = _dismiss_next_confirmation(page)
    page.get_by_label("Actions for Emma Employee").click()
    page.get_by_role("button", name="Reset QR Code").click()
    expect(page.get_by_role("button", name="Reset QR Code")).to_be_visible()
    assert asked and "reset the QR Code" in asked[0]
    db.session.expire_all()
    assert db.session.get(User, emma.id).qr_token == token

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset QR Code").click()
    expect(page.get_by_text("QR Code has been reset.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(User, emma.id).qr_token != token


def test_removing_an_inbox_file_asks_first(new_page, demo):
    sam = db.session.scalar(select(User).where(User.username == "sam"))
    add_inbox_files(sam, [FileStorage(io.BytesIO(PDF), filename="forklift card.pdf", content_type="application/pdf")])
    db.session.commit()
    page = sign_in_demo(new_page, "sam", TABLET_LANDSCAPE)
    page.goto("/submissions/inbox")
    asked = _dismiss_next_confirmation(page)
    page.get_by_role("button", name="Remove forklift card.pdf").click()
    expect(page.get_by_role("button", name="Remove forklift card.pdf")).to_be_visible()
    assert asked == ["Remove forklift card.pdf from your inbox?"]
    db.session.expire_all()
    assert db.session.scalar(select(Attachment.id).where(Attachment.inbox_owner_id == sam.id)) is not None
