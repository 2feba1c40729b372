"""An administrator on a phone adds a person with a photo; the person chooses a password through the
invitation and signs in; My Account shows the sign-in.

No frozen clock (the browser needs real time).
"""
import io
import re
from datetime import date

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Notice, RoleAssignment, User
from webapp.services.mail import build_message

pytestmark = pytest.mark.browser


def _photo(tmp_path):
    path = tmp_path / "portrait.png"
    out = io.BytesIO()
    Image.new("RGB", (900, 700), (20, 120, 90)).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def test_an_administrator_adds_a_person_who_accepts_the_invitation(signed_in_page, new_page, factory, tmp_path):
    admin = factory.user("Administrator", "Employee", username="ada", first_name="Ada", last_name="Admin")
    factory.role(name="Rigging")
    page = signed_in_page(admin, viewport=(360, 780))
    page.goto("/people/")
    page.get_by_role("link", name="Add Person").click()
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("New")
    page.get_by_label("E-mail").fill("nia@example.test")
    page.get_by_label("Username").fill("ADA")
    page.get_by_label("Rigging", exact=True).check()
    page.get_by_label("Rigging: in training until (optional)").fill("2099-01-31")
    page.get_by_label("Photo (JPEG, PNG, WebP or GIF)").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="Add Person").click()
    expect(page.locator("#username-error")).to_have_text("Another user already has this username.")
    page.get_by_label("Username").fill("nia")
    page.get_by_label("Photo (JPEG, PNG, WebP or GIF)").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="Add Person").click()
    expect(page.get_by_role("heading", name="Edit Account Info: Nia New")).to_be_visible()
    expect(page.get_by_role("img", name="Photo of Nia New")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    nia = db.session.scalar(select(User).where(User.username == "nia"))
    assert [a.training_until for a in db.session.scalars(select(RoleAssignment).where(
        RoleAssignment.user_id == nia.id))] == [date(2099, 1, 31)]

    notice = db.session.scalar(select(Notice).where(Notice.kind == "invitation"))
    text = build_message(notice).get_body(("plain",)).get_content()
    path = re.search(r"http://[^/\s]+(/auth/invitation/\S+)", text).group(1)
    invited = new_page((360, 780))
    invited.goto(path)
    invited.get_by_label("New password", exact=True).fill("a long new secret")
    invited.get_by_label("New password again").fill("a long new secret")
    invited.get_by_role("button", name="Set password").click()
    invited.get_by_label("Username or e-mail").fill("nia")
    invited.get_by_label("Password").fill("a long new secret")
    invited.get_by_role("button", name="Sign in").click()
    invited.wait_for_url("**/")
    invited.goto("/my/profile")
    expect(invited.get_by_role("heading", name="Sign-in history")).to_be_visible()
    expect(invited.get_by_text("Signed in").first).to_be_visible()
    assert db.session.scalar(select(User.active).where(User.username == "nia"))
