"""Bad input a person or a script can send: out-of-range numbers, NUL bytes, half-filled posts,
and what fails mid-request. Each gets a clear answer (404, 400 or 422), never a 500, and changes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import csrf_token_for
from webapp.extensions import db
from webapp.models import AuditEntry, CertificationGroup, Comment, Company, Course, Form, LearningIntegration, QuizQuestion, SharedReport, Submission, User
from webapp.services.activity_forms import add_form_field, save_form
from webapp.services.certifications import create_certification, create_group
from webapp.services.companies import create_company
from webapp.services.courses import add_course_page, save_course
from webapp.services.invalid import Invalid
from webapp.services.learning import create_integration
from webapp.services.module_levels import create_module_level
from webapp.services.roles import create_role
from webapp.services.sessions import start_session
from webapp.services.shared_reports import create_shared_report

TOO_LARGE = ("2147483648", "9223372036854775808", "99999999999999999999999")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(factory, sign_in):
    return sign_in(factory.user("Administrator"))


@pytest.mark.parametrize("number", TOO_LARGE)
def test_an_id_above_the_database_range_is_not_found(client, admin, number):
    for url in (f"/certifications/{number}", f"/people/{number}/certifications", f"/qr/{number}",
                f"/activities/courses/{number}", f"/people/{admin.id}/history/{number}"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("number", TOO_LARGE)
def test_numbers_above_the_database_range_in_a_query_are_ignored(client, admin, number):
    for url in (f"/notices/sent-mail?page={number}", f"/reports/?page={number}",
                f"/certifications/?tag={number}&group={number}", f"/my/submit?certification={number}",
                f"/people/{admin.id}/record?certification={number}"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("number", TOO_LARGE)
def test_ids_above_the_database_range_in_a_form_are_skipped(client, admin, csrf, factory, number):
    certification = factory.certification()
    response = client.post(f"/certifications/{certification.id}/users", data={"csrf_token": csrf(), "user_id": number})
    assert response.status_code == 302
    response = client.post(f"/certifications/{certification.id}/roles",
                           data={"csrf_token": csrf(), "cell": f"{number}:{number}"})
    assert response.status_code == 302


def test_a_number_field_above_the_database_range_is_a_field_error(client, admin, csrf):
    course = Course(name="Ladders", version=1)
    db.session.add(course)
    db.session.commit()
    response = client.post(f"/activities/courses/{course.id}/questions", data={
        "csrf_token": csrf(), "prompt": "How many?", "choices": "One\nTwo", "correct": "9223372036854775808"})
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)
    assert _count(QuizQuestion) == 0


@pytest.mark.parametrize("path", ["/r/a%00b", "/s/token%00", "/c/%00", "/cal/%00.ics", "/auth/reset-password/x%00y"])
def test_a_nul_byte_in_a_public_token_url_is_a_bad_request(client, path):
    assert client.get(path).status_code == 400


def test_a_nul_byte_in_a_query_is_a_bad_request(client, admin):
    response = client.get("/people/?q=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_a_nul_byte_at_sign_in_is_a_bad_request(client, factory, csrf):
    user = factory.user()
    response = client.post("/auth/login", data={"csrf_token": csrf(), "identifier": f"{user.username}\x00",
                                                "password": "x\x00"})
    assert response.status_code == 400


def test_a_nul_byte_in_a_form_changes_nothing(client, admin, csrf):
    response = client.post("/companies/new", data={"csrf_token": csrf(), "name": "North\x00wind"})
    assert response.status_code == 400
    assert _count(Company) == 0


# ---- Posts carrying only a CSRF token (issue 15, item 6) ----------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_live_previews_answer_a_post_with_only_a_csrf_token(client, admin, csrf, factory, htmx):
    certification = factory.yearly_certification()
    headers = {"HX-Request": "true"} if htmx else {}
    for url in ("/certifications/example", f"/certifications/{certification.id}/recalculate-preview",
                "/settings/module-settings/attachment-naming/preview"):
        response = client.post(url, data={"csrf_token": csrf()}, headers=headers)
        assert response.status_code == 200, url
        assert "<html" not in response.get_data(as_text=True)


def test_acknowledging_an_activity_without_a_document_is_refused_with_its_page(client, admin, csrf, factory):
    certification = factory.certification(name="Vehicle Check", activity_type="form")
    response = client.post(f"/activity/{certification.id}/acknowledge", data={"csrf_token": csrf()})
    assert response.status_code == 422
    assert "Vehicle Check" in response.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_submitting_with_only_a_csrf_token_shows_the_form_again(client, factory, sign_in, csrf, htmx):
    sign_in(factory.user())
    response = client.post("/my/submit", data={"csrf_token": csrf()}, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 422


# ---- What fails mid-request --------------------------------------------------------------------


def test_the_error_page_renders_after_a_failed_statement(app, client, admin, monkeypatch):
    """A statement that fails leaves the session needing a rollback; the 500 page must still render."""

    def failing_view():
        db.session.add(User(username=None))
        db.session.flush()

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "pwa.offline", failing_view)
    response = client.get("/offline")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


# ---- Names: too long, or taken by a save at the same moment (issue 15, item 7) ------------------


@pytest.mark.parametrize("url, noun", [("/activities/forms", "form"), ("/activities/courses", "course"),
                                       ("/activities/learning", "learning system")])
def test_a_name_longer_than_its_column_is_refused_not_cut(client, admin, csrf, url, noun):
    for _ in range(2):
        response = client.post(url, data={"csrf_token": csrf(), "name": "x" * 10_000})
        assert response.status_code == 422
        assert "characters or fewer" in response.get_data(as_text=True)
    assert _count({"form": Form, "course": Course, "learning system": LearningIntegration}[noun]) == 0


CREATES = {
    "company": lambda actor: create_company(actor, {"name": "Northwind"}),
    "role": lambda actor: create_role(actor, "Crew Lead"),
    "module level": lambda actor: create_module_level(actor, "Auditor", []),
    "learning system": lambda actor: create_integration(actor, "Moodle"),
    "form": lambda actor: save_form(actor, None, "Pre-start", None, None, None),
    "course": lambda actor: save_course(actor, None, "Ladders", None),
    "certification": lambda actor: create_certification(actor, {"name": "Forklift"}),
    "certification group": lambda actor: create_group(actor, "Safety", None),
}


@pytest.mark.postgres_only
@pytest.mark.parametrize("kind", CREATES)
def test_two_creates_with_the_same_name_at_once_store_one_and_refuse_the_other(factory, at_once, kind):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    actor_id = factory.user("Administrator").id

    def create():
        CREATES[kind](db.session.get(User, actor_id))
        return "created"

    outcomes = at_once(create, create)
    assert "created" in outcomes
    refused = [outcome for outcome in outcomes if outcome != "created"]
    assert len(refused) == 1 and isinstance(refused[0], Invalid), outcomes
    assert "already has" in refused[0].errors["name"]


@pytest.mark.parametrize("number", TOO_LARGE)
def test_a_picker_given_an_id_above_the_range_says_it_is_not_a_choice(client, admin, csrf, factory, number):
    worker = factory.user()
    response = client.post(f"/people/{worker.id}/record", data={
        "csrf_token": csrf(), "certification": number, "completed_on": "06/01/2026"})
    assert response.status_code == 422
    response = client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "Safety", "parent_id": number})
    assert response.status_code == 422


def test_a_file_field_posted_as_text_is_no_file(client, admin, csrf):
    response = client.post("/certifications/new", data={"csrf_token": csrf(), "supporting_files": "not a file"})
    assert response.status_code == 422


def test_group_names_are_unique_in_any_case_within_their_folder_top_level_included(app_context):
    db.session.add_all([CertificationGroup(name="Safety"), CertificationGroup(name="SAFETY")])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# ---- Two requests at the same moment (PostgreSQL) -----------------------------------------------


@pytest.fixture
def posting_at_once(app, at_once):
    """Send posts from separate clients at the same moment, each signed in as `user`; their status codes."""

    def post_all(user, *posts):
        session_id = start_session(user, address="127.0.0.1", user_agent="pytest", remember=False).key

        def job(url, data):
            def send():
                client = app.test_client()
                with client.session_transaction() as session:
                    session["_user_id"], session["_fresh"] = session_id, True
                return client.post(url, data={"csrf_token": csrf_token_for(app, client), **data}).status_code
            return send

        return at_once(*(job(url, data) for url, data in posts))

    return post_all


def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")


@pytest.mark.postgres_only
def test_deleting_one_shared_report_twice_at_once_deletes_it_once(factory, posting_at_once):
    _postgres_only()
    admin = factory.user("Administrator")
    report = create_shared_report(admin, "Crew", [admin], [], [])
    url = f"/reports/shared/{report.id}/delete"
    assert sorted(posting_at_once(admin, (url, {}), (url, {}))) == [302, 404]
    assert _count(SharedReport) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "shared_report_deleted")) == 1


@pytest.mark.postgres_only
@pytest.mark.parametrize("edit_url, delete_url, data", [
    ("/roles/{id}/define", "/roles/{id}/delete", {"name": "Crew Lead, renamed"}),
    ("/certifications/groups/{id}", "/certifications/groups/{id}/delete", {"name": "Safety, renamed"}),
])
def test_editing_what_is_deleted_at_the_same_moment_is_not_found(factory, posting_at_once, edit_url, delete_url, data):
    _postgres_only()
    admin = factory.user("Administrator")
    if "roles" in edit_url:
        row_id = factory.role(name="Crew Lead").id
    else:
        row_id = create_group(admin, "Safety", None).id
    statuses = posting_at_once(admin, (edit_url.format(id=row_id), data), (delete_url.format(id=row_id), {}))
    assert statuses[1] == 302 and statuses[0] in (302, 404), statuses


@pytest.mark.postgres_only
def test_two_course_pages_and_form_fields_added_at_once_are_both_kept(factory, at_once):
    _postgres_only()
    actor_id = factory.user("Administrator").id
    course_id = save_course(db.session.get(User, actor_id), None, "Ladders", None).id
    form_id = save_form(db.session.get(User, actor_id), None, "Pre-start", None, None, None).id

    def add_page(title):
        return lambda: add_course_page(db.session.get(User, actor_id), db.session.get(Course, course_id), title,
                                       "Text", None).position

    def add_field(label):
        return lambda: add_form_field(db.session.get(User, actor_id), db.session.get(Form, form_id), label, "text",
                                      False, None).position

    positions = []
    for _ in range(5):
        positions += at_once(add_page("One"), add_page("Two"), add_field("Odometer"), add_field("Tyres"))
    assert all(isinstance(position, int) for position in positions), positions
    assert sorted(positions) == sorted(list(range(1, 11)) * 2)
    assert db.session.get(Course, course_id).version == 11


# ---- One rendered form, posted twice, stores once ------------------------------------------------


@pytest.fixture
def batch(factory, frozen_clock):
    company = factory.company()
    supervisor = factory.user("Supervisor", company=company)
    lead = factory.role(companies=[company], name="Crew Lead")
    factory.assign(supervisor, lead)
    safety = factory.yearly_certification(name="Toolbox Talk", allow_batch_submission=True, batch_roles=[lead])
    crew = [factory.user(supervisors=[supervisor], company=company) for _ in range(2)]
    return supervisor, {"certification": safety.id, "completed_on": "2026-06-10", "users": [m.id for m in crew],
                        "idempotency_key": "a" * 32}


def test_a_batch_form_posted_twice_stores_its_records_once(client, sign_in, csrf, batch):
    supervisor, data = batch
    sign_in(supervisor)
    for _ in range(2):
        assert client.post("/submissions/batch", data={"csrf_token": csrf(), **data}).status_code == 302
    assert _count(Submission) == 2


def test_a_one_time_key_longer_than_a_made_one_is_refused(client, sign_in, csrf, batch):
    supervisor, data = batch
    sign_in(supervisor)
    response = client.post("/submissions/batch", data={"csrf_token": csrf(), **data, "idempotency_key": "k" * 10_000})
    assert response.status_code == 422
    assert _count(Submission) == 0


@pytest.mark.postgres_only
def test_a_batch_form_posted_twice_at_once_stores_its_records_once(batch, posting_at_once):
    _postgres_only()
    supervisor, data = batch
    assert posting_at_once(supervisor, ("/submissions/batch", data), ("/submissions/batch", data)) == [302, 302]
    assert _count(Submission) == 2


def test_a_shared_report_form_posted_twice_creates_one_report(client, admin, csrf, factory):
    role = factory.role(name="Crew")
    for _ in range(2):
        response = client.post("/reports/shared", data={"csrf_token": csrf(), "title": "Crew", "roles": [role.id],
                                                        "idempotency_key": "b" * 32})
        assert response.status_code == 302
    assert _count(SharedReport) == 1


def test_a_comment_form_posted_twice_adds_one_comment(client, admin, csrf, factory):
    worker = factory.user()
    record = factory.record(worker, factory.certification(), date(2026, 6, 1))
    for _ in range(2):
        response = client.post(f"/people/{worker.id}/records/{record.id}/comments",
                               data={"csrf_token": csrf(), "body": "Checked the card.", "idempotency_key": "c" * 32})
        assert response.status_code == 302
    assert _count(Comment) == 1


@pytest.mark.postgres_only
def test_a_shared_report_form_posted_twice_at_once_creates_one_report(factory, posting_at_once):
    _postgres_only()
    admin = factory.user("Administrator")
    data = {"title": "Crew", "roles": [factory.role(name="Crew").id], "idempotency_key": "d" * 32}
    assert posting_at_once(admin, ("/reports/shared", data), ("/reports/shared", data)) == [302, 302]
    assert _count(SharedReport) == 1
