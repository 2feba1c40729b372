"""Asset, client and job location records in and out (issue 21, decision 109): inspections and registrations move in
with their history, on the associations they name (added when missing, revoked when the rows say so); every bad
row is explained and nothing is half-imported; an export imports back unchanged."""
from datetime import date, datetime, timezone

from sqlalchemy import delete, select

from webapp.extensions import db
from webapp.models import Entity, EntityRecord, EntityRequirement
from webapp.services.entities import association_line
from webapp.services.entity_import import RECORD_HEADERS
from tests.web.test_entity_import import errors_of
from tests.web.test_record_import import confirm, upload

DAY = date(2026, 6, 15)
ARCHIVED = datetime(2026, 6, 1, tzinfo=timezone.utc)
HEADER = ",".join(RECORD_HEADERS)


def records() -> set[tuple]:
    """Every entity record with its association's revocation."""
    return {(r.requirement.entity.identifier, r.requirement.certification.name, r.completed_on, r.expires_on, r.notes,
             r.requirement.revoked_reason) for r in db.session.scalars(select(EntityRecord))}


def statuses() -> dict[tuple[str, str], str]:
    return {(r.entity.identifier, r.certification.name): association_line(r, DAY).status.status.value
            for r in db.session.scalars(select(EntityRequirement))}


def test_records_come_in_on_their_associations_added_and_revoked_as_the_rows_say(frozen_clock, client, csrf, factory,
                                                                                 sign_in):
    admin = sign_in(factory.user("Administrator", username="ada"))
    inspection = factory.yearly_certification(name="Annual Inspection", type="asset")
    factory.yearly_certification(name="Registration", type="asset")
    factory.yearly_certification(name="Certificate of Insurance", type="client")
    forklift = factory.entity("asset", name="Forklift", identifier="FL-01")
    factory.entity("client", name="Harbor Authority", identifier="CL-100")
    held = factory.associate(forklift, inspection)
    factory.entity_record(held, date(2024, 7, 1))
    response = upload(client, csrf, f"{HEADER}\r\n"
                                    "asset,fl-01,annual inspection,07/01/2024,,,,\r\n"
                                    "Asset,FL-01,Annual Inspection,2025-06-20,,Recorded,,No defects\r\n"
                                    "Asset,FL-01,Registration,01/10/2025,Never,Revoked,Sold,\r\n"
                                    "Asset,FL-01,Registration,01/10/2024,01/10/2025,revoked,Sold,\r\n"
                                    "Client,CL-100,Certificate of Insurance,03/01/2026,,,,\r\n",
                    kind="entity-records", filename="entity-records.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert "Asset Forklift (FL-01): Annual Inspection, completed 06/20/2025" in page and "expires 06/20/2026" in page
    assert "Requires Registration, revoked" in page and "Requires Certificate of Insurance" in page
    assert "never expires" in page
    job, _ = confirm(client, csrf)
    assert job.state == "imported", job.preview["error_rows"]
    assert (job.preview["create"], job.preview["unchanged"]) == (4, 1)
    assert records() == {
        ("FL-01", "Annual Inspection", date(2024, 7, 1), date(2025, 7, 1), None, None),
        ("FL-01", "Annual Inspection", date(2025, 6, 20), date(2026, 6, 20), "No defects", None),
        ("FL-01", "Registration", date(2024, 1, 10), date(2025, 1, 10), None, "Sold"),
        ("FL-01", "Registration", date(2025, 1, 10), None, None, "Sold"),
        ("CL-100", "Certificate of Insurance", date(2026, 3, 1), date(2027, 3, 1), None, None),
    }
    assert statuses() == {("FL-01", "Annual Inspection"): "overdue", ("FL-01", "Registration"): "revoked",
                          ("CL-100", "Certificate of Insurance"): "valid"}
    added = db.session.scalars(select(EntityRequirement).where(EntityRequirement.id != held.id)).all()
    assert {(r.added_by_id, r.revoked_by_id) for r in added} == {(admin.id, admin.id), (admin.id, None)}
    imported = db.session.scalars(select(EntityRecord).where(EntityRecord.recorded_by_id == admin.id)).all()
    assert len(imported) == 4
    assert "as imported" in next(r.expiration_explanation for r in imported if r.completed_on == date(2024, 1, 10))


def test_bad_entity_record_rows_are_explained_and_nothing_is_imported(frozen_clock, client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    inspection = factory.yearly_certification(name="Annual Inspection", type="asset")
    registration = factory.yearly_certification(name="Registration", type="asset")
    factory.yearly_certification(name="First Aid")
    forklift = factory.entity("asset", name="Forklift", identifier="FL-01")
    factory.entity("asset", name="Crane", identifier="CR-1", archived_at=ARCHIVED)
    factory.associate(forklift, inspection)
    factory.associate(forklift, registration, revoked_reason="Sold")
    before = records(), statuses()
    upload(client, csrf, f"{HEADER}\n"
                         "Machine,FL-01,Annual Inspection,07/01/2025,,,,\n"
                         "Asset,,Annual Inspection,07/01/2025,,,,\n"
                         "Asset,XX-9,Annual Inspection,07/01/2025,,,,\n"
                         "Asset,CR-1,Annual Inspection,07/01/2025,,,,\n"
                         "Asset,FL-01,First Aid,07/01/2025,,,,\n"
                         "Asset,FL-01,Annual Inspection,,06/01/2025,Approved,Because,\n"
                         "Asset,FL-01,Annual Inspection,07/01/2025,06/01/2025,Revoked,Broken,\n"
                         "Asset,FL-01,Registration,07/01/2025,,,,\n"
                         "Client,FL-01,Annual Inspection,07/01/2025,,,,\n"
                         "Asset,FL-01,Annual Inspection,08/01/2025,06/01/2025,,,\n"
                         "Asset,FL-01,Annual Inspection,08/01/2025,,,,\n", kind="entity-records")
    job, response = confirm(client, csrf)
    messages = errors_of(job)
    assert messages[(2, "Kind")] == "Write Asset, Client or Job Location, not Machine."
    assert messages[(3, "Entity Identifier")] == "Enter the asset's identifier."
    assert messages[(4, "Entity Identifier")] == "There is no asset with the identifier XX-9."
    assert "is archived: restore it on its page first" in messages[(5, "Entity Identifier")]
    assert messages[(6, "Certification")] == "First Aid is held by people, not by assets."
    assert messages[(7, "Completion Date")] == "Enter the completion date."
    assert messages[(7, "Status")].startswith("'Approved' is not a status a record can be imported with")
    assert messages[(8, "Status")] == ("Annual Inspection is not revoked for this asset: an import does not revoke it "
                                       "(revoke it on its page, with its reason).")
    assert messages[(9, "Status")] == "Registration is revoked for this asset: an import does not restore it."
    assert messages[(10, "Entity Identifier")] == "There is no client with the identifier FL-01."
    assert messages[(11, "Expiration Date")] == "06/01/2025 is before the completion date 08/01/2025."
    assert messages[(12, "Completion Date")] == "This record is in the file twice (also row 11)."
    assert response.status_code == 409 and job.state == "checked" and (records(), statuses()) == before


def test_the_rows_of_an_association_the_import_adds_agree_on_its_revocation(frozen_clock, client, csrf, factory,
                                                                            sign_in):
    sign_in(factory.user("Administrator"))
    factory.yearly_certification(name="Registration", type="asset")
    factory.entity("asset", name="Forklift", identifier="FL-01")
    upload(client, csrf, f"{HEADER}\n"
                         "Asset,FL-01,Registration,07/01/2023,,Revoked,Sold,\n"
                         "Asset,FL-01,Registration,07/01/2024,,Revoked,Scrapped,\n"
                         "Asset,FL-01,Registration,07/01/2025,,,,\n"
                         f"Asset,FL-01,Registration,07/01/2022,,Revoked,{'r' * 1001},\n", kind="entity-records")
    job, _ = confirm(client, csrf)
    messages = errors_of(job)
    assert messages[(3, "Status")] == messages[(4, "Status")] == (
        "Row 2 gives this asset's Registration another status or revocation reason: the records of one association "
        "are all revoked, for one reason, or none is.")
    assert messages[(5, "Revocation Reason")] == "Keep the reason to 1000 characters."
    assert job.state == "checked" and records() == set() and statuses() == {}


def test_the_entity_records_export_imports_back_unchanged_and_moves_them_into_an_empty_one(frozen_clock, client, csrf,
                                                                                           factory, sign_in):
    sign_in(factory.user("Administrator"))
    inspection = factory.yearly_certification(name="Annual Inspection", type="asset")
    registration = factory.yearly_certification(name="Registration", type="asset")
    secret = factory.yearly_certification(name="Secret Audit", type="client")
    secret.hidden_from_levels = [factory.levels["Administrator"]]
    forklift = factory.entity("asset", name="Forklift", identifier="FL-01")
    held = factory.associate(forklift, inspection)
    factory.entity_record(held, date(2025, 6, 1), notes="Line one\nline two")
    factory.entity_record(held, date(2026, 6, 1), expires_on=None)
    factory.entity_record(factory.associate(forklift, registration, revoked_reason="Sold"), date(2025, 1, 10))
    factory.entity_record(factory.associate(factory.entity("client", identifier="CL-1"), secret), date(2026, 1, 1))
    old = factory.entity("asset", identifier="X-1", archived_at=ARCHIVED)
    factory.entity_record(factory.associate(old, inspection), date(2026, 1, 1))
    exported = client.get("/data/entity-records/export.csv").get_data(as_text=True)
    assert exported.splitlines()[:2] == ["\ufeff" + HEADER, 'Asset,FL-01,Annual Inspection,06/01/2025,06/01/2026,'
                                                            'Recorded,,"Line one']
    assert "Asset,FL-01,Annual Inspection,06/01/2026,Never,Recorded,," in exported
    assert "Asset,FL-01,Registration,01/10/2025,01/10/2026,Revoked,Sold," in exported
    assert "Secret Audit" not in exported and "X-1" not in exported
    upload(client, csrf, exported, kind="entity-records")
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and (job.preview["create"], job.preview["unchanged"]) == (0, 3)
    # Into an empty instance (the entities, without their associations): the same records and statuses.
    before = {record for record in records() if record[0] == "FL-01"}
    statuses_before = {key: status for key, status in statuses().items() if key[0] == "FL-01"}
    db.session.execute(delete(EntityRecord))
    db.session.execute(delete(EntityRequirement))
    db.session.commit()
    upload(client, csrf, exported, kind="entity-records")
    job, _ = confirm(client, csrf)
    assert job.state == "imported", job.preview["error_rows"]
    assert records() == before and statuses() == statuses_before
    assert statuses_before == {("FL-01", "Annual Inspection"): "valid", ("FL-01", "Registration"): "revoked"}
    workbook = client.get("/data/entity-records/export.xlsx")
    assert workbook.status_code == 200 and workbook.data.startswith(b"PK\x03\x04")
    template = client.get("/data/entity-records/template.csv").get_data(as_text=True)
    assert template.splitlines()[0] == "\ufeff" + HEADER


def test_the_upload_page_offers_the_entity_records_to_who_manages_certifications(client, factory, sign_in):
    sign_in(factory.user("Administrator"))
    index = client.get("/data/").get_data(as_text=True)
    assert "Asset, Client and Job Location Records" in index and "/data/entity-records/import" in index
    page = client.get("/data/entity-records/import").get_data(as_text=True)
    assert "Entity Identifier" in page and "Revoked says the association is revoked" in page
    assert db.session.scalar(select(Entity.id)) is None
