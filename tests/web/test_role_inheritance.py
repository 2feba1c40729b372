"""Requirements inherited from a role are marked "From role" and are not removed from one person (decision 79)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, DirectRequirement

HX = {"HX-Request": "true"}


@pytest.fixture
def crew(factory, frozen_clock):
    acme = factory.company(name="Acme")
    administrator = factory.user("Administrator", first_name="Ada", last_name="Admin")
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    alice = factory.user(supervisors=[supervisor], first_name="Alice", last_name="Able", company=acme)
    forklift = factory.yearly_certification(name="Forklift")
    first_aid = factory.yearly_certification(name="First Aid")
    driving = factory.yearly_certification(name="Defensive Driving")
    driver = factory.role(forklift, first_aid, companies=[acme], name="Driver")
    factory.assign(alice, driver)
    factory.require(alice, first_aid)  # both from the role and directly
    factory.require(alice, driving)  # directly only
    factory.record(alice, forklift, date(2026, 1, 10))
    return administrator, supervisor, alice, forklift, first_aid, driving


def _audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_details_page_marks_requirements_from_a_role(client, sign_in, crew):
    _, supervisor, alice, *_ = crew
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/certifications").get_data(as_text=True)
    assert page.count("From role: Driver") == 3  # Forklift; First Aid, outstanding and in the full list
    assert "#role" in page and f'href="/people/{alice.id}/roles"' in page and "Change roles" in page


def test_person_requirements_editor_offers_no_remove_for_inherited(client, sign_in, crew):
    _, supervisor, alice, *_ = crew
    sign_in(supervisor)
    page = client.get(f"/people/{alice.id}/roles").get_data(as_text=True)
    section = page.split('id="direct-title"')[1]
    inherited = section.split('id="inherited-title"')[1]
    assert "Forklift" in inherited and "From role: Driver" in inherited and "Remove" not in inherited
    assert "change the roles above" in section
    direct = section.split('id="inherited-title"')[0]
    assert "Remove<span class=\"visually-hidden\"> Defensive Driving" in direct
    assert "Remove<span class=\"visually-hidden\"> First Aid" in direct
    assert "leaves it required through the role" in direct


def test_a_direct_post_removing_an_inherited_requirement_is_refused(client, sign_in, csrf, crew):
    _, supervisor, alice, forklift, *_ = crew
    sign_in(supervisor)
    before = _audit_count()
    for headers in ({}, HX):
        response = client.post(f"/people/{alice.id}/direct/{forklift.id}/remove", data={"csrf_token": csrf()},
                               headers=headers)
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert "Forklift is required of Alice Able by the role Driver" in text
        assert "Change Alice Able&#39;s roles" in text
    assert _audit_count() == before
    page = client.get(f"/people/{alice.id}/certifications").get_data(as_text=True)
    assert "Forklift" in page


def test_removing_a_certification_not_required_at_all_is_refused(client, sign_in, csrf, factory, crew):
    _, supervisor, alice, *_ = crew
    other = factory.yearly_certification(name="Crane")
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/direct/{other.id}/remove", data={"csrf_token": csrf()}, headers=HX)
    assert response.status_code == 422
    assert "Crane is not an Other Required Certification of Alice Able" in response.get_data(as_text=True)
    assert client.post(f"/people/{alice.id}/direct/999999/remove", data={"csrf_token": csrf()}).status_code == 404


def test_both_inherited_and_direct_removes_the_direct_assignment_only(client, sign_in, csrf, crew):
    _, supervisor, alice, _, first_aid, _ = crew
    sign_in(supervisor)
    response = client.post(f"/people/{alice.id}/direct/{first_aid.id}/remove", data={"csrf_token": csrf()},
                           headers=HX)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(DirectRequirement, (alice.id, first_aid.id)) is None
    page = client.get(f"/people/{alice.id}/certifications").get_data(as_text=True)
    assert page.count("From role: Driver") == 3 and "Other Required Certification" in page
    assert "First Aid" in page


def test_associated_users_and_assigned_users_mark_the_role(client, sign_in, crew):
    administrator, _, alice, forklift, first_aid, driving = crew
    sign_in(administrator)
    tab = client.get(f"/certifications/{forklift.id}?tab=users").get_data(as_text=True)
    assert "From role: Driver" in tab and f'href="/people/{alice.id}/roles"' in tab
    direct_only = client.get(f"/certifications/{driving.id}?tab=users").get_data(as_text=True)
    assert "From role" not in direct_only and "Other Required Certification" in direct_only
    assigned = client.get(f"/certifications/{first_aid.id}/users").get_data(as_text=True)
    assert "From role: Driver" in assigned
