"""What the card says (issue 19, part 6): issuer, card number, printed expiry (expiry as printed)
and card photos on Submit Certification and Record New Certification; current and superseded records."""
import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.images import image_bytes, jpeg_with_location
from webapp.extensions import db
from webapp.models import Attachment, Certification, StoredFile, Submission
from webapp.services.storage import file_path

HX = {"HX-Request": "true"}


def _image(fmt="JPEG") -> bytes:
    return image_bytes((2400, 1500), fmt)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def worker(frozen_clock, factory, sign_in):
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    return sign_in(factory.user(first_name="Emma", last_name="Field", supervisors=[supervisor]))


def _submit(client, csrf, certification, **extra):
    data = {"csrf_token": csrf(), "certification": str(certification.id), "completed_on": "06/10/2026",
            "idempotency_key": "card-1", **extra}
    return client.post("/my/submit", data=data, content_type="multipart/form-data")


def test_submit_keeps_what_the_card_says_and_re_encodes_both_photos(client, csrf, factory, worker):
    licence = factory.yearly_certification(name="Crane Licence", issuer="State Licensing Board")
    response = _submit(client, csrf, licence, issuer="  Crane Board East ", card_number="CL-20931",
                       printed_expiration="06/30/2027",
                       card_front=(io.BytesIO(jpeg_with_location((2400, 1500))), "IMG_0001.jpg"),
                       card_back=(io.BytesIO(_image("PNG")), "back.png"))
    assert response.status_code == 302
    record = db.session.scalar(select(Submission))
    assert (record.issuer, record.card_number, record.printed_expiration) == ("Crane Board East", "CL-20931", date(2027, 6, 30))
    # Not "expiry as printed": the rules' expiration, the printed one kept beside it with a warning.
    assert record.expires_on == date(2027, 6, 10) and record.printed_differs
    photos = {a.card_side: a for a in record.attachments}
    assert sorted(photos) == ["back", "front"] and photos["front"].name == "card-front.jpg"
    for attachment in photos.values():
        with Image.open(file_path(attachment.stored_file)) as kept:
            assert kept.format == "JPEG" and max(kept.size) == 1600
            assert not kept.getexif()
    page = client.get(response.location).get_data(as_text=True)
    assert "CL-20931" in page and "Crane Board East" in page
    assert "Expiry on the card" in page and "differs from the expiration 06/10/2027" in page


def test_expiry_as_printed_is_the_expiration(client, csrf, factory, worker):
    licence = factory.yearly_certification(name="Crane Licence", expiry_as_printed=True, auto_approve_submissions=True)
    assert _submit(client, csrf, licence, printed_expiration="03/31/2029").status_code == 302
    record = db.session.scalar(select(Submission))
    assert record.expires_on == date(2029, 3, 31) and not record.printed_differs
    assert record.expiration_explanation == "03/31/2029 as printed on the card"
    status_page = client.get(f"/my/certifications/{licence.id}").get_data(as_text=True)
    assert "Current record" in status_page and "differs from" not in status_page


def test_the_preview_uses_the_printed_expiry_and_warns_when_it_differs(client, factory, worker):
    computed = factory.yearly_certification(name="First Aid", issuer="Red Cross")
    printed = factory.yearly_certification(name="Crane Licence", expiry_as_printed=True)
    factory.record(worker, computed, date(2025, 1, 5), issuer="St John Ambulance")
    url = "/my/submit/preview?certification={}&completed_on=06/10/2026&printed_expiration={}"
    warned = client.get(url.format(computed.id, "06/30/2027")).get_data(as_text=True)
    assert "Expires 06/10/2027" in warned and "The card says 06/30/2027" in warned and "not 06/10/2027" in warned
    assert '<option value="Red Cross">' in warned and '<option value="St John Ambulance">' in warned
    same = client.get(url.format(computed.id, "06/10/2027")).get_data(as_text=True)
    assert "The card says" not in same
    used = client.get(url.format(printed.id, "06/30/2027")).get_data(as_text=True)
    assert "Expires 06/30/2027" in used and "as printed on the card" in used and "The card says" not in used
    form = client.get(f"/my/submit?certification={computed.id}").get_data(as_text=True)
    assert 'list="issuer-suggestions"' in form and '<option value="Red Cross">' in form
    assert 'name="card_front"' in form and 'name="card_back"' in form and "What the card says" in form


@pytest.mark.parametrize("fields, field_error", [
    ({"printed_expiration": "06/09/2026"}, "The expiry printed on the card cannot be before the completion date."),
    ({"card_front": (io.BytesIO(b"%PDF-1.4 not a photo"), "front.jpg")},
     "The front of the card must be a photo: a JPEG, PNG, WebP or GIF image."),
    ({"card_back": (io.BytesIO(b"not anything"), "back.jpg")}, "back.jpg is not a type we accept"),
    ({"card_number": "9" * 101}, "Field cannot be longer than 100 characters."),
    ({"issuer": "Board\nInjected"}, "one line"),
])
def test_bad_card_details_are_refused_and_nothing_is_stored(client, csrf, factory, worker, fields, field_error):
    licence = factory.yearly_certification(name="Crane Licence")
    response = _submit(client, csrf, licence, **{"card_front": (io.BytesIO(_image()), "front.jpg"), **fields})
    assert response.status_code == 422
    assert field_error in response.get_data(as_text=True)
    assert _count(Submission) == 0 and _count(StoredFile) == 0


def test_record_new_certification_takes_the_card_and_marks_current_and_superseded(client, sign_in, csrf, factory,
                                                                                    frozen_clock):
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    alice = factory.user(supervisors=[supervisor], first_name="Alice", last_name="Able")
    licence = factory.yearly_certification(name="Crane Licence", expiry_as_printed=True)
    older = factory.record(alice, licence, date(2025, 5, 1))
    sign_in(supervisor)
    form = client.get(f"/people/{alice.id}/record?certification={licence.id}").get_data(as_text=True)
    assert 'name="card_number"' in form and 'name="printed_expiration"' in form
    response = client.post(f"/people/{alice.id}/record", content_type="multipart/form-data", data={
        "csrf_token": csrf(), "certification": licence.id, "completed_on": "06/01/2026", "idempotency_key": "r1",
        "issuer": "Crane Board", "card_number": "CB-7", "printed_expiration": "05/31/2031",
        "card_front": (io.BytesIO(_image()), "front.jpg")})
    assert response.status_code == 302
    record = db.session.scalar(select(Submission).where(Submission.id != older.id))
    assert record.status == "approved" and record.expires_on == date(2031, 5, 31) and record.card_number == "CB-7"
    assert [a.card_side for a in record.attachments] == ["front"]
    preview = client.get(f"/people/{alice.id}/record/preview?certification={licence.id}&completed_on=06/01/2026"
                         "&printed_expiration=05/31/2031", headers=HX).get_data(as_text=True)
    assert "Expires 05/31/2031" in preview and 'value="2031-05-31"' in preview
    history = client.get(f"/people/{alice.id}/history/{licence.id}").get_data(as_text=True)
    assert history.count("Current record") == 1 and history.count("Superseded") == 1
    assert history.index("Current record") < history.index("Superseded")
    assert "CB-7" in history and "Crane Board" in history


def test_hidden_attachments_hide_the_card_photos(client, csrf, factory, worker):
    licence = factory.yearly_certification(name="Crane Licence", auto_approve_submissions=True)
    licence.attachments_hidden_from_levels = list(worker.module_levels)
    db.session.commit()
    assert _submit(client, csrf, licence, card_front=(io.BytesIO(_image()), "front.jpg")).status_code == 302
    attachment = db.session.scalar(select(Attachment).where(Attachment.card_side == "front"))
    page = client.get(f"/my/certifications/{licence.id}").get_data(as_text=True)
    assert "card-front.jpg" not in page
    assert client.get(f"/files/{attachment.id}").status_code in (403, 404)


def test_expiry_as_printed_is_a_tracking_setting_that_never_expiring_clears(client, sign_in, csrf, factory, frozen_clock):
    sign_in(factory.user("Administrator"))
    licence = factory.yearly_certification(name="Crane Licence", expiry_as_printed=True)
    page = client.get(f"/certifications/{licence.id}/edit").get_data(as_text=True)
    assert 'checked id="expiry_as_printed" name="expiry_as_printed"' in page
    response = client.post(f"/certifications/{licence.id}/edit", data={
        "csrf_token": csrf(), "name": "Crane Licence", "type": "employee", "never_expires": "y",
        "expiry_as_printed": "y", "activity_type": "none"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Certification, licence.id).expiry_as_printed is False
