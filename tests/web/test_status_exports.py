"""Export All (a row per requirement, its status today) and Export Instances (a row per certification event),
the HSE documents' exports: export only, the exporter's reach and privacy applied, read in chunks."""
import csv
import io
from datetime import date

from sqlalchemy import insert

from webapp.extensions import db
from webapp.models import ModuleLevel, Submission
from webapp.permissions import Permission, SUPERVISOR_PERMISSIONS
from webapp.services import status_exports


def rows(client, url):
    return list(csv.reader(io.StringIO(client.get(url).get_data(as_text=True).removeprefix("\ufeff"))))


def _exporting_supervisor(sam):
    """`sam`, a supervisor who may also use Import and Export."""
    level = ModuleLevel(name="Supervisor with exports")
    level.permissions = SUPERVISOR_PERMISSIONS | {Permission.IMPORT_EXPORT}
    sam.module_levels = [level]
    db.session.commit()
    return sam


def test_export_all_gives_each_requirement_with_the_status_the_rules_give(frozen_clock, client, factory, sign_in):
    sign_in(factory.user("Administrator"))
    first_aid, h2s = factory.yearly_certification(name="First Aid"), factory.yearly_certification(name="H2S")
    secret = factory.yearly_certification(name="Secret")
    secret.hidden_from_levels = [factory.levels["Administrator"]]
    company = factory.company(name="Acme")
    role = factory.role(first_aid, h2s, secret, name="Welder", companies=[company])
    emma = factory.user(username="emma", first_name="Emma", last_name="Field", company=company)
    factory.assign(emma, role)
    factory.record(emma, first_aid, date(2025, 7, 1))
    factory.record(emma, h2s, date(2025, 1, 1), status="pending")
    exported = rows(client, "/data/requirements/export.csv")
    assert exported[0] == list(status_exports.REQUIREMENT_HEADERS)
    assert [row[3:16] for row in exported[1:]] == [
        ["emma", "Field", "Emma", "Acme", "First Aid", "Welder", "Due", "No", "07/01/2025", "07/01/2026",
         "06/01/2026", "06/24/2026", "16"],
        ["emma", "Field", "Emma", "Acme", "H2S", "Welder", "Nothing on File", "Yes", "", "", "", "", ""],
    ]
    assert exported[1][:3] == ["Employee", "emma", "Emma Field"]
    assert exported[1][16] == "Due since 06/01/2026: the 1st notice (1 month) before the expiration 07/01/2026."
    assert client.get("/data/requirements/import").status_code == 404  # export only


def test_export_instances_gives_every_event_of_the_people_in_reach(frozen_clock, client, factory, sign_in):
    sam = factory.user("Supervisor", username="sam")
    emma = factory.user(username="emma", first_name="Emma", last_name="Field", supervisors=[sam])
    other = factory.user(username="other")
    first_aid = factory.yearly_certification(name="First Aid")
    factory.record(emma, first_aid, date(2024, 7, 1), decided_by=sam)
    factory.record(emma, first_aid, date(2025, 7, 1), status="pending")
    factory.record(emma, first_aid, date(2023, 7, 1), revoked_reason="Forged", revoked_at=db.func.now())
    factory.record(other, first_aid, date(2025, 7, 1))
    sign_in(_exporting_supervisor(sam))
    exported = rows(client, "/data/instances/export.csv")
    assert [(row[4], row[7], row[8], row[9], row[10], row[15], row[16]) for row in exported[1:]] == [
        ("emma", "First Aid", "07/01/2024", "07/01/2025", "Approved", "sam", ""),
        ("emma", "First Aid", "07/01/2025", "07/01/2026", "Pending", "", ""),
        ("emma", "First Aid", "07/01/2023", "07/01/2024", "Revoked", "", "Forged"),
    ]  # not the person sam does not supervise
    assert client.get("/data/records/export.csv").status_code == 404  # recording for all is not his
    assert client.get("/data/instances/export.xlsx").data.startswith(b"PK\x03\x04")


def test_the_exports_read_a_large_organisation_in_chunks_in_a_fixed_number_of_queries(
        frozen_clock, client, factory, sign_in, count_queries, monkeypatch):
    sign_in(factory.user("Administrator"))
    first_aid = factory.yearly_certification(name="First Aid")
    company = factory.company(name="Acme")
    role = factory.role(first_aid, name="Welder", companies=[company])
    people = [factory.user(company=company) for _ in range(12)]
    for person in people:
        factory.assign(person, role)
    db.session.execute(insert(Submission), [
        {"user_id": person.id, "certification_id": first_aid.id, "completed_on": date(2025, 1, 1 + n),
         "status": "approved", "submitted_by_id": person.id} for person in people for n in range(10)])
    db.session.commit()
    monkeypatch.setattr(status_exports, "PEOPLE_PER_CHUNK", 5)
    with count_queries() as queries:
        assert len(rows(client, "/data/requirements/export.csv")) == 1 + 12
    with count_queries() as few:
        assert len(rows(client, "/data/instances/export.csv")) == 1 + 120
    # three chunks of people (and an empty fourth) whatever the number of records; the instances: two chunks
    assert len(queries) < 60 and len(few) < 20


def _entity_with_record(factory, kind, name, identifier, certification, completed_on, owner=None, **association):
    entity = factory.entity(kind, name=name, identifier=identifier, owner=owner)
    requirement = factory.associate(entity, certification, **association)
    if completed_on is not None:
        factory.entity_record(requirement, completed_on)
    return entity


def test_exports_include_assets_clients_and_job_locations_with_their_type_and_identifier(
        frozen_clock, client, factory, sign_in):
    ada = sign_in(factory.user("Administrator", username="ada"))
    inspection = factory.yearly_certification(name="Crane Inspection", type="asset")
    permit = factory.yearly_certification(name="Site Permit", type="location")
    licence = factory.yearly_certification(name="Client Licence", type="client")
    _entity_with_record(factory, "asset", "Tower Crane", "TC-01", inspection, date(2025, 7, 1), owner=ada)
    _entity_with_record(factory, "location", "Harbour Site", "JL-7", permit, None)
    _entity_with_record(factory, "client", "Northwind", "CL-3", licence, date(2025, 1, 1), revoked_reason="Contract ended")
    exported = rows(client, "/data/requirements/export.csv")
    by_identifier = {row[1]: row for row in exported[1:]}
    assert by_identifier["TC-01"][:3] == ["Asset", "TC-01", "Tower Crane"]
    assert by_identifier["TC-01"][3:16] == ["", "", "", "", "Crane Inspection", "Association", "Due", "No",
                                           "07/01/2025", "07/01/2026", "06/01/2026", "06/24/2026", "16"]
    assert by_identifier["JL-7"][:3] + by_identifier["JL-7"][9:10] == ["Job Location", "JL-7", "Harbour Site",
                                                                        "Nothing on File"]
    assert by_identifier["CL-3"][9] == "Revoked" and "Contract ended" in by_identifier["CL-3"][16]
    instances = rows(client, "/data/instances/export.csv")
    entity_rows = [row for row in instances[1:] if row[1] != "Employee"]
    assert [(row[1], row[2], row[3], row[7], row[8], row[9], row[10], row[13]) for row in entity_rows] == [
        ("Asset", "TC-01", "Tower Crane", "Crane Inspection", "07/01/2025", "07/01/2026", "Recorded", ""),
        ("Client", "CL-3", "Northwind", "Client Licence", "01/01/2025", "01/01/2026", "Revoked", ""),
    ]
    assert entity_rows[1][16] == "Contract ended"


def test_who_does_not_manage_certifications_exports_only_the_entities_they_are_responsible_for(
        frozen_clock, client, factory, sign_in):
    sam = factory.user("Supervisor", username="sam")
    inspection = factory.yearly_certification(name="Crane Inspection", type="asset")
    _entity_with_record(factory, "asset", "Tower Crane", "TC-01", inspection, date(2025, 7, 1), owner=sam)
    _entity_with_record(factory, "asset", "Forklift", "FL-02", inspection, date(2025, 7, 1))
    sign_in(_exporting_supervisor(sam))
    exported = rows(client, "/data/requirements/export.csv")
    assert [row[1] for row in exported[1:] if row[0] == "Asset"] == ["TC-01"]
    instances = rows(client, "/data/instances/export.csv")
    assert [row[2] for row in instances[1:] if row[1] == "Asset"] == ["TC-01"]
