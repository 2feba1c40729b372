"""An administrator on a phone imports a staff list: uploads it, watches the check's progress, reads the
preview, imports, and sees the outcome; the new people are invited once the import is committed.

No frozen clock (the browser needs real time). The jobs run in a worker thread, as in production.
"""
import time
from dataclasses import replace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Notice, User
from webapp.services import import_kinds
from webapp.services.people_import import PEOPLE, plan_people

pytestmark = pytest.mark.browser

STAFF = (
    "Username,E-mail,First Name,Last Name,Employee Number,Job Title,Company,Supervisors,Module Levels,Roles,Active\r\n"
    "nia,nia@example.test,Nia,New,E-7,Rigger,North Yard,sam,,Rigging (training until 01/31/2099),\r\n"
    "sam,sam@example.test,Sam,Boss,E-8,Foreman,North Yard,,Supervisor,Rigging,Yes\r\n"
)


def _slow_plan(rows, by, day, progress):
    time.sleep(1.5)  # long enough to see the progress the page polls for
    return plan_people(rows, by, day, progress)


@pytest.mark.both_databases
def test_an_administrator_imports_the_staff_list_on_a_phone(app, signed_in_page, factory, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(import_kinds.IMPORT_KINDS, "people", replace(PEOPLE, plan=_slow_plan))
    admin = factory.user("Administrator", "Employee", username="ada", first_name="Ada", last_name="Admin")
    factory.company(name="North Yard")
    factory.role(name="Rigging")
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF, encoding="utf-8")
    page = signed_in_page(admin, viewport=(360, 780))
    page.goto("/data/")
    page.get_by_role("link", name="Import People").click()
    page.get_by_label("E-mail an invitation to choose a password to each new person").check()
    page.locator("input[type=file]").set_input_files(str(staff))
    page.get_by_role("button", name="Check File").click()
    expect(page.get_by_role("status").filter(has_text="Checking the file")).to_be_visible()
    expect(page.get_by_text("To create")).to_be_visible(timeout=15_000)
    expect(page.locator("#import-job")).to_contain_text("Nia New (nia)")
    assert db.session.scalar(select(User).where(User.username == "nia")) is None  # the preview wrote nothing
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported: 2 created, 0 updated, 0 unchanged.")).to_be_visible(timeout=15_000)
    db.session.expire_all()
    nia = db.session.scalar(select(User).where(User.username == "nia"))
    assert [s.username for s in nia.supervisors] == ["sam"] and nia.company.name == "North Yard"
    for _ in range(50):  # the invitations follow the commit, in the worker thread
        invited = set(db.session.scalars(select(Notice.recipient_email).where(Notice.kind == "invitation")))
        if len(invited) == 2:
            break
        time.sleep(0.1)
        db.session.expire_all()
    assert invited == {"nia@example.test", "sam@example.test"}
