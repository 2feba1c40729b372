"""The people import and export (issue 17, part 3): the checks of Add Person and Edit Account Info over a
whole file, all or nothing, invitations after the commit, and an export that imports back unchanged."""
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, ImportJob, ModuleLevel, Notice, RoleAssignment, User
from webapp.services.accounts import authenticate_user, password_matches
from webapp.services.mail import build_message
from webapp.services.people_import import HEADERS

HEADER = ",".join(HEADERS)


@pytest.fixture
def administrator(factory, sign_in):
    return sign_in(factory.user("Administrator", username="admin", email="admin@example.test"))


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join((header, *rows)) + "\r\n").encode()


def upload(client, csrf, data: bytes, filename="people.csv", **options):
    return client.post("/data/people/import", data={"csrf_token": csrf(), "file": (io.BytesIO(data), filename),
                                                    **options}, content_type="multipart/form-data")


def latest_job() -> ImportJob:
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def check(client, csrf, data: bytes, **options) -> tuple[ImportJob, str]:
    response = upload(client, csrf, data, **options)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.location).get_data(as_text=True)
    job = latest_job()
    db.session.refresh(job)
    return job, page


def confirm(client, csrf, job: ImportJob) -> ImportJob:
    assert client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()}).status_code == 303
    db.session.expire_all()
    return db.session.get(ImportJob, job.id)


def errors_of(job: ImportJob) -> list[tuple[int, str, str]]:
    return [tuple(error) for error in job.preview["error_rows"]]


def people_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def by_username(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_new_people_are_previewed_then_imported_with_supervisors_later_in_the_file_levels_and_roles(
        frozen_clock, client, csrf, administrator, factory):
    company = factory.company(name="North Yard")
    rigger, welder = factory.role(name="Rigger"), factory.role(name="Welder")
    before = people_count()
    job, page = check(client, csrf, csv(
        "jdoe,Jane.Doe@Example.com,Jane,Doe,E1,Welder,north yard,msmith,,Rigger; welder (training until 01/31/2027),",
        "msmith,mary@example.com,Mary,Smith,E2,Foreman,North Yard,,Supervisor,,Yes",
    ), invite="y")
    assert job.preview["create"] == 2 and job.preview["errors"] == 0, job.preview
    assert "Jane Doe (jdoe)" in page and people_count() == before  # the preview writes nothing
    job = confirm(client, csrf, job)
    assert job.state == "imported"
    jane, mary = by_username("jdoe"), by_username("msmith")
    assert jane.email == "jane.doe@example.com" and jane.company == company and jane.supervisors == [mary]
    assert [level.name for level in jane.module_levels] == ["Employee"]
    assert [level.name for level in mary.module_levels] == ["Supervisor"]
    assignments = {a.role_id: a.training_until for a in db.session.scalars(
        select(RoleAssignment).where(RoleAssignment.user_id == jane.id))}
    assert assignments == {rigger.id: None, welder.id: date(2027, 1, 31)}
    assert jane.active and mary.active
    created = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.create")
                                 .order_by(AuditEntry.id)).all()
    assert [entry.entity_id for entry in created][-2:] == [str(jane.id), str(mary.id)]
    assert created[-2].after["supervisors"] == ["msmith"]
    invitations = db.session.scalars(select(Notice).where(Notice.kind == "invitation")).all()
    assert sorted(notice.recipient_user_id for notice in invitations) == sorted([jane.id, mary.id])
    assert jane.invited_at is not None


def test_imported_people_have_no_usable_password_until_the_invitation(client, csrf, administrator):
    job, _ = check(client, csrf, csv("jdoe,jane@example.com,Jane,Doe,,,,,,,"))
    confirm(client, csrf, job)
    jane = by_username("jdoe")
    assert jane.password_hash.startswith("!")
    for guess in ("", "!", jane.password_hash, jane.password_hash[1:]):
        assert not password_matches(jane.password_hash, guess)
        assert authenticate_user("jdoe", guess) is None
    assert db.session.scalar(select(func.count(Notice.id)).where(Notice.kind == "invitation")) == 0  # not ticked


def test_the_invitation_replaces_the_unusable_password_and_then_works_no_more(client, csrf, administrator):
    job, _ = check(client, csrf, csv("jdoe,jane@example.com,Jane,Doe,,,,,,,"), invite="y")
    confirm(client, csrf, job)
    notice = db.session.scalars(select(Notice).where(Notice.kind == "invitation")).one()
    path = re.search(r"http://[^/\s]+(/auth/invitation/\S+)", build_message(notice).get_body(("plain",))
                     .get_content()).group(1)
    client.post("/auth/logout", data={"csrf_token": csrf()})
    chosen = {"csrf_token": csrf(), "password": "a long new secret", "confirm": "a long new secret"}
    assert client.post(path, data=chosen).status_code == 302
    jane = by_username("jdoe")
    assert not jane.password_hash.startswith("!")
    assert authenticate_user("jane@example.com", "a long new secret") == jane
    assert client.get(path).status_code == 404


def test_updates_are_matched_by_username_or_email_and_blank_cells_clear_or_keep(frozen_clock, client, csrf,
                                                                                administrator, factory):
    worker = factory.user(username="worker", email="worker@example.test", job_title="Welder", employee_number="E7",
                          last_name="Worker")
    other = factory.user(username="other", email="other@example.test")
    job, page = check(client, csrf, csv(
        "WORKER,worker@example.test,Test,Worker,,Foreman,,admin,,,",
        "renamed,other@example.test,Test,Other,,,,,,,No",
    ))
    assert (job.preview["update"], job.preview["create"], job.preview["errors"]) == (2, 0, 0), job.preview
    assert "Job Title: Welder → Foreman" in page and "Username: other → renamed" in page
    confirm(client, csrf, job)
    db.session.expire_all()
    assert (worker.username, worker.job_title, worker.employee_number) == ("WORKER", "Foreman", None)
    assert [s.username for s in worker.supervisors] == ["admin"]
    assert [level.name for level in worker.module_levels] == ["Employee"]  # blank: kept
    assert other.username == "renamed" and not other.active
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.edit_account",
                                                        AuditEntry.entity_id == str(worker.id))).one()
    assert entry.before == {"username": "worker", "job_title": "Welder", "employee_number": "E7", "supervisors": []}
    assert entry.after == {"username": "WORKER", "job_title": "Foreman", "employee_number": None,
                           "supervisors": ["admin"]}
    told = db.session.scalars(select(Notice).where(Notice.kind == "account_changed")).all()
    assert {notice.recipient_email for notice in told} >= {"other@example.test"}


def test_export_then_import_changes_nothing_for_anyone(frozen_clock, client, csrf, administrator, factory):
    company = factory.company(name="Yard; East")
    role = factory.role(name="Rigger")
    boss = factory.user("Supervisor", username="boss", company=company, job_title="Foreman")
    gone = factory.user(username="gone", active=False)
    worker = factory.user(username="worker", supervisors=[boss, gone], employee_number="=1+2")
    factory.assign(worker, role, training_until=date(2026, 1, 31))  # a training end already past
    factory.user(username="nolevels").module_levels = []
    db.session.commit()
    exported = client.get("/data/people/export.csv")
    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    assert "Rigger (training until 01/31/2026)" in text and "boss; gone" in text
    job, _ = check(client, csrf, exported.get_data())
    assert job.preview["errors"] == 0 and job.preview["update"] == 0 and job.preview["create"] == 0, job.preview
    assert job.preview["unchanged"] == people_count()
    assert confirm(client, csrf, job).state == "imported"


def test_export_holds_only_the_people_the_actor_may_view(client, factory, sign_in):
    level = ModuleLevel(name="Clerk")
    level.permissions = {"edit_all_accounts", "import_export", "view_supervised_users"}
    db.session.add(level)
    clerk = factory.user(username="clerk")
    clerk.module_levels = [level]
    db.session.commit()
    sign_in(clerk)
    factory.user(username="mine", supervisors=[clerk])
    factory.user(username="stranger")
    text = client.get("/data/people/export.csv").get_data(as_text=True)
    assert "\r\nmine," in text and "stranger" not in text and "\r\nclerk," not in text


@pytest.mark.parametrize("rows, expected", [
    (("jdoe,a@example.com,Jane,Doe,,,,,,,", "JDOE,b@example.com,John,Doe,,,,,,,"),
     (3, "Username", "Also on row 2: each person needs their own username.")),
    (("jdoe,a@example.com,Jane,Doe,,,,,,,", "jroe,A@EXAMPLE.COM,John,Roe,,,,,,,"),
     (3, "E-mail", "Also on row 2: each person needs their own e-mail.")),
    (("jdoe,a@example.com,Jane,Doe,E1,,,,,,", "jroe,b@example.com,John,Roe,e1,,,,,,"),
     (3, "Employee Number", "Also on row 2")),
    (("other-admin,ADMIN@example.test,Jane,Doe,,,,,,,",),
     (2, "E-mail", "Another user already has this e-mail address.")),
    (("jdoe,a@example.com,Jane,Doe,,,,gone,,,",), (2, "Supervisors", "gone is inactive.")),
    (("jdoe,a@example.com,Jane,Doe,,,,jdoe,,,",), (2, "Supervisors", "A user cannot supervise themselves.")),
    (("jdoe,a@example.com,Jane,Doe,,,Nowhere Ltd,,,,",), (2, "Company", "Choose an existing company. Not known: Nowhere Ltd.")),
    (("jdoe,a@example.com,Jane,Doe,,,,,Wizard,,",), (2, "Module Levels", "Not known: Wizard.")),
    (("jdoe,a@example.com,Jane,Doe,,,,,,Astronaut,",), (2, "Roles", "Choose existing roles. Not known: Astronaut.")),
    (("jdoe,a@example.com,Jane,Doe,,,,,,,maybe",), (2, "Active", "Write Yes or No")),
    (("jdoe,not-an-address,Jane,Doe,,,,,,,",), (2, "E-mail", "Enter an e-mail address such as name@example.com.")),
    ((",a@example.com,Jane,Doe,,,,,,,",), (2, "Username", "Enter the username.")),
    (("jdoe,a@example.com,Jane,Doe,,,,nobody,,,",), (2, "Supervisors", "Nobody has the username nobody")),
    (("admin,admin@example.test,Test,User1,,,,,,,No",), (2, "Active", "You cannot deactivate your own account.")),
    (("admin,admin@example.test,Test,User1,,,,,Employee,,",),
     (2, "Module Levels", "You cannot remove your own right to manage module levels.")),
])
def test_each_bad_row_is_refused_with_a_clear_message_and_nothing_is_written(client, csrf, administrator, factory,
                                                                              rows, expected):
    factory.user("Administrator", username="other-admin", email="jane@example.com")
    factory.user(username="gone", active=False)
    before = people_count()
    job, page = check(client, csrf, csv(*rows, "fine,fine@example.com,Fine,Person,,,,,,,"))
    line, column, message = expected
    assert any(error[0] == line and error[1] == column and message in error[2] for error in errors_of(job)), \
        errors_of(job)
    assert message.split(":")[0] in page
    response = client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    assert response.status_code == 409
    assert people_count() == before


def test_an_address_of_someone_with_more_permissions_is_refused(client, csrf, factory, sign_in):
    editor = factory.user("Supervisor", username="editor")
    editor.module_levels[0].permissions = editor.permissions | {"edit_all_accounts", "import_export"}
    factory.user("Administrator", username="boss", email="boss@example.test")
    db.session.commit()
    sign_in(editor)
    job, _ = check(client, csrf, csv("boss,new-boss@example.test,Test,User2,,,,,Employee,,"))
    assert (2, "E-mail", "Only someone with every permission this person has may change their e-mail address.") \
        in errors_of(job)
    assert any(error[1] == "Module Levels" and "Only someone who may manage module levels" in error[2]
               for error in errors_of(job))


def test_a_supervisor_loop_through_the_file_and_the_data_is_refused(client, csrf, administrator, factory):
    top = factory.user(username="top")
    middle = factory.user(username="middle", supervisors=[top])
    factory.user(username="bottom", supervisors=[middle])
    job, _ = check(client, csrf, csv(
        "top,top@example.test,Test,Top,,,,newcomer,,,",
        "newcomer,new@example.com,New,Comer,,,,bottom,,,",
    ))
    loops = [error for error in errors_of(job) if error[1] == "Supervisors"]
    assert [error[0] for error in loops] == [2, 3]
    assert "nobody may end up supervising themselves" in loops[0][2]
    assert top.supervisors == []


def test_a_cp1252_file_with_a_bom_and_windows_line_ends_is_read(client, csrf, administrator):
    data = "\ufeff".encode("utf-8") + csv("zoe,zoe@example.com,Zoë,Müller,,Schweißer,,,,,Yes").decode().encode("cp1252")
    job, _ = check(client, csrf, data)
    assert job.preview["errors"] == 0 and job.preview["create"] == 1, job.preview
    confirm(client, csrf, job)
    zoe = by_username("zoe")
    assert (zoe.first_name, zoe.last_name, zoe.job_title) == ("Zoë", "Müller", "Schweißer")


def test_formula_cells_are_refused(client, csrf, administrator):
    job, _ = check(client, csrf, csv("jdoe,a@example.com,=HYPERLINK(\"x\"),Doe,,,,,,,"))
    assert any(error[:2] == [2, "First Name"] or error[:2] == (2, "First Name") for error in job.preview["error_rows"])
    assert "formula" in job.preview["error_rows"][0][2]


def test_a_training_end_date_must_be_typed_with_four_digits_and_after_today(frozen_clock, client, csrf,
                                                                           administrator, factory):
    factory.role(name="Rigger")
    job, _ = check(client, csrf, csv("a,a@example.com,A,A,,,,,,Rigger (training until 01/31/27),",
                                     "b,b@example.com,B,B,,,,,,Rigger (training until 06/01/2026),"))
    assert [error[:2] for error in job.preview["error_rows"]] == [[2, "Roles"], [3, "Roles"]]
    assert "four digits" in job.preview["error_rows"][0][2]
    assert "must be after today (06/15/2026)" in job.preview["error_rows"][1][2]


def test_twenty_thousand_rows_are_checked_in_seconds_and_all_refused_together(client, csrf, administrator):
    rows = [f"user{n},user{n}@example.com,First,Last{n},,,,,,," for n in range(20_000)]
    rows[-1] = "user0,late@example.com,First,Late,,,,,,,"
    job, page = check(client, csrf, csv(*rows))
    assert job.rows_total == 20_000 and job.preview["create"] == 19_999 and job.preview["errors"] == 1
    assert errors_of(job)[0][:2] in ([20_001, "Username"], (20_001, "Username"))
    assert people_count() == 1


def test_importing_and_exporting_people_needs_the_right_to_edit_every_account(client, csrf, factory, sign_in):
    lead = factory.user("Supervisor")
    lead.module_levels[0].permissions = lead.permissions | {"import_export"}
    db.session.commit()
    sign_in(lead)
    assert client.get("/data/people/import").status_code == 404
    assert client.get("/data/people/export.csv").status_code == 404
    assert "People" not in client.get("/data/").get_data(as_text=True).split("<main")[1]


def test_checking_importing_and_exporting_take_the_same_queries_for_2_and_12_people(
        client, csrf, administrator, factory, count_queries):
    factory.company(name="North Yard")
    factory.role(name="Rigger")
    counts = []
    for people in (2, 12):
        rows = [f"p{people}-{n},p{people}-{n}@example.com,P,N{n},,,North Yard,"
                f"{f'p{people}-{n + 1}' if n + 1 < people else 'admin'},,Rigger (training until 01/31/2099),Yes"
                for n in range(people)]
        with count_queries() as checking:
            job, _ = check(client, csrf, csv(*rows))
        assert job.preview["create"] == people
        with count_queries() as importing:
            confirm(client, csrf, job)
        with count_queries() as exporting:
            assert client.get("/data/people/export.csv").status_code == 200
        counts.append((len(checking), len(importing), len(exporting)))
    assert counts[0] == counts[1]
