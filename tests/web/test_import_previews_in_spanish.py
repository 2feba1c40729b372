"""Every import kind's preview (what importing will do: each row's label and changes) is stored in English by the job
that checks the file, from the message ids of rules/import_previews.py, and shown in the reader's language
(decision 114): no English sentence is left but names, column names and the file's own words. Every kind's column
help is a message id, shown on the upload page in the reader's language."""
import csv
import html
import io

import pytest

from webapp.extensions import db
from webapp.rules.messages import Message
from webapp.rules.stored_texts import IMPORT_PREVIEWS
from webapp.services.entity_import import ENTITY_HEADERS, RECORD_HEADERS, SITE_HEADERS
from webapp.services.import_kinds import IMPORT_KINDS
from webapp.services.people_import import HEADERS as PEOPLE_HEADERS
from webapp.services.record_import import HEADERS as RECORD_FILE_HEADERS
from webapp.services.requirement_import import HEADERS as REQUIREMENT_HEADERS

from tests.web.test_record_import import latest_job, upload


@pytest.fixture
def reader(factory, sign_in):
    reader = sign_in(factory.user("Administrator", username="ada"))
    acme = factory.company(name="Acme")
    factory.user(username="emma", first_name="Emma", last_name="Field")
    factory.user(username="sam", first_name="Sam", last_name="Lee", email="sam@example.com", job_title="Welder",
                 company=acme)
    for name in ("First Aid", "Crane"):
        factory.yearly_certification(name=name)
    for name in ("Annual Inspection", "Registration"):
        factory.yearly_certification(name=name, type="asset")
    factory.role(name="Rigger")
    factory.entity("asset", name="Forklift", identifier="FL-01", owner=reader)
    factory.entity("location", name="Pier", identifier="JL-01", description="Old")
    return reader


def _file(headers, *rows: str):
    return lambda client: "\r\n".join([",".join(headers), *rows]) + "\r\n"


def _certifications_file(client) -> str:
    """The certifications exported, Crane's duration and its parent changed (First Aid lists it as its child)."""
    exported = client.get("/data/certifications/export.csv").data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(exported))
    rows = list(reader)
    for row in rows:
        if row["Name"] == "Crane":
            row.update({"Duration": "2", "Parent Certification": "First Aid"})
        if row["Name"] == "First Aid":
            row["Child Certification(s)"] = "Crane"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, reader.fieldnames, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# Each kind: its file, what the preview shows in Spanish, and what it shows as written (names, column names and the
# file's words only).
KINDS = [
    ("records", _file(RECORD_FILE_HEADERS, "emma,First Aid,06/20/2025,,Approved,,",
                      "emma,Crane,01/02/2024,Never,Revoked,Sold,"),
     ["Emma Field (emma): First Aid, completada el 20/06/2025", "vence el 20/06/2026", "no vence nunca",
      "revocada: Sold"], []),
    ("entity-records", _file(RECORD_HEADERS, "Asset,FL-01,Annual Inspection,06/20/2025,,Recorded,,",
                             "Asset,FL-01,Registration,01/02/2025,Never,Revoked,Sold,"),
     ["Activo Forklift (FL-01): Annual Inspection, completada el 20/06/2025", "Exige Annual Inspection",
      "Exige Registration, revocada", "no vence nunca"], []),
    ("person-requirements", _file(REQUIREMENT_HEADERS, "emma,First Aid,Yes,Deferred,09/30/2026,",
                                  "emma,Crane,No,Not Applicable,,", "sam,First Aid,No,Cannot Be Deferred,,"),
     ["Pasa a ser una de sus otras certificaciones requeridas", "Aplazada hasta el 30/09/2026", "No aplicable",
      "No se puede aplazar"], ["emma: First Aid", "emma: Crane", "sam: First Aid"]),
    ("assignments", _file(("Role", "Company", "Certification"), "Rigger,Acme,First Aid", "Welder,Acme,", "Fitter,,"),
     ["Rigger en Acme exige First Aid", "Welder en Acme", "rol nuevo"], ["Fitter"]),
    ("entities", _file(ENTITY_HEADERS, "Asset,Forklift,FL-01,,,,Annual Inspection,",
                       "Client,Harbor,CL-1,,,,,First Aid", "Job Location,Pier 4,JL-01,,Dock,ada,,"),
     ["Activo Forklift (FL-01)", "Responsible User: nadie", "Exige Annual Inspection", "Cliente Harbor (CL-1)",
      "La certificación Employee First Aid se le aplica", "Ubicación de trabajo Pier 4 (JL-01)",
      "Description: se cambia"], ["Name: Pier → Pier 4", "Tags: Dock", "Responsible User: ada"]),
    ("job-location-sites", _file(SITE_HEADERS, "JL-01,First Aid,", "JL-01,,emma", "JL-01,Crane,sam"),
     ["Pier (JL-01): exige First Aid", "Pier (JL-01): Emma Field (emma) trabaja allí",
      "Pier (JL-01): exige Crane; Sam Lee (sam) trabaja allí"], []),
    ("people", _file(PEOPLE_HEADERS, "sam,sam@example.com,Sam,Lee,E7,,,,,,"),
     ["Employee Number: (vacío) → E7", "Job Title: Welder → (vacío)", "Company: Acme → (ninguno)"],
     ["Sam Lee (sam)"]),
    ("certifications", _certifications_file,
     ["Parent Certification: ninguna → First Aid", "Child Certification(s): ninguna → Crane"],
     ["Crane", "First Aid", "Duration: 1 → 2"]),
]


@pytest.mark.parametrize("kind, written, shown, as_written", KINDS, ids=[kind for kind, *_ in KINDS])
def test_each_kind_s_preview_is_stored_in_english_and_shown_in_spanish(frozen_clock, client, csrf, reader, kind,
                                                                      written, shown, as_written):
    response = upload(client, csrf, written(client), kind=kind, filename=f"{kind}.csv")
    assert response.status_code == 303, response.get_data(as_text=True)
    job = latest_job()
    db.session.refresh(job)
    assert job.state == "checked" and job.preview["error_rows"] == [], job.preview["error_rows"]
    stored = [text for _, _, label, changes in job.preview["rows"] for text in (label, *changes)]
    reader.language = "es"
    db.session.commit()
    page = html.unescape(client.get(f"/data/imports/{job.id}").get_data(as_text=True))
    for text in stored:
        if text in as_written:
            assert text in page, text
            continue
        found = IMPORT_PREVIEWS.match(text)
        assert found is not None and found.english() == text, text
        assert text not in page, text
    assert set(as_written) <= set(stored), stored
    for text in shown:
        assert text in page, text


IMPORTABLE = [name for name, kind in IMPORT_KINDS.items() if kind.importable]


@pytest.mark.parametrize("kind", IMPORTABLE)
def test_each_kind_s_column_help_is_shown_in_spanish(client, reader, kind):
    reader.language = "es"
    db.session.commit()
    page = html.unescape(client.get(f"/data/{kind}/import").get_data(as_text=True))
    for help_ in IMPORT_KINDS[kind].column_help.values():
        assert (help_.english() if isinstance(help_, Message) else help_) not in page, help_
