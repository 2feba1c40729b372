"""Archive instead of erase: a certification with records is archived, restorable, and erased only on purpose
(issue 19, part 2; decision 55)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    AuditEntry, Certification, CertificationRole, DirectRequirement, ModuleLevel, RoleAssignment, Submission, User,
)
from webapp.services.compliance import load_user_requirements

DAY = date(2026, 6, 15)


@pytest.fixture
def archived_setup(factory, frozen_clock):
    """(administrator, worker, forklift required by the Driver role and directly, the worker's record)."""
    admin = factory.user("Administrator", first_name="Ada", last_name="Admin")
    company = factory.company(name="Acme")
    worker = factory.user(first_name="Wanda", last_name="Worker", company=company)
    forklift = factory.yearly_certification(name="Forklift")
    driver = factory.role(forklift, companies=[company], name="Driver")
    factory.assign(worker, driver)
    factory.require(worker, forklift)
    record = factory.record(worker, forklift, date(2026, 1, 10))
    return admin, worker, forklift, record


def _required(worker) -> list[str]:
    return [r.certification.name for r in load_user_requirements(worker, DAY)]


def _archive(client, csrf, forklift):
    return client.post(f"/certifications/{forklift.id}/delete", data={"csrf_token": csrf()})


def test_deleting_a_certification_with_records_archives_it_with_its_history(client, sign_in, csrf, archived_setup):
    admin, worker, forklift, record = archived_setup
    sign_in(admin)
    page = client.get(f"/certifications/{forklift.id}/delete").get_data(as_text=True)
    assert "Forklift has 1 record, so it is archived, not deleted" in page and "Archive Certification" in page
    assert _archive(client, csrf, forklift).status_code == 302
    db.session.refresh(forklift)
    assert forklift.archived_at is not None and db.session.get(Submission, record.id) is not None
    assert "Forklift" not in _required(worker)
    assert f'"/certifications/{forklift.id}"' not in client.get("/certifications/").get_data(as_text=True)
    assert f"/certifications/{forklift.id}" in client.get("/certifications/?archived=1").get_data(as_text=True)
    assert "Forklift" not in client.get("/reports/matrix").get_data(as_text=True)
    assert "Forklift" not in client.get(f"/people/{worker.id}/record").get_data(as_text=True)
    history = client.get(f"/people/{worker.id}/history/{forklift.id}").get_data(as_text=True)
    assert "Completed 01/10/2026" in history
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certification.archive"))
    assert entry.actor_id == admin.id and entry.certification_id == forklift.id


def test_an_archived_certification_cannot_be_submitted(app, client, sign_in, csrf, archived_setup):
    admin, worker, forklift, _ = archived_setup
    sign_in(admin)
    _archive(client, csrf, forklift)
    response = client.post(f"/people/{worker.id}/record", data={
        "csrf_token": csrf(), "certification": forklift.id, "completed_on": "2026-06-10", "idempotency_key": "k"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_restoring_brings_back_the_requirements_as_they_were(client, sign_in, csrf, archived_setup):
    admin, worker, forklift, _ = archived_setup
    sign_in(admin)
    _archive(client, csrf, forklift)
    assert "Restore</button>" in client.get(f"/certifications/{forklift.id}").get_data(as_text=True)
    response = client.post(f"/certifications/{forklift.id}/restore", data={"csrf_token": csrf()})
    assert response.status_code == 302
    db.session.refresh(forklift)
    assert forklift.archived_at is None and _required(worker) == ["Forklift"]
    requirement = load_user_requirements(worker, DAY)[0]
    assert requirement.sources.direct and [role.role_name for role in requirement.sources.roles] == ["Driver"]
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "certification.restore"))
    again = client.post(f"/certifications/{forklift.id}/restore", data={"csrf_token": csrf()}, follow_redirects=True)
    assert "Forklift is not archived." in again.get_data(as_text=True)


def test_erasing_needs_the_typed_name_and_an_administrator(client, sign_in, csrf, factory, archived_setup):
    admin, worker, forklift, record = archived_setup
    sign_in(admin)
    assert client.get(f"/certifications/{forklift.id}/erase").status_code == 404  # not archived yet
    _archive(client, csrf, forklift)
    keeper = factory.user()
    level = ModuleLevel(name="Certification keeper")
    level.permissions = {"manage_certifications"}
    db.session.add(level)
    keeper.module_levels = [level]
    db.session.commit()
    sign_in(keeper)
    assert client.get(f"/certifications/{forklift.id}/erase").status_code == 403
    sign_in(admin)
    wrong = client.post(f"/certifications/{forklift.id}/erase", data={"csrf_token": csrf(), "confirm_name": "forklift"})
    assert wrong.status_code == 422 and "Type the certification&#39;s name, Forklift, exactly" in wrong.get_data(as_text=True)
    assert db.session.get(Certification, forklift.id) is not None
    erased = client.post(f"/certifications/{forklift.id}/erase", data={"csrf_token": csrf(), "confirm_name": "Forklift"})
    assert erased.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    assert db.session.scalar(select(func.count()).select_from(Certification)) == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certification.erase"))
    assert entry.actor_id == admin.id and entry.before["name"] == "Forklift"
    assert "Erased certification Forklift and its 1 records" in client.get("/audit/").get_data(as_text=True)


def test_deleting_a_role_with_users_archives_it_and_it_requires_nothing_until_restored(
        client, sign_in, csrf, archived_setup):
    admin, worker, forklift, _ = archived_setup
    role = db.session.scalar(select(CertificationRole).where(CertificationRole.name == "Driver"))
    db.session.delete(db.session.get(DirectRequirement, (worker.id, forklift.id)))
    db.session.commit()
    sign_in(admin)
    page = client.get(f"/roles/{role.id}/delete").get_data(as_text=True)
    assert "Driver is assigned to 1 user, so it is archived, not deleted" in page
    assert client.post(f"/roles/{role.id}/delete", data={"csrf_token": csrf()}).status_code == 302
    assert _required(worker) == [] and db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 1
    assert f"/roles/{role.id}" not in client.get("/roles/").get_data(as_text=True)
    assert f"/roles/{role.id}" in client.get("/roles/?archived=1").get_data(as_text=True)
    assert "Driver" not in client.get(f"/people/{worker.id}/manage").get_data(as_text=True).split("Assign a role")[-1]
    assert client.post(f"/roles/{role.id}/restore", data={"csrf_token": csrf()}).status_code == 302
    assert _required(worker) == ["Forklift"]
    assert [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "CertificationRole")
                                                 .order_by(AuditEntry.id))] == ["role.archive", "role.restore"]


def test_an_archived_role_is_erased_with_its_typed_name(client, sign_in, csrf, archived_setup):
    admin, worker, _, _ = archived_setup
    role = db.session.scalar(select(CertificationRole).where(CertificationRole.name == "Driver"))
    sign_in(admin)
    client.post(f"/roles/{role.id}/delete", data={"csrf_token": csrf()})
    assert client.post(f"/roles/{role.id}/erase", data={"csrf_token": csrf(), "confirm_name": "Drive"}).status_code == 422
    assert client.post(f"/roles/{role.id}/erase", data={"csrf_token": csrf(), "confirm_name": "Driver"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CertificationRole)) == 0
    assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "role.erase")) == (
        "Erased role Driver and its 1 assignments")


def test_deleting_a_company_with_people_archives_it_and_keeps_them(client, sign_in, csrf, archived_setup):
    admin, worker, forklift, _ = archived_setup
    company = worker.company
    db.session.delete(db.session.get(DirectRequirement, (worker.id, forklift.id)))
    db.session.commit()
    sign_in(admin)
    assert "Acme has 1 member, so it is archived" in client.get(f"/companies/{company.id}/delete").get_data(as_text=True)
    assert client.post(f"/companies/{company.id}/delete", data={"csrf_token": csrf()}).status_code == 302
    db.session.refresh(company)
    assert company.archived_at is not None and db.session.get(User, worker.id).company_id == company.id
    assert _required(worker) == []  # its roles require nothing while it is archived
    assert f"/companies/{company.id}" not in client.get("/companies/").get_data(as_text=True)
    # The person's own archived company stays on their form, so it still saves.
    assert f'selected value="{company.id}"' in client.get(f"/people/{worker.id}/account").get_data(as_text=True)
    assert client.post(f"/companies/{company.id}/restore", data={"csrf_token": csrf()}).status_code == 302
    assert _required(worker) == ["Forklift"]
    client.post(f"/companies/{company.id}/delete", data={"csrf_token": csrf()})
    assert client.post(f"/companies/{company.id}/erase", data={"csrf_token": csrf(), "confirm_name": "Acme"}).status_code == 302
    assert db.session.get(User, worker.id).company_id is None
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "company.erase"))
