"""Every import kind's row errors are stored in English by the job that checks the file, from the message ids of
rules/import_errors.py and the rules they share (decision 112), and shown in the reader's language."""
import html
from datetime import datetime, timezone

import pytest

from webapp.extensions import db
from webapp.rules.stored_texts import IMPORT_ERRORS
from webapp.services.entity_import import ENTITY_HEADERS, RECORD_HEADERS, SITE_HEADERS
from webapp.services.people_import import HEADERS as PEOPLE_HEADERS
from webapp.services.record_import import HEADERS as RECORD_FILE_HEADERS
from webapp.services.requirement_import import HEADERS as REQUIREMENT_HEADERS

from tests.web.test_record_import import latest_job, upload

LONG_TITLE = "x" * 121
REVOKED = datetime(2026, 1, 5, tzinfo=timezone.utc)


def _stored_and_shown(client, csrf, kind: str, headers, rows: list[str], reader) -> tuple[list[str], str]:
    """Upload the rows as a file of `kind`; the English errors it stored, and the job's page in Spanish."""
    text = "\r\n".join([",".join(headers), *rows]) + "\r\n"
    response = upload(client, csrf, text, kind=kind, filename=f"{kind}.csv")
    assert response.status_code == 303, response.get_data(as_text=True)
    job = latest_job()
    db.session.refresh(job)
    stored = [message for _, _, message in job.preview["error_rows"]]
    reader.language = "es"
    db.session.commit()
    return stored, html.unescape(client.get(f"/data/imports/{job.id}").get_data(as_text=True))


def _each_read_back_and_none_shown_in_english(stored: list[str], page: str) -> None:
    for message in stored:
        found = IMPORT_ERRORS.match(message)
        assert found is not None and found.english() == message, message
        assert message not in page, message


@pytest.fixture
def reader(factory, sign_in):
    reader = sign_in(factory.user("Administrator", username="ada"))
    factory.user(username="emma")
    factory.yearly_certification(name="First Aid")
    factory.yearly_certification(name="Annual Inspection", type="asset")
    factory.role(name="Rigger")
    return reader


KINDS = [
    ("records", RECORD_FILE_HEADERS, [
        "emma,First Aid,,,,,",
        "ghost,Nothing,02/30/2026,,Pending,,",
        "emma,First Aid,01/01/2025,,Revoked,,",
        "emma,First Aid,01/02/2025,,Approved,Sold,",
    ], ["Introduzca la fecha de finalización.", "Nadie tiene el nombre de usuario o la dirección de correo ghost.",
        "Ese día no existe: 02/30/2026."]),
    ("person-requirements", REQUIREMENT_HEADERS, [
        ",,Yes,,,",
        "ghost,Nothing,maybe,Later,13/45/2026,",
        "emma,First Aid,Yes,Deferred,,",
    ], ["No hay nadie llamado ghost cuyos requisitos usted gestione."]),
    ("assignments", ("Role", "Company", "Certification"), [
        ",Nowhere Inc,Nothing",
        "Rigger,,First Aid",
    ], ["No hay ninguna empresa llamada Nowhere Inc: añádala primero."]),
    ("entities", ENTITY_HEADERS, [
        "Boat,,,,,ghost,,",
        "Asset,Forklift,FL-01,,,,First Aid,First Aid",
        "Client,Harbor,CL-1,,,,Annual Inspection,Annual Inspection",
    ], ["First Aid la tienen las personas, no los activos.", "Annual Inspection la tienen los activos, no los clientes."]),
    ("job-location-sites", SITE_HEADERS, [
        ",,emma",
        "JL-9,Annual Inspection,ghost",
    ], ["Annual Inspection la tienen los activos, no las personas: elija una certificación Employee."]),
    ("people", PEOPLE_HEADERS, [
        ",bad,,,,,Nowhere,,Astronauts,Astronaut,maybe",
        f"sam,sam@example.com,Sam,Lee,,{LONG_TITLE},,,,Rigger (training until 02/30/2027),Yes",
    ], ["El campo «job title» tiene más de 120 caracteres.", "Rigger: Ese día no existe: 02/30/2027."]),
]


@pytest.mark.parametrize("kind, headers, rows, shown", KINDS, ids=[kind for kind, *_ in KINDS])
def test_each_kind_s_row_errors_are_stored_in_english_and_shown_in_spanish(frozen_clock, client, csrf, reader, kind,
                                                                          headers, rows, shown):
    stored, page = _stored_and_shown(client, csrf, kind, headers, rows, reader)
    assert len(stored) >= len(rows), stored
    _each_read_back_and_none_shown_in_english(stored, page)
    for text in shown:
        assert text in page, text


def test_an_entity_record_s_association_and_type_refusals_are_shown_in_spanish(frozen_clock, client, csrf, reader, factory):
    forklift = factory.entity("asset", name="Forklift", identifier="FL-01")
    factory.associate(forklift, factory.yearly_certification(name="Registration", type="asset"))
    factory.associate(forklift, factory.yearly_certification(name="Load Test", type="asset"),
                      revoked_at=REVOKED, revoked_reason="Sold")
    stored, page = _stored_and_shown(client, csrf, "entity-records", RECORD_HEADERS, [
        "Asset,FL-01,Registration,01/01/2025,,Revoked,Sold,",
        "Asset,FL-01,Load Test,01/01/2025,,Recorded,,",
        "Asset,FL-01,Annual Inspection,01/01/2025,,Recorded,,",
        "Asset,FL-01,Annual Inspection,01/01/2024,,Revoked,Sold,",
        "Asset,FL-01,First Aid,01/01/2025,,,,",
        "Client,CL-9,First Aid,01/01/2025,,,,",
        "Job Location,,First Aid,01/01/2025,,,,",
    ], reader)
    assert set(stored) >= {
        "Registration is not revoked for this asset: an import does not revoke it (revoke it on its page, with its "
        "reason).",
        "Load Test is revoked for this asset: an import does not restore it.",
        "Row 4 gives this asset's Annual Inspection another status or revocation reason: the records of one "
        "association are all revoked, for one reason, or none is.",
        "First Aid is held by people, not by assets.",
        "There is no client with the identifier CL-9.",
        "Enter the job location's identifier.",
    }
    _each_read_back_and_none_shown_in_english(stored, page)
    for text in ("Registration no está revocada para este activo: una importación no la revoca (revóquela en su página, "
                 "con su motivo).",
                 "Load Test está revocada para este activo: una importación no la restablece.",
                 "La fila 4 da a Annual Inspection de este activo otro estado u otro motivo de revocación",
                 "First Aid la tienen las personas, no los activos."):
        assert text in page, text


@pytest.mark.parametrize(("content", "spanish"), [
    (",,\r\n", "El archivo no tiene fila de encabezados."),
    ("\x00\x01\x02binary", "No es un archivo de texto: guarde la hoja de cálculo como CSV o .xlsx."),
])
def test_a_file_refused_whole_is_said_in_the_readers_language(client, csrf, reader, content, spanish):
    response = upload(client, csrf, content, kind="records", filename="records.csv")
    assert response.status_code == 303, response.get_data(as_text=True)
    job = latest_job()
    db.session.refresh(job)
    assert IMPORT_ERRORS.match(job.message).english() == job.message
    reader.language = "es"
    db.session.commit()
    page = html.unescape(client.get(f"/data/imports/{job.id}").get_data(as_text=True))
    assert spanish in page and job.message not in page
