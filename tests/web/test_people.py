"""People > Users: search, filters, hidden users, hide/show and notify, within reach only."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    Attachment,
    AuditEntry,
    Comment,
    DirectRequirement,
    ModuleLevel,
    Notice,
    RequirementSetting,
    RoleAssignment,
    Submission,
    User,
)
from webapp.services.people import PEOPLE_PER_PAGE
from webapp.services.reset_tokens import make_reset_token

HX = {"HX-Request": "true"}


@pytest.fixture
def team(factory, frozen_clock):
    acme = factory.company(name="Acme")
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    alice = factory.user(supervisors=[supervisor], first_name="Alice", last_name="Able", company=acme)
    bob = factory.user(supervisors=[supervisor], first_name="Bob", last_name="Baker", username="bobby")
    return supervisor, alice, bob, acme


def _page(client, query=""):
    return client.get(f"/people/{query}").get_data(as_text=True)


def test_users_table_shows_only_people_in_reach(client, sign_in, factory, team):
    supervisor, alice, bob, _ = team
    factory.user(first_name="Stranger", last_name="Danger")
    sign_in(supervisor)
    page = _page(client)
    assert "Alice Able" in page and "Bob Baker" in page and "Stranger" not in page
    assert '<label for="q">Search by name, username or e-mail</label>' in page


def test_search_and_company_filter(client, sign_in, team):
    supervisor, alice, bob, acme = team
    sign_in(supervisor)
    assert "Alice Able" not in _page(client, "?q=bobby") and "Bob Baker" in _page(client, "?q=bobby")
    assert "Bob Baker" not in _page(client, "?q=alice+able")
    filtered = _page(client, f"?company={acme.id}")
    assert "Alice Able" in filtered and "Bob Baker" not in filtered
    assert "Alice Able" in _page(client, "?company=nonsense")


def test_search_with_htmx_returns_the_table_only(client, sign_in, team):
    supervisor, *_ = team
    sign_in(supervisor)
    response = client.get("/people/?q=bob", headers={**HX, "HX-Target": "users-table"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="users-table"') and "Bob Baker" in body and "<h1" not in body


def test_hide_and_show_with_include_hidden(client, sign_in, csrf, team):
    supervisor, alice, *_ = team
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/hide", headers={**HX, "X-CSRFToken": csrf()})
    assert response.status_code == 200 and "Show in Reports" in response.get_data(as_text=True)
    assert db.session.get(User, alice.id).hidden
    assert "Alice Able" not in _page(client)
    assert "Alice Able" in _page(client, "?include_hidden=y")
    client.post(f"/people/{alice.id}/show", data={"csrf_token": csrf()})
    db.session.expire_all()
    assert not db.session.get(User, alice.id).hidden
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.hide", "user.show"]


def test_notify_queues_an_email(client, sign_in, csrf, team):
    supervisor, alice, *_ = team
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/notify", data={"csrf_token": csrf(), "message": "Renew soon"}, headers=HX)
    assert response.status_code == 200 and "Alice Able was e-mailed." in response.get_data(as_text=True)
    notice = db.session.scalar(select(Notice))
    assert notice.kind == "notify" and notice.recipient_email == alice.email and "Renew soon" in notice.body_text


def test_notify_bad_input_changes_nothing(client, sign_in, csrf, team):
    supervisor, alice, *_ = team
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/notify", data={"csrf_token": csrf(), "message": "x" * 2001}, headers=HX)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == f"#notify-form-{alice.id}"
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_out_of_reach_user_is_404(client, sign_in, csrf, factory, team):
    supervisor, *_ = team
    stranger = factory.user()
    sign_in(supervisor)
    for action in ("hide", "show", "notify"):
        assert client.post(f"/people/{stranger.id}/{action}", data={"csrf_token": csrf()}).status_code == 404
    assert client.post("/people/999999/hide", data={"csrf_token": csrf()}).status_code == 404
    assert not db.session.get(User, stranger.id).hidden


def test_employee_cannot_reach_people(client, sign_in, csrf, team):
    _, alice, bob, _ = team
    sign_in(alice)
    assert client.get("/people/").status_code == 403
    assert client.post(f"/people/{bob.id}/hide", data={"csrf_token": csrf()}).status_code == 403


def test_users_table_loads_in_fixed_queries(client, sign_in, factory, count_queries, team):
    supervisor, *_ = team
    sign_in(supervisor)

    def queries():
        with count_queries() as statements:
            assert client.get("/people/").status_code == 200
        return len(statements)

    two = queries()
    for _ in range(8):
        factory.user(supervisors=[supervisor], company=factory.company())
    assert queries() == two


def test_users_page_is_paged_in_sql_keeping_search_and_filters_in_its_links(client, sign_in, factory, team):
    supervisor, _alice, _bob, acme = team
    for i in range(PEOPLE_PER_PAGE + 3):
        factory.user(supervisors=[supervisor], company=acme, first_name="Crew", last_name=f"Member{i:03d}")
    sign_in(supervisor)
    first = _page(client, f"?q=crew&company={acme.id}")
    assert first.count('<tr id="user-') == PEOPLE_PER_PAGE and "Member000" in first and "Alice Able" not in first
    assert f"{PEOPLE_PER_PAGE + 3} users; showing {PEOPLE_PER_PAGE} on page 1 of 2." in first
    assert f'rel="next" href="/people/?page=2&amp;q=crew&amp;company={acme.id}"' in first
    second = _page(client, f"?q=crew&company={acme.id}&page=2")
    assert second.count('<tr id="user-') == 3 and f"Member{PEOPLE_PER_PAGE + 2:03d}" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "on page 2 of 2." in _page(client, "?page=99")  # past the end: the last page
    assert "on page 1 of 2." in _page(client, "?page=99999999999999999999")  # not a page number: the first


def test_notify_dialog_is_loaded_on_demand_not_once_a_row(client, sign_in, team):
    supervisor, alice, *_ = team
    sign_in(supervisor)
    page = _page(client)
    assert page.count("<dialog") == 1 and 'name="message"' not in page
    assert f'hx-get="/people/{alice.id}/notify" hx-target="#notify-body"' in page
    fragment = client.get(f"/people/{alice.id}/notify", headers=HX).get_data(as_text=True)
    assert f'id="notify-form-{alice.id}"' in fragment and alice.email in fragment and "<h1" not in fragment
    assert '<h2 id="notify-title">Notify Alice Able</h2>' in fragment
    whole = client.get(f"/people/{alice.id}/notify").get_data(as_text=True)
    assert '<h1 id="notify-title">Notify Alice Able</h1>' in whole and 'name="message"' in whole


def test_notify_bad_input_without_script_shows_the_form_again(client, sign_in, csrf, team):
    supervisor, alice, *_ = team
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/notify", data={"csrf_token": csrf(), "message": "x" * 2001})
    assert response.status_code == 422 and "Notify Alice Able</h1>" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_notify_form_of_someone_out_of_reach_is_404(client, sign_in, factory, team):
    supervisor, *_ = team
    sign_in(supervisor)
    assert client.get(f"/people/{factory.user().id}/notify").status_code == 404


# ---- Certifications Details page ------------------------------------------------------------


@pytest.fixture
def worker_setup(factory, team):
    supervisor, alice, bob, acme = team
    forklift = factory.yearly_certification(name="Forklift")
    first_aid = factory.yearly_certification(name="First Aid")
    role = factory.role(forklift, first_aid, companies=[acme], name="Driver")
    factory.assign(alice, role)
    record = factory.record(alice, forklift, date(2026, 1, 10))
    pending = factory.record(alice, first_aid, date(2026, 6, 1), status="pending")
    return supervisor, alice, forklift, first_aid, role, record, pending


def test_details_page_shows_outstanding_certifications_and_pending(client, sign_in, worker_setup):
    supervisor, alice, *_ = worker_setup
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/certifications").get_data(as_text=True)
    assert "User: Alice Able Certifications" in page
    assert "Certification Submitted for Approval" in page and "Approve Selected" in page
    outstanding = page.split('id="outstanding-title"')[1].split('id="certifications-title"')[0]
    assert "First Aid" in outstanding and "Forklift" not in outstanding
    assert "01/10/2027" in page and "Nothing on File" in page and "Pending approval" in page


def test_details_page_is_404_out_of_reach(client, sign_in, factory, worker_setup):
    _, alice, *_ = worker_setup
    sign_in(factory.user("Supervisor"))
    assert client.get(f"/people/{alice.id}/certifications").status_code == 404
    assert client.get("/people/999999/certifications").status_code == 404


def test_approve_several_at_once(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, forklift, first_aid, _, _, pending = worker_setup
    second = factory.record(alice, forklift, date(2026, 6, 2), status="pending")
    sign_in(supervisor)
    none = client.post(f"/people/{alice.id}/approve-selected", data={"csrf_token": csrf()}, headers=HX)
    assert none.status_code == 422 and "Select at least one" in none.get_data(as_text=True)
    response = client.post(f"/people/{alice.id}/approve-selected",
                           data={"csrf_token": csrf(), "submission_id": [pending.id, second.id]}, headers=HX)
    assert "Approved 2 certifications." in response.get_data(as_text=True)
    db.session.expire_all()
    assert {db.session.get(Submission, i).status for i in (pending.id, second.id)} == {"approved"}


def test_approve_selected_names_what_it_could_not_approve_and_why(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, forklift, first_aid, _, _, pending = worker_setup
    decided = factory.record(alice, forklift, date(2026, 6, 2), status="pending")
    deleted = factory.record(alice, forklift, date(2026, 6, 3), status="pending")
    sign_in(supervisor)
    chosen = {"csrf_token": csrf(), "submission_id": [pending.id, decided.id, deleted.id]}
    # Another supervisor acts first, on the open page's rows.
    decided.status = "declined"
    db.session.delete(deleted)
    db.session.commit()
    response = client.post(f"/people/{alice.id}/approve-selected", data=chosen, headers=HX)
    page = response.get_data(as_text=True)
    assert "Approved 1 certification." in page
    refusals = page.split("Not approved:")[1].split("</ul>")[0]
    assert "Forklift, completed 06/02/2026: someone else declined it first." in refusals
    assert "1 other selected submission: someone deleted it" in refusals
    assert 'role="alert"' in page.split("Not approved:")[0].rsplit("<div", 1)[1]
    db.session.expire_all()
    assert db.session.get(Submission, decided.id).status == "declined"

    first_aid_again = factory.record(alice, first_aid, date(2026, 6, 4), status="pending")
    chosen = {"csrf_token": csrf(), "submission_id": [first_aid_again.id]}
    first_aid_again.status = "approved"
    db.session.commit()
    client.post(f"/people/{alice.id}/approve-selected", data=chosen)
    followed = client.get(f"/people/{alice.id}/certifications").get_data(as_text=True)
    assert "Not approved: First Aid, completed 06/04/2026: someone else approved it first." in followed


def test_approve_selected_ignores_other_users_submissions(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, forklift, *_ = worker_setup
    other = factory.user(supervisors=[supervisor])
    theirs = factory.record(other, forklift, date(2026, 6, 1), status="pending")
    sign_in(supervisor)
    client.post(f"/people/{alice.id}/approve-selected", data={"csrf_token": csrf(), "submission_id": [theirs.id]})
    db.session.expire_all()
    assert db.session.get(Submission, theirs.id).status == "pending"


def test_defer_requires_a_date_then_defers(client, sign_in, csrf, worker_setup):
    supervisor, alice, _, first_aid, *_ = worker_setup
    sign_in(supervisor)
    url = f"/people/{alice.id}/requirements/{first_aid.id}/state"
    bad = client.post(url, data={"csrf_token": csrf(), "state": "deferred"}, headers=HX)
    assert bad.status_code == 422 and bad.headers["HX-Retarget"] == f"#state-form-{first_aid.id}"
    assert "A valid date is required" in bad.get_data(as_text=True)
    assert db.session.get(RequirementSetting, (alice.id, first_aid.id)) is None
    past = client.post(url, data={"csrf_token": csrf(), "state": "deferred", "deferred_until": "2026-06-01"}, headers=HX)
    assert past.status_code == 422
    good = client.post(url, data={"csrf_token": csrf(), "state": "deferred", "deferred_until": "2026-09-01",
                                  "notes": "On leave"}, headers=HX)
    assert good.status_code == 200 and "Deferred until 09/01/2026" in good.get_data(as_text=True)
    setting = db.session.get(RequirementSetting, (alice.id, first_aid.id))
    assert setting.state == "deferred" and setting.notes == "On leave"
    cleared = client.post(url, data={"csrf_token": csrf(), "state": "not_applicable"}, headers=HX)
    assert "Not applicable" in cleared.get_data(as_text=True)


def test_cannot_defer_a_locked_requirement_without_defer_all(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, _, first_aid, *_ = worker_setup
    factory.setting(alice, first_aid, "required")
    sign_in(supervisor)
    url = f"/people/{alice.id}/requirements/{first_aid.id}/state"
    response = client.post(url, data={"csrf_token": csrf(), "state": "deferred", "deferred_until": "2026-09-01"}, headers=HX)
    assert response.status_code == 422 and "cannot be deferred" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RequirementSetting, (alice.id, first_aid.id)).state == "required"
    admin = factory.user("Administrator")
    sign_in(admin)
    ok = client.post(url, data={"csrf_token": csrf(), "state": "deferred", "deferred_until": "2026-09-01"}, headers=HX)
    assert ok.status_code == 200
    db.session.expire_all()
    assert db.session.get(RequirementSetting, (alice.id, first_aid.id)).state == "deferred"


def test_supervisor_cannot_set_the_lock(client, sign_in, csrf, worker_setup):
    supervisor, alice, _, first_aid, *_ = worker_setup
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/requirements/{first_aid.id}/state",
                           data={"csrf_token": csrf(), "state": "required"}, headers=HX)
    assert response.status_code == 422


def test_defer_a_certification_not_required_is_404(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, *_ = worker_setup
    other = factory.certification()
    sign_in(supervisor)
    url = f"/people/{alice.id}/requirements/{other.id}/state"
    assert client.post(url, data={"csrf_token": csrf(), "state": "not_applicable"}).status_code == 404


def test_notify_about_a_requirement(client, sign_in, csrf, worker_setup):
    supervisor, alice, _, first_aid, *_ = worker_setup
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/requirements/{first_aid.id}/notify",
                           data={"csrf_token": csrf(), "message": "Please book it"}, headers=HX)
    assert "e-mailed about First Aid" in response.get_data(as_text=True)
    notice = db.session.scalar(select(Notice))
    assert notice.certification_id == first_aid.id and "Please book it" in notice.body_text


def test_edit_completion_recomputes_expiration(client, sign_in, csrf, worker_setup):
    supervisor, alice, _, _, _, record, _ = worker_setup
    sign_in(supervisor)
    url = f"/people/{alice.id}/records/{record.id}/dates"
    response = client.post(url, data={"csrf_token": csrf(), "completed_on": "2026-02-01", "expires_on": "2027-01-10"},
                           headers=HX)
    assert response.status_code == 200
    db.session.expire_all()
    changed = db.session.get(Submission, record.id)
    assert changed.completed_on == date(2026, 2, 1) and changed.expires_on == date(2027, 2, 1)
    explicit = client.post(url, data={"csrf_token": csrf(), "completed_on": "2026-02-01", "expires_on": "2027-06-30"},
                           headers=HX)
    assert explicit.status_code == 200
    db.session.expire_all()
    assert db.session.get(Submission, record.id).expires_on == date(2027, 6, 30)
    bad = client.post(url, data={"csrf_token": csrf(), "completed_on": "2026-02-01", "expires_on": "2025-01-01"}, headers=HX)
    assert bad.status_code == 422 and "cannot be before" in bad.get_data(as_text=True)
    empty = client.post(url, data={"csrf_token": csrf(), "completed_on": ""}, headers=HX)
    assert empty.status_code == 422
    db.session.expire_all()
    assert db.session.get(Submission, record.id).expires_on == date(2027, 6, 30)


def test_emptied_expiration_is_recomputed_from_the_rules(client, sign_in, csrf, worker_setup):
    supervisor, alice, _, _, _, record, _ = worker_setup
    sign_in(supervisor)
    url = f"/people/{alice.id}/records/{record.id}/dates"
    typed = client.post(url, data={"csrf_token": csrf(), "completed_on": "2026-01-10", "expires_on": "2026-12-01"},
                        headers=HX)
    assert typed.status_code == 200
    cleared = client.post(url, data={"csrf_token": csrf(), "completed_on": "2026-01-10", "expires_on": ""}, headers=HX)
    assert cleared.status_code == 200
    db.session.expire_all()
    changed = db.session.get(Submission, record.id)
    assert changed.expires_on == date(2027, 1, 10)
    assert changed.expiration_explanation == "01/10/2027 = completed 01/10/2026 + 1 year"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"completed_on": "01/10/26"}, "Enter the year with four digits, as MM/DD/YYYY."),
        ({"completed_on": "01/10/1900"}, "Enter a date from 01/01/1950 to 12/31/2100."),
        ({"completed_on": "2026-01-10", "expires_on": "9999-01-10"}, "Enter a date from 01/01/1950 to 12/31/2200."),
        ({"completed_on": "2026-01-10", "expires_on": "0002-11-20"}, "Enter a date from 01/01/1950 to 12/31/2200."),
    ],
)
def test_edit_dates_refuses_years_out_of_range(client, sign_in, csrf, worker_setup, data, message):
    supervisor, alice, _, _, _, record, _ = worker_setup
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/records/{record.id}/dates", data={"csrf_token": csrf(), **data},
                           headers=HX)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.expire_all()
    unchanged = db.session.get(Submission, record.id)
    assert (unchanged.completed_on, unchanged.expires_on) == (date(2026, 1, 10), date(2027, 1, 10))


@pytest.mark.parametrize("typed", ["11/20/26", "0002-11-20", "12/31/9999", "01/01/1900"])
def test_deferral_and_training_ends_need_a_sane_year(client, sign_in, csrf, worker_setup, typed):
    supervisor, alice, _, first_aid, *_ = worker_setup
    assignment = db.session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == alice.id))
    sign_in(supervisor)
    deferred = client.post(f"/people/{alice.id}/requirements/{first_aid.id}/state",
                           data={"csrf_token": csrf(), "state": "deferred", "deferred_until": typed}, headers=HX)
    training = client.post(f"/people/{alice.id}/roles/{assignment.id}/training",
                           data={"csrf_token": csrf(), "in_training": "y", "training_until": typed}, headers=HX)
    assert deferred.status_code == training.status_code == 422
    for response in (deferred, training):
        assert "Enter the year with four digits" in response.get_data(as_text=True) or (
            "Enter a date from 01/01/1950 to 12/31/2100." in response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(RequirementSetting, (alice.id, first_aid.id)) is None
    assert db.session.get(RoleAssignment, assignment.id).training_until is None


@pytest.mark.parametrize("completed_on", ["9999-11-20", "11/20/26", "0002-11-20"])
def test_record_and_its_preview_refuse_years_out_of_range(client, sign_in, csrf, worker_setup, completed_on):
    supervisor, alice, _, first_aid, *_ = worker_setup
    sign_in(supervisor)
    preview = client.get(f"/people/{alice.id}/record/preview?certification={first_aid.id}&completed_on={completed_on}",
                         headers=HX)
    assert preview.status_code == 200 and "Expires" not in preview.get_data(as_text=True)
    assert "four digits" in preview.get_data(as_text=True) or "Enter a date from" in preview.get_data(as_text=True)
    before = db.session.scalar(select(func.count()).select_from(Submission))
    response = client.post(f"/people/{alice.id}/record", data={"csrf_token": csrf(), "certification": first_aid.id,
                                                               "completed_on": completed_on, "idempotency_key": "y"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Submission)) == before


def test_attach_a_file_and_a_link_to_a_record(client, sign_in, csrf, worker_setup):
    supervisor, alice, forklift, _, _, record, _ = worker_setup
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/certifications").get_data(as_text=True)
    assert f'data-open-dialog="attach-{record.id}"' in page and "Attach File or Link" in page
    response = client.post(f"/people/{alice.id}/records/{record.id}/attachments", headers=HX, data={
        "csrf_token": csrf(), "files": [(BytesIO(b"%PDF-1.4 card"), "card.pdf")], "links": "https://example.com/cert",
    }, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your changes to Forklift were saved." in body
    assert "card.pdf" in body and "https://example.com/cert" in body
    kinds = db.session.scalars(select(Attachment.kind).where(Attachment.submission_id == record.id).order_by(Attachment.id))
    assert list(kinds) == ["file", "link"]
    assert db.session.scalar(select(AuditEntry.action)) == "record.attach"


@pytest.mark.parametrize("data, message", [
    ({}, "Choose a file or enter a link to attach."),
    ({"links": "not a link"}, "is not a web address"),
    ({"files": [(BytesIO(b"MZ\x90\x00binary"), "tool.exe")]}, "tool.exe"),
])
def test_attach_bad_input_changes_nothing(client, sign_in, csrf, worker_setup, data, message):
    supervisor, alice, _, _, _, record, _ = worker_setup
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/records/{record.id}/attachments", headers=HX,
                           data={"csrf_token": csrf(), **data}, content_type="multipart/form-data")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == f"#attach-form-{record.id}"
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_attach_is_404_out_of_reach_or_for_pending(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, _, _, _, record, pending = worker_setup
    stranger = factory.user()
    sign_in(supervisor)
    data = {"csrf_token": csrf(), "links": "https://example.com"}
    assert client.post(f"/people/{stranger.id}/records/{record.id}/attachments", data=data).status_code == 404
    assert client.post(f"/people/{alice.id}/records/{pending.id}/attachments", data=data).status_code == 404
    sign_in(alice)
    assert client.post(f"/people/{alice.id}/records/{record.id}/attachments", data=data).status_code == 403


def test_details_page_loads_in_fixed_queries(client, sign_in, factory, count_queries, worker_setup):
    supervisor, alice, forklift, first_aid, role, *_ = worker_setup
    sign_in(supervisor)

    def queries():
        with count_queries() as statements:
            assert client.get(f"/people/{alice.id}/certifications").status_code == 200
        return len(statements)

    two = queries()
    for n in range(8):
        certification = factory.yearly_certification()
        factory.require(alice, certification)
        factory.record(alice, certification, date(2026, 3, n + 1))
        factory.record(alice, certification, date(2026, 6, n + 1), status="pending")
    assert queries() == two


# ---- Manage Roles/Certifications ------------------------------------------------------------


def test_assign_and_remove_role_and_direct_requirement(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, forklift, _, role, *_ = worker_setup
    other_role = factory.role(name="Welder")
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/roles").get_data(as_text=True)
    assert "Driver" in page and "Welder" in page
    added = client.post(f"/people/{alice.id}/roles", data={"csrf_token": csrf(), "role": other_role.id}, headers=HX)
    assert "Assigned Welder to Alice Able." in added.get_data(as_text=True)
    assignment = db.session.scalar(select(RoleAssignment).where(RoleAssignment.role_id == other_role.id))
    client.post(f"/people/{alice.id}/roles/{assignment.id}/remove", data={"csrf_token": csrf()}, headers=HX)
    assert db.session.scalar(select(RoleAssignment).where(RoleAssignment.role_id == other_role.id)) is None
    client.post(f"/people/{alice.id}/direct", data={"csrf_token": csrf(), "certification": forklift.id}, headers=HX)
    assert db.session.get(DirectRequirement, (alice.id, forklift.id)) is not None
    client.post(f"/people/{alice.id}/direct/{forklift.id}/remove", data={"csrf_token": csrf()}, headers=HX)
    db.session.expire_all()
    assert db.session.get(DirectRequirement, (alice.id, forklift.id)) is None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["role.assign", "role.remove", "requirement.add_direct", "requirement.remove_direct"]


def test_bad_role_choice_is_422(client, sign_in, csrf, worker_setup):
    supervisor, alice, *_ = worker_setup
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/roles", data={"csrf_token": csrf(), "role": "99999"})
    assert response.status_code == 422
    assert client.post(f"/people/{alice.id}/roles", data={"csrf_token": csrf(), "role": "abc"}).status_code == 422


def test_set_training_needs_an_end_date(client, sign_in, csrf, worker_setup):
    supervisor, alice, *_ = worker_setup
    assignment = db.session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == alice.id))
    sign_in(supervisor)
    url = f"/people/{alice.id}/roles/{assignment.id}/training"
    bad = client.post(url, data={"csrf_token": csrf(), "in_training": "y"}, headers=HX)
    assert bad.status_code == 422 and "Enter the training end date" in bad.get_data(as_text=True)
    good = client.post(url, data={"csrf_token": csrf(), "in_training": "y", "training_until": "2026-08-01",
                                  "notes": "Shadowing"}, headers=HX)
    assert good.status_code == 200 and "In training until 08/01/2026" in good.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RoleAssignment, assignment.id).training_until == date(2026, 8, 1)
    details = client.get(f"/people/{alice.id}/certifications").get_data(as_text=True)
    assert "In training" in details


def test_manage_is_for_managers_in_reach(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, _, _, role, *_ = worker_setup
    sign_in(factory.user("Supervisor"))
    assert client.get(f"/people/{alice.id}/roles").status_code == 404
    assert client.post(f"/people/{alice.id}/roles", data={"csrf_token": csrf(), "role": role.id}).status_code == 404
    sign_in(alice)
    assert client.get(f"/people/{alice.id}/roles").status_code == 403


# ---- Record New Certification ---------------------------------------------------------------


def test_record_page_prefills_expiration_from_the_rules(client, sign_in, worker_setup):
    supervisor, alice, _, first_aid, *_ = worker_setup
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/record?certification={first_aid.id}").get_data(as_text=True)
    assert "Record New Certification for Alice Able" in page
    assert 'value="2027-06-15"' in page and "Expires 06/15/2027" in page and "Approve Certification" in page
    assert "data-confirm-no-attachment" in page
    preview = client.get(f"/people/{alice.id}/record/preview?certification={first_aid.id}&completed_on=06/01/2026",
                         headers=HX).get_data(as_text=True)
    assert "Expires 06/01/2027" in preview and "05/01/2027" in preview and "05/25/2027" in preview
    assert 'hx-swap-oob="outerHTML"' in preview and 'value="2027-06-01"' in preview
    assert 'min="1950-01-01"' in preview and 'max="2200-12-31"' in preview  # the same field as the form's


def test_record_approves_with_comment(client, sign_in, csrf, worker_setup):
    supervisor, alice, _, first_aid, *_ = worker_setup
    sign_in(supervisor)
    data = {"csrf_token": csrf(), "certification": first_aid.id, "completed_on": "2026-06-10",
            "expires_on": "2027-06-10", "links": "https://example.com/card", "comment": "Seen the card",
            "idempotency_key": "k1"}
    response = client.post(f"/people/{alice.id}/record", data=data)
    assert response.status_code == 302
    client.post(f"/people/{alice.id}/record", data=data)
    records = db.session.scalars(select(Submission).where(Submission.certification_id == first_aid.id,
                                                          Submission.status == "approved")).all()
    assert len(records) == 1
    record = records[0]
    assert record.expires_on == date(2027, 6, 10) and record.source == "supervisor"
    assert "set by" not in (record.expiration_explanation or "")
    assert [c.body for c in record.comments] == ["Seen the card"]


def test_record_bad_input_is_422(client, sign_in, csrf, worker_setup):
    supervisor, alice, _, first_aid, *_ = worker_setup
    sign_in(supervisor)
    before = db.session.scalar(select(func.count()).select_from(Submission))
    response = client.post(f"/people/{alice.id}/record", data={"csrf_token": csrf(), "certification": first_aid.id,
                                                               "completed_on": "not a date"})
    assert response.status_code == 422 and "Enter the date as MM/DD/YYYY." in response.get_data(as_text=True)
    nothing = client.post(f"/people/{alice.id}/record", data={"csrf_token": csrf(), "certification": 0,
                                                              "completed_on": "2026-06-01"})
    assert nothing.status_code == 422 and "Choose a certification." in nothing.get_data(as_text=True)
    link = client.post(f"/people/{alice.id}/record", data={"csrf_token": csrf(), "certification": first_aid.id,
                                                           "completed_on": "2026-06-01", "links": "javascript:alert(1)"})
    assert link.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Submission)) == before


def test_recording_a_certification_hidden_from_the_persons_level_says_so(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, _, first_aid, *_ = worker_setup
    first_aid.hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    sign_in(supervisor)
    before = db.session.scalar(select(func.count()).select_from(Submission))
    response = client.post(f"/people/{alice.id}/record", data={"csrf_token": csrf(), "certification": first_aid.id,
                                                               "completed_on": "2026-06-01", "idempotency_key": "h"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "You may not submit" not in page
    assert "First Aid is hidden from Alice Able&#39;s module level (Employee), so it cannot be recorded for them." in page
    assert db.session.scalar(select(func.count()).select_from(Submission)) == before


def test_record_is_404_out_of_reach(client, sign_in, csrf, factory, worker_setup):
    _, alice, _, first_aid, *_ = worker_setup
    sign_in(factory.user("Supervisor"))
    assert client.get(f"/people/{alice.id}/record").status_code == 404
    assert client.get(f"/people/{alice.id}/record/preview").status_code == 404


# ---- History and comments -------------------------------------------------------------------


def test_history_lists_records_and_comments_can_be_added_edited_deleted(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, forklift, _, _, record, _ = worker_setup
    factory.record(alice, forklift, date(2025, 1, 10), status="declined", decline_comment="Blurry")
    sign_in(supervisor)
    history = client.get(f"/people/{alice.id}/history/{forklift.id}", headers=HX).get_data(as_text=True)
    assert "Forklift: history for Alice Able" in history and "Completed 01/10/2026" in history
    assert "Declined" in history and "Blurry" in history
    added = client.post(f"/people/{alice.id}/records/{record.id}/comments", data={"csrf_token": csrf(), "body": "Card seen"},
                        headers=HX)
    assert "Comment added." in added.get_data(as_text=True) and "Card seen" in added.get_data(as_text=True)
    comment = db.session.scalar(select(Comment))
    assert comment.author_id == supervisor.id
    empty = client.post(f"/people/{alice.id}/records/{record.id}/comments", data={"csrf_token": csrf(), "body": ""}, headers=HX)
    assert empty.status_code == 422 and "Write the comment first." in empty.get_data(as_text=True)
    edited = client.post(f"/people/{alice.id}/comments/{comment.id}/edit", data={"csrf_token": csrf(), "body": "Card checked"},
                         headers=HX)
    assert "Card checked" in edited.get_data(as_text=True) and "(edited)" in edited.get_data(as_text=True)
    client.post(f"/people/{alice.id}/comments/{comment.id}/delete", data={"csrf_token": csrf()}, headers=HX)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_only_the_author_or_an_administrator_changes_a_comment(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, forklift, _, _, record, _ = worker_setup
    colleague = factory.user("Supervisor")
    alice.supervisors = [supervisor, colleague]
    db.session.commit()
    sign_in(supervisor)
    client.post(f"/people/{alice.id}/records/{record.id}/comments", data={"csrf_token": csrf(), "body": "Mine"}, headers=HX)
    comment = db.session.scalar(select(Comment))
    sign_in(colleague)
    page = client.get(f"/people/{alice.id}/history/{forklift.id}", headers=HX).get_data(as_text=True)
    assert "Mine" in page and "Save Comment" not in page
    assert client.post(f"/people/{alice.id}/comments/{comment.id}/edit", data={"csrf_token": csrf(), "body": "x"}).status_code == 403
    assert client.post(f"/people/{alice.id}/comments/{comment.id}/delete", data={"csrf_token": csrf()}).status_code == 403
    sign_in(factory.user("Administrator"))
    client.post(f"/people/{alice.id}/comments/{comment.id}/delete", data={"csrf_token": csrf()}, headers=HX)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_history_and_comments_are_404_out_of_reach(client, sign_in, csrf, factory, worker_setup):
    supervisor, alice, forklift, _, _, record, _ = worker_setup
    sign_in(factory.user("Supervisor"))
    assert client.get(f"/people/{alice.id}/history/{forklift.id}").status_code == 404
    assert client.post(f"/people/{alice.id}/records/{record.id}/comments",
                       data={"csrf_token": csrf(), "body": "x"}).status_code == 404
    other = factory.user(supervisors=[supervisor])
    sign_in(supervisor)
    # A record of someone else, reached through a user in reach: still 404.
    assert client.post(f"/people/{other.id}/records/{record.id}/comments",
                       data={"csrf_token": csrf(), "body": "x"}).status_code == 404


def test_history_page_without_htmx(client, sign_in, csrf, worker_setup):
    supervisor, alice, forklift, _, _, record, _ = worker_setup
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/history/{forklift.id}").get_data(as_text=True)
    assert "<h1>User: Alice Able Certifications</h1>" in page and "Add Comment" in page
    response = client.post(f"/people/{alice.id}/records/{record.id}/comments", data={"csrf_token": csrf(), "body": "Ok"})
    assert response.status_code == 302


# ---- Supervisor Report ----------------------------------------------------------------------


def test_supervisor_report_shows_supervised_people_and_pending(client, sign_in, factory, worker_setup):
    supervisor, alice, forklift, first_aid, *_ = worker_setup
    factory.user(first_name="Not", last_name="Mine")
    sign_in(supervisor)
    page = client.get("/people/supervisor-report").get_data(as_text=True)
    assert "Alice Able" in page and "Not Mine" not in page
    assert "Pending approval" in page and "Valid" in page
    assert f"/people/{alice.id}/record?certification={first_aid.id}" in page


def test_supervisor_report_loads_in_fixed_queries(client, sign_in, factory, count_queries, worker_setup):
    supervisor, alice, forklift, first_aid, role, *_ = worker_setup
    sign_in(supervisor)

    def queries():
        with count_queries() as statements:
            assert client.get("/people/supervisor-report").status_code == 200
        return len(statements)

    two = queries()
    for n in range(8):
        person = factory.user(supervisors=[supervisor], company=alice.company)
        factory.assign(person, role)
        factory.record(person, forklift, date(2026, 2, n + 1), status="pending")
    assert queries() == two


# ---- Edit Account Info ------------------------------------------------------------------------


def _account(user, **changes):
    data = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email,
            "username": user.username, "job_title": user.job_title or "", "company": user.company_id or 0,
            "supervisors": [s.id for s in user.supervisors], "active": "y"}
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def test_edit_account_info_from_the_users_menu(client, sign_in, csrf, factory, team):
    supervisor, alice, bob, acme = team
    other = factory.company(name="Other")
    sign_in(supervisor)
    assert f"/people/{alice.id}/account" in _page(client)
    page = client.get(f"/people/{alice.id}/account").get_data(as_text=True)
    assert 'value="Alice"' in page and "Only people who manage module levels can change them." in page
    response = client.post(f"/people/{alice.id}/account", data={"csrf_token": csrf(), **_account(
        alice, first_name="Alicia", email="ALICIA@example.test", company=other.id, job_title="Driver",
        supervisors=[supervisor.id, bob.id], module_levels=[factory.levels["Administrator"].id])})
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, alice.id)
    assert (changed.first_name, changed.email, changed.company_id, changed.job_title) == (
        "Alicia", "alicia@example.test", other.id, "Driver")
    assert {s.id for s in changed.supervisors} == {supervisor.id, bob.id}
    assert [level.name for level in changed.module_levels] == ["Employee"]  # a supervisor cannot grant levels
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.edit_account"))
    assert entry.before["first_name"] == "Alice" and entry.after["first_name"] == "Alicia"


def test_administrator_sets_module_levels_and_deactivates(client, sign_in, csrf, factory, team):
    _, alice, *_ = team
    admin = factory.user("Administrator")
    sign_in(admin)
    supervisor_level = factory.levels["Supervisor"]
    data = _account(alice, module_levels=[supervisor_level.id], active=None)
    assert client.post(f"/people/{alice.id}/account", data={"csrf_token": csrf(), **data}).status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, alice.id)
    assert [level.name for level in changed.module_levels] == ["Supervisor"] and not changed.active


@pytest.mark.parametrize("changes, message", [
    (lambda bob: {"first_name": ""}, "Enter the first name."),
    (lambda bob: {"email": "not-an-address"}, "Enter an e-mail address such as name@example.com."),
    (lambda bob: {"email": bob.email.upper()}, "Another user already has this e-mail address."),
    (lambda bob: {"username": "BOBBY"}, "Another user already has this username."),
    (lambda bob: {"company": 99999}, "Choose an existing company."),
    (lambda bob: {"supervisors": [99999]}, "Choose supervisors among the active users."),
    (lambda bob: {"username": "x" * 81}, "Field cannot be longer than 80 characters."),
    (lambda bob: {"last_name": "Smith\r\nBcc: all@example.test"}, "Write the last name on one line"),
])
def test_edit_account_bad_input_changes_nothing(client, sign_in, csrf, team, changes, message):
    supervisor, alice, bob, _ = team
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/account",
                           data={"csrf_token": csrf(), **_account(alice, **changes(bob))})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, alice.id).first_name == "Alice"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_edit_account_refuses_self_supervision_and_self_lockout(client, sign_in, csrf, factory, team):
    _, alice, *_ = team
    admin = factory.user("Administrator")
    sign_in(admin)
    response = client.post(f"/people/{alice.id}/account",
                           data={"csrf_token": csrf(), **_account(alice, supervisors=[alice.id])})
    assert response.status_code == 422 and "cannot supervise themselves" in response.get_data(as_text=True)
    own = _account(admin, active=None, module_levels=[factory.levels["Administrator"].id])
    response = client.post(f"/people/{admin.id}/account", data={"csrf_token": csrf(), **own})
    assert response.status_code == 422 and "You cannot deactivate your own account." in response.get_data(as_text=True)
    own = _account(admin, module_levels=[factory.levels["Employee"].id])
    response = client.post(f"/people/{admin.id}/account", data={"csrf_token": csrf(), **own})
    assert response.status_code == 422 and "own right to manage module levels" in response.get_data(as_text=True)


def test_edit_account_needs_the_permission_and_reach(client, sign_in, csrf, factory, team):
    supervisor, alice, bob, _ = team
    stranger = factory.user()
    sign_in(supervisor)
    assert client.get(f"/people/{stranger.id}/account").status_code == 404
    sign_in(alice)
    assert client.get(f"/people/{bob.id}/account").status_code == 403


def test_edit_account_page_loads_in_fixed_queries(client, sign_in, factory, count_queries, team):
    supervisor, alice, *_ = team
    sign_in(supervisor)

    def queries():
        with count_queries() as statements:
            assert client.get(f"/people/{alice.id}/account").status_code == 200
        return len(statements)

    two = queries()
    for _ in range(8):
        factory.user(supervisors=[supervisor], company=factory.company())
    assert queries() == two


def test_edit_account_offered_only_for_users_in_edit_reach(client, sign_in, factory, team):
    supervisor, alice, *_ = team
    level = ModuleLevel(name="Viewer")
    level.permissions = {"view_all_users", "edit_supervised_accounts"}
    db.session.add(level)
    viewer = factory.user()
    viewer.module_levels = [level]
    db.session.commit()
    sign_in(viewer)
    page = _page(client)
    assert "Alice Able" in page and f"/people/{alice.id}/account" not in page
    assert client.get(f"/people/{alice.id}/account").status_code == 404


# ---- Account takeover by e-mail change (ASVS 6.3.7, 7.5.1) -------------------------------------


def _reset_mails():
    db.session.expire_all()
    return db.session.scalars(select(Notice).where(Notice.kind == "password_reset")).all()


def _forgot(client, csrf, identifier):
    return client.post("/auth/forgot-password", data={"csrf_token": csrf(), "identifier": identifier})


def test_supervisor_changing_an_email_tells_the_old_address_and_holds_resets_for_a_day(
        client, sign_in, csrf, team, frozen_clock):
    supervisor, alice, *_ = team
    old_email, old_username = alice.email, alice.username
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/account", data={"csrf_token": csrf(), **_account(
        alice, email="taken-over@example.test", username="alice2")})
    assert response.status_code == 302
    [told] = db.session.scalars(select(Notice).where(Notice.kind == "account_changed")).all()
    assert told.recipient_email == old_email and told.recipient_user_id is None
    assert f"username: {old_username} is now alice2" in told.body_text
    assert f"e-mail address: {old_email} is now taken-over@example.test" in told.body_text
    assert "for the next 24 hours" in told.body_text
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert _forgot(client, csrf, "taken-over@example.test").status_code == 302
    assert _reset_mails() == []
    frozen_clock.shift(timedelta(hours=23, minutes=59))
    _forgot(client, csrf, "alice2")
    assert _reset_mails() == []
    frozen_clock.shift(timedelta(minutes=1))
    _forgot(client, csrf, "alice2")
    assert [mail.recipient_email for mail in _reset_mails()] == ["taken-over@example.test"]


def test_a_reset_link_made_before_the_change_is_refused_while_resets_are_held(
        client, sign_in, csrf, team, frozen_clock):
    supervisor, alice, *_ = team
    path = f"/auth/reset-password/{make_reset_token(alice)}"
    assert client.get(path).status_code == 200
    sign_in(supervisor)
    client.post(f"/people/{alice.id}/account", data={"csrf_token": csrf(), **_account(alice, email="new@example.test")})
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert client.get(path).status_code == 404


def test_supervisor_may_not_change_the_email_of_someone_with_more_permissions(
        client, sign_in, csrf, factory, team, frozen_clock):
    supervisor, *_ = team
    admin = factory.user("Administrator", supervisors=[supervisor], email="ada@example.test")
    sign_in(supervisor)
    response = client.post(f"/people/{admin.id}/account",
                           data={"csrf_token": csrf(), **_account(admin, email="sam-owns-this@example.test")})
    assert response.status_code == 422
    assert "Only someone with every permission this person has may change their e-mail address." in (
        response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(User, admin.id).email == "ada@example.test"
    assert db.session.scalars(select(Notice)).all() == []
    renamed = client.post(f"/people/{admin.id}/account",
                          data={"csrf_token": csrf(), **_account(admin, first_name="Adelaide")})
    assert renamed.status_code == 302  # the rest of the account info stays editable


def test_administrator_changing_an_email_does_not_hold_resets(client, sign_in, csrf, factory, team, frozen_clock):
    _, alice, *_ = team
    old_email = alice.email
    sign_in(factory.user("Administrator"))
    client.post(f"/people/{alice.id}/account", data={"csrf_token": csrf(), **_account(alice, email="new@example.test")})
    [told] = db.session.scalars(select(Notice).where(Notice.kind == "account_changed")).all()
    assert told.recipient_email == old_email and "24 hours" not in told.body_text
    client.post("/auth/logout", data={"csrf_token": csrf()})
    _forgot(client, csrf, "new@example.test")
    assert [mail.recipient_email for mail in _reset_mails()] == ["new@example.test"]
