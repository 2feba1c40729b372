"""Forms required to certify as a list (decision 81): ordered on the certification, each completed with its
own state, and the record submitted once every form is sent (fees confirmed)."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from webapp import create_app
from webapp.extensions import db
from webapp.models import Attachment, Certification, CertificationForm, Form, FormEntry, FormField, Submission

HX = {"HX-Request": "true"}


@pytest.fixture
def people(factory, frozen_clock):
    admin = factory.user("Administrator", first_name="Ada", last_name="Admin")
    employee = factory.user(first_name="Emma", last_name="Employee", username="emma")
    return admin, employee


def _form(name, fee=None):
    form = Form(name=name, fee_amount=fee, fee_currency="USD" if fee else None)
    form.fields = [FormField(position=1, label="Plate", kind="text", required=True),
                   FormField(position=2, label="Signature", kind="signature", required=True)]
    db.session.add(form)
    db.session.commit()
    return form


def _certification(factory, employee, *forms, **fields):
    certification = factory.certification(name="Vehicle Release", activity_type="form", form_links=[
        CertificationForm(form_id=form.id, position=n) for n, form in enumerate(forms, start=1)], **fields)
    factory.require(employee, certification)
    return certification


def _send(client, csrf, certification, form, action="submit"):
    plate, signature = form.fields
    return client.post(f"/activity/{certification.id}/form/{form.id}", data={
        "csrf_token": csrf(), "action": action, f"field_{plate.id}": "AB-1", f"field_{signature.id}": "Emma Employee"})


def _post_certification(client, csrf, **fields):
    """As a browser posts the form: every place, a blank one as ""."""
    data = {"name": "Vehicle Release", "type": "employee", "never_expires": "y", "activity_type": "form",
            "csrf_token": csrf(), **{f"form_ids-{n}": "" for n in range(6)}, **fields}
    return client.post("/certifications/new", data=data)


def test_an_administrator_lists_forms_in_order(client, csrf, sign_in, people):
    admin, _ = people
    pre_start, walk_around = _form("Pre-start"), _form("Walk-around")
    sign_in(admin)
    page = client.get("/certifications/new").get_data(as_text=True)
    assert "Forms Required to Certify" in page and 'name="form_ids-0"' in page and 'name="form_ids-5"' in page
    response = _post_certification(client, csrf, **{"form_ids-0": walk_around.id, "form_ids-2": pre_start.id})
    assert response.status_code == 302
    certification = db.session.scalar(select(Certification))
    assert [(link.form_id, link.position) for link in certification.form_links] == [(walk_around.id, 1),
                                                                                   (pre_start.id, 2)]
    detail = client.get(f"/certifications/{certification.id}").get_data(as_text=True)
    assert "1. Walk-around; 2. Pre-start" in detail
    edit = client.get(f"/certifications/{certification.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{walk_around.id}">' in edit


@pytest.mark.parametrize("places, message", [
    ({}, "Choose the form a user must fill in."),
    ({"form_ids-0": "same", "form_ids-1": "same"}, "Each form can be listed once"),
    ({"form_ids-0": "999999"}, "There is no form with the id 999999."),
])
def test_a_bad_list_is_refused_and_nothing_saved(client, csrf, sign_in, people, places, message):
    admin, _ = people
    form = _form("Pre-start")
    sign_in(admin)
    places = {key: form.id if value == "same" else value for key, value in places.items()}
    response = _post_certification(client, csrf, **places)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Certification)) == 0


def test_every_form_must_be_sent_before_the_record_is_submitted(client, csrf, sign_in, factory, people):
    _, employee = people
    pre_start, walk_around = _form("Pre-start"), _form("Walk-around")
    certification = _certification(factory, employee, pre_start, walk_around)
    sign_in(employee)
    page = client.get(f"/activity/{certification.id}").get_data(as_text=True)
    assert page.count("Not started") == 2 and page.index("Pre-start") < page.index("Walk-around")
    first = _send(client, csrf, certification, pre_start)
    assert first.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    flashed = client.get(first.location).get_data(as_text=True)
    assert "Still to send: Walk-around" in flashed and "Sent" in flashed and "Not started" in flashed
    again = _send(client, csrf, certification, pre_start)
    assert again.status_code == 422 and "You sent Pre-start already" in again.get_data(as_text=True)
    assert _send(client, csrf, certification, walk_around, action="draft").status_code == 302
    assert "Draft saved" in client.get(f"/activity/{certification.id}").get_data(as_text=True)
    assert _send(client, csrf, certification, walk_around).status_code == 302
    db.session.expire_all()
    submission = db.session.scalar(select(Submission))
    assert submission.source == "activity" and "2 forms (Pre-start, Walk-around)" in db.session.scalar(
        text("SELECT summary FROM audit_entries WHERE action = 'submission.activity'"))
    entries = db.session.scalars(select(FormEntry)).all()
    assert {entry.submission_id for entry in entries} == {submission.id} and len(entries) == 2
    assert client.get(f"/activity/{certification.id}").get_data(as_text=True).count("Completed") == 2


def test_a_form_not_in_the_list_is_404(client, csrf, sign_in, factory, people):
    _, employee = people
    listed, other = _form("Pre-start"), _form("Other")
    certification = _certification(factory, employee, listed)
    sign_in(employee)
    assert client.get(f"/activity/{certification.id}/form/{other.id}").status_code == 404
    assert _send(client, csrf, certification, other).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(FormEntry)) == 0


def test_a_fee_confirmed_last_completes_the_activity_with_its_receipt(client, csrf, sign_in, factory, people):
    admin, employee = people
    paid, free = _form("Permit", fee=25), _form("Pre-start")
    certification = _certification(factory, employee, paid, free)
    sign_in(employee)
    _send(client, csrf, certification, paid)
    page = client.get(f"/activity/{certification.id}").get_data(as_text=True)
    assert "Sent; payment not yet confirmed" in page and "Pay 25.00 USD offline" in page
    _send(client, csrf, certification, free)
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0  # the fee is not confirmed yet
    payment_id = db.session.scalar(text("SELECT id FROM payments"))
    sign_in(admin)
    prefix = f"p{payment_id}-"
    response = client.post(f"/activities/payments/{payment_id}/confirm", data={
        "csrf_token": csrf(), prefix + "receipt_number": "R-1", prefix + "amount": "25.00", prefix + "paid_on": "06/14/2026"})
    assert response.status_code == 302
    db.session.expire_all()
    submission = db.session.scalar(select(Submission))
    names = set(db.session.scalars(select(Attachment.name).where(Attachment.submission_id == submission.id)))
    assert "Receipt R-1.txt" in names


def test_the_migration_moves_each_single_form_into_the_list(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'forms.sqlite3'}")
    with app.app_context():
        upgrade(revision="0021")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO forms (id, name) VALUES (7, 'Pre-start')"))
            for number, form_id in ((1, 7), (2, None)):
                connection.execute(text(
                    "INSERT INTO certifications (id, name, type, expires, allow_upcoming, expiry_as_printed,"
                    " has_refresher, activity_type, form_id, required_at_login, hide_from_shared_reports,"
                    " hide_from_qr_reports, hide_attachments_from_shared_reports, hide_attachments_from_qr_reports,"
                    " require_attachment, auto_approve_submissions, auto_approve_on_activity, allow_batch_submission,"
                    " generate_certificate_on_approval, generate_certificate_on_activity,"
                    " hide_expiration_on_certificate, attach_files_to_approval_emails, created_at, updated_at)"
                    " VALUES (:id, :name, 'employee', false, false, false, false, :activity, :form, false, false,"
                    " false, false, false, false, false, false, false, false, false, false, false,"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                    {"id": number, "name": f"C{number}", "activity": "form" if form_id else "none", "form": form_id})
        upgrade(revision="0026")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT certification_id, form_id, position FROM certification_forms"
                                           )).all() == [(1, 7, 1)]
            assert connection.execute(text("SELECT valid_when_added FROM certifications")).scalars().all() == [0, 0]
        db.engine.dispose()


def test_the_activity_page_loads_in_fixed_queries_for_2_and_6_forms(client, csrf, sign_in, factory, people,
                                                                    count_queries):
    _, employee = people
    forms = [_form(f"Form {n}") for n in range(6)]
    two = _certification(factory, employee, *forms[:2])
    six = factory.certification(name="Six Forms", activity_type="form", form_links=[
        CertificationForm(form_id=form.id, position=n) for n, form in enumerate(forms, start=1)])
    factory.require(employee, six)
    sign_in(employee)
    for certification in (two, six):
        for form in certification.forms[:2]:
            _send(client, csrf, certification, form, action="draft")

    def queries(certification):
        db.session.expire_all()  # nothing kept from an earlier request in the tests' shared session
        with count_queries() as statements:
            assert client.get(f"/activity/{certification.id}").status_code == 200
        return len(statements)

    queries(two)  # the first visit also loads what every later one finds kept
    assert queries(two) == queries(six)
