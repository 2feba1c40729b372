"""Attachment files: inline or download, safe headers, and only for people allowed to see them."""
from datetime import date

import pytest

from webapp.extensions import db
from webapp.models import Attachment
from webapp.services.storage import CheckedUpload, store_file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ZIP = b"PK\x03\x04" + b"\x00" * 64


def _file(name, data, content_type, **owner) -> Attachment:
    stored = store_file(CheckedUpload(data=data, content_type=content_type, name=name))
    attachment = Attachment(kind="file", name=name, stored_file=stored, **owner)
    db.session.add(attachment)
    db.session.commit()
    return attachment


@pytest.fixture
def setup(frozen_clock, factory):
    supervisor = factory.user("Supervisor")
    owner = factory.user(supervisors=[supervisor])
    certification = factory.certification(name="First Aid")
    record = factory.record(owner, certification, date(2026, 1, 1))
    photo = _file("card.png", PNG, "image/png", submission=record)
    return supervisor, owner, certification, photo


def test_owner_sees_an_image_inline_with_safe_headers(client, sign_in, setup):
    _, owner, _, photo = setup
    sign_in(owner)
    response = client.get(f"/files/{photo.id}")
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_other_types_download_with_a_safe_name(client, sign_in, setup):
    _, owner, _, photo = setup
    attachment = _file('bad"name\r\n/../x.zip', ZIP, "application/zip", submission_id=photo.submission_id)
    sign_in(owner)
    response = client.get(f"/files/{attachment.id}")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition.split("filename=")[1]
    assert 'bad_name_' in disposition


def test_supervisor_sees_the_file_of_someone_supervised(client, sign_in, setup):
    supervisor, _, _, photo = setup
    sign_in(supervisor)
    assert client.get(f"/files/{photo.id}").status_code == 200


def test_other_employee_gets_not_found(client, factory, sign_in, setup):
    sign_in(factory.user())
    assert client.get(f"/files/{setup[3].id}").status_code == 404
    assert client.get("/files/999999").status_code == 404


def test_signed_out_is_sent_to_sign_in(client, setup):
    assert client.get(f"/files/{setup[3].id}").status_code == 302


def test_privacy_hides_attachments_only_when_hidden_from_every_level(client, factory, sign_in, setup):
    supervisor, _, certification, photo = setup
    certification.attachments_hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    sign_in(supervisor)
    assert client.get(f"/files/{photo.id}").status_code == 404
    supervisor.module_levels = [factory.levels["Supervisor"], factory.levels["Administrator"]]
    db.session.commit()
    assert client.get(f"/files/{photo.id}").status_code == 200


def test_hiding_the_certification_hides_its_files(client, factory, sign_in, setup):
    supervisor, owner, certification, photo = setup
    certification.hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    sign_in(supervisor)
    assert client.get(f"/files/{photo.id}").status_code == 404
    sign_in(owner)
    assert client.get(f"/files/{photo.id}").status_code == 200


def test_supporting_attachment_is_visible_to_anyone_who_may_see_the_certification(client, factory, sign_in, setup):
    _, _, certification, _ = setup
    guide = _file("guide.png", PNG, "image/png", certification_id=certification.id)
    sign_in(factory.user())
    assert client.get(f"/files/{guide.id}").status_code == 200
    certification.hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    assert client.get(f"/files/{guide.id}").status_code == 404


def test_links_are_not_served(client, sign_in, setup):
    _, owner, _, photo = setup
    link = Attachment(kind="link", name="site", url="https://example.com", submission_id=photo.submission_id)
    db.session.add(link)
    db.session.commit()
    sign_in(owner)
    assert client.get(f"/files/{link.id}").status_code == 404
