"""Bulk work on a certification's Associated Users: tick people, then e-mail them, set Not Applicable,
defer, or record one completion for all. All or nothing; refusals name the people."""
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, ModuleLevel, Notice, RequirementSetting, Submission
from webapp.permissions import Permission


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
