"""Certifications in and out as the 42-column file: export, template, import (create, update by ID,
unchanged), every column's rule on a real upload, bad files, privacy and permissions, and the round
trip of the demo organisation."""
import csv
import html
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Certification, ImportJob, ModuleLevel, User
from webapp.permissions import Permission
from webapp.rules.certification_columns import COLUMNS as FILE_COLUMNS
from webapp.rules.certification_columns import HEADERS
from webapp.rules.messages import Message
from webapp.rules.stored_texts import IMPORT_ERRORS
from webapp.services.certification_imports import export_certifications, plan_certifications, write_certifications
from webapp.services.demo import load_demo_organisation
from webapp.services.imports import ImportRow

BLANK = dict.fromkeys(HEADERS, "")


@pytest.fixture
def administrator(factory, sign_in):
    return sign_in(factory.user("Administrator"))


def row(**cells) -> dict:
    """A row by header; keyword names are headers with spaces as underscores (Child_Certifications for the last)."""
    values = {**BLANK, "Name": "Forklift Operation"}
    for key, value in cells.items():
        header = "Child Certification(s)" if key == "Child_Certifications" else key.replace("_", " ")
        assert header in HEADERS, header
        values[header] = value
    return values


def csv_bytes(*rows: dict, headers=HEADERS, delimiter=",", encoding="utf-8", newline="\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values[header] for header in headers])
    return buffer.getvalue().encode(encoding)


def upload(client, csrf, data: bytes, filename="certifications.csv"):
    response = client.post("/data/certifications/import", data={"csrf_token": csrf(), "file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return latest_job()


def latest_job() -> ImportJob:
    job = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
    db.session.refresh(job)
    return job


def confirm(client, csrf, job: ImportJob) -> ImportJob:
    response = client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(job)
    return job


def errors_of(job: ImportJob) -> list[tuple[int, str, str]]:
    return [tuple(error) for error in job.preview["error_rows"]] if job.preview else []


def certification(name: str) -> Certification:
    db.session.expire_all()
    return db.session.scalars(select(Certification).where(Certification.name == name)).one()


def exported(client, file_format="csv") -> bytes:
    response = client.get(f"/data/certifications/export.{file_format}")
    assert response.status_code == 200
    return response.data


def test_a_new_certification_takes_every_column(client, csrf, administrator, factory):
    factory.yearly_certification(name="First Aid")
    role = factory.role(name="Site Supervisor")
    job = upload(client, csrf, csv_bytes(row(
        Information="Operate a forklift.\nTwo days.", External_URL="https://example.com/forklift",
        Cost_of_Training="250,5", Time_to_Complete="1.5", Time_to_Complete_Period="days",
        Certification_Expires="Y", Duration="3", Duration_Period="Years", Extend_Duration="month",
        Due="2", Due_Period="Months", Overdue="2", Overdue_Period="weeks",
        Refresher_Training="on", Refresher_Cost_of_Training="100", Refresher_Duration="2", Refresher_Duration_Period="years",
        Refresher_Extend_Duration="Year", Refresher_Due="1", Refresher_Due_Period="months", Refresher_Overdue="1",
        Refresher_Overdue_Period="week", Hide_From_Shared_Reports="TRUE", Hide_From_QR_Reports="0",
        Hide_From_People_Module_Levels="employee", Hide_Attachments_From_People_Module_Levels="Supervisor; Employee",
        Require_Attachment="1", Auto_Approve_User_Submissions="yes", Allowed_Batch_Submission_Roles="Site Supervisor",
        Attach_Certificates_To_Notifications="Y", Parent_Certification="First Aid")))
    assert job.state == "checked" and errors_of(job) == [] and job.preview["create"] == 1
    assert confirm(client, csrf, job).state == "imported"
    forklift = certification("Forklift Operation")
    assert forklift.information == "Operate a forklift.\nTwo days." and forklift.cost == Decimal("250.50")
    assert (forklift.time_to_complete, forklift.time_to_complete_unit) == (Decimal("1.5"), "days")
    assert (forklift.duration_amount, forklift.duration_unit, forklift.extend_to) == (3, "years", "month")
    assert (forklift.second_notice_amount, forklift.second_notice_unit) == (2, "weeks")
    assert forklift.has_refresher and (forklift.refresher_second_notice_amount, forklift.refresher_extend_to) == (1, "year")
    assert forklift.hide_from_shared_reports and forklift.hide_attachments_from_shared_reports  # implied
    assert not forklift.hide_from_qr_reports
    assert [level.name for level in forklift.hidden_from_levels] == ["Employee"]
    assert sorted(level.name for level in forklift.attachments_hidden_from_levels) == ["Employee", "Supervisor"]
    assert forklift.allow_batch_submission and [r.id for r in forklift.batch_roles] == [role.id]
    assert forklift.require_attachment and forklift.auto_approve_submissions and forklift.attach_files_to_approval_emails
    assert forklift.parent.name == "First Aid" and forklift.type == "employee" and forklift.activity_type == "none"


def test_an_id_with_its_name_updates_and_the_preview_says_what_changes(client, csrf, administrator, factory):
    crane = factory.yearly_certification(name="Crane Operation", require_attachment=True)
    values = csv.DictReader(io.StringIO(exported(client).decode("utf-8-sig")))
    (stored,) = list(values)
    stored["Duration"] = "2"
    job = upload(client, csrf, csv_bytes(stored))
    assert job.preview["update"] == 1 and job.preview["rows"] == [[2, "update", "Crane Operation", ["Duration: 1 → 2"]]]
    confirm(client, csrf, job)
    crane = certification("Crane Operation")
    assert crane.duration_amount == 2 and crane.require_attachment and crane.first_notice_amount == 1


@pytest.mark.parametrize("cells, column, message", [
    ({"Name": "", "Information": "A course."}, "Name", "Enter the certification name."),
    ({"Name": "Crane/Rigging"}, "Name", "cannot contain the characters ; < > \\ /"),
    ({"Name": "x" * 201}, "Name", "Keep the name to 200 characters or fewer."),
    ({"Name": "crane operation"}, "Name", "Another certification already has this name (ID"),
    ({"Certification ID": "999999"}, "Certification ID", "No certification has the ID 999999"),
    ({"Certification ID": "abc"}, "Certification ID", "is not a certification ID"),
    ({"Information": "a\x07b"}, "Information", "control characters"),
    ({"External URL": "example.com"}, "External URL", "Enter a full web address"),
    ({"Cost of Training": "-5"}, "Cost of Training", "is not a number"),
    ({"Cost of Training": "1.234"}, "Cost of Training", "more than 2 decimals"),
    ({"Cost of Training": "99999999999"}, "Cost of Training", "is too large"),
    ({"Time to Complete": "2"}, "Time to Complete Period", "Give the unit of the Time to Complete"),
    ({"Time to Complete Period": "Minutes", "Time to Complete": "2"}, "Time to Complete Period", "Hours, Days, Weeks"),
    ({"Certification Expires": "maybe"}, "Certification Expires", "is not a yes or no"),
    ({"Certification Expires": "Yes"}, "Duration", "The duration is required when the certification expires"),
    ({"Certification Expires": "Yes", "Duration": "0", "Duration Period": "Years"}, "Duration", "not a positive whole number"),
    ({"Certification Expires": "Yes", "Duration": "1.5", "Duration Period": "Years"}, "Duration", "not a positive whole number"),
    ({"Certification Expires": "Yes", "Duration": "1", "Duration Period": "Fortnights"}, "Duration Period", "Days, Weeks, Months, Years or None"),
    ({"Certification Expires": "Yes", "Duration": "1", "Duration Period": "Years", "Extend Duration": "Week",
      "Due": "1", "Due Period": "Months", "Overdue": "1", "Overdue Period": "Weeks"}, "Extend Duration", "Month, Year or None"),
    ({"Certification Expires": "Yes", "Duration": "1", "Duration Period": "Years", "Due": "2", "Due Period": "Years",
      "Overdue": "1", "Overdue Period": "Weeks"}, "Due", "The 1st notice must be shorter than the duration"),
    ({"Certification Expires": "Yes", "Duration": "2", "Duration Period": "Years", "Due": "1", "Due Period": "Months",
      "Overdue": "1", "Overdue Period": "Years"}, "Overdue Period", "no Years here"),
    ({"Certification Expires": "Yes", "Duration": "101", "Duration Period": "Years", "Due": "1", "Due Period": "Months",
      "Overdue": "1", "Overdue Period": "Weeks"}, "Duration", "Must be at most 100 years"),
    ({"Duration": "1", "Duration Period": "Years"}, "Duration", "Certification Expires is No, so leave Duration blank"),
    ({"Refresher Training": "Yes"}, "Refresher Training", "Certification Expires is No, so leave Refresher Training No or blank"),
    ({"Certification Expires": "Yes", "Duration": "1", "Duration Period": "Years", "Due": "1", "Due Period": "Months",
      "Overdue": "1", "Overdue Period": "Weeks", "Refresher Due": "1", "Refresher Due Period": "Weeks"},
     "Refresher Due", "Refresher Training is No, so leave Refresher Due blank"),
    ({"Certification Expires": "Yes", "Duration": "1", "Duration Period": "Years", "Due": "1", "Due Period": "Months",
      "Overdue": "1", "Overdue Period": "Weeks", "Refresher Training": "Yes"}, "Refresher Duration", "The duration is required"),
    ({"Hide From People Module Levels": "Employee; Contractors"}, "Hide From People Module Levels", "No module level is named “Contractors”"),
    ({"Hide Attachments From People Module Levels": "Nobody"}, "Hide Attachments From People Module Levels", "No module level"),
    ({"Allowed Batch Submission Roles": "Astronaut"}, "Allowed Batch Submission Roles", "No role is named “Astronaut”"),
    ({"Require Attachment": "si"}, "Require Attachment", "is not a yes or no"),
    ({"Parent Certification": "Nothing Like It"}, "Parent Certification", "No certification is named “Nothing Like It”"),
    ({"Child Certification(s)": "Crane Operation; Ghost"}, "Child Certification(s)", "No certification is named “Ghost”"),
    ({"Parent Certification": "Crane Operation", "Child Certification(s)": "Ladder Safety"}, "Parent Certification",
     "A certification can have a parent or children, not both."),
    ({"Parent Certification": "Ladder Safety"}, "Parent Certification", "This certification is itself a child"),
    ({"Child Certification(s)": "Crane Operation"}, "Child Certification(s)", "A child must not already have another parent"),
    ({"Parent Certification": "Forklift Operation"}, "Parent Certification", "cannot be its own parent"),
])
def test_every_column_rule_refuses_with_its_message_and_imports_nothing(client, csrf, administrator, factory, cells,
                                                                          column, message):
    crane = factory.yearly_certification(name="Crane Operation")
    factory.yearly_certification(name="Ladder Safety", parent=crane)
    job = upload(client, csrf, csv_bytes({**row(), **cells}))
    assert any(line == 2 and where == column and message in text for line, where, text in errors_of(job)), errors_of(job)
    assert client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()}).status_code == 409
    assert db.session.scalar(select(func.count(Certification.id))) == 2


def test_an_id_must_come_with_its_own_name(client, csrf, administrator, factory):
    crane = factory.yearly_certification(name="Crane Operation")
    job = upload(client, csrf, csv_bytes(row(Certification_ID=str(crane.id), Name="Tower Crane")))
    assert errors_of(job) == [(2, "Name", f"Certification ID {crane.id} is “Crane Operation”: give its exact name to "
                                          "update it (rename a certification on its page).")]


def test_parent_and_children_in_the_same_file_must_agree(client, csrf, administrator):
    agreeing = csv_bytes(row(Name="First Aid", Child_Certifications="CPR; AED"), row(Name="CPR", Parent_Certification="First Aid"),
                         row(Name="AED", Parent_Certification="First Aid"))
    job = upload(client, csrf, agreeing)
    assert errors_of(job) == [] and job.preview["create"] == 3
    confirm(client, csrf, job)
    assert sorted(child.name for child in certification("First Aid").children) == ["AED", "CPR"]

    disagreeing = csv_bytes(row(Name="Rescue", Child_Certifications="Ropes"), row(Name="Ropes", Parent_Certification="First Aid"))
    errors = errors_of(upload(client, csrf, disagreeing))
    assert (2, "Child Certification(s)", "The file gives “Ropes” different parents (rows 2, 3): make its Parent "
                                         "Certification and the Child Certification(s) that list it agree.") in errors
    unlisted = csv_bytes(row(Name="Rescue"), row(Name="Ropes", Parent_Certification="Rescue"))
    assert errors_of(upload(client, csrf, unlisted)) == [
        (3, "Parent Certification", "“Rescue” (row 2) does not list “Ropes” in its Child Certification(s): add it there, "
                                    "or change this parent.")]


@pytest.mark.parametrize("data, filename, outcome", [
    (csv_bytes(row(), headers=HEADERS[:-1]), "c.csv", 1),
    (csv_bytes(row(), headers=HEADERS[:-2]), "c.csv", 1),
    (csv_bytes(row(), headers=HEADERS[:-3]), "c.csv", 1),
    (csv_bytes(row(), headers=HEADERS[:-4]), "c.csv",
     f"The header row does not match (missing: {HEADERS[-4]}, Valid When Added, Type, Clients)"),
    (csv_bytes(row(), headers=(HEADERS[1], HEADERS[0], *HEADERS[2:])), "c.csv", "The columns are in the wrong order"),
    (b"\xef\xbb\xbf" + csv_bytes(row()), "c.csv", 1),
    (csv_bytes(row(), newline="\r\n"), "c.csv", 1),
    (csv_bytes(row(), delimiter=";"), "c.csv", 1),
    (csv_bytes(row(), delimiter="\t"), "c.txt", 1),
    (csv_bytes(row(Information="Line one\r\nLine two; with \"quotes\", and commas")), "c.csv", 1),
    (csv_bytes(row(Name="Sécurité électrique – niveau 1"), encoding="cp1252", delimiter=";"), "c.csv", 1),
    (csv_bytes(row(), row(Name="FORKLIFT OPERATION")), "c.csv", "“FORKLIFT OPERATION” is in the file twice (rows 2 and 3)"),
    (csv_bytes(row(Information="=cmd|' /C calc'!A0")), "c.csv", "looks like a spreadsheet formula"),
    (csv_bytes(row(Information="'=SUM(A1)")), "c.csv", 1),
    (csv_bytes(row()) + b"\"unclosed", "c.csv", "check its quotes"),
])
def test_bad_files_are_explained_and_good_ones_whatever_their_dialect_are_read(client, csrf, administrator, data,
                                                                                 filename, outcome):
    job = upload(client, csrf, data, filename)
    page = client.get(f"/data/imports/{job.id}").get_data(as_text=True)
    if isinstance(outcome, str):
        assert outcome in page and "Import 1 row" not in page
    else:
        assert errors_of(job) == [] and job.preview["create"] == outcome, errors_of(job)
        confirm(client, csrf, job)
        assert db.session.scalar(select(func.count(Certification.id))) == outcome


def test_the_information_keeps_its_line_breaks_and_an_escaped_formula_loses_its_apostrophe(client, csrf, administrator):
    confirm(client, csrf, upload(client, csrf, csv_bytes(row(Information="'=SUM(A1)\r\nnext line"))))
    assert certification("Forklift Operation").information == "=SUM(A1)\r\nnext line"
    assert "\"'=SUM(A1)\r\nnext line\"" in exported(client).decode("utf-8-sig")


def test_the_export_leaves_out_what_the_importer_may_not_see_and_an_update_keeps_hidden_links(client, csrf, factory,
                                                                                              sign_in):
    auditors = ModuleLevel(name="Auditors", permissions={Permission.IMPORT_EXPORT, Permission.MANAGE_CERTIFICATIONS})
    db.session.add(auditors)
    db.session.commit()
    factory.levels["Auditors"] = auditors
    secret = factory.yearly_certification(name="Secret Clearance", hidden_from_levels=[auditors])
    first_aid = factory.yearly_certification(name="First Aid")
    secret.parent = first_aid
    db.session.commit()
    sign_in(factory.user("Auditors"))
    text = exported(client).decode("utf-8-sig")
    assert "Secret Clearance" not in text and "First Aid" in text
    job = upload(client, csrf, text.encode())
    assert job.preview["unchanged"] == 1 and errors_of(job) == []
    assert certification("Secret Clearance").parent_id == first_aid.id
    refused = upload(client, csrf, csv_bytes(row(Certification_ID=str(secret.id), Name="Secret Clearance")))
    assert errors_of(refused) == [(2, "Certification ID", f"No certification has the ID {secret.id}: leave it blank to "
                                                           "create one.")]


def test_importing_needs_manage_certifications_besides_import_export(client, factory, sign_in):
    exporters = ModuleLevel(name="Exporters", permissions={Permission.IMPORT_EXPORT})
    db.session.add(exporters)
    db.session.commit()
    factory.levels["Exporters"] = exporters
    sign_in(factory.user("Exporters"))
    assert client.get("/data/certifications/import").status_code == 404
    assert client.get("/data/certifications/export.csv").status_code == 404
    assert "Import Certifications" not in client.get("/data/").get_data(as_text=True)


def test_the_template_has_the_45_headers_and_an_example_that_imports(client, csrf, administrator):
    template = client.get("/data/certifications/template.csv").data
    lines = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    assert tuple(lines[0]) == HEADERS and len(HEADERS) == 45 and HEADERS[0] == "Certification ID"
    assert HEADERS[-4:] == ("Child Certification(s)", "Valid When Added", "Type", "Clients")
    job = upload(client, csrf, template)
    assert errors_of(job) == [] and job.preview["create"] == 1
    page = client.get("/data/certifications/import").get_data(as_text=True)
    assert "Overdue Period</dt><dd>Days, Weeks, Months or None." in page


def test_the_demo_organisation_round_trips_unchanged_as_csv_and_excel(client, csrf, sign_in, frozen_clock, app_context):
    load_demo_organisation(date(2026, 6, 15))
    sign_in(db.session.scalars(select(User).where(User.username == "ada")).one())
    before = exported(client)
    count = db.session.scalar(select(func.count(Certification.id)))
    for data, filename in ((before, "certifications.csv"), (exported(client, "xlsx"), "certifications.xlsx")):
        job = upload(client, csrf, data, filename)
        assert errors_of(job) == [] and (job.preview["create"], job.preview["update"]) == (0, 0), job.preview["rows"]
        assert job.preview["unchanged"] == count
    assert exported(client) == before


TOKENS = ["", "Yes", "no", "1", "2", "0", "-1", "1.5", "12,50", "Days", "Weeks", "Months", "Years", "None", "Month",
          "Hours", "Employee", "Employee; Supervisor", "Site Supervisor", "First Aid", "Forklift", "=1+1", "a/b",
          "https://example.com", "9" * 30]
VALID = {**row(), "Certification Expires": "Yes", "Duration": "2", "Duration Period": "Years", "Due": "1",
         "Due Period": "Months", "Overdue": "2", "Overdue Period": "Weeks"}
cell_text = st.one_of(st.sampled_from(TOKENS), st.text(max_size=8))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.sampled_from(HEADERS), cell_text, max_size=4), min_size=1, max_size=3),
       st.integers(0, 10_000))
def test_random_rows_never_fail_the_server_nor_import_half(client, csrf, administrator, factory, edits, salt):
    if not db.session.scalar(select(func.count(Certification.id))):
        factory.yearly_certification(name="First Aid")
        factory.role(name="Site Supervisor")
    before = db.session.scalar(select(func.count(Certification.id)))
    rows = [{**VALID, "Name": f"Random {salt} {n}", **changes} for n, changes in enumerate(edits)]
    job = upload(client, csrf, csv_bytes(*rows))
    assert client.get(f"/data/imports/{job.id}").status_code == 200
    assert job.state in ("checked", "failed") and job.message != "The file could not be checked."
    if job.state == "checked" and not job.preview["errors"] and job.preview["create"] + job.preview["update"]:
        assert confirm(client, csrf, job).state == "imported", job.message
        assert db.session.scalar(select(func.count(Certification.id))) == before + job.preview["create"]
    else:
        assert db.session.scalar(select(func.count(Certification.id))) == before


def test_the_certifications_page_offers_import_and_export_to_whoever_may_use_them(client, factory, sign_in):
    sign_in(factory.user("Administrator"))
    page = client.get("/certifications/").get_data(as_text=True)
    assert 'href="/data/certifications/import">Import Certifications' in page
    assert 'href="/data/certifications/export.csv" download>Export Certifications' in page


def test_checking_importing_and_exporting_take_as_many_queries_for_12_certifications_as_for_2(
        factory, count_queries):
    admin = factory.user("Administrator")
    factory.role(name="Site Supervisor")
    factory.yearly_certification(name="Existing", hidden_from_levels=[factory.levels["Supervisor"]])
    counts, stored = [], 1
    for size in (4, 2, 12):  # the first round loads what stays in the session (the administrator's levels)
        names = [f"Bulk {size} {n}" for n in range(size)]
        rows = [ImportRow(n + 2, row(Name=name, Hide_From_People_Module_Levels="Employee",
                                     Allowed_Batch_Submission_Roles="Site Supervisor",
                                     Child_Certifications=names[n + 1] if n % 2 == 0 else "",
                                     Parent_Certification=names[n - 1] if n % 2 else ""))
                for n, name in enumerate(names)]
        with count_queries() as queries:
            plan = plan_certifications(rows, admin, date(2026, 6, 15), lambda done: None)
            assert plan.errors == [] and plan.count("create") == size
            write_certifications(plan, admin, date(2026, 6, 15))
            db.session.commit()
            stored += size
            assert len(list(export_certifications(admin))) == stored
        counts.append(len(queries))
    assert counts[1] == counts[2], counts


def test_valid_when_added_goes_out_and_comes_back_in_its_column(client, csrf, factory, administrator):
    factory.certification(name="Site Induction", valid_when_added=True)
    factory.yearly_certification(name="First Aid")
    lines = list(csv.DictReader(io.StringIO(exported(client).decode("utf-8-sig"))))
    assert {line["Name"]: line["Valid When Added"] for line in lines} == {"Site Induction": "Yes", "First Aid": "No"}
    job = confirm(client, csrf, upload(client, csrf, csv_bytes(row(Name="Visitor Briefing", Valid_When_Added="y"))))
    assert errors_of(job) == [] and certification("Visitor Briefing").valid_when_added is True
    refused = upload(client, csrf, csv_bytes(row(Name="Gate Pass", Valid_When_Added="maybe")))
    assert errors_of(refused) and errors_of(refused)[0][1] == "Valid When Added"


def test_a_file_of_the_42_columns_leaves_valid_when_added_as_it_is(client, csrf, factory, administrator):
    kept = factory.certification(name="Site Induction", valid_when_added=True)
    older = csv_bytes(row(Certification_ID=str(kept.id), Name="Site Induction", Information="Updated"), row(Name="Gate Pass"),
                      headers=HEADERS[:-3])
    job = confirm(client, csrf, upload(client, csrf, older))
    assert errors_of(job) == []
    assert certification("Site Induction").information == "Updated"
    assert certification("Site Induction").valid_when_added is True
    assert certification("Gate Pass").valid_when_added is False


def test_the_type_column_creates_entity_certifications_and_cannot_change_one_in_use(client, csrf, factory, administrator):
    kept = factory.certification(name="Annual Inspection", type="asset")
    factory.associate(factory.entity("asset"), kept)
    free = factory.certification(name="Site Permit")
    lines = list(csv.DictReader(io.StringIO(exported(client).decode("utf-8-sig"))))
    assert {line["Name"]: line["Type"] for line in lines} == {"Annual Inspection": "Asset", "Site Permit": "Employee"}
    job = confirm(client, csrf, upload(client, csrf, csv_bytes(
        row(Name="Client Audit", Type="client"), row(Name="Gate Pass"),
        row(Certification_ID=str(free.id), Name="Site Permit", Type="Job Location"))))
    assert errors_of(job) == []
    assert [certification(name).type for name in ("Client Audit", "Gate Pass", "Site Permit")] == [
        "client", "employee", "location"]
    refused = upload(client, csrf, csv_bytes(row(Certification_ID=str(kept.id), Name="Annual Inspection", Type="Employee"),
                                             row(Name="Other", Type="Vehicle")))
    assert errors_of(refused) == [
        (2, "Type", "The type cannot change: this certification already has records or associations."),
        (3, "Type", "“Vehicle” is not a type: write Employee, Asset, Client or Job Location.")]


def test_clients_go_out_by_identifier_and_come_back_by_identifier_or_name(client, csrf, factory, administrator):
    """Decision 94: the optional Clients column, semicolon-separated, with row errors for unknown clients."""
    harbour = factory.entity("client", name="Harbour Authority", identifier="CL-HA")
    rail = factory.entity("client", name="Rail Co", identifier="CL-RC")
    factory.entity("client", name="Twin", identifier="CL-T1")
    factory.entity("client", name="Twin", identifier="CL-T2")
    induction = factory.certification(name="Harbour Induction")
    induction.clients = [harbour, rail]
    db.session.commit()
    lines = list(csv.DictReader(io.StringIO(exported(client).decode("utf-8-sig"))))
    assert {line["Name"]: line["Clients"] for line in lines} == {"Harbour Induction": "CL-HA; CL-RC"}
    # The export imports back unchanged; a name only one client has is as good as its identifier.
    assert upload(client, csrf, exported(client)).preview["unchanged"] == 1
    job = upload(client, csrf, csv_bytes(
        row(Certification_ID=str(induction.id), Name="Harbour Induction", Clients="cl-ha"),
        row(Name="Rail Safety", Clients="Rail Co; CL-HA")))
    assert errors_of(job) == [] and any("Clients: CL-HA; CL-RC → CL-HA" in changes for *_, changes in job.preview["rows"])
    confirm(client, csrf, job)
    assert [c.identifier for c in certification("Harbour Induction").clients] == ["CL-HA"]
    assert {c.identifier for c in certification("Rail Safety").clients} == {"CL-HA", "CL-RC"}
    # Unknown and ambiguous clients, and clients of another type than Employee: row errors, nothing written.
    factory.certification(name="Crane Check", type="asset")
    refused = upload(client, csrf, csv_bytes(row(Name="Gate Pass", Clients="CL-XX; Nobody"), row(Name="Twin Induction", Clients="Twin"),
                                             row(Certification_ID=str(certification("Crane Check").id), Name="Crane Check",
                                                 Clients="CL-HA")))
    assert [(line, column) for line, column, _ in errors_of(refused)] == [(2, "Clients"), (3, "Clients"), (4, "Clients")]
    messages = " ".join(message for *_, message in errors_of(refused))
    assert "“CL-XX”, “Nobody”" in messages and "CL-T1, CL-T2" in messages and "Only an Employee certification" in messages
    # A file without the column (44 columns) leaves the clients as they are.
    older = csv_bytes(row(Certification_ID=str(induction.id), Name="Harbour Induction", Information="New"), headers=HEADERS[:-1])
    confirm(client, csrf, upload(client, csrf, older))
    assert [c.identifier for c in certification("Harbour Induction").clients] == ["CL-HA"]
    assert certification("Harbour Induction").information == "New"


# --- In the reader's language (decisions 89 and 103) -----------------------------------------------------------

@pytest.mark.parametrize("language, explained", [
    ("es", ["Due</dt><dd>Un número entero positivo: cuánto tiempo antes del vencimiento el estado pasa a Por renovar "
            "(1.er aviso), con la unidad en la columna siguiente.",
            "Overdue Period</dt><dd>Days, Weeks, Months o None.",
            "Require Attachment</dt><dd>Yes, Y, On, True o 1; o No, N, Off, False, 0 o vacío (mayúsculas o "
            "minúsculas)."]),
    ("fr", ["Due</dt><dd>Un nombre entier positif : combien de temps avant l’expiration le statut passe à À "
            "renouveler (1er avis), avec l’unité dans la colonne suivante.",
            "Overdue Period</dt><dd>Days, Weeks, Months ou None.",
            "Require Attachment</dt><dd>Yes, Y, On, True ou 1 ; ou No, N, Off, False, 0 ou vide (majuscules ou "
            "minuscules)."]),
])
def test_the_import_page_explains_every_column_in_the_reader_s_language(client, administrator, language, explained):
    administrator.language = language
    db.session.commit()
    page = client.get("/data/certifications/import").get_data(as_text=True)
    assert all(text in page for text in explained)
    for column in FILE_COLUMNS:  # the names stay English (decision 89), no explanation does
        english = column.help.english() if isinstance(column.help, Message) else column.help
        assert f'<dt lang="en">{html.escape(column.header, quote=False)}</dt>' in page
        assert str(escape(english)) not in page, column.header


BAD_ROW = {"Certification Expires": "perhaps", "Duration": "0", "Due Period": "Days", "Overdue Period": "Years",
           "Cost of Training": "12.345", "Type": "Vehicle"}


@pytest.mark.parametrize("language, problems", [
    ("es", ["«perhaps» no es un sí o un no: escriba Yes, Y, On, True o 1; o No, N, Off, False, 0 o vacío (mayúsculas "
            "o minúsculas).",
            "«0» no es un número entero positivo (1, 2, 3...).",
            "«Years» no es una unidad válida aquí: escriba Days, Weeks, Months o None (aquí no hay Years: 1 Year son "
            "12 Months).",
            "12.345 tiene más de 2 decimales.",
            "«Vehicle» no es un tipo: escriba Employee, Asset, Client o Job Location.",
            "Due Period es Days, pero Due está vacía: indique las dos, o ninguna."]),
    ("fr", ["« perhaps » n’est pas un oui ou un non : écrivez Yes, Y, On, True ou 1 ; ou No, N, Off, False, 0 ou "
            "vide (majuscules ou minuscules).",
            "« 0 » n’est pas un nombre entier positif (1, 2, 3...).",
            "« Years » n’est pas une unité possible ici : écrivez Days, Weeks, Months ou None (pas de Years ici : "
            "1 Year vaut 12 Months).",
            "12.345 a plus de 2 décimales.",
            "« Vehicle » n’est pas un type : écrivez Employee, Asset, Client ou Job Location.",
            "Due Period vaut Days, mais Due est vide : indiquez les deux, ou aucun."]),
])
def test_a_checked_file_s_cell_errors_are_stored_in_english_and_shown_in_the_reader_s_language(
        client, csrf, administrator, language, problems):
    job = upload(client, csrf, csv_bytes(row(**{header.replace(" ", "_"): text for header, text in BAD_ROW.items()})))
    stored = [text for _, _, text in errors_of(job)]
    assert "“perhaps” is not a yes or no: write Yes, Y, On, True or 1; or No, N, Off, False, 0 or blank (any case)." \
        in stored and len(stored) == len(problems)
    administrator.language = language
    db.session.commit()
    page = client.get(f"/data/imports/{job.id}").get_data(as_text=True)
    assert all(html.escape(problem, quote=False) in page for problem in problems), page
    assert not any(html.escape(text, quote=False) in page for text in stored)


def test_a_file_full_of_row_errors_is_stored_in_english_and_every_error_shown_in_spanish(client, csrf, administrator,
                                                                                         factory):
    crane = factory.yearly_certification(name="Crane Operation")
    login = factory.yearly_certification(name="Site Induction", required_at_login=True, auto_approve_on_activity=True)
    expiring = {"Certification_Expires": "Yes", "Duration": "1", "Duration_Period": "Years", "Due_Period": "Years",
                "Overdue": "1", "Overdue_Period": "Weeks"}
    job = upload(client, csrf, csv_bytes(
        row(Name="Crane/Rigging"),
        row(Name="crane operation"),
        row(Certification_ID=str(crane.id), Name="Tower Crane"),
        row(Certification_ID="999999", Name="Ghost"),
        row(Name="Twice"), row(Name="TWICE"),
        row(Name="Web", External_URL="example.com"),
        row(Name="Links", Hide_From_People_Module_Levels="Contractors", Allowed_Batch_Submission_Roles="Astronaut",
            Clients="Nobody Inc"),
        row(Name="Fittings", Type="Asset", Clients="Nobody Inc"),
        row(Name="Notices", Due="2", **expiring),
        row(Name="Loop", Parent_Certification="Loop"),
        row(Name="Orphan", Parent_Certification="Nothing Like It"),
        row(Name="Rescue", Child_Certifications="Ropes"), row(Name="Ropes", Parent_Certification="Crane Operation"),
        row(Name="Base"), row(Name="Leaf", Parent_Certification="Base"),
        row(Certification_ID=str(login.id), Name="Site Induction", Auto_Approve_On_Activity_Completion="No"),
    ))
    stored = errors_of(job)
    assert {message for _, _, message in stored} >= {
        "The name cannot contain the characters ; < > \\ /",
        f"Another certification already has this name (ID {crane.id}): give its Certification ID to update it.",
        f"Certification ID {crane.id} is “Crane Operation”: give its exact name to update it (rename a certification "
        "on its page).",
        "“TWICE” is in the file twice (rows 6 and 7): one row per certification.",
        "Enter a full web address, starting with https://",
        "No module level is named “Contractors”.", "No role is named “Astronaut”.",
        "No client has the identifier or name “Nobody Inc”.",
        "Only an Employee certification applies to clients: leave Clients blank for this one.",
        "The 1st notice must be shorter than the duration",
        "A certification cannot be its own parent or child.",
        "No certification is named “Nothing Like It”.",
        "The file gives “Ropes” different parents (rows 14, 15): make its Parent Certification and the Child "
        "Certification(s) that list it agree.",
        "“Base” (row 16) does not list “Leaf” in its Child Certification(s): add it there, or change this parent.",
        "This certification is required at login, which auto-approves on activity completion: write Yes (or change "
        "Required at Login on its page).",
    }
    for _, _, message in stored:  # each reads back as the message it was written from
        found = IMPORT_ERRORS.match(message)
        assert found is not None and found.english() == message, message
    administrator.language = "es"
    db.session.commit()
    page = html.unescape(client.get(f"/data/imports/{job.id}").get_data(as_text=True))
    for shown in ("El nombre no puede contener los caracteres ; < > \\ /",
                  f"Otra certificación ya tiene este nombre (ID {crane.id}): indique su Certification ID para actualizarla.",
                  f"El Certification ID {crane.id} es «Crane Operation»",
                  "«TWICE» está dos veces en el archivo (filas 6 y 7): una fila por certificación.",
                  "Ningún nivel de módulo se llama “Contractors”.", "Ningún rol se llama “Astronaut”.",
                  "Ningún cliente tiene el identificador o el nombre “Nobody Inc”.",
                  "El 1.er aviso debe ser más corto que la duración",
                  "El archivo da a «Ropes» certificaciones principales distintas (filas 14, 15)",
                  "«Base» (fila 16) no incluye «Leaf» en sus Child Certification(s)",
                  "Esta certificación se exige al iniciar sesión"):
        assert shown in page, shown
    assert not any(message in page for _, _, message in stored), [m for _, _, m in stored if m in page]
