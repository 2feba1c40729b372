"""An organisation moves out of one FieldCert and into an empty one through its files alone: people,
certifications, roles and assignments, and records with their history come in through the import pages,
and everyone's statuses are the same (issues 17 and 18, "Done when"); so do assets, clients and job locations
with their records, and the clients each certification applies to (issue 21, decisions 109 and 110)."""
import csv
import io
from datetime import date

from sqlalchemy import select

from tests.conftest import csrf_token_for
from webapp.extensions import db
from webapp.models import Certification, EntityRequirement, ImportJob, User
from webapp.services.companies import create_company
from webapp.services.compliance import load_requirements
from webapp.services.demo import load_demo_organisation
from webapp.services.entities import association_line
from webapp.services.people import create_administrator
from webapp.services.sessions import start_session

DAY = date(2026, 6, 15)
KINDS = ("people", "certifications", "assignments", "person-requirements", "records", "entities", "entity-records",
         "job-location-sites")


def signed_in_client(app, user: User):
    client = app.test_client()
    keys = start_session(user, address="127.0.0.1", user_agent="pytest", remember=False)
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = keys.key, True
    return client


def statuses() -> dict:
    """Each person's requirements by username and certification: status and the record's dates, those a job
    location brings among them (its requirements and workers are in the job-location-sites file)."""
    people = {user.id: user.username for user in db.session.scalars(select(User).where(User.active.is_(True)))}
    return {(people[user_id], r.certification.name): (r.status.status, r.status.completed_on, r.status.expires_on)
            for user_id, requirements in load_requirements(list(people), DAY).items() for r in requirements}


def associations() -> dict[tuple[str, str, str], tuple]:
    """Each asset's, client's and job location's certifications: status, revocation reason and records. The
    entities file carries those in force, the entity records file the records, and with them the revoked ones
    (decision 109)."""
    return {(r.entity.kind, r.entity.identifier, r.certification.name): (
        association_line(r, DAY).status.status, r.revoked_reason,
        sorted((record.completed_on, record.expires_on, record.notes) for record in r.records))
        for r in db.session.scalars(select(EntityRequirement))}


def clients_of_certifications() -> set[tuple[str, str]]:
    """The clients each certification applies to (decision 94), carried by the entities file (decision 110)."""
    return {(certification.name, client.identifier) for certification in db.session.scalars(select(Certification))
            for client in certification.clients}


def import_file(app, client, kind: str, text: str) -> ImportJob:
    """Upload, check and confirm one file, as an administrator does on the import page."""
    token = csrf_token_for(app, client)
    response = client.post(f"/data/{kind}/import", data={"csrf_token": token, "file": (io.BytesIO(text.encode()),
                                                                                       f"{kind}.csv")})
    assert response.status_code == 303, response.get_data(as_text=True)
    job = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
    assert job.preview["errors"] == 0, (kind, job.preview["error_rows"][:5])
    client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": token})
    db.session.refresh(job)
    assert job.state == "imported", (kind, job.message)
    return job


def without_ids(text: str) -> str:
    """The certifications file with its Certification ID column blank: ids are the old instance's, and a
    blank id creates (an id updates the certification that has it); and without its optional Clients column:
    the clients come later, in the entities file, which says which certifications apply to each (decision 110)."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][-1] == "Clients"
    out = io.StringIO()
    csv.writer(out).writerows([rows[0][:-1]] + [["", *row[1:-1]] for row in rows[1:]])
    return out.getvalue()


def column(text: str, name: str) -> set[str]:
    return {row[name] for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))) if row[name]}


def test_the_demo_moves_into_an_empty_instance_with_the_same_statuses(frozen_clock, app, empty_instance):
    with app.app_context():
        load_demo_organisation(DAY)
        ada = db.session.scalar(select(User).where(User.username == "ada"))
        source = signed_in_client(app, ada)
        files = {kind: source.get(f"/data/{kind}/export.csv").get_data(as_text=True) for kind in KINDS}
        before, entities_before, clients_before = statuses(), associations(), clients_of_certifications()
    assert len(before) > 40 and len(entities_before) > 5 and len(clients_before) > 2
    assert any(reason for _, reason, _ in entities_before.values())

    runner = empty_instance.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with empty_instance.app_context():
        admin = create_administrator(username="newadmin", email="newadmin@example.org", first_name="New",
                                     last_name="Admin", password="a long enough passphrase 2026")
        # Companies are set up by hand (a file naming an unknown company is refused): the few the files name.
        for name in sorted(column(files["people"], "Company") | column(files["assignments"], "Company")):
            create_company(admin, {"name": name})
        client = signed_in_client(empty_instance, admin)
        # Roles first, as the assignments file can bring a role alone: certifications name them.
        roles_only = "Role,Company,Certification\r\n" + "".join(
            f"{role},,\r\n" for role in sorted(column(files["assignments"], "Role")))
        import_file(empty_instance, client, "assignments", roles_only)
        import_file(empty_instance, client, "certifications", without_ids(files["certifications"]))
        for kind in ("assignments", "people", "person-requirements", "records", "entities", "entity-records",
                     "job-location-sites"):
            import_file(empty_instance, client, kind, files[kind])
        after = {key: value for key, value in statuses().items() if key[0] != "newadmin"}
        entities_after, clients_after = associations(), clients_of_certifications()
    assert after == before
    assert entities_after == entities_before
    assert clients_after == clients_before


def test_person_requirements_explain_every_bad_row_and_import_nothing(frozen_clock, client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    factory.user(username="wanda")
    factory.yearly_certification(name="First Aid")
    text = ("Username or E-mail,Certification,Other Required,State,Deferred Until,Notes\r\n"
            "nobody,First Aid,Yes,,,\r\n"
            "wanda,Unknown,Yes,,,\r\n"
            "wanda,First Aid,perhaps,Sometimes,,\r\n"
            "wanda,First Aid,Yes,Deferred,,\r\n"
            "wanda,First Aid,No,Not Applicable,09/30/2026,\r\n"
            "WANDA,first aid,Yes,Deferred,09/31/2026,\r\n")
    response = client.post("/data/person-requirements/import", data={
        "csrf_token": csrf(), "file": (io.BytesIO(text.encode()), "requirements.csv")})
    job = db.session.get(ImportJob, int(response.location.rsplit("/", 1)[1]))
    messages = {(line, column): message for line, column, message in job.preview["error_rows"]}
    assert "nobody whose requirements you manage named nobody" in messages[(2, "Username or E-mail")]
    assert "no certification named Unknown" in messages[(3, "Certification")]
    assert "Write Yes or No" in messages[(4, "Other Required")]
    assert "Write Not Applicable, Deferred or Cannot Be Deferred" in messages[(4, "State")]
    assert "needs the date it ends" in messages[(5, "Deferred Until")] == messages[(6, "Deferred Until")]
    assert (7, "Deferred Until") in messages
    assert job.preview["create"] + job.preview["update"] == 0
    response = client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    assert response.status_code == 409
    page = client.get("/data/person-requirements/export.csv").get_data(as_text=True)
    assert page == "\ufeffUsername or E-mail,Certification,Other Required,State,Deferred Until,Notes\r\n"
