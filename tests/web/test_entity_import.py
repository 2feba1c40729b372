"""Assets, clients and job locations in and out (issue 21, decisions 98 to 101): the entities with the
certifications each must hold, and the job locations' site requirements and workers. Bad rows are explained by
row and column and nothing is half-imported; an export imports back unchanged."""
import csv
import io
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Entity, EntityRequirement, job_location_certifications, job_location_workers
from webapp.services.entity_import import ENTITY_HEADERS, SITE_HEADERS
from webapp.services.people import create_administrator
from tests.web.test_moving_in import signed_in_client
from tests.web.test_record_import import confirm, upload

ARCHIVED = datetime(2026, 6, 1, tzinfo=timezone.utc)
ENTITIES = ",".join(ENTITY_HEADERS)
SITES = ",".join(SITE_HEADERS)


def entities() -> set[tuple]:
    return {(e.kind, e.name, e.identifier, e.description, tuple(t.name for t in e.tags),
             e.owner.username if e.owner else None,
             tuple(sorted(r.certification.name + (" (revoked)" if r.is_revoked else "") for r in e.requirements)))
            for e in db.session.scalars(select(Entity))}


def sites() -> tuple[set, set]:
    return ({tuple(row) for row in db.session.execute(select(job_location_certifications))},
            {tuple(row) for row in db.session.execute(select(job_location_workers))})


def errors_of(job) -> dict[tuple[int, str], str]:
    return {(line, column): message for line, column, message in job.preview["error_rows"]}


def test_an_import_adds_and_updates_entities_with_their_certifications(frozen_clock, client, csrf, factory, sign_in):
    admin = factory.user("Administrator", username="ada")
    sign_in(admin)
    factory.user(username="owen", email="owen@example.test")
    factory.certification(name="Annual Inspection", type="asset")
    factory.certification(name="Site Permit", type="location")
    forklift = factory.entity("asset", name="Forklift", identifier="FL-01")
    response = upload(client, csrf, f"{ENTITIES}\r\n"
                                    "asset,Forklift One,fl-01,Yard forklift,Yard; Lifting,OWEN@example.test,annual inspection\r\n"
                                    "Job Location,Pier 4,JL-01,,,,Site Permit\r\n"
                                    "Client,Harbour Co,C-9,,Key account,,\r\n", kind="entities", filename="e.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert "Job Location Pier 4 (JL-01)" in page and "Requires Annual Inspection" in page
    assert "Name: Forklift → Forklift One" in page
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and (job.preview["create"], job.preview["update"]) == (2, 1)
    assert entities() == {
        ("asset", "Forklift One", "fl-01", "Yard forklift", ("Lifting", "Yard"), "owen", ("Annual Inspection",)),
        ("location", "Pier 4", "JL-01", None, (), None, ("Site Permit",)),
        ("client", "Harbour Co", "C-9", None, ("Key account",), None, ()),
    }
    assert db.session.get(Entity, forklift.id).name == "Forklift One"
    added = db.session.scalars(select(EntityRequirement)).all()
    assert {r.added_by_id for r in added} == {admin.id}


def test_bad_entity_rows_are_explained_and_nothing_is_imported(frozen_clock, client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    factory.user(username="gone", active=False)
    factory.certification(name="First Aid")
    factory.certification(name="Client Audit", type="client")
    factory.certification(name="Old Inspection", type="asset", archived_at=ARCHIVED)
    factory.entity("asset", name="Crane", identifier="CR-1", archived_at=ARCHIVED)
    upload(client, csrf, f"{ENTITIES}\n"
                                    "Machine,X,M-1,,,,\n"
                                    "Asset,,A-1,,,,\n"
                                    "Asset,Drill,,,,nobody,\n"
                                    "Asset,Drill,A-2,,,,First Aid;Client Audit;Unknown;Old Inspection\n"
                                    "Asset,Crane,cr-1,,,,\n"
                                    "Asset,Hoist,A-3,,,gone,\n"
                                    "Asset,Hoist,a-3,,,,\n"
                                    f"Asset,Lift,A-4,,{'t' * 81},,\n", kind="entities")
    job, _ = confirm(client, csrf)
    messages = errors_of(job)
    assert messages[(2, "Kind")] == "Write Asset, Client or Job Location, not Machine."
    assert messages[(3, "Name")] == "Enter the name."
    assert messages[(4, "Identifier")].startswith("Enter the identifier")
    assert messages[(4, "Responsible User")] == "There is nobody with the username or e-mail nobody."
    problems = [message for line, _, message in job.preview["error_rows"] if line == 5]
    assert problems == ["First Aid is held by people, not by assets.", "Client Audit is held by clients, not by assets.",
                        "There is no certification in use named Unknown.",
                        "There is no certification in use named Old Inspection."]
    assert "is archived: restore it on its page first" in messages[(6, "Identifier")]
    assert messages[(7, "Responsible User")] == "gone is no longer active: choose someone who is."
    assert messages[(8, "Identifier")] == "This asset is in the file twice (also row 7)."
    assert messages[(9, "Tags")] == "Keep each tag to 80 characters."
    assert job.state == "checked" and {e.identifier for e in db.session.scalars(select(Entity))} == {"CR-1"}


def test_the_entities_export_imports_back_unchanged_and_moves_them_into_an_empty_one(frozen_clock, client, csrf,
                                                                                     factory, sign_in):
    sign_in(factory.user("Administrator", username="ada"))
    inspection = factory.certification(name="Annual Inspection", type="asset")
    registration = factory.certification(name="Registration", type="asset")
    secret = factory.certification(name="Secret Audit", type="client")
    secret.hidden_from_levels = [factory.levels["Administrator"]]
    forklift = factory.entity("asset", name="Forklift, yard", identifier="FL-01", description="Line one\nline two",
                              owner=factory.user(username="owen"))
    factory.associate(forklift, inspection)
    factory.associate(forklift, registration, revoked_reason="Sold")
    factory.associate(factory.entity("client", name="=Harbour", identifier="C-1"), secret)
    factory.entity("location", name="Pier 4", identifier="JL-01")
    factory.entity("asset", name="Old", identifier="X-1", archived_at=ARCHIVED)
    exported = client.get("/data/entities/export.csv").get_data(as_text=True)
    assert exported.splitlines()[:2] == ["\ufeff" + ENTITIES, 'Asset,"Forklift, yard",FL-01,"Line one']
    assert "Secret Audit" not in exported and "X-1" not in exported and "'=Harbour" in exported
    upload(client, csrf, exported, kind="entities")
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and (job.preview["create"], job.preview["update"], job.preview["unchanged"]) == (0, 0, 3)
    # Into an empty instance: the same entities, the revoked association and the hidden one left behind.
    before = entities()
    for entity in db.session.scalars(select(Entity)):
        db.session.delete(entity)
    db.session.commit()
    upload(client, csrf, exported, kind="entities")
    job, _ = confirm(client, csrf)
    assert job.state == "imported", job.preview["error_rows"]
    moved = {(kind, name, identifier, description, tags, owner,
              tuple(c for c in certifications if "revoked" not in c and c != "Secret Audit"))
             for kind, name, identifier, description, tags, owner, certifications in before if identifier != "X-1"}
    assert entities() == moved
    workbook = client.get("/data/entities/export.xlsx")
    assert workbook.status_code == 200 and workbook.data.startswith(b"PK\x03\x04")


def test_a_client_row_names_the_employee_certifications_that_apply_to_it(frozen_clock, client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    first_aid = factory.certification(name="First Aid")
    h2s = factory.certification(name="H2S Awareness")
    factory.certification(name="Annual Inspection", type="asset")
    harbour = factory.entity("client", name="Harbour", identifier="CL-1")
    first_aid.clients = [harbour]
    db.session.commit()
    upload(client, csrf, f"{ENTITIES}\n"
                         "Asset,Forklift,FL-01,,,,,First Aid\n"
                         "Client,Metro,CL-2,,,,,Annual Inspection; Unknown\n", kind="entities")
    job, _ = confirm(client, csrf)
    messages = [(line, column, message) for line, column, message in job.preview["error_rows"]]
    assert messages == [
        (2, "Employee Certifications", "Only a client has Employee Certifications: leave this cell blank for an asset "
                                       "or a job location."),
        (3, "Employee Certifications", "Annual Inspection is held by assets: only an Employee certification applies "
                                       "to clients."),
        (3, "Employee Certifications", "There is no certification in use named Unknown."),
    ]
    response = upload(client, csrf, f"{ENTITIES}\n"
                                    "Client,Harbour,CL-1,,,,,first aid; H2S Awareness\n"
                                    "Client,Metro,CL-2,,,,,H2S Awareness\n", kind="entities")
    page = client.get(response.location).get_data(as_text=True)
    assert "Employee certification H2S Awareness applies to it" in page and "First Aid applies" not in page
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and (job.preview["create"], job.preview["update"]) == (1, 1)
    metro = db.session.scalar(select(Entity).where(Entity.identifier == "CL-2"))
    assert {(c.name, e.identifier) for c in (first_aid, h2s) for e in c.clients} == {
        ("First Aid", "CL-1"), ("H2S Awareness", "CL-1"), ("H2S Awareness", "CL-2")}
    exported = client.get("/data/entities/export.csv").get_data(as_text=True)
    assert exported.splitlines()[1:] == ["Client,Harbour,CL-1,,,,,First Aid; H2S Awareness",
                                         "Client,Metro,CL-2,,,,,H2S Awareness"]
    # A file made before the column still imports, and leaves the clients' Employee certifications as they are.
    upload(client, csrf, ",".join(ENTITY_HEADERS[:-1]) + "\nClient,Metro Rail,CL-2,,,,\n", kind="entities")
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and job.preview["update"] == 1
    db.session.expire_all()
    assert metro.name == "Metro Rail" and [entity.name for entity in h2s.clients] == ["Harbour", "Metro Rail"]


def test_an_import_adds_what_job_locations_require_and_who_works_there(frozen_clock, client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    pier = factory.entity("location", name="Pier 4", identifier="JL-01")
    yard = factory.entity("location", name="Yard", identifier="JL-02")
    induction = factory.certification(name="Site Induction")
    handling = factory.certification(name="Manual Handling")
    emma = factory.user(username="emma", email="emma@example.test")
    sam = factory.user(username="sam")
    response = upload(client, csrf, f"{SITES}\r\njl-01,site induction,\r\nJL-01,,EMMA@example.test\r\n"
                                    "JL-02,Manual Handling,sam\r\n", kind="job-location-sites")
    page = client.get(response.location).get_data(as_text=True)
    assert "Pier 4 (JL-01): requires Site Induction" in page and "Yard (JL-02): requires Manual Handling; " in page
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and job.preview["create"] == 3
    assert sites() == ({(pier.id, induction.id), (yard.id, handling.id)}, {(pier.id, emma.id), (yard.id, sam.id)})
    exported = client.get("/data/job-location-sites/export.csv").get_data(as_text=True)
    assert exported.splitlines() == ["\ufeff" + SITES, "JL-01,Site Induction,", "JL-02,Manual Handling,", "JL-01,,emma",
                                     "JL-02,,sam"]
    upload(client, csrf, exported, kind="job-location-sites")
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and (job.preview["create"], job.preview["unchanged"]) == (0, 4)


def test_bad_site_rows_are_explained_and_nothing_is_imported(frozen_clock, client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    factory.entity("location", name="Pier 4", identifier="JL-01")
    factory.entity("location", name="Closed", identifier="JL-09", archived_at=ARCHIVED)
    factory.entity("asset", name="Forklift", identifier="FL-01")
    factory.certification(name="Site Induction")
    factory.certification(name="Annual Inspection", type="asset")
    factory.user(username="gone", active=False)
    response = upload(client, csrf, f"{SITES}\n"
                                    ",Site Induction,\n"
                                    "FL-01,Site Induction,\n"
                                    "JL-09,Site Induction,\n"
                                    "JL-01,Annual Inspection,\n"
                                    "JL-01,Unknown,nobody\n"
                                    "JL-01,,gone\n"
                                    "JL-01,,\n"
                                    "JL-01,Site Induction,\n"
                                    "jl-01,site induction,\n", kind="job-location-sites")
    assert client.get(response.location).status_code == 200
    job, _ = confirm(client, csrf)
    messages = errors_of(job)
    assert messages[(2, "Job Location")] == "Enter the job location's identifier."
    assert messages[(3, "Job Location")] == "There is no job location with the identifier FL-01."
    assert messages[(4, "Job Location")] == "The job location Closed is archived: it requires nothing."
    assert messages[(5, "Required Certification")] == ("Annual Inspection is held by assets, not by people: choose an "
                                                       "Employee certification.")
    assert messages[(6, "Required Certification")] == "There is no certification in use named Unknown."
    assert messages[(6, "Worker")] == "No person you manage the requirements of has the username or e-mail nobody."
    assert "is no longer active" in messages[(7, "Worker")]
    assert messages[(8, "Required Certification")].startswith("Name a certification the job location requires")
    assert messages[(10, "Job Location")] == "This row is in the file twice (also row 9)."
    assert job.state == "checked" and sites() == (set(), set())


def test_the_entity_files_need_the_permission_to_manage_certifications(client, factory, sign_in):
    sign_in(factory.user("Supervisor"))
    for kind in ("entities", "entity-records", "job-location-sites"):
        assert client.get(f"/data/{kind}/export.csv").status_code in (403, 404)
        assert client.get(f"/data/{kind}/import").status_code in (403, 404)


CELL = st.one_of(st.sampled_from(["", "Asset", "client", "Job Location", "JL-01", "FL-01", "Site Induction",
                                  "Annual Inspection", "ada", "emma", "a; b", "=1+1", " "]),
                 st.text(max_size=12))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([("entities", ENTITY_HEADERS), ("job-location-sites", SITE_HEADERS)]),
       st.lists(st.lists(CELL, min_size=7, max_size=7), min_size=1, max_size=3))
def test_random_rows_never_fail_the_server_nor_import_half(frozen_clock, client, csrf, factory, sign_in, kind, cells):
    if not db.session.scalar(select(func.count(Entity.id))):
        sign_in(factory.user("Administrator", username="ada"))
        factory.user(username="emma")
        factory.entity("location", name="Pier 4", identifier="JL-01")
        factory.entity("asset", name="Forklift", identifier="FL-01")
        factory.certification(name="Site Induction")
        factory.certification(name="Annual Inspection", type="asset")
    name, headers = kind
    before = entities(), sites()
    out = io.StringIO()
    csv.writer(out).writerows([headers, *(row[:len(headers)] for row in cells)])
    response = upload(client, csrf, out.getvalue(), kind=name, filename="random.csv")
    assert response.status_code in (303, 422)
    if response.status_code == 303:
        assert client.get(response.location).status_code == 200
        job, answer = confirm(client, csrf)
        assert answer.status_code < 500 and job.state in ("checked", "imported", "failed")
        if job.state != "imported":
            assert (entities(), sites()) == before


def test_a_streamed_export_reads_its_reader_in_the_session_that_writes_it(app):
    """On a real server each request has its own session, ended when the view returns, before a CSV is streamed:
    the signed-in person is detached by then (decision 101). Outside the tests' shared app context, as a server."""
    with app.app_context():
        ada = create_administrator(username="ada", email="ada@example.org", first_name="Ada", last_name="Admin",
                                   password="a long enough passphrase 2026")
        client = signed_in_client(app, ada)
    for kind in ("requirements", "instances", "entities", "entity-records", "job-location-sites", "people"):
        response = client.get(f"/data/{kind}/export.csv")
        assert response.status_code == 200 and response.get_data(as_text=True).startswith("\ufeff"), kind
