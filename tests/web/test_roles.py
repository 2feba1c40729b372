"""Roles page: table, create and define, users (edit and candidates), required certifications, delete."""
from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    AuditEntry, Certification, CertificationRole, CompanyRole, ModuleLevel, RoleAssignment, RoleRequirement,
)
from webapp.permissions import Permission


@pytest.fixture
def admin(factory, sign_in):
    return sign_in(factory.user("Administrator"))


def _page(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/roles/", "/roles/new", "/roles/{id}", "/roles/{id}/define", "/roles/{id}/users",
                                  "/roles/{id}/certifications", "/roles/{id}/delete"])
def test_supervisor_cannot_reach_role_pages(client, factory, sign_in, path):
    role = factory.role()
    sign_in(factory.user("Supervisor"))
    assert client.get(path.format(id=role.id)).status_code == 403


def test_unknown_role_is_404(client, admin):
    assert client.get("/roles/999").status_code == 404


def test_roles_in_alphabetical_order_with_user_counts(client, admin, factory):
    zeta = factory.role(name="Zeta")
    factory.role(name="alpha")
    factory.assign(factory.user(), zeta)
    page = _page(client.get("/roles/"))
    assert page.index("alpha") < page.index("Zeta")
    assert "View/Edit (1)" in page and "View/Edit (0)" in page


def test_table_in_fixed_queries(client, admin, factory, count_queries):
    def count():
        with count_queries() as queries:
            client.get("/roles/")
        return len(queries)

    factory.role(), factory.role()
    two = count()
    for _ in range(8):
        factory.role()
    assert count() == two


def test_create_requires_a_unique_name(client, csrf, admin, factory):
    factory.role(name="Driver")
    assert "Enter the role name." in _page(client.post("/roles/new", data={"csrf_token": csrf(), "name": ""}))
    response = client.post("/roles/new", data={"csrf_token": csrf(), "name": "driver"})
    assert response.status_code == 422 and "Another role already has this name." in _page(response)


@pytest.mark.parametrize(("field", "message"), [("certification_ids", "There is no certification with the id 999999"),
                                               ("hidden_level_ids", "There is no module level with the id 999999")])
def test_define_refuses_unknown_ids(client, csrf, admin, factory, field, message):
    role = factory.role(name="Driver", description="Drives")
    response = client.post(f"/roles/{role.id}/define", data={
        "csrf_token": csrf(), "name": "Lifter", "description": "Lifts", field: ["999999"],
        "competency_duration_unit": "years", "competency_lead_time_unit": "months",
    })
    assert response.status_code == 422 and message in _page(response)
    db.session.expire_all()
    assert db.session.get(CertificationRole, role.id).name == "Driver"


def test_create_then_define_then_edit_users(client, csrf, admin, factory):
    company = factory.company(name="Acme")
    certification = factory.certification(name="Forklift")
    response = client.post("/roles/new", data={"csrf_token": csrf(), "name": "Driver"})
    role = db.session.scalar(select(CertificationRole))
    assert response.location.endswith(f"/roles/{role.id}/define?new=1")
    response = client.post(f"/roles/{role.id}/define?new=1", data={
        "csrf_token": csrf(), "name": "Driver", "description": "Drives", "tags": "Yard",
        "certification_ids": [str(certification.id)], "competency_duration_unit": "years", "competency_lead_time_unit": "months",
    })
    assert response.status_code == 302 and response.location.endswith(f"/roles/{role.id}/users")
    # A role that applied to no company is applied to every company, with its certifications.
    assert db.session.scalar(select(CompanyRole)).company_id == company.id
    assert db.session.scalar(select(RoleRequirement)).certification_id == certification.id
    worker = factory.user(company=company)
    assert client.post(f"/roles/{role.id}/users", data={"csrf_token": csrf(), "user_id": [str(worker.id)]}).status_code == 302
    assert db.session.scalar(select(RoleAssignment)).user_id == worker.id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role.users")).after == {"user_ids": [worker.id]}


def test_competency_lead_time_must_be_shorter_than_duration(client, csrf, admin, factory):
    role = factory.role(name="Driver")
    response = client.post(f"/roles/{role.id}/define", data={
        "csrf_token": csrf(), "name": "Driver", "require_competency": "y", "competency_expires": "y",
        "competency_duration_amount": "1", "competency_duration_unit": "months",
        "competency_lead_time_amount": "2", "competency_lead_time_unit": "months",
    })
    assert response.status_code == 422 and "must be shorter than the duration" in _page(response)


def test_competency_expiry_requires_duration(client, csrf, admin, factory):
    role = factory.role(name="Driver")
    response = client.post(f"/roles/{role.id}/define", data={
        "csrf_token": csrf(), "name": "Driver", "require_competency": "y", "competency_expires": "y",
        "competency_duration_unit": "years", "competency_lead_time_unit": "months",
    })
    assert response.status_code == 422 and "Enter the duration role competency is valid." in _page(response)


def test_edit_users_only_touches_people_in_reach(client, csrf, factory, sign_in):
    level = ModuleLevel(name="Role keeper")
    level.permissions = {Permission.MANAGE_ROLES, Permission.MANAGE_SUPERVISED_REQUIREMENTS}
    db.session.add(level)
    manager = factory.user()
    manager.module_levels = [level]
    db.session.commit()
    team_member = factory.user(supervisors=[manager], first_name="In", last_name="Team")
    outsider = factory.user(first_name="Out", last_name="Sider")
    role = factory.role(name="Driver")
    factory.assign(outsider, role)
    sign_in(manager)
    page = _page(client.get(f"/roles/{role.id}/users"))
    assert "Team, In" in page and "Sider, Out" not in page
    forged = client.post(f"/roles/{role.id}/users",
                         data={"csrf_token": csrf(), "user_id": [str(team_member.id), str(outsider.id), "999999"]})
    assert forged.status_code == 422 and "not among the people you manage" in _page(forged)
    assert {a.user_id for a in db.session.scalars(select(RoleAssignment))} == {outsider.id}
    client.post(f"/roles/{role.id}/users", data={"csrf_token": csrf(), "user_id": [str(team_member.id)]})
    assert {a.user_id for a in db.session.scalars(select(RoleAssignment))} == {team_member.id, outsider.id}
    client.post(f"/roles/{role.id}/users", data={"csrf_token": csrf()})
    assert {a.user_id for a in db.session.scalars(select(RoleAssignment))} == {outsider.id}
    assert client.post(f"/roles/{role.id}/users/add", data={"csrf_token": csrf(), "user_id": str(outsider.id)}).status_code == 404


def test_candidate_users_and_add_user(frozen_clock, client, csrf, admin, factory):
    company = factory.company()
    certification = factory.yearly_certification(name="Forklift")
    role = factory.role(certification, companies=[company], name="Driver")
    valid = factory.user(company=company, first_name="Val", last_name="Id")
    factory.require(valid, certification)
    factory.record(valid, certification, date(2026, 5, 1))
    factory.user(company=company, first_name="No", last_name="Record")
    page = _page(client.get(f"/roles/{role.id}"))
    candidates = page[page.index("Candidate Users"):]
    assert "Id, Val" in candidates and "Record, No" not in candidates
    response = client.post(f"/roles/{role.id}/users/add", data={"csrf_token": csrf(), "user_id": str(valid.id)})
    assert response.status_code == 302
    page = _page(client.get(f"/roles/{role.id}"))
    assert "status-valid" in page[:page.index("Candidate Users")]


def test_add_unknown_user_is_404(client, csrf, admin, factory):
    role = factory.role()
    assert client.post(f"/roles/{role.id}/users/add", data={"csrf_token": csrf(), "user_id": "999"}).status_code == 404


def test_edit_required_certifications(client, csrf, admin, factory):
    company = factory.company()
    first, second = factory.certification(), factory.certification()
    role = factory.role(first, companies=[company])
    client.post(f"/roles/{role.id}/certifications", data={"csrf_token": csrf(), "certification_id": [str(second.id)]})
    assert {r.certification_id for r in db.session.scalars(select(RoleRequirement))} == {second.id}


def test_edit_required_certifications_refuses_an_unknown_id(client, csrf, admin, factory):
    company = factory.company()
    first, second = factory.certification(), factory.certification()
    role = factory.role(first, companies=[company])
    response = client.post(f"/roles/{role.id}/certifications",
                           data={"csrf_token": csrf(), "certification_id": [str(second.id), "999999"]})
    assert response.status_code == 422
    assert "There is no certification with the id 999999" in response.get_data(as_text=True)
    assert {r.certification_id for r in db.session.scalars(select(RoleRequirement))} == {first.id}


def test_delete_of_a_role_nobody_holds_removes_requirements_not_certifications(client, csrf, admin, factory):
    company = factory.company()
    certification = factory.certification()
    role = factory.role(certification, companies=[company])
    assert "are not deleted" in _page(client.get(f"/roles/{role.id}/delete"))
    assert client.post(f"/roles/{role.id}/delete", data={"csrf_token": csrf()}).status_code == 302
    assert db.session.scalar(select(CertificationRole)) is None
    assert db.session.scalar(select(RoleRequirement)) is None and db.session.scalar(select(RoleAssignment)) is None
    assert db.session.get(Certification, certification.id)


def test_custom_competency_certificate_file(client, csrf, admin, factory):
    role = factory.role(name="Driver")
    base = {"csrf_token": csrf(), "name": "Driver", "require_competency": "y", "competency_certificate": "custom",
            "competency_duration_unit": "years", "competency_lead_time_unit": "months"}
    response = client.post(f"/roles/{role.id}/define", data=base)
    assert response.status_code == 422 and "Choose the custom certificate file." in _page(response)
    response = client.post(f"/roles/{role.id}/define", content_type="multipart/form-data",
                           data={**base, "competency_file": (BytesIO(b"%PDF-1.4 worksheet"), "worksheet.pdf")})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CertificationRole, role.id).competency_certificate_file_id is not None
    assert "Keep the existing custom certificate" in _page(client.get(f"/roles/{role.id}/define"))
    client.post(f"/roles/{role.id}/define", data={**base, "competency_certificate": "default"})
    db.session.expire_all()
    assert db.session.get(CertificationRole, role.id).competency_certificate_file_id is None


def test_role_users_tab_in_fixed_queries(frozen_clock, client, admin, factory, count_queries):
    company = factory.company()
    certification = factory.yearly_certification()
    role = factory.role(certification, companies=[company])

    def count():
        with count_queries() as queries:
            client.get(f"/roles/{role.id}")
        return len(queries)

    for _ in range(2):
        factory.assign(factory.user(company=company), role)
    two = count()
    for _ in range(8):
        factory.assign(factory.user(company=company), role)
    assert count() == two
