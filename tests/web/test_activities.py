"""Activities end to end through the web: documents and videos, required at login, forms, payments,
courses and quizzes, the learning systems' webhook; each refusal records nothing."""
from __future__ import annotations

import json
import time
from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD
from webapp.extensions import db
from webapp.models import (
    Acknowledgement,
    ActivityDocument,
    Attachment,
    CertificationForm,
    Certificate,
    Course,
    CoursePage,
    Form,
    FormEntry,
    FormField,
    LearningIntegration,
    Payment,
    QuizQuestion,
    Submission,
    WebhookReceipt,
    utcnow,
)
from webapp.rules import Status
from webapp.rules.activities import webhook_signature
from webapp.services.activities import DocumentUpload, upload_document_revision
from webapp.services.compliance import load_requirements
from webapp.services.storage import CheckedUpload

PDF = b"%PDF-1.4\n" + b"x" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 64


def _page(response) -> str:
    return response.get_data(as_text=True)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _revision(actor, certification, revision="1", data=PDF):
    return upload_document_revision(actor, certification, DocumentUpload(
        title="Safety policy", revision=revision, revision_date=date(2026, 6, 1), owner_user_ids=[actor.id],
        owner_role_ids=[], upload=CheckedUpload(data=data + revision.encode(), content_type="application/pdf",
                                                name=f"policy-{revision}.pdf"),
    ))


@pytest.fixture
def admin(factory):
    return factory.user("Administrator", first_name="Ada", last_name="Admin")


@pytest.fixture
def employee(factory):
    return factory.user(first_name="Emma", last_name="Employee", username="emma")


def _document_certification(factory, admin, employee, **fields):
    certification = factory.certification(name="Safety Policy", activity_type="document", **fields)
    factory.require(employee, certification)
    return certification, _revision(admin, certification)


def _login(client, csrf, user, next_path=None):
    url = "/auth/login" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"identifier": user.username, "password": PASSWORD, "csrf_token": csrf()})


# ---- Administration ---------------------------------------------------------------------------


def _certification_post(client, csrf, url, **fields):
    data = {"name": "Safety Policy", "type": "employee", "never_expires": "y", "activity_type": "none",
            "csrf_token": csrf(), **fields}
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def test_certification_form_uploads_the_document_and_a_new_revision(client, csrf, sign_in, admin):
    sign_in(admin)
    response = _certification_post(
        client, csrf, "/certifications/new", activity_type="document",
        document_file=(BytesIO(PDF), "policy.pdf"), document_title="Safety policy", document_revision="2",
        document_revision_date="06/01/2026", document_owner_user_ids=str(admin.id),
    )
    assert response.status_code == 302
    document = db.session.scalar(select(ActivityDocument))
    assert (document.title, document.revision, document.revision_date, document.owners) == (
        "Safety policy", "2", date(2026, 6, 1), "Ada Admin")
    certification_id = document.certification_id
    page = _page(client.get(f"/certifications/{certification_id}/edit"))
    assert "Current: <strong>Safety policy</strong>, revision 2" in page
    response = _certification_post(
        client, csrf, f"/certifications/{certification_id}/edit", activity_type="document",
        document_file=(BytesIO(PDF + b"3"), "policy3.pdf"), document_title="Safety policy", document_revision="3",
        document_revision_date="06/10/2026",
    )
    assert response.status_code == 302
    revisions = db.session.scalars(select(ActivityDocument).order_by(ActivityDocument.id)).all()
    assert [(d.revision, d.current) for d in revisions] == [("2", False), ("3", True)]


@pytest.mark.parametrize("fields, message", [
    ({}, "Upload the document or video users must acknowledge."),
    ({"document_file": (BytesIO(PNG), "photo.png"), "document_title": "T", "document_revision": "1",
      "document_revision_date": "06/01/2026"}, "photo.png is not a PDF or a video"),
    ({"document_file": (BytesIO(PDF), "p.pdf"), "document_revision": "1", "document_revision_date": "06/01/2026"},
     "Enter the title of the document or video."),
])
def test_document_activity_without_a_good_upload_is_refused(client, csrf, sign_in, admin, fields, message):
    sign_in(admin)
    response = _certification_post(client, csrf, "/certifications/new", activity_type="document", **fields)
    assert response.status_code == 422 and message in _page(response)
    assert _count(ActivityDocument) == 0


@pytest.mark.parametrize("activity, field, message", [
    ("course", "course_id", "Choose the course a user must take."),
    ("form", "form_ids", "Choose the form a user must fill in."),
    ("external_course", "learning_integration_id", "Choose the learning system that reports completions."),
])
def test_activity_needs_its_course_form_or_learning_system(client, csrf, sign_in, admin, activity, field, message):
    sign_in(admin)
    response = _certification_post(client, csrf, "/certifications/new", activity_type=activity)
    assert response.status_code == 422 and message in _page(response)


def test_certification_form_chooses_course_form_and_learning_system(client, csrf, sign_in, admin):
    sign_in(admin)
    course, form = Course(name="Ladders", version=1), Form(name="Vehicle check")
    integration = LearningIntegration(name="Moodle", secret="s")
    db.session.add_all([course, form, integration])
    db.session.commit()
    page = _page(client.get("/certifications/new"))
    assert "Ladders" in page and "Vehicle check" in page and "Moodle" in page
    assert _certification_post(client, csrf, "/certifications/new", name="A", activity_type="course",
                               course_id=str(course.id), **{"form_ids-0": str(form.id)}).status_code == 302
    assert _certification_post(client, csrf, "/certifications/new", name="B", activity_type="form", **{"form_ids-0": str(form.id)},
                               required_at_login="y").status_code == 302
    assert _certification_post(client, csrf, "/certifications/new", name="C", activity_type="external_course",
                               learning_integration_id=str(integration.id), external_course_ref="LAD-1").status_code == 302
    from webapp.models import Certification
    made = {c.name: c for c in db.session.scalars(select(Certification))}
    assert made["A"].course_id == course.id and made["A"].form_links == []  # only the chosen activity's setting is kept
    assert [link.form_id for link in made["B"].form_links] == [form.id] and made["B"].auto_approve_on_activity
    assert (made["C"].learning_integration_id, made["C"].external_course_ref) == (integration.id, "LAD-1")


def test_required_at_login_only_for_documents_and_forms(client, csrf, sign_in, admin):
    sign_in(admin)
    course = Course(name="Ladders", version=1)
    db.session.add(course)
    db.session.commit()
    response = _certification_post(client, csrf, "/certifications/new", activity_type="course", course_id=str(course.id),
                                   required_at_login="y")
    assert response.status_code == 422
    assert "Required at login is available for a document or video acknowledgement or a form." in _page(response)


def test_documents_page_uploads_a_revision_and_refuses_a_repeated_one(client, csrf, sign_in, factory, admin, employee):
    certification, _ = _document_certification(factory, admin, employee)
    sign_in(admin)
    data = {"csrf_token": csrf(), "certification_id": str(certification.id), "document_title": "Safety policy",
            "document_revision": "1", "document_revision_date": "06/02/2026"}
    response = client.post("/activities/documents", data={**data, "document_file": (BytesIO(PDF + b"new"), "p.pdf")})
    assert response.status_code == 422 and "Revision 1 was uploaded already" in _page(response)
    response = client.post("/activities/documents", data={**data, "document_revision": "2",
                                                         "document_file": (BytesIO(PDF + b"new"), "p.pdf")})
    assert response.status_code == 302
    page = _page(client.get("/activities/documents"))
    assert "Replaced" in page and "Current" in page


@pytest.mark.parametrize(("field", "message"), [("document_owner_user_ids", "There is no user with the id 999999"),
                                               ("document_owner_role_ids", "There is no role with the id 999999")])
def test_documents_page_refuses_unknown_owners(client, csrf, sign_in, factory, admin, employee, field, message):
    certification, _ = _document_certification(factory, admin, employee)
    sign_in(admin)
    before = db.session.scalar(select(func.count()).select_from(ActivityDocument))
    response = client.post("/activities/documents", data={
        "csrf_token": csrf(), "certification_id": str(certification.id), "document_title": "Safety policy",
        "document_revision": "2", "document_revision_date": "06/02/2026", field: "999999",
        "document_file": (BytesIO(PDF + b"new"), "p.pdf")})
    assert response.status_code == 422 and message in _page(response)
    assert db.session.scalar(select(func.count()).select_from(ActivityDocument)) == before


def test_employee_cannot_reach_activity_administration(client, sign_in, employee):
    sign_in(employee)
    for path in ("/activities/documents", "/activities/forms", "/activities/courses", "/activities/learning",
                 "/activities/payments"):
        assert client.get(path).status_code == 403


# ---- Documents and videos --------------------------------------------------------------------


def test_employee_opens_the_document_and_acknowledges_the_current_revision(client, csrf, sign_in, factory, admin, employee):
    certification, document = _document_certification(factory, admin, employee)
    sign_in(employee)
    page = _page(client.get("/my/certifications"))
    assert f'href="/activity/{certification.id}">Acknowledge Document or Video' in page
    page = _page(client.get(f"/activity/{certification.id}"))
    assert "<iframe" in page and "I have read and understood revision 1" in page
    file = client.get(f"/activity/{certification.id}/document/{document.id}")
    assert file.status_code == 200 and file.mimetype == "application/pdf"
    assert "attachment" not in file.headers.get("Content-Disposition", "")
    assert file.headers["X-Content-Type-Options"] == "nosniff"
    response = client.post(f"/activity/{certification.id}/acknowledge",
                           data={"csrf_token": csrf(), "document_id": str(document.id), "understood": "y"})
    assert response.status_code == 302
    ack = db.session.scalar(select(Acknowledgement))
    submission = db.session.get(Submission, ack.submission_id)
    assert (ack.user_id, ack.document_id) == (employee.id, document.id)
    assert (submission.source, submission.status) == ("activity", "pending")
    assert "You acknowledged revision 1." in _page(client.get(f"/activity/{certification.id}"))


def test_video_plays_in_the_browser_player(client, sign_in, factory, admin, employee):
    certification = factory.certification(activity_type="document")
    upload_document_revision(admin, certification, DocumentUpload(
        title="Forklift video", revision="1", revision_date=date(2026, 6, 1), owner_user_ids=[], owner_role_ids=[],
        upload=CheckedUpload(data=b"\x00\x00\x00\x18ftypmp42" + b"x" * 64, content_type="video/mp4", name="forklift.mp4"),
    ))
    sign_in(employee)
    page = _page(client.get(f"/activity/{certification.id}"))
    assert "<video" in page and "controls" in page


def test_acknowledging_an_old_revision_is_refused_and_records_nothing(client, csrf, sign_in, factory, admin, employee):
    certification, old = _document_certification(factory, admin, employee)
    _revision(admin, certification, "2")
    sign_in(employee)
    response = client.post(f"/activity/{certification.id}/acknowledge",
                           data={"csrf_token": csrf(), "document_id": str(old.id), "understood": "y"})
    assert response.status_code == 422
    assert "Revision 1 is no longer current: revision 2 replaced it." in _page(response)
    assert _count(Acknowledgement) == 0 and _count(Submission) == 0


def test_acknowledging_without_ticking_is_refused(client, csrf, sign_in, factory, admin, employee):
    certification, document = _document_certification(factory, admin, employee)
    sign_in(employee)
    response = client.post(f"/activity/{certification.id}/acknowledge",
                           data={"csrf_token": csrf(), "document_id": str(document.id)})
    assert response.status_code == 422 and "Tick “I have read and understood revision 1”" in _page(response)
    assert _count(Acknowledgement) == 0 and _count(Submission) == 0


def test_auto_approve_on_activity_approves_the_acknowledgement(client, csrf, sign_in, factory, admin, employee):
    certification, document = _document_certification(factory, admin, employee, auto_approve_on_activity=True)
    sign_in(employee)
    client.post(f"/activity/{certification.id}/acknowledge",
                data={"csrf_token": csrf(), "document_id": str(document.id), "understood": "y"})
    assert db.session.scalar(select(Submission.status)) == "approved"


def test_completing_the_activity_issues_the_certificate_of_completion(client, csrf, sign_in, factory, admin, employee):
    certification, document = _document_certification(factory, admin, employee, auto_approve_on_activity=True,
                                                      generate_certificate_on_activity=True)
    sign_in(employee)
    client.post(f"/activity/{certification.id}/acknowledge",
                data={"csrf_token": csrf(), "document_id": str(document.id), "understood": "y"})
    certificate = db.session.scalar(select(Certificate))
    assert certificate.trigger == "activity" and certificate.submission_id == db.session.scalar(select(Submission.id))
    generated = db.session.scalar(select(Attachment).where(Attachment.generated.is_(True)))
    assert generated.id == certificate.attachment_id and generated.stored_file.content_type == "application/pdf"
    assert "Genuine and valid" in _page(client.get(f"/c/{certificate.token}"))


def test_activity_hidden_by_privacy_or_of_another_certification_is_not_found(client, sign_in, factory, admin, employee):
    certification, document = _document_certification(factory, admin, employee)
    other = factory.certification(activity_type="document")
    hidden = factory.certification(activity_type="document")
    hidden.hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    sign_in(employee)
    assert client.get(f"/activity/{other.id}/document/{document.id}").status_code == 404
    assert client.get(f"/activity/{hidden.id}").status_code == 404
    assert client.get(f"/activity/{factory.certification().id}").status_code == 404  # no activity


# ---- Required at login -----------------------------------------------------------------------


def test_required_at_login_holds_the_user_until_acknowledged_then_continues(client, csrf, factory, admin, employee):
    certification, document = _document_certification(factory, admin, employee, required_at_login=True,
                                                      auto_approve_on_activity=True)
    response = _login(client, csrf, employee, next_path="/my/certifications")
    assert response.location == "/my/certifications"
    response = client.get("/my/certifications")
    assert response.status_code == 302 and response.location == "/activity/required"
    assert client.get("/activity/required").location == f"/activity/{certification.id}"
    page = _page(client.get(f"/activity/{certification.id}"))
    assert "Required at sign-in." in page and "it is required at sign-in" in page
    # Every other route is closed: pages, htmx requests, posts, files, public pages.
    for path in ("/", "/my/submit", "/people/", f"/my/certifications/{certification.id}", "/activities/documents"):
        assert client.get(path).location == "/activity/required", path
    htmx = client.get("/my/certifications", headers={"HX-Request": "true"})
    assert htmx.status_code == 403 and htmx.headers["HX-Redirect"] == "/activity/required"
    assert "Complete Safety Policy first" in _page(htmx)
    assert client.post("/my/submit", data={"csrf_token": csrf()}).status_code == 403
    assert client.get("/my/certifications", headers={"Accept": "application/json"},
                      json={}).status_code in (302, 403)
    # The activity itself is open; completing it is approved and the user lands where they were going.
    response = client.post(f"/activity/{certification.id}/acknowledge",
                           data={"csrf_token": csrf(), "document_id": str(document.id), "understood": "y"})
    assert response.status_code == 302 and response.location == "/my/certifications"
    assert db.session.scalar(select(Submission.status)) == "approved"
    assert client.get("/people/").status_code == 403  # free again: an employee's usual answer
    assert client.get("/my/certifications").status_code == 200


def test_a_new_revision_holds_everyone_again_at_next_sign_in(client, csrf, factory, admin, employee):
    certification, document = _document_certification(factory, admin, employee, required_at_login=True,
                                                      auto_approve_on_activity=True)
    db.session.add(Acknowledgement(user_id=employee.id, document_id=document.id))
    db.session.commit()
    _login(client, csrf, employee)
    assert client.get("/my/certifications").status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf()})
    _revision(admin, certification, "2")
    _login(client, csrf, employee)
    assert client.get("/my/certifications").location == "/activity/required"


def _my_sections(client) -> tuple[str, str]:
    """(Outstanding Requirements, the other requirements) of My Certifications."""
    page = _page(client.get("/my/certifications"))
    outstanding, rest = page.split('id="on-file-title"')[0].split('id="others-title"')
    return outstanding, rest


def test_a_new_revision_makes_a_valid_acknowledgement_due_until_acknowledged(client, csrf, sign_in, factory, admin,
                                                                            employee, frozen_clock):
    certification, document = _document_certification(factory, admin, employee, auto_approve_on_activity=True)
    sign_in(employee)
    client.post(f"/activity/{certification.id}/acknowledge",
                data={"csrf_token": csrf(), "document_id": str(document.id), "understood": "y"})
    outstanding, rest = _my_sections(client)
    assert "Safety Policy" in rest and "Safety Policy" not in outstanding and "Valid" in rest

    sign_in(admin)
    response = client.post("/activities/documents", data={
        "csrf_token": csrf(), "certification_id": str(certification.id), "document_title": "Safety policy",
        "document_revision": "2", "document_revision_date": "06/15/2026",
        "document_file": (BytesIO(PDF + b"2"), "policy-2.pdf")})
    assert response.status_code == 302
    sign_in(employee)
    outstanding, rest = _my_sections(client)
    assert "Safety Policy" in outstanding and "Safety Policy" not in rest and "Due" in outstanding
    assert ("Revision 2 of Safety policy replaced the revision you acknowledged on 06/15/2026; acknowledge it."
            in outstanding)

    revision_2 = db.session.scalar(select(ActivityDocument).where(ActivityDocument.current.is_(True)))
    response = client.post(f"/activity/{certification.id}/acknowledge",
                           data={"csrf_token": csrf(), "document_id": str(revision_2.id), "understood": "y"})
    assert response.status_code == 302
    outstanding, rest = _my_sections(client)
    assert "Safety Policy" in rest and "Safety Policy" not in outstanding and "Valid" in rest


def test_my_certifications_queries_do_not_grow_with_documents(client, sign_in, factory, admin, employee, count_queries,
                                                              frozen_clock):
    counts = []
    for n in range(1, 4):
        certification = factory.certification(name=f"Policy {n}", activity_type="document")
        factory.require(employee, certification)
        db.session.add(Acknowledgement(user_id=employee.id, document_id=_revision(admin, certification).id))
        db.session.commit()
        _revision(admin, certification, "2")
        sign_in(employee)
        with count_queries() as queries:
            assert client.get("/my/certifications").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[-1]
    user_ids = [employee.id, admin.id]
    with count_queries() as loads:
        statuses = load_requirements(user_ids, date(2026, 6, 15))
    # The people's facts (their acknowledgements among them), then the certifications with their documents' revisions.
    assert len(loads) == 2 and sum("acknowledgements" in statement for statement in loads) == 1
    assert [r.status.status for r in statuses[user_ids[0]]] == [Status.MISSING] * 3


def test_not_applicable_requirement_does_not_hold(client, csrf, factory, admin, employee):
    certification, _ = _document_certification(factory, admin, employee, required_at_login=True, auto_approve_on_activity=True)
    factory.setting(employee, certification, "not_applicable")
    _login(client, csrf, employee)
    assert client.get("/my/certifications").status_code == 200


# ---- Forms -----------------------------------------------------------------------------------


def test_administrator_builds_a_form(client, csrf, sign_in, admin):
    sign_in(admin)
    response = client.post("/activities/forms", data={"csrf_token": csrf(), "name": "Vehicle check", "fee_amount": "",
                                                      "fee_currency": "USD"})
    form = db.session.scalar(select(Form))
    assert response.location == f"/activities/forms/{form.id}"
    for label, kind, extra in [("Plate", "text", {"required": "y"}), ("Odometer", "number", {}), ("Checked on", "date", {}),
                               ("Tyres", "choice", {"choices": "Good\nWorn"}), ("Lights work", "checkbox", {}),
                               ("Signature", "signature", {"required": "y"}), ("Photo", "file", {})]:
        response = client.post(f"/activities/forms/{form.id}/fields",
                               data={"csrf_token": csrf(), "label": label, "kind": kind, **extra})
        assert response.status_code == 302, label
    fields = db.session.scalars(select(FormField).order_by(FormField.position)).all()
    assert [f.kind for f in fields] == ["text", "number", "date", "choice", "checkbox", "signature", "file"]
    client.post(f"/activities/forms/{form.id}/fields/{fields[1].id}/move", data={"csrf_token": csrf(), "direction": "up"})
    db.session.expire_all()
    assert [f.label for f in db.session.get(Form, form.id).fields][:2] == ["Odometer", "Plate"]


@pytest.mark.parametrize("url_data, message", [
    ({"label": "Tyres", "kind": "choice", "choices": "Good"}, "A choice field needs at least two options"),
    ({"label": "", "kind": "text"}, "Enter the field&#39;s label."),
])
def test_bad_form_field_is_refused(client, csrf, sign_in, admin, url_data, message):
    sign_in(admin)
    form = Form(name="Vehicle check")
    db.session.add(form)
    db.session.commit()
    response = client.post(f"/activities/forms/{form.id}/fields", data={"csrf_token": csrf(), **url_data})
    assert response.status_code == 422 and message in _page(response)
    assert _count(FormField) == 0


def test_bad_fee_is_refused(client, csrf, sign_in, admin):
    sign_in(admin)
    response = client.post("/activities/forms", data={"csrf_token": csrf(), "name": "Fee", "fee_amount": "-5"})
    assert response.status_code == 422 and "The fee must be more than zero" in _page(response)
    assert _count(Form) == 0


def _form_certification(factory, employee, fee=None, name="Vehicle Check", **fields):
    form = Form(name=name, fee_amount=fee, fee_currency="USD" if fee else None)
    form.fields = [
        FormField(position=1, label="Plate", kind="text", required=True),
        FormField(position=2, label="Tyres", kind="choice", choices=["Good", "Worn"]),
        FormField(position=3, label="Signature", kind="signature", required=True),
        FormField(position=4, label="Photo", kind="file"),
    ]
    db.session.add(form)
    db.session.commit()
    certification = factory.certification(name=name, activity_type="form",
                                          form_links=[CertificationForm(form_id=form.id, position=1)], **fields)
    factory.require(employee, certification)
    return certification, {f.label: f"field_{f.id}" for f in form.fields}


def test_form_modal_saves_a_draft_and_submits(client, csrf, sign_in, factory, employee):
    certification, keys = _form_certification(factory, employee)
    sign_in(employee)
    page = _page(client.get(f"/activity/{certification.id}"))
    assert 'data-open-dialog="form-dialog"' in page
    fragment = _page(client.get(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}", headers={"HX-Request": "true"}))
    assert "<html" not in fragment and "Save Draft" in fragment
    response = client.post(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf(), "action": "draft", keys["Plate"]: "AB-123"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/activity/{certification.id}"
    entry = db.session.scalar(select(FormEntry))
    assert entry.status == "draft" and entry.answers[keys["Plate"].removeprefix("field_")] == "AB-123"
    assert "AB-123" in _page(client.get(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}"))  # come back to the draft
    response = client.post(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}", data={
        "csrf_token": csrf(), "action": "submit", keys["Plate"]: "AB-123", keys["Tyres"]: "Good",
        keys["Signature"]: "emma employee", keys["Photo"]: (BytesIO(PDF), "tyres.pdf"),
    })
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.scalar(select(FormEntry))
    submission = db.session.get(Submission, entry.submission_id)
    assert entry.status == "submitted" and submission.source == "activity"
    assert [a.name for a in submission.attachments] == ["tyres.pdf"]
    assert _count(FormEntry) == 1


@pytest.mark.parametrize("answers, message", [
    ({"Signature": "Emma Employee"}, "“Plate” is required."),
    ({"Plate": "AB-1", "Signature": "Someone Else"}, "Sign by typing your full name exactly: Emma Employee."),
    ({"Plate": "AB-1", "Signature": "Emma Employee", "Tyres": "Flat"}, "Choose one of the options for “Tyres”."),
])
def test_form_with_missing_or_bad_answers_is_refused(client, csrf, sign_in, factory, employee, answers, message):
    certification, keys = _form_certification(factory, employee)
    sign_in(employee)
    response = client.post(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf(), "action": "submit", **{keys[k]: v for k, v in answers.items()}})
    assert response.status_code == 422 and message in _page(response)
    assert "<html" not in _page(response)  # the modal's form, not a page
    assert _count(FormEntry) == 0 and _count(Submission) == 0


def test_supervisor_sees_the_entry_on_the_record(client, csrf, sign_in, factory, employee):
    certification, keys = _form_certification(factory, employee)
    supervisor = factory.user("Supervisor")
    employee.supervisors = [supervisor]
    db.session.commit()
    sign_in(employee)
    client.post(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}", data={
        "csrf_token": csrf(), "action": "submit", keys["Plate"]: "AB-123", keys["Signature"]: "Emma Employee"})
    sign_in(supervisor)
    page = _page(client.get(f"/people/{employee.id}/history/{certification.id}"))
    assert "Form Vehicle Check submitted" in page and "<dt>Plate</dt><dd>AB-123</dd>" in page


# ---- Payments --------------------------------------------------------------------------------


def test_fee_is_paid_offline_and_confirmed_by_an_administrator(client, csrf, sign_in, factory, admin, employee, frozen_clock):
    certification, keys = _form_certification(factory, employee, fee=25)
    sign_in(employee)
    client.post(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}", data={
        "csrf_token": csrf(), "action": "submit", keys["Plate"]: "AB-1", keys["Signature"]: "Emma Employee"})
    payment = db.session.scalar(select(Payment))
    assert (payment.status, payment.amount, payment.provider) == ("recorded", 25, "manual")
    assert _count(Submission) == 0
    page = _page(client.get(f"/activity/{certification.id}"))
    assert "Pay 25.00 USD offline" in page
    sign_in(admin)
    assert "Emma Employee: 25.00 USD" in _page(client.get("/activities/payments"))
    prefix = f"p{payment.id}-"
    bad = client.post(f"/activities/payments/{payment.id}/confirm", data={
        "csrf_token": csrf(), prefix + "receipt_number": "R-77", prefix + "amount": "20", prefix + "paid_on": "06/14/2026"})
    assert bad.status_code == 422 and "The amount paid (20.00) is not the fee (25.00 USD)." in _page(bad)
    future = client.post(f"/activities/payments/{payment.id}/confirm", data={
        "csrf_token": csrf(), prefix + "receipt_number": "R-77", prefix + "amount": "25", prefix + "paid_on": "06/16/2026"})
    assert future.status_code == 422 and "cannot be after today" in _page(future)
    assert _count(Submission) == 0 and db.session.scalar(select(Payment.status)) == "recorded"
    good = client.post(f"/activities/payments/{payment.id}/confirm", data={
        "csrf_token": csrf(), prefix + "receipt_number": "R-77", prefix + "amount": "25.00", prefix + "paid_on": "06/14/2026"})
    assert good.status_code == 302
    db.session.expire_all()
    payment = db.session.get(Payment, payment.id)
    submission = db.session.scalar(select(Submission))
    assert (payment.status, payment.receipt_number, payment.confirmed_by_id) == ("confirmed", "R-77", admin.id)
    receipt = db.session.scalar(select(Attachment).where(Attachment.submission_id == submission.id))
    assert receipt.name == "Receipt R-77.txt"
    assert "No payments are waiting." in _page(client.get("/activities/payments"))


def test_form_sent_with_its_payment_awaiting_confirmation_is_not_nothing_on_file(
        client, csrf, sign_in, factory, employee, frozen_clock):
    certification, keys = _form_certification(factory, employee, fee=25)
    sign_in(employee)
    row = _page(client.get("/my/certifications")).split(f">{certification.name}</a>")[1].split("</tr>")[0]
    assert "Nothing on File" in row and "awaiting payment" not in row
    client.post(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}", data={
        "csrf_token": csrf(), "action": "submit", keys["Plate"]: "AB-1", keys["Signature"]: "Emma Employee"})
    row = _page(client.get("/my/certifications")).split(f">{certification.name}</a>")[1].split("</tr>")[0]
    assert "Awaiting payment confirmation" in row
    expiration = row.split('data-label="Expiration">')[1].split("</td>")[0]
    assert expiration.strip() == "Form sent: awaiting payment confirmation"
    page = _page(client.get(f"/my/certifications/{certification.id}"))
    assert "your form is sent and is awaiting payment confirmation" in page


def test_required_at_login_form_with_fee_releases_once_submitted(client, csrf, factory, employee):
    certification, keys = _form_certification(factory, employee, fee=10, required_at_login=True, auto_approve_on_activity=True)
    _login(client, csrf, employee, next_path="/my/certifications")
    assert client.get("/my/certifications").location == "/activity/required"
    response = client.post(f"/activity/{certification.id}/form/{certification.form_links[0].form_id}", data={
        "csrf_token": csrf(), "action": "submit", keys["Plate"]: "AB-1", keys["Signature"]: "Emma Employee"})
    assert response.location == "/my/certifications"
    assert client.get("/my/certifications").status_code == 200


# ---- Courses ---------------------------------------------------------------------------------


def test_administrator_builds_a_course(client, csrf, sign_in, admin):
    sign_in(admin)
    client.post("/activities/courses", data={"csrf_token": csrf(), "name": "Ladder safety", "pass_mark": "50"})
    course = db.session.scalar(select(Course))
    client.post(f"/activities/courses/{course.id}/pages", data={"csrf_token": csrf(), "title": "Inspect", "body": "Look."})
    client.post(f"/activities/courses/{course.id}/pages", data={
        "csrf_token": csrf(), "title": "Climb", "body": "", "media": (BytesIO(PNG), "climb.png")})
    response = client.post(f"/activities/courses/{course.id}/questions", data={
        "csrf_token": csrf(), "prompt": "Three points of contact?", "choices": "Yes\nNo", "correct": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    course = db.session.get(Course, course.id)
    assert [p.title for p in course.pages] == ["Inspect", "Climb"] and course.pages[1].stored_file is not None
    assert course.questions[0].correct_choice == 0 and course.version == 4
    bad = client.post(f"/activities/courses/{course.id}/questions", data={
        "csrf_token": csrf(), "prompt": "Q", "choices": "A\nB", "correct": "3"})
    assert bad.status_code == 422 and "from 1 to 2" in _page(bad)
    empty = client.post(f"/activities/courses/{course.id}/pages", data={"csrf_token": csrf(), "title": "Empty"})
    assert empty.status_code == 422 and "Write the page&#39;s text" in _page(empty)


def _course_certification(factory, employee, pass_mark=100):
    course = Course(name="Ladder safety", version=3, pass_mark=pass_mark)
    course.pages = [CoursePage(position=1, title="Inspect", body="Look at the feet."),
                    CoursePage(position=2, title="Climb", body="Three points.")]
    course.questions = [QuizQuestion(position=1, prompt="Contact points?", choices=["Two", "Three"], correct_choice=1),
                        QuizQuestion(position=2, prompt="Inspect first?", choices=["Yes", "No"], correct_choice=0)]
    db.session.add(course)
    db.session.commit()
    certification = factory.certification(name="Ladders", activity_type="course", course_id=course.id,
                                          auto_approve_on_activity=True)
    factory.require(employee, certification)
    return certification, course


def test_employee_takes_the_course_and_passes_the_quiz(client, csrf, sign_in, factory, employee):
    certification, course = _course_certification(factory, employee)
    sign_in(employee)
    assert "Look at the feet." in _page(client.get(f"/activity/{certification.id}/course"))
    assert "Three points." in _page(client.get(f"/activity/{certification.id}/course?page=2"))
    quiz = _page(client.get(f"/activity/{certification.id}/course?page=3"))
    assert "Contact points?" in quiz and 'name="version" value="3"' in quiz
    q1, q2 = course.questions
    response = client.post(f"/activity/{certification.id}/course/finish", data={
        "csrf_token": csrf(), "version": "3", f"question_{q1.id}": "1", f"question_{q2.id}": "0"})
    assert response.status_code == 302
    assert db.session.scalar(select(Submission.status)) == "approved"


def test_failed_quiz_is_refused(client, csrf, sign_in, factory, employee):
    certification, course = _course_certification(factory, employee)
    sign_in(employee)
    q1, q2 = course.questions
    response = client.post(f"/activity/{certification.id}/course/finish", data={
        "csrf_token": csrf(), "version": "3", f"question_{q1.id}": "0", f"question_{q2.id}": "0"})
    assert response.status_code == 422 and "You scored 50% (1 of 2); the pass mark is 100%." in _page(response)
    assert _count(Submission) == 0


def test_quiz_answered_after_the_course_changed_is_refused(client, csrf, sign_in, factory, admin, employee):
    certification, course = _course_certification(factory, employee)
    sign_in(admin)
    client.post(f"/activities/courses/{course.id}/pages", data={"csrf_token": csrf(), "title": "New rule", "body": "Tie off."})
    sign_in(employee)
    q1, q2 = course.questions
    response = client.post(f"/activity/{certification.id}/course/finish", data={
        "csrf_token": csrf(), "version": "3", f"question_{q1.id}": "1", f"question_{q2.id}": "0"})
    assert response.status_code == 422 and "The course changed while you were taking it." in _page(response)
    assert _count(Submission) == 0


# ---- Learning systems' webhook ---------------------------------------------------------------


@pytest.fixture
def learning(factory, employee):
    integration = LearningIntegration(name="Moodle", secret="top-secret", active=True)
    db.session.add(integration)
    db.session.commit()
    certification = factory.certification(name="Ladders online", activity_type="external_course",
                                          learning_integration_id=integration.id, external_course_ref="LAD-1")
    return integration, certification


def _deliver(client, integration, payload, *, secret=None, timestamp=None, signature=None):
    body = json.dumps(payload).encode()
    timestamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = signature or "sha256=" + webhook_signature(secret or integration.secret, timestamp, body)
    return client.post(f"/activity/learning/{integration.id}/completions", data=body, content_type="application/json",
                       headers={"X-FieldCert-Timestamp": timestamp, "X-FieldCert-Signature": signature})


PAYLOAD = {"delivery_id": "d-1", "course": "LAD-1", "user": "emma", "completed_on": "2026-06-14"}


def test_signed_delivery_records_the_completion(client, learning, employee, frozen_clock):
    integration, certification = learning
    response = _deliver(client, integration, PAYLOAD)
    assert response.status_code == 200 and response.json["ok"]
    submission = db.session.scalar(select(Submission))
    assert (submission.user_id, submission.certification_id, submission.completed_on, submission.source) == (
        employee.id, certification.id, date(2026, 6, 14), "activity")
    assert _count(WebhookReceipt) == 1


@pytest.mark.parametrize("change, status, message", [
    ({"secret": "wrong"}, 401, "The signature does not match"),
    ({"signature": "sha256=00"}, 401, "The signature does not match"),
    ({"timestamp": int(time.time()) - 3600}, 401, "too old"),
])
def test_bad_signature_or_old_timestamp_is_refused(client, learning, change, status, message):
    integration, _ = learning
    response = _deliver(client, integration, PAYLOAD, **change)
    assert response.status_code == status and message in response.json["message"]
    assert _count(Submission) == 0 and _count(WebhookReceipt) == 0


def test_replayed_delivery_is_refused(client, learning):
    integration, _ = learning
    assert _deliver(client, integration, PAYLOAD).status_code == 200
    replay = _deliver(client, integration, PAYLOAD)
    assert replay.status_code == 409 and "received already" in replay.json["message"]
    assert _count(Submission) == 1


@pytest.mark.parametrize("payload, message", [
    ({**PAYLOAD, "course": "UNKNOWN"}, "No certification takes course UNKNOWN"),
    ({**PAYLOAD, "user": "nobody"}, "No active user nobody"),
    ({"delivery_id": "d-2"}, "needs delivery_id, course and user"),
    ({**PAYLOAD, "completed_on": "0002-06-14"}, "Enter a date from 01/01/1950 to 12/31/2100."),
    ({**PAYLOAD, "completed_on": "26-06-14"}, "Enter the year with four digits"),
    ({**PAYLOAD, "completed_on": "2026-02-30"}, "There is no such day: 2026-02-30."),
])
def test_delivery_for_unknown_course_or_user_records_nothing(client, learning, payload, message):
    integration, _ = learning
    response = _deliver(client, integration, payload)
    assert response.status_code == 422 and message in response.json["message"]
    assert _count(Submission) == 0 and _count(WebhookReceipt) == 0


def test_administrator_adds_a_learning_system_and_replaces_its_secret(client, csrf, sign_in, admin):
    sign_in(admin)
    client.post("/activities/learning", data={"csrf_token": csrf(), "name": "Moodle"})
    integration = db.session.scalar(select(LearningIntegration))
    secret = integration.secret
    assert len(secret) >= 40 and f"/activity/learning/{integration.id}/completions" in _page(client.get("/activities/learning"))
    client.post(f"/activities/learning/{integration.id}/secret", data={"csrf_token": csrf()})
    db.session.expire_all()
    assert db.session.get(LearningIntegration, integration.id).secret != secret


def test_documents_and_payments_pages_load_in_fixed_queries(client, sign_in, factory, admin, count_queries):
    sign_in(admin)

    def add(n):
        for _ in range(n):
            employee = factory.user()
            certification, _ = _form_certification(factory, employee, fee=5, name=f"Check of {employee.username}")
            entry = FormEntry(form_id=certification.form_links[0].form_id, user_id=employee.id, certification_id=certification.id,
                              status="submitted", answers={}, submitted_at=utcnow())
            db.session.add(Payment(form_entry=entry, amount=5, currency="USD", status="recorded"))
            document_certification = factory.certification(activity_type="document")
            _revision(admin, document_certification, data=PDF + str(document_certification.id).encode())
        db.session.commit()

    def queries():
        counts = []
        for path in ("/activities/documents", "/activities/payments", "/activities/forms", "/activities/courses"):
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            counts.append(len(statements))
        return counts

    add(1)
    few = queries()
    add(3)
    assert queries() == few


def test_an_activity_the_user_cannot_open_does_not_hold_them(client, csrf, factory, admin, employee):
    certification, _ = _document_certification(factory, admin, employee, required_at_login=True, auto_approve_on_activity=True)
    certification.hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    _login(client, csrf, employee)
    assert client.get("/my/certifications").status_code == 200


def test_administrator_removes_fields_pages_and_questions_of_their_own_form_or_course(client, csrf, sign_in, factory,
                                                                                    admin, employee):
    certification, _ = _course_certification(factory, employee)
    _, keys = _form_certification(factory, employee)
    form = db.session.scalar(select(Form))
    course = db.session.scalar(select(Course))
    sign_in(admin)
    page, question, field = course.pages[0], course.questions[0], form.fields[0]
    assert client.post(f"/activities/courses/{course.id}/pages/{page.id}/remove", data={"csrf_token": csrf()}).status_code == 302
    assert client.post(f"/activities/courses/{course.id}/questions/{question.id}/remove",
                       data={"csrf_token": csrf()}).status_code == 302
    assert client.post(f"/activities/forms/{form.id}/fields/{field.id}/remove", data={"csrf_token": csrf()}).status_code == 302
    other = Form(name="Other")
    db.session.add(other)
    db.session.commit()
    # An id from another form or course is not found, and nothing changes.
    assert client.post(f"/activities/forms/{other.id}/fields/{form.fields[0].id}/remove",
                       data={"csrf_token": csrf()}).status_code == 404
    db.session.expire_all()
    assert (_count(CoursePage), _count(QuizQuestion), _count(FormField)) == (1, 1, 3)
    assert db.session.get(Course, course.id).version == 5
