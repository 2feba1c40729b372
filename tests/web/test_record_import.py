"""User certifications in and out (issue 18 part 3): records move in approved, with their history, the import
in the audit log and on each record; every bad row is explained and nothing is half-imported."""
import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select

from webapp.extensions import db
from webapp.models import AuditEntry, Comment, CompanyRole, ImportJob, ModuleLevel, Submission, User
from webapp.permissions import Permission
from webapp.services.compliance import load_requirements, load_user_requirements
from webapp.services.demo import load_demo_organisation
from webapp.services.record_import import HEADERS

HEADER = ",".join(HEADERS)


@pytest.fixture
def administrator(factory, sign_in):
    return sign_in(factory.user("Administrator", username="ada", first_name="Ada", last_name="Admin"))


@pytest.fixture
def crew(factory):
    first_aid = factory.yearly_certification(name="First Aid")
    h2s = factory.yearly_certification(name="H2S Awareness")
    emma = factory.user(username="emma", email="emma@example.test", first_name="Emma", last_name="Field")
    role = factory.role(first_aid, h2s, companies=[factory.company(name="Acme")])
    emma.company = role.company_roles[0].company
    factory.assign(emma, role)
    return emma, first_aid, h2s


def upload(client, csrf, text: str, kind="records", filename="records.csv"):
    return client.post(f"/data/{kind}/import", data={"csrf_token": csrf(), "file": (io.BytesIO(text.encode()), filename)},
                       content_type="multipart/form-data")


def latest_job() -> ImportJob:
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def confirm(client, csrf):
    job = latest_job()
    response = client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    db.session.refresh(job)
    return job, response


def record_count() -> int:
    return db.session.scalar(select(func.count(Submission.id)))


def test_records_come_in_approved_with_their_history_and_the_import_on_each(frozen_clock, client, csrf, administrator,
                                                                            crew):
    emma, first_aid, h2s = crew
    response = upload(client, csrf, f"{HEADER}\r\n"
                                    "emma,First Aid,07/01/2024,,Approved,,Card seen by HR\r\n"
                                    "EMMA@example.test,first aid,06/20/2025,,,,\r\n"
                                    "emma,H2S Awareness,2025-01-10,01/10/2026,Revoked,Forged card,\r\n"
                                    "emma,H2S Awareness,03/01/2026,03/01/2028,approved,,\r\n")
    page = client.get(response.location).get_data(as_text=True)
    assert "Import 4 rows" in page and "Emma Field (emma): First Aid, completed 06/20/2025" in page
    assert "expires 06/20/2026" in page and "revoked: Forged card" in page
    assert record_count() == 0  # the preview writes nothing

    job, response = confirm(client, csrf)
    assert response.status_code == 303 and job.state == "imported"
    records = db.session.scalars(select(Submission).order_by(Submission.completed_on)).all()
    assert [(r.certification.name, r.completed_on, r.expires_on, r.revoked_reason) for r in records] == [
        ("First Aid", date(2024, 7, 1), date(2025, 7, 1), None),
        ("H2S Awareness", date(2025, 1, 10), date(2026, 1, 10), "Forged card"),
        ("First Aid", date(2025, 6, 20), date(2026, 6, 20), None),
        ("H2S Awareness", date(2026, 3, 1), date(2028, 3, 1), None),
    ]
    assert {(r.status, r.source, r.import_job_id, r.decided_by_id, r.user_id) for r in records} == {
        ("approved", "import", job.id, administrator.id, emma.id)}
    assert records[3].expiration_explanation == "03/01/2028 as imported"
    assert db.session.scalars(select(Comment.body).where(Comment.submission_id == records[0].id)).all() == [
        "Card seen by HR"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import.records")).one()
    assert (entry.entity_type, entry.entity_id) == ("ImportJob", str(job.id))
    assert entry.summary == "Imported user certifications from records.csv: 4 created, 0 updated, 0 unchanged"
    statuses = {r.certification.name: r.status.status.value for r in load_user_requirements(emma, date(2026, 6, 15))}
    assert statuses == {"First Aid": "overdue", "H2S Awareness": "valid"}


def test_a_record_already_on_file_is_unchanged_and_the_same_record_twice_is_an_error(frozen_clock, client, csrf,
                                                                                      administrator, crew, factory):
    emma, first_aid, _ = crew
    factory.record(emma, first_aid, date(2025, 7, 1))
    response = upload(client, csrf, f"{HEADER}\nemma,First Aid,07/01/2025,,,,\n")
    page = client.get(response.location).get_data(as_text=True)
    assert "Nothing to import: every row already matches." in page
    response = upload(client, csrf, f"{HEADER}\nemma,First Aid,07/01/2024,,,,\nemma,First Aid,2024-07-01,,,,\n")
    page = client.get(response.location).get_data(as_text=True)
    assert "This record is in the file twice (also row 2)." in page and record_count() == 1


@pytest.mark.parametrize("row, column, message", [
    (",First Aid,07/01/2025,,,,", "Username or E-mail", "Enter the person&#39;s username or e-mail address."),
    ("nobody,First Aid,07/01/2025,,,,", "Username or E-mail", "No one has the username or e-mail address nobody."),
    ("emma,,07/01/2025,,,,", "Certification", "Enter the certification&#39;s name."),
    ("emma,Welding,07/01/2025,,,,", "Certification", "There is no certification named Welding."),
    ("emma,Secret,07/01/2025,,,,", "Certification", "There is no certification named Secret."),
    ("emma,First Aid,,,,,", "Completion Date", "Enter the completion date."),
    ("emma,First Aid,07/01/25,,,,", "Completion Date", "Enter the year with four digits"),
    ("emma,First Aid,02/30/2025,,,,", "Completion Date", "There is no such day"),
    ("emma,First Aid,07/01/2025,06/30/2025,,,", "Expiration Date", "06/30/2025 is before the completion date 07/01/2025."),
    ("emma,First Aid,07/01/2025,soon,,,", "Expiration Date", "Enter"),
    ("emma,First Aid,07/01/2025,,Pending,,", "Status", "&#39;Pending&#39; is not a status a record can be imported with"),
    ("emma,First Aid,07/01/2025,,Revoked,,", "Revocation Reason", "A revoked record needs the reason"),
    ("emma,First Aid,07/01/2025,,Approved,Forged,", "Revocation Reason", "Only a revoked record has a revocation reason"),
    ("ada,First Aid,07/01/2025,,,,", None, None),
])
def test_every_bad_row_is_explained_by_column_and_nothing_is_imported(frozen_clock, client, csrf, administrator, crew,
                                                                      factory, row, column, message):
    secret = factory.yearly_certification(name="Secret")
    secret.hidden_from_levels = [factory.levels["Administrator"]]
    db.session.commit()
    response = upload(client, csrf, f"{HEADER}\nemma,H2S Awareness,07/01/2025,,,,\n{row}\n")
    page = client.get(response.location).get_data(as_text=True)
    if column is None:  # an administrator may approve their own records: the row is fine
        assert "Import 2 rows" in page
        return
    assert f'<td data-label="Row">3</td><td data-label="Column">{column}</td>' in page and message in page
    assert "Import 1 row" not in page
    confirm(client, csrf)
    assert record_count() == 0


def test_ones_own_records_need_the_permission_to_approve_them(frozen_clock, client, csrf, factory, sign_in, crew):
    importer = factory.user("Administrator", username="imp")
    level = ModuleLevel(name="Importer")
    level.permissions = set(Permission) - {Permission.APPROVE_OWN_SUBMISSIONS}
    importer.module_levels = [level]
    db.session.commit()
    sign_in(importer)
    response = upload(client, csrf, f"{HEADER}\nimp,First Aid,07/01/2025,,,,\n")
    assert "your module levels do not let you approve your own records" in client.get(response.location).get_data(
        as_text=True)


def test_an_employee_or_supervisor_cannot_reach_the_records_import(client, factory, sign_in):
    sign_in(factory.user("Supervisor"))
    assert client.get("/data/records/import").status_code == 403


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(
    st.sampled_from(["emma", "EMMA@example.test", "ghost", "", "=cmd|' /C calc'!A0"]),
    st.sampled_from(["First Aid", "h2s awareness", "Nope", ""]),
    st.one_of(st.dates(date(1940, 1, 1), date(2110, 1, 1)).map(lambda d: d.strftime("%m/%d/%Y")),
              st.sampled_from(["", "13/01/2025", "2025-02-29", "07/01/25"]), st.text(max_size=12)),
    st.one_of(st.just(""), st.dates(date(1940, 1, 1), date(2210, 1, 1)).map(lambda d: d.isoformat()), st.text(max_size=8)),
    st.sampled_from(["", "Approved", "revoked", "Pending", "x"]),
    st.sampled_from(["", "Forged", "x" * 5001]),
    st.text(max_size=30),
), max_size=6))
def test_random_rows_never_cause_a_500_or_a_partial_import(frozen_clock, client, csrf, administrator, crew, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    before = record_count()
    response = upload(client, csrf, buffer.getvalue())
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        return
    assert client.get(response.location).status_code == 200
    job, response = confirm(client, csrf)
    assert response.status_code in (303, 409)
    imported = record_count() - before
    if job.state == "imported":
        assert imported == job.preview["create"] and not job.preview["errors"]
    else:
        assert imported == 0


def test_ten_thousand_records_import_in_a_few_queries(frozen_clock, app, client, csrf, administrator, factory,
                                                     count_queries):
    certifications = [factory.yearly_certification(name=f"Cert {n}") for n in range(10)]
    db.session.execute(insert(User), [{"username": f"p{n}", "email": f"p{n}@example.test", "first_name": "P",
                                       "last_name": str(n), "password_hash": "x"} for n in range(200)])
    db.session.commit()
    lines = [HEADER] + [f"p{person},Cert {cert},{date(2020 + year, 1 + cert, 1 + person % 28).strftime('%m/%d/%Y')},,,,"
                        for person in range(200) for cert in range(10) for year in range(5)]
    with count_queries() as queries:
        upload(client, csrf, "\n".join(lines))
    assert latest_job().preview["create"] == 10_000 and len(queries) < 60
    with count_queries() as queries:
        job, _ = confirm(client, csrf)
    assert job.state == "imported" and record_count() == 10_000 and len(queries) < 80
    # each record's expiration follows the one before it in the person's history
    sample = db.session.scalars(select(Submission).join(User, User.id == Submission.user_id).where(User.username == "p7", Submission.certification_id
                                                                    == certifications[3].id)).all()
    assert sorted((r.completed_on, r.expires_on) for r in sample)[0] == (date(2020, 4, 8), date(2021, 4, 8))


def test_the_export_is_the_import_file_and_moves_the_history_back_in_with_the_same_statuses(
        frozen_clock, client, csrf, administrator, crew, factory):
    emma, first_aid, h2s = crew
    factory.record(emma, first_aid, date(2025, 7, 1))
    factory.record(emma, h2s, date(2024, 1, 1), revoked_reason="Forged", revoked_at=db.func.now())
    secret = factory.yearly_certification(name="Secret")
    secret.hidden_from_levels = [factory.levels["Administrator"]]
    db.session.commit()
    factory.record(emma, secret, date(2025, 1, 1))
    record = db.session.scalars(select(Submission).where(Submission.certification_id == first_aid.id)).one()
    db.session.add(Comment(submission=record, author=emma, body="=1+1 looks like a formula"))
    db.session.commit()
    before = {r.certification.name: (r.status.status, r.status.expires_on)
              for r in load_requirements([emma.id], date(2026, 6, 15))[emma.id]}

    exported = client.get("/data/records/export.csv").get_data(as_text=True)
    assert exported.splitlines()[1:] == [
        "emma,First Aid,07/01/2025,07/01/2026,Approved,,'=1+1 looks like a formula",
        "emma,H2S Awareness,01/01/2024,01/01/2025,Revoked,Forged,",
    ]  # the hidden certification stays out
    db.session.execute(delete(Submission).where(Submission.certification_id != secret.id))
    db.session.commit()
    upload(client, csrf, exported)
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and job.preview["create"] == 2
    after = {r.certification.name: (r.status.status, r.status.expires_on)
             for r in load_requirements([emma.id], date(2026, 6, 15))[emma.id]}
    assert after == before
    assert db.session.scalar(select(Comment.body).join(Submission).where(Submission.certification_id == first_aid.id)) \
        == "=1+1 looks like a formula"


def test_the_demo_organisations_assignments_and_records_move_out_and_back_in_with_the_same_statuses(
        frozen_clock, client, csrf, sign_in, app_context):
    """What exists so far of the whole-demo round trip: the people and certifications stay, their role
    requirements and records leave through the exports and come back through the imports."""
    load_demo_organisation(date(2026, 6, 15))
    sign_in(db.session.scalar(select(User).where(User.username == "ada")))
    user_ids = list(db.session.scalars(select(User.id)))

    def statuses():
        return {(user_id, r.certification.name): (r.status.status, r.status.completed_on, r.status.expires_on,
                                                  r.status.pending)
                for user_id, requirements in load_requirements(user_ids, date(2026, 6, 15)).items()
                for r in requirements}

    before = statuses()
    assignments = client.get("/data/assignments/export.csv").get_data(as_text=True)
    records = client.get("/data/records/export.csv").get_data(as_text=True)
    moved = records.count("\n") - 1
    db.session.execute(delete(Submission).where(Submission.status == "approved"))
    db.session.execute(delete(CompanyRole))
    db.session.commit()
    assert statuses() != before
    upload(client, csrf, assignments, kind="assignments")
    assert confirm(client, csrf)[0].state == "imported"
    upload(client, csrf, records)
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and job.preview["create"] == moved > 50
    assert statuses() == before
