"""Assets, clients and job locations (issue 21, decisions 65-72): managing them, associating them with
certifications of their type (add several, revoke, remove), their statuses, records with files, and an
asset's public status page."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    AuditEntry,
    Certification,
    DirectRequirement,
    Entity,
    EntityAttachment,
    EntityRecord,
    EntityRequirement,
    RoleRequirement,
)
from webapp.services.demo import ENTITIES, load_demo_organisation
from webapp.services.entities import entity_lines, get_entity

PDF = b"%PDF-1.4 inspection report"
KINDS = (("asset", "assets", "Asset"), ("client", "clients", "Client"), ("location", "job-locations", "Job Location"))


@pytest.fixture
def admin(factory):
    return factory.user("Administrator", last_name="Admin")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_administrator_adds_an_asset_and_finds_it_by_identifier(frozen_clock, client, sign_in, csrf, admin, factory):
    owner = factory.user(last_name="Owner")
    sign_in(admin)
    response = client.post("/assets/new", data={"csrf_token": csrf(), "name": "Tower Crane", "identifier": "CR-01",
                                                "description": "Liebherr 132 EC-H", "tags": "lifting, site A",
                                                "owner_id": str(owner.id)})
    crane = db.session.scalar(select(Entity).where(Entity.identifier == "CR-01"))
    assert response.status_code == 302 and response.location == f"/assets/{crane.id}"
    assert (crane.kind, crane.name, crane.owner_id, [t.name for t in crane.tags]) == ("asset", "Tower Crane", owner.id,
                                                                                      ["lifting", "site A"])
    page = client.get("/assets/?q=cr-0").get_data(as_text=True)
    assert "Tower Crane" in page and "Owner" in page
    assert "Tower Crane" not in client.get("/assets/?q=forklift").get_data(as_text=True)
    assert "Tower Crane" not in client.get("/clients/").get_data(as_text=True)


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "identifier": "X-1"}, "name", "Enter the asset&#39;s name."),
    ({"name": "Forklift", "identifier": " "}, "identifier", "Enter the identifier"),
    ({"name": "Forklift", "identifier": "cr-01"}, "identifier", "Another asset already has this identifier."),
    ({"name": "Forklift", "identifier": "F\tL"}, "identifier", "on one line"),
    ({"name": "Forklift", "identifier": "FL-1", "owner_id": "999999"}, "owner_id", "Choose the responsible user"),
])
def test_a_bad_asset_is_refused_with_a_message_and_nothing_saved(frozen_clock, client, sign_in, csrf, admin, factory,
                                                                 data, field, message):
    factory.entity("asset", name="Tower Crane", identifier="CR-01")
    sign_in(admin)
    response = client.post("/assets/new", data={"csrf_token": csrf(), **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(Entity) == 1


def test_the_same_identifier_may_name_an_asset_and_a_client(frozen_clock, client, sign_in, csrf, admin, factory):
    factory.entity("asset", identifier="ACME-1")
    sign_in(admin)
    response = client.post("/clients/new", data={"csrf_token": csrf(), "name": "Acme", "identifier": "ACME-1"})
    assert response.status_code == 302 and _count(Entity) == 2


def test_editing_and_archiving_an_entity(frozen_clock, client, sign_in, csrf, admin, factory):
    site = factory.entity("location", name="Depot", identifier="JL-1")
    sign_in(admin)
    assert client.post(f"/job-locations/{site.id}/edit", data={"csrf_token": csrf(), "name": "North Depot",
                                                               "identifier": "JL-1"}).status_code == 302
    assert client.post(f"/job-locations/{site.id}/archive", data={"csrf_token": csrf()}).status_code == 302
    db.session.expire_all()
    assert site.name == "North Depot" and site.archived_at is not None
    assert "North Depot</a>" not in client.get("/job-locations/").get_data(as_text=True)
    assert "North Depot</a>" in client.get("/job-locations/?archived=1").get_data(as_text=True)
    # A client's URL does not open a job location.
    assert client.get(f"/clients/{site.id}").status_code == 404


@pytest.mark.parametrize("kind, slug, label", KINDS)
def test_add_revoke_and_remove_associations_of_each_kind(frozen_clock, client, sign_in, csrf, admin, factory,
                                                         kind, slug, label):
    certification = factory.yearly_certification(name=f"{label} Inspection", type=kind)
    first, second = factory.entity(kind, name="First"), factory.entity(kind, name="Second")
    other_kind = factory.entity("asset" if kind != "asset" else "client", name="Elsewhere")
    sign_in(admin)
    add_page = client.get(f"/certifications/{certification.id}/entities/add").get_data(as_text=True)
    assert "First" in add_page and "Second" in add_page and "Elsewhere" not in add_page
    # Nothing chosen, or another kind's entity: refused, nothing added.
    assert client.post(f"/certifications/{certification.id}/entities/add", data={"csrf_token": csrf()}).status_code == 422
    refused = client.post(f"/certifications/{certification.id}/entities/add",
                          data={"csrf_token": csrf(), "entity_id": [str(first.id), str(other_kind.id)]})
    assert refused.status_code == 422 and "from the list" in refused.get_data(as_text=True)
    assert _count(EntityRequirement) == 0

    added = client.post(f"/certifications/{certification.id}/entities/add",
                        data={"csrf_token": csrf(), "entity_id": [str(first.id), str(second.id)]})
    assert added.status_code == 302
    tab = client.get(f"/certifications/{certification.id}/entities").get_data(as_text=True)
    assert tab.count("status status-missing") == 2 and f">{label}s<" in tab
    assert "First" not in client.get(f"/certifications/{certification.id}/entities/add").get_data(as_text=True)

    first_link, second_link = (db.session.scalar(select(EntityRequirement).where(EntityRequirement.entity_id == e.id))
                               for e in (first, second))
    factory.entity_record(first_link, date(2026, 1, 10))
    no_reason = client.post(f"/certifications/{certification.id}/entities/{first_link.id}/revoke",
                            data={"csrf_token": csrf(), "reason": "  "})
    assert no_reason.status_code == 422 and "documented reason" in no_reason.get_data(as_text=True)
    assert client.post(f"/certifications/{certification.id}/entities/{first_link.id}/revoke",
                       data={"csrf_token": csrf(), "reason": "Sold to another company"}).status_code == 302
    db.session.expire_all()
    assert first_link.revoked_reason == "Sold to another company" and len(first_link.records) == 1
    revoked = client.get(f"/certifications/{certification.id}/entities?status=revoked").get_data(as_text=True)
    assert "First" in revoked and "Sold to another company" in revoked and "Second" not in revoked
    assert "Revoked" in client.get(f"/{slug}/{first.id}").get_data(as_text=True)

    confirm = client.get(f"/certifications/{certification.id}/entities/{first_link.id}/remove").get_data(as_text=True)
    assert "cannot be undone" in confirm and "1 record" in confirm
    assert client.post(f"/certifications/{certification.id}/entities/{first_link.id}/remove",
                       data={"csrf_token": csrf()}).status_code == 302
    assert _count(EntityRecord) == 0
    assert [r.entity_id for r in db.session.scalars(select(EntityRequirement))] == [second.id]
    assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "entity_requirement.remove")) == (
        f"Removed {label} Inspection from First with 1 records")
    assert second_link.id


def test_statuses_of_associations_follow_the_rules(frozen_clock, client, sign_in, admin, factory):
    """06/15/2026; yearly, 1st notice 1 month, 2nd notice 1 week."""
    inspection = factory.yearly_certification(name="Annual Inspection", type="asset")
    cases = {"Valid": date(2026, 1, 10), "Due": date(2025, 7, 10), "Overdue": date(2025, 6, 20),
             "Expired": date(2025, 6, 1), "Upcoming": date(2026, 7, 1), "Nothing on File": None}
    for label, completed_on in cases.items():
        link = factory.associate(factory.entity("asset", name=f"Crane {label}"), inspection)
        if completed_on:
            factory.entity_record(link, completed_on)
    factory.associate(factory.entity("asset", name="Crane Revoked"), inspection, revoked_reason="Scrapped")
    sign_in(admin)
    for key, shown in (("valid", {"Valid"}), ("expires_soon", {"Due", "Overdue"}), ("expired", {"Expired"}),
                       ("missing", {"Nothing on File"}), ("upcoming", {"Upcoming"}), ("revoked", {"Revoked"})):
        page = client.get(f"/certifications/{inspection.id}/entities?status={key}").get_data(as_text=True)
        assert {label for label in (*cases, "Revoked") if f"Crane {label}<" in page} == shown, key
    every = client.get(f"/certifications/{inspection.id}/entities?status=nonsense").get_data(as_text=True)
    assert sum(f"Crane {label}</a>" in every for label in (*cases, "Revoked")) == 7


def test_recording_for_an_entity_computes_the_expiration_and_keeps_the_files(frozen_clock, client, sign_in, csrf,
                                                                             admin, factory):
    owner, stranger = factory.user(last_name="Owner"), factory.user(last_name="Stranger")
    forklift = factory.entity("asset", name="Forklift", owner=owner)
    link = factory.associate(forklift, factory.yearly_certification(name="LOLER Thorough Examination", type="asset"))
    sign_in(admin)
    url = f"/assets/{forklift.id}/requirements/{link.id}/record"
    assert client.post(url, data={"csrf_token": csrf(), "completed_on": "06/01/2026", "expires_on": "05/01/2026"}
                       ).status_code == 422
    bad_file = client.post(url, data={"csrf_token": csrf(), "completed_on": "06/01/2026",
                                      "files": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")})
    assert bad_file.status_code == 422 and "not a type we accept" in bad_file.get_data(as_text=True)
    assert _count(EntityRecord) == 0
    response = client.post(url, data={"csrf_token": csrf(), "completed_on": "06/01/2026", "notes": "Forks OK",
                                      "files": (io.BytesIO(PDF), "report.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    record = db.session.scalar(select(EntityRecord))
    assert (record.completed_on, record.expires_on, record.notes) == (date(2026, 6, 1), date(2027, 6, 1), "Forks OK")
    page = client.get(f"/assets/{forklift.id}").get_data(as_text=True)
    assert "Valid" in page and "06/01/2027" in page and "report.pdf" in page
    attachment = db.session.scalar(select(EntityAttachment))
    assert client.get(f"/entity-files/{attachment.id}").data == PDF
    sign_in(owner)
    assert client.get(f"/assets/{forklift.id}").status_code == 200
    assert client.get(f"/entity-files/{attachment.id}").status_code == 200
    assert client.get(f"/assets/{forklift.id}/edit").status_code == 403
    sign_in(stranger)
    assert client.get(f"/assets/{forklift.id}").status_code == 404
    assert client.get(f"/entity-files/{attachment.id}").status_code == 404


def test_a_revoked_association_takes_no_record(frozen_clock, client, sign_in, csrf, admin, factory):
    crane = factory.entity("asset")
    link = factory.associate(crane, factory.yearly_certification(type="asset"), revoked_reason="Scrapped")
    sign_in(admin)
    response = client.post(f"/assets/{crane.id}/requirements/{link.id}/record",
                           data={"csrf_token": csrf(), "completed_on": "06/01/2026"})
    assert response.status_code == 422 and "revoked" in response.get_data(as_text=True)
    assert _count(EntityRecord) == 0


def test_a_certifications_type_is_chosen_at_creation_and_fixed_once_in_use(frozen_clock, client, sign_in, csrf, admin,
                                                                           factory):
    sign_in(admin)
    client.post("/certifications/new", data={"csrf_token": csrf(), "name": "Site Induction", "type": "location",
                                             "never_expires": "y", "activity_type": "none"})
    induction = db.session.scalar(select(Certification).where(Certification.name == "Site Induction"))
    assert induction.type == "location"
    assert "Job Location" in client.get(f"/certifications/{induction.id}").get_data(as_text=True)
    assert "disabled" not in _type_select(client.get(f"/certifications/{induction.id}/edit").get_data(as_text=True))
    factory.associate(factory.entity("location"), induction)
    form = client.get(f"/certifications/{induction.id}/edit").get_data(as_text=True)
    assert "disabled" in _type_select(form) and "Fixed: this certification already has" in form
    refused = client.post(f"/certifications/{induction.id}/edit", data={"csrf_token": csrf(), "name": "Site Induction",
                                                                      "type": "asset", "never_expires": "y",
                                                                      "activity_type": "none"})
    assert refused.status_code == 422 and "The type cannot change" in refused.get_data(as_text=True)
    kept = client.post(f"/certifications/{induction.id}/edit", data={"csrf_token": csrf(), "name": "Site Induction 2",
                                                                   "never_expires": "y", "activity_type": "none"})
    db.session.expire_all()
    assert kept.status_code == 302 and (induction.name, induction.type) == ("Site Induction 2", "location")


def _type_select(page: str) -> str:
    return re.search(r'<select[^>]*id="type"[^>]*>', page).group(0)


def test_an_employee_certification_has_no_entities_tab(frozen_clock, client, sign_in, admin, factory):
    certification = factory.yearly_certification()
    sign_in(admin)
    assert client.get(f"/certifications/{certification.id}/entities").status_code == 404
    assert "Associated Users" in client.get(f"/certifications/{certification.id}").get_data(as_text=True)


def test_entity_pages_load_in_fixed_queries(frozen_clock, client, sign_in, admin, factory, count_queries):
    inspection = factory.yearly_certification(name="Inspection", type="asset")
    crane = factory.entity("asset", name="Crane", owner=admin)

    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    def grow(n):
        for _ in range(n):
            entity = factory.entity("asset", owner=factory.user())
            entity.tags = []
            link = factory.associate(entity, inspection)
            factory.entity_record(link, date(2026, 1, 5))
            own = factory.associate(crane, factory.yearly_certification(type="asset"))
            record = factory.entity_record(own, date(2026, 2, 1))
            record.attachments = []
            db.session.commit()

    sign_in(admin)
    grow(2)
    urls = (f"/assets/{crane.id}", "/assets/", f"/certifications/{inspection.id}/entities")
    two = [queries(url) for url in urls]
    grow(10)
    assert [queries(url) for url in urls] == two


def test_an_assets_qr_code_opens_its_verdict_without_signing_in(frozen_clock, client, sign_in, csrf, admin, factory):
    crane = factory.entity("asset", name="Tower Crane", identifier="CR-01")
    factory.entity_record(factory.associate(crane, factory.yearly_certification(name="LOLER", type="asset")),
                          date(2026, 1, 10))
    page = client.get(f"/a/{crane.qr_token}").get_data(as_text=True)
    assert "In service" in page and "Tower Crane" in page and "LOLER" in page
    factory.associate(crane, factory.yearly_certification(name="Load Test", type="asset"))
    page = client.get(f"/a/{crane.qr_token}").get_data(as_text=True)
    assert "Out of service" in page and "Load Test" in page and "nothing on file" in page
    old = crane.qr_token
    sign_in(admin)
    assert client.post(f"/assets/{crane.id}/qr/reset", data={"csrf_token": csrf()}).status_code == 302
    assert client.get(f"/a/{old}").status_code == 404
    assert client.get(f"/assets/{crane.id}/qr.png").mimetype == "image/png"


def test_the_demo_organisation_has_assets_clients_and_job_locations_in_every_status(app_context, frozen_clock):
    load_demo_organisation(date(2026, 6, 15))
    seen = set()
    for (kind, _name, identifier, _description), statuses in ENTITIES.items():
        entity = get_entity(db.session.scalar(select(Entity.id).where(Entity.identifier == identifier)), kind)
        lines = entity_lines(entity, date(2026, 6, 15))
        assert {line.requirement.certification.name: line.status.status.value for line in lines} == statuses
        seen |= {(kind, status) for status in statuses.values()}
    every = {"valid", "due", "overdue", "expired", "missing", "upcoming", "revoked"}
    assert {status for kind, status in seen if kind == "asset"} == every
    assert {kind for kind, _ in seen} == {"asset", "client", "location"}


def test_the_responsible_user_finds_their_entities_on_the_home_page(frozen_clock, client, sign_in, factory):
    owner = factory.user(last_name="Owner")
    site = factory.entity("location", name="Rail Depot", identifier="JL-03", owner=owner)
    factory.entity("asset", name="Someone else's crane")
    sign_in(owner)
    page = client.get("/").get_data(as_text=True)
    assert f'href="/job-locations/{site.id}"' in page and "JL-03, Job Location" in page
    assert "Someone else" not in page
    sign_in(factory.user())
    assert "You are responsible for" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["asset", "client", "location"])
def test_an_entitys_certification_is_never_required_of_people(frozen_clock, client, sign_in, csrf, admin, factory,
                                                               kind):
    inspection = factory.yearly_certification(name="Crane Inspection", type=kind)
    forklift = factory.yearly_certification(name="Forklift")
    role = factory.role(forklift, companies=[factory.company()])
    person = factory.user(first_name="Alice", last_name="Able")
    sign_in(admin)
    assert "Crane Inspection" not in client.get(f"/roles/{role.id}/certifications").get_data(as_text=True)
    assert "Crane Inspection" not in client.get(f"/people/{person.id}/roles").get_data(as_text=True)
    refused = client.post(f"/roles/{role.id}/certifications",
                          data={"csrf_token": csrf(), "certification_id": [str(forklift.id), str(inspection.id)]})
    assert refused.status_code == 422
    assert "Crane Inspection is held by assets, clients or job locations" in refused.get_data(as_text=True)
    forged = client.post(f"/people/{person.id}/direct", data={"csrf_token": csrf(), "certification": inspection.id})
    assert forged.status_code == 422
    db.session.expire_all()
    assert set(db.session.scalars(select(RoleRequirement.certification_id))) == {forklift.id}
    assert _count(DirectRequirement) == 0


def test_a_revoked_association_is_restored_after_a_confirmation_keeping_its_history(frozen_clock, client, sign_in,
                                                                                     csrf, admin, factory):
    """Decision 95: Restore on the tab, a confirmation, the audit trail keeps the revocation, the filter follows."""
    inspection = factory.yearly_certification(name="Annual Inspection", type="asset")
    crane = factory.entity("asset", name="Tower Crane")
    link = factory.associate(crane, inspection, revoked_reason="Scrapped")
    factory.entity_record(link, date(2026, 1, 10))
    sign_in(admin)
    tab = client.get(f"/certifications/{inspection.id}/entities?status=revoked").get_data(as_text=True)
    url = f"/certifications/{inspection.id}/entities/{link.id}/restore"
    assert "Tower Crane" in tab and url in tab
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Are you sure?" in confirm.get_data(as_text=True)
    assert "Scrapped" in confirm.get_data(as_text=True)
    assert client.post(url, data={}).status_code == 400  # no CSRF token: nothing restored
    db.session.expire_all()
    assert link.is_revoked
    assert client.post(url, data={"csrf_token": csrf()}).status_code == 302
    db.session.expire_all()
    assert not link.is_revoked and link.revoked_reason is None and len(link.records) == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "entity_requirement.restore"))
    assert entry.before["revoked_reason"] == "Scrapped" and "Scrapped" in entry.summary
    assert "Tower Crane</a>" not in client.get(f"/certifications/{inspection.id}/entities?status=revoked").get_data(as_text=True)
    valid = client.get(f"/certifications/{inspection.id}/entities?status=valid").get_data(as_text=True)
    assert "Tower Crane" in valid and f"/entities/{link.id}/revoke" in valid
    # Restoring one that is not revoked: refused, said why.
    again = client.post(url, data={"csrf_token": csrf()})
    assert again.status_code == 422 and "is not revoked" in again.get_data(as_text=True)
    assert client.get(url).status_code == 409
    # A revoked association can be revoked again once restored, and recorded on meanwhile.
    assert client.post(f"/assets/{crane.id}/requirements/{link.id}/record",
                       data={"csrf_token": csrf(), "completed_on": "06/01/2026"}).status_code == 302
