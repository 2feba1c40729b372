"""Bulk work on a certification's Associated Users: tick people, then e-mail them, set Not Applicable,
defer, or record one completion for all. All or nothing; refusals name the people."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, ModuleLevel, Notice, RequirementSetting, Submission
from webapp.permissions import Permission
from webapp.services.approvals import approve_submission


@pytest.fixture
def crew(factory):
    """A yearly certification three people must hold directly."""
    certification = factory.yearly_certification(name="Forklift")
    people = [factory.user(first_name=name, last_name="Crew") for name in ("Ann", "Bob", "Cat")]
    for person in people:
        factory.require(person, certification)
    return certification, people


def _post(client, csrf, certification, action, people, **fields):
    return client.post(f"/certifications/{certification.id}/users/{action}",
                       data={"csrf_token": csrf(), "user_id": [p.id for p in people], **fields})


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_associated_users_offers_ticks_select_all_and_the_actions(client, factory, sign_in, crew):
    certification, people = crew
    sign_in(factory.user("Administrator"))
    page = client.get(f"/certifications/{certification.id}?tab=users").get_data(as_text=True)
    assert page.count('name="user_id"') == 3 and 'data-select-all="user_id"' in page
    for button in ("E-mail Selected", "Set Not Applicable", "Defer Selected", "Record Completion for Selected"):
        assert button in page
    assert "<script>" not in page


def test_email_selected_mails_each_ticked_person_once(client, csrf, factory, sign_in, crew):
    certification, people = crew
    sign_in(factory.user("Administrator"))
    response = _post(client, csrf, certification, "email", people[:2], message="Renew before July.")
    assert response.status_code == 302
    notices = db.session.scalars(select(Notice).where(Notice.kind == "notify")).all()
    assert sorted(n.recipient_user_id for n in notices) == sorted(p.id for p in people[:2])
    assert all("Renew before July." in n.body_text and "Forklift" in n.subject for n in notices)


def test_not_applicable_and_defer_apply_to_every_ticked_person(frozen_clock, client, csrf, factory, sign_in, crew):
    certification, people = crew
    sign_in(factory.user("Administrator"))
    assert _post(client, csrf, certification, "not-applicable", people[:2]).status_code == 302
    assert _post(client, csrf, certification, "defer", people[2:], deferred_until="08/01/2026",
                 notes="On leave").status_code == 302
    states = {s.user_id: (s.state, s.deferred_until, s.notes) for s in db.session.scalars(select(RequirementSetting))}
    assert states == {people[0].id: ("not_applicable", None, None), people[1].id: ("not_applicable", None, None),
                      people[2].id: ("deferred", date(2026, 8, 1), "On leave")}
    assert _count(AuditEntry) == 3


def test_record_completion_for_selected_stores_one_approved_record_each(frozen_clock, client, csrf, factory, sign_in, crew):
    certification, people = crew
    sign_in(factory.user("Administrator"))
    response = _post(client, csrf, certification, "record", people, completed_on="06/10/2026")
    assert response.status_code == 302
    records = db.session.scalars(select(Submission)).all()
    assert sorted(r.user_id for r in records) == sorted(p.id for p in people)
    assert {(r.status, r.completed_on, r.expires_on) for r in records} == {("approved", date(2026, 6, 10), date(2027, 6, 10))}
    page = client.get(f"/certifications/{certification.id}?tab=users").get_data(as_text=True)
    assert "Recorded the completion for" in page and page.count("status-valid") == 3


@pytest.fixture
def keeper(factory):
    """Manages every requirement and certification, but defers, records and mails only for people supervised."""
    level = ModuleLevel(name="Certification keeper")
    level.permissions = {Permission.MANAGE_CERTIFICATIONS, Permission.MANAGE_ALL_REQUIREMENTS,
                         Permission.DEFER_SUPERVISED, Permission.RECORD_FOR_SUPERVISED,
                         Permission.VIEW_SUPERVISED_USERS}
    db.session.add(level)
    person = factory.user()
    person.module_levels = [level]
    db.session.commit()
    return person


@pytest.mark.parametrize("action, fields", [
    ("email", {}), ("not-applicable", {}), ("defer", {"deferred_until": "08/01/2026"}),
    ("record", {"completed_on": "06/10/2026"}),
])
def test_people_out_of_reach_are_refused_by_name_and_nothing_is_done(frozen_clock, client, csrf, factory, sign_in,
                                                                     crew, keeper, action, fields):
    certification, people = crew
    people[0].supervisors = [keeper]
    db.session.commit()
    sign_in(keeper)
    response = _post(client, csrf, certification, action, people, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bob Crew, Cat Crew" in page and "Ann Crew" not in page.split("role=\"alert\"")[1].split("</div>")[0]
    assert 'value="{}" id="person-{}" checked'.format(people[1].id, people[1].id) in page  # the ticks are kept
    assert (_count(Notice), _count(RequirementSetting), _count(Submission), _count(AuditEntry)) == (0, 0, 0, 0)


def test_a_locked_requirement_is_refused_by_name_to_whoever_may_not_lift_it(frozen_clock, client, csrf, factory,
                                                                            sign_in, crew, keeper):
    certification, people = crew
    for person in people:
        person.supervisors = [keeper]
    db.session.commit()
    factory.setting(people[1], certification, "required")
    sign_in(keeper)
    response = _post(client, csrf, certification, "not-applicable", people)
    assert response.status_code == 422
    assert "cannot be deferred for Bob Crew" in response.get_data(as_text=True)
    assert [s.state for s in db.session.scalars(select(RequirementSetting))] == ["required"]


@pytest.mark.parametrize("action, fields, message", [
    ("defer", {}, "A valid date is required"),
    ("defer", {"deferred_until": "06/01/2026"}, "must end after today"),
    ("defer", {"deferred_until": "junk"}, "MM/DD/YYYY"),
    ("record", {}, "Enter the completion date"),
    ("record", {"completed_on": "07/10/2026"}, "cannot be after today"),
    ("email", {"message": "x" * 2001}, "2000"),
])
def test_bad_input_changes_nothing(frozen_clock, client, csrf, factory, sign_in, crew, action, fields, message):
    certification, people = crew
    sign_in(factory.user("Administrator"))
    response = _post(client, csrf, certification, action, people, **fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert (_count(Notice), _count(RequirementSetting), _count(Submission), _count(AuditEntry)) == (0, 0, 0, 0)


def test_no_one_ticked_or_someone_gone_is_refused(client, csrf, factory, sign_in, crew):
    certification, people = crew
    stranger = factory.user()  # exists, but need not hold the certification: counted, not named
    sign_in(factory.user("Administrator"))
    nobody = _post(client, csrf, certification, "email", [])
    assert nobody.status_code == 422 and "Select at least one person" in nobody.get_data(as_text=True)
    gone = _post(client, csrf, certification, "email", [people[0], stranger])
    page = gone.get_data(as_text=True)
    assert gone.status_code == 422 and "1 of the selected people no longer must hold Forklift" in page
    assert stranger.full_name not in page and _count(Notice) == 0


def test_without_csrf_nothing_is_done(client, factory, sign_in, crew):
    certification, people = crew
    sign_in(factory.user("Administrator"))
    response = client.post(f"/certifications/{certification.id}/users/email", data={"user_id": [people[0].id]})
    assert response.status_code in (400, 422) and _count(Notice) == 0


# --- Pending Approvals: filters and Approve Selected ---

@pytest.fixture
def waiting(factory, frozen_clock):
    """A supervisor and four pending submissions of two people at two companies, submitted on two days."""
    supervisor = factory.user("Supervisor")
    north, south = factory.company(name="North"), factory.company(name="South")
    ann = factory.user(supervisors=[supervisor], company=north, first_name="Ann", last_name="Lee")
    bob = factory.user(supervisors=[supervisor], company=south, first_name="Bob", last_name="Ray")
    forklift, crane = factory.yearly_certification(name="Forklift"), factory.yearly_certification(name="Crane")
    early, late = datetime(2026, 6, 2, 23, 30, tzinfo=UTC), datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
    submissions = {
        (person.first_name, certification.name): factory.record(person, certification, date(2026, 6, 1),
                                                                status="pending", submitted_at=when)
        for person, certification, when in ((ann, forklift, early), (ann, crane, late), (bob, forklift, late),
                                            (bob, crane, early))
    }
    return supervisor, ann, bob, forklift, north, submissions


def _rows(page: str) -> int:
    return page.count('name="submission_id"')


@pytest.mark.parametrize("query, expected", [
    ("", 4), ("person={ann}", 2), ("certification={forklift}", 2), ("company={north}", 2),
    ("person={ann}&certification={forklift}", 1), ("submitted_from=06/03/2026", 2), ("submitted_to=06/02/2026", 2),
    ("submitted_from=06/02/2026&submitted_to=06/02/2026", 2), ("submitted_from=06/11/2026", 0),
    ("person=999999", 4),  # an unknown option is no filter, never an error
])
def test_pending_approvals_filters(client, sign_in, waiting, query, expected):
    supervisor, ann, bob, forklift, north, _ = waiting
    sign_in(supervisor)
    response = client.get("/submissions/pending?" + query.format(ann=ann.id, forklift=forklift.id, north=north.id))
    assert response.status_code == 200 and _rows(response.get_data(as_text=True)) == expected


def test_a_bad_date_filter_says_so(client, sign_in, waiting):
    sign_in(waiting[0])
    page = client.get("/submissions/pending?submitted_from=13/45/2026").get_data(as_text=True)
    assert 'id="submitted_from-error"' in page and _rows(page) == 4


def test_approve_selected_approves_the_ticked_and_names_what_it_could_not(client, csrf, sign_in, factory, waiting):
    supervisor, ann, bob, forklift, north, submissions = waiting
    chosen = [submissions["Ann", "Forklift"], submissions["Bob", "Crane"], submissions["Ann", "Crane"]]
    approve_submission(chosen[2], factory.user("Administrator"))  # someone else was quicker
    sign_in(supervisor)
    response = client.post(f"/submissions/pending/approve-selected?person={ann.id}",
                           data={"csrf_token": csrf(), "submission_id": [s.id for s in chosen]})
    assert response.status_code == 302 and response.location.endswith(f"/submissions/pending?person={ann.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Approved 2 certifications." in page
    assert "Crane for Ann Lee, completed 06/01/2026: someone else approved it first." in page
    statuses = {key: db.session.get(Submission, s.id).status for key, s in submissions.items()}
    assert statuses == {("Ann", "Forklift"): "approved", ("Ann", "Crane"): "approved",
                        ("Bob", "Forklift"): "pending", ("Bob", "Crane"): "approved"}


def test_approve_selected_never_approves_out_of_reach(client, csrf, sign_in, factory, waiting):
    supervisor, *_ = waiting
    stranger = factory.user()
    theirs = factory.record(stranger, waiting[3], date(2026, 6, 1), status="pending")
    sign_in(supervisor)
    response = client.post("/submissions/pending/approve-selected",
                           data={"csrf_token": csrf(), "submission_id": [theirs.id]}, follow_redirects=True)
    assert "1 other selected submission" in response.get_data(as_text=True)
    assert db.session.get(Submission, theirs.id).status == "pending"


def test_approve_selected_with_nothing_ticked_changes_nothing(client, csrf, sign_in, waiting):
    sign_in(waiting[0])
    response = client.post("/submissions/pending/approve-selected", data={"csrf_token": csrf()})
    assert response.status_code == 422 and "Select at least one" in response.get_data(as_text=True)
    assert {s.status for s in db.session.scalars(select(Submission))} == {"pending"}


# --- Users: role, status and inactive filters ---

def test_users_page_filters_by_role_status_and_inactive(frozen_clock, client, sign_in, factory):
    admin = sign_in(factory.user("Administrator", first_name="Ada", last_name="Admin"))
    forklift = factory.yearly_certification(name="Forklift")
    company = factory.company()
    driver = factory.role(forklift, companies=[company], name="Driver")
    ann = factory.user(company=company, first_name="Ann", last_name="Valid")
    bob = factory.user(company=company, first_name="Bob", last_name="Missing")
    cat = factory.user(company=company, first_name="Cat", last_name="Gone", active=False)
    for person in (ann, bob, cat):
        factory.assign(person, driver)
    factory.record(ann, forklift, date(2026, 1, 10))

    def names(query: str) -> set[str]:
        page = client.get("/people/?" + query).get_data(as_text=True)
        return {p.last_name for p in (admin, ann, bob, cat) if f"{p.first_name} {p.last_name}</a>" in page}

    assert names("") == {"Admin", "Valid", "Missing"}
    assert names(f"role={driver.id}") == {"Valid", "Missing"}
    assert names("status=missing") == {"Missing"}
    assert names(f"role={driver.id}&status=valid") == {"Valid"}
    assert names("status=expired") == set()
    assert names("inactive=y") == {"Gone"}
    assert names(f"inactive=y&role={driver.id}&status=missing") == {"Gone"}
    assert "Any role" in client.get("/people/").get_data(as_text=True)


def test_users_status_filter_in_fixed_queries(frozen_clock, client, sign_in, factory, count_queries):
    sign_in(factory.user("Administrator"))
    forklift = factory.yearly_certification(name="Forklift")

    def count(people: int) -> int:
        for _ in range(people):
            factory.require(factory.user(), forklift)
        with count_queries() as queries:
            client.get("/people/?status=missing")
        return len(queries)

    assert count(2) == count(10)


def test_email_selected_counts_each_person_against_the_hand_mail_allowance(app, client, csrf, factory, sign_in, crew,
                                                                           monkeypatch):
    certification, people = crew
    monkeypatch.setitem(app.config, "MAIL_RECIPIENTS_LIMIT_PER_USER", "4 per hour")
    sign_in(factory.user("Administrator"))
    assert _post(client, csrf, certification, "email", people).status_code == 302  # 3 of 4
    assert _post(client, csrf, certification, "email", people).status_code == 429  # 3 more: over
    assert _count(Notice) == 3
