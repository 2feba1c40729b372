"""People administration (issue 17): Add Person with an invitation, photos, deactivate, reactivate,
erase, My Account, the photo switch, `flask create-admin` and the demo's people."""
import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import FROZEN_NOW
from tests.images import image_bytes as _image, jpeg_with_location as _jpeg_with_location
from webapp.extensions import db
from webapp.models import AuditEntry, Notice, RoleAssignment, Submission, User, UserSession
from webapp.services.accounts import authenticate_user
from webapp.services.demo import load_demo_organisation
from webapp.services.mail import SECRET_LINK, deliver_notices
from webapp.services.photos import PHOTO_MAX_SIDE
from webapp.services.sessions import start_session, user_for_session
from webapp.services.settings import show_photos_on_qr


@pytest.fixture
def admin(factory, sign_in, frozen_clock):
    return sign_in(factory.user("Administrator", "Supervisor", "Employee", username="ada"))


def _person(**changes) -> dict:
    return {"first_name": "Nia", "last_name": "New", "email": "nia@example.test", "username": "nia",
            "employee_number": "E-7", "job_title": "Rigger", "phone": "+1 555 0100", "company": 0, **changes}


def _add(client, csrf, **changes):
    return client.post("/people/new", data={"csrf_token": csrf(), **_person(**changes)},
                       content_type="multipart/form-data")


def _invitation_path(smtp, address: str) -> str:
    deliver_notices()
    text = smtp.to(address)[-1].get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/auth/invitation/\S+)", text).group(1)


def _set(client, csrf, path, password="a long new secret"):
    return client.post(path, data={"csrf_token": csrf(), "password": password, "confirm": password})


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_add_person_invites_them_to_choose_a_password_once(client, csrf, factory, admin, smtp):
    boss = factory.user(first_name="Sam", last_name="Boss")
    acme = factory.company(name="Acme")
    role = factory.role(name="Rigging")
    response = _add(client, csrf, company=acme.id, supervisors=[boss.id], roles=[role.id],
                    module_levels=[factory.levels["Employee"].id],
                    **{f"training_until_{role.id}": "07/01/2026"}, photo=(io.BytesIO(_image()), "me.png"))
    assert response.status_code == 302
    nia = db.session.scalar(select(User).where(User.username == "nia"))
    assert (nia.company_id, [s.id for s in nia.supervisors], [lvl.name for lvl in nia.module_levels]) == (
        acme.id, [boss.id], ["Employee"])
    assert (nia.phone, nia.employee_number, nia.job_title, nia.active) == ("+1 555 0100", "E-7", "Rigger", True)
    [assignment] = db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == nia.id)).all()
    assert assignment.role_id == role.id and assignment.training_until.isoformat() == "2026-07-01"
    assert nia.photo is not None and nia.invited_at is not None
    [notice] = db.session.scalars(select(Notice).where(Notice.kind == "invitation")).all()
    assert SECRET_LINK in notice.body_text and "/auth/invitation/" not in notice.body_text
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create")).entity_id == str(nia.id)
    path = _invitation_path(smtp, "nia@example.test")
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert "Choose your password" in client.get(path).get_data(as_text=True)
    assert _set(client, csrf, path, "short").status_code == 422
    assert _set(client, csrf, path).status_code == 302
    assert authenticate_user("nia", "a long new secret") is not None
    used = client.get(path)
    assert used.status_code == 404 and "Invitation links work once" in used.get_data(as_text=True)


def test_each_role_of_add_person_has_its_own_training_end_date(client, csrf, factory, admin, frozen_clock):
    rigger, welder, crane = factory.role(name="Rigger"), factory.role(name="Welder"), factory.role(name="Crane")
    page = client.get("/people/new").get_data(as_text=True)
    assert f'<label for="training_until_{welder.id}">Welder: in training until (optional)</label>' in page
    response = _add(client, csrf, roles=[rigger.id, welder.id, crane.id],
                    **{f"training_until_{rigger.id}": "07/01/2026", f"training_until_{welder.id}": "2027-01-31"})
    assert response.status_code == 302
    nia = db.session.scalar(select(User).where(User.username == "nia"))
    assignments = {a.role_id: a.training_until for a in db.session.scalars(
        select(RoleAssignment).where(RoleAssignment.user_id == nia.id))}
    assert assignments == {rigger.id: date(2026, 7, 1), welder.id: date(2027, 1, 31), crane.id: None}


def test_a_refused_training_end_date_shows_beside_its_role_and_adds_nobody(client, csrf, factory, admin,
                                                                         frozen_clock):
    rigger, welder = factory.role(name="Rigger"), factory.role(name="Welder")
    response = _add(client, csrf, roles=[rigger.id, welder.id],
                    **{f"training_until_{rigger.id}": "06/01/2026", f"training_until_{welder.id}": "01/31/2027"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _users() == 1
    assert f'id="training_until_{rigger.id}-error">The training end date must be after today (06/15/2026)' in page
    assert f'id="training_until_{welder.id}-error"' not in page and 'value="2027-01-31"' in page
    response = _add(client, csrf, roles=[rigger.id], **{f"training_until_{rigger.id}": "01/31/27"})
    assert response.status_code == 422 and _users() == 1
    assert f'id="training_until_{rigger.id}-error">Enter the year with four digits' in response.get_data(as_text=True)


def test_an_invitation_expires_after_seven_days_and_can_be_sent_again(client, csrf, admin, sign_in, smtp,
                                                                       frozen_clock):
    _add(client, csrf)
    nia = db.session.scalar(select(User).where(User.username == "nia"))
    first = _invitation_path(smtp, "nia@example.test")
    frozen_clock.move_to(FROZEN_NOW + timedelta(days=7, minutes=1))
    assert client.get(first).status_code == 404
    sign_in(admin)  # the week ended the administrator's session too
    assert client.post(f"/people/{nia.id}/invite", data={"csrf_token": csrf()}).status_code == 302
    again = _invitation_path(smtp, "nia@example.test")
    assert client.get(again).status_code == 200


@pytest.mark.parametrize("changes, message", [
    (lambda f: {"username": "ADA"}, "Another user already has this username."),
    (lambda f: {"email": "Ada-Mail@Example.test"}, "Another user already has this e-mail address."),
    (lambda f: {"employee_number": "E-1"}, "Another user already has this employee number."),
    (lambda f: {"company": 9999}, "Choose an existing company."),
    (lambda f: {"module_levels": [9999]}, "Choose existing module levels."),
    (lambda f: {"roles": [9999]}, "Choose existing roles."),
    (lambda f: (role := f.role()) and {"roles": [role.id], f"training_until_{role.id}": "06/15/2026"},
     "The training end date must be after today"),
    (lambda f: (role := f.role()) and {f"training_until_{role.id}": "07/01/2026"},
     "Tick this role too, or clear its training end date."),
    (lambda f: {"supervisors": [9999]}, "Choose supervisors among the active users."),
    (lambda f: {"photo": (io.BytesIO(b"%PDF-1.4 not an image"), "me.png")}, "Choose a photo: a JPEG, PNG, WebP or GIF"),
])
def test_add_person_refuses_bad_input_and_writes_nothing(client, csrf, factory, admin, changes, message):
    factory.user(email="ada-mail@example.test", employee_number="E-1")
    users, audits = _users(), db.session.scalar(select(func.count(AuditEntry.id)))
    response = _add(client, csrf, **changes(factory))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert _users() == users and db.session.scalar(select(func.count(AuditEntry.id))) == audits
    assert db.session.scalar(select(func.count(Notice.id))) == 0


def test_add_person_needs_the_permission_to_edit_all_accounts(client, csrf, factory, sign_in, frozen_clock):
    sign_in(factory.user("Supervisor"))
    assert client.get("/people/new").status_code == 403
    assert "Add Person" not in client.get("/people/").get_data(as_text=True)


def test_a_supervisor_loop_is_refused(client, csrf, factory, admin):
    top = factory.user(first_name="Top")
    middle = factory.user(supervisors=[top], first_name="Middle")
    low = factory.user(supervisors=[middle], first_name="Low")
    data = {"csrf_token": csrf(), "first_name": "Top", "last_name": top.last_name, "email": top.email,
            "username": top.username, "company": 0, "active": "y", "supervisors": [low.id]}
    response = client.post(f"/people/{top.id}/account", data=data)
    assert response.status_code == 422 and "nobody may end up supervising themselves" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, top.id).supervisors == []


def test_a_photo_is_re_encoded_without_metadata_and_shown_to_who_may_view(client, csrf, factory, admin, sign_in):
    person = factory.user(first_name="Pia")
    data = {"csrf_token": csrf(), "first_name": "Pia", "last_name": person.last_name, "email": person.email,
            "username": person.username, "company": 0, "active": "y",
            "photo": (io.BytesIO(_jpeg_with_location()), "phone.jpg")}
    assert client.post(f"/people/{person.id}/account", data=data, content_type="multipart/form-data").status_code == 302
    response = client.get(f"/people/{person.id}/photo")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(response.data)) as stored:
        assert max(stored.size) == PHOTO_MAX_SIDE and not stored.getexif()
    assert b"Secret Camera" not in response.data
    assert 'src="/people/%d/photo"' % person.id in client.get(f"/people/{person.id}/account").get_data(as_text=True)
    sign_in(factory.user())
    assert client.get(f"/people/{person.id}/photo").status_code == 404
    sign_in(person)
    assert client.get(f"/people/{person.id}/photo").status_code == 200


def test_a_decompression_bomb_is_refused(client, csrf, admin, monkeypatch):
    monkeypatch.setattr("webapp.services.photos.PHOTO_MAX_PIXELS", 1000)
    response = _add(client, csrf, photo=(io.BytesIO(_image((100, 100))), "big.png"))
    assert response.status_code == 422 and "This image is too large" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "nia")) is None


def test_deactivate_ends_sessions_and_moves_to_the_inactive_list(client, csrf, factory, admin):
    leaver = factory.user(first_name="Leo", last_name="Leaver")
    keys = start_session(leaver, address="192.0.2.1", user_agent="phone", remember=False)
    assert client.post(f"/people/{leaver.id}/deactivate", data={"csrf_token": csrf()}).status_code == 302
    db.session.expire_all()
    assert user_for_session(keys.key) is None and not db.session.get(User, leaver.id).active
    assert f'id="user-{leaver.id}"' not in client.get("/people/").get_data(as_text=True)
    inactive = client.get("/people/?inactive=y").get_data(as_text=True)
    assert f'id="user-{leaver.id}"' in inactive and "(inactive)" in inactive
    assert client.get(f"/people/{leaver.id}/certifications").status_code == 200
    assert client.post(f"/people/{leaver.id}/reactivate", data={"csrf_token": csrf()}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, leaver.id).active
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))][-2:] == [
        "user.deactivate", "user.reactivate"]


def test_nobody_deactivates_themselves(client, csrf, admin):
    client.post(f"/people/{admin.id}/deactivate", data={"csrf_token": csrf()})
    assert "You cannot deactivate your own account." in client.get(f"/people/{admin.id}/account").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active


def test_erase_needs_the_typed_username_and_keeps_records_as_a_former_employee(client, csrf, factory, admin):
    certification = factory.certification(name="Forklift")
    person = factory.user(username="eve", first_name="Eve", last_name="Erased", phone="555", employee_number="E-9")
    db.session.add(Submission(user=person, certification=certification, completed_on=FROZEN_NOW.date(),
                              status="approved", submitted_by=admin))
    db.session.commit()
    keys = start_session(person, address="192.0.2.1", user_agent="phone", remember=False)
    client.post(f"/people/{person.id}/invite", data={"csrf_token": csrf()})
    wrong = client.post(f"/people/{person.id}/erase", data={"csrf_token": csrf(), "confirmation": "Eve"})
    assert wrong.status_code == 422 and "Type the username eve to confirm the erasure." in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).first_name == "Eve"
    done = client.post(f"/people/{person.id}/erase", data={"csrf_token": csrf(), "confirmation": "eve"})
    assert done.status_code == 302
    db.session.expire_all()
    erased = db.session.get(User, person.id)
    assert erased.full_name == f"Former employee {person.id}" and not erased.active and erased.erased_at
    assert (erased.phone, erased.employee_number, erased.email) == (None, None, f"erased-{person.id}@erased.invalid")
    assert db.session.scalar(select(func.count(Submission.id)).where(Submission.user_id == person.id)) == 1
    assert user_for_session(keys.key) is None
    assert db.session.scalar(select(func.count(Notice.id))) == 0  # the invitation was still queued
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.erase"))
    assert entry.actor_id == admin.id and "Eve" not in entry.summary
    assert f"Former employee {person.id}" in client.get("/people/?inactive=y").get_data(as_text=True)
    assert client.post(f"/people/{person.id}/reactivate", data={"csrf_token": csrf()}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, person.id).active


def test_my_account_changes_name_phone_and_photo_and_shows_sign_ins(client, csrf, factory, sign_in, frozen_clock):
    person = factory.user(username="emma", first_name="Emma")
    with client.application.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.9"}):
        authenticate_user("emma", "wrong password")
    sign_in(person)
    page = client.get("/my/profile").get_data(as_text=True)
    assert "/auth/password" in page and "Failed" in page and "198.51.100.9" in page
    response = client.post("/my/profile", content_type="multipart/form-data", data={
        "csrf_token": csrf(), "first_name": "Emmy", "last_name": "Stone", "phone": "+44 20 7946 0000",
        "photo": (io.BytesIO(_image()), "me.png")})
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, person.id)
    assert (changed.full_name, changed.phone, changed.photo is not None) == ("Emmy Stone", "+44 20 7946 0000", True)
    bad = client.post("/my/profile", content_type="multipart/form-data", data={
        "csrf_token": csrf(), "first_name": "X", "last_name": "Y", "photo": (io.BytesIO(b"GIF89a broken"), "a.gif")})
    assert bad.status_code == 422 and "Choose a photo" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).first_name == "Emmy"


def test_the_photo_switch_is_off_until_turned_on_and_rules_the_public_photo(client, csrf, factory, admin, sign_in):
    person = factory.user()
    client.post(f"/people/{person.id}/account", content_type="multipart/form-data", data={
        "csrf_token": csrf(), "first_name": "P", "last_name": "Q", "email": person.email, "username": person.username,
        "company": 0, "active": "y", "photo": (io.BytesIO(_image()), "me.png")})
    assert show_photos_on_qr() is False
    assert "Show photos on QR reports and wallet cards: <strong>No" in client.get("/settings/module-settings").get_data(as_text=True)
    public_photo = f"/people/qr/{person.qr_token}/photo"
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert client.get(public_photo).status_code == 404
    sign_in(admin)
    client.post("/settings/module-settings/photos", data={"csrf_token": csrf(), "show_photos": "y"})
    assert show_photos_on_qr() is True
    client.post("/auth/logout", data={"csrf_token": csrf()})
    response = client.get(public_photo)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    sign_in(admin)
    client.post(f"/people/{person.id}/deactivate", data={"csrf_token": csrf()})
    assert client.get(public_photo).status_code == 404


def test_create_admin_prints_a_one_time_link_and_refuses_a_duplicate(app, app_context, client, csrf, frozen_clock,
                                                                     monkeypatch):
    monkeypatch.setattr("webapp.cli.schema_problem", lambda: None)  # the tests' schema is made without Alembic
    runner = app.test_cli_runner()
    args = ["create-admin", "--username", "root", "--email", "Root@Example.com", "--first-name", "Ro",
            "--last-name", "Ot"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    link = re.search(r"http://127\.0\.0\.1:5000(/auth/invitation/\S+)", result.output).group(1)
    root = db.session.scalar(select(User).where(User.username == "root"))
    assert {lvl.name for lvl in root.module_levels} == {"Administrator", "Supervisor", "Employee"}
    assert _set(client, csrf, link).status_code == 302
    assert client.get(link).status_code == 404
    again = runner.invoke(args=[*args[:4], "ROOT2@example.com", *args[5:]])
    assert again.exit_code != 0 and "Another user already has this username." in again.output
    typed = runner.invoke(args=["create-admin", "--username", "op", "--email", "op@example.com", "--first-name",
                                "O", "--last-name", "P", "--password"], input="a long new secret\na long new secret\n")
    assert typed.exit_code == 0 and "/auth/invitation/" not in typed.output
    assert authenticate_user("op", "a long new secret") is not None


def test_the_demo_has_inactive_people_and_a_photo_made_through_the_people_services(app_context, frozen_clock):
    load_demo_organisation(FROZEN_NOW.date())
    inactive = db.session.scalars(select(User).where(User.active.is_(False))).all()
    assert {"Lena Lindqvist", "Victor Vance"} <= {user.full_name for user in inactive}
    priya = db.session.scalar(select(User).where(User.username == "priya.patel"))
    with Image.open(io.BytesIO(priya.photo.content)) as photo:
        assert photo.format == "JPEG" and max(photo.size) == PHOTO_MAX_SIDE
    added = {entry.entity_id for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.create"))}
    assert str(priya.id) in added and {str(user.id) for user in inactive if user.last_name in ("Lindqvist", "Vance")} <= added
    assert db.session.scalar(select(func.count(Notice.id)).where(Notice.kind == "invitation")) == 1


def test_deactivating_on_edit_account_info_ends_the_sessions_too(client, csrf, factory, admin):
    leaver = factory.user()
    keys = start_session(leaver, address="192.0.2.1", user_agent="phone", remember=True)
    response = client.post(f"/people/{leaver.id}/account", data={
        "csrf_token": csrf(), "first_name": leaver.first_name, "last_name": leaver.last_name, "email": leaver.email,
        "username": leaver.username, "company": 0})
    assert response.status_code == 302
    db.session.expire_all()
    assert user_for_session(keys.key) is None
    assert db.session.scalar(select(UserSession.revoked_at).where(UserSession.user_id == leaver.id)) is not None
