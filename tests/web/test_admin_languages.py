"""The administrator's and supervisor's pages in Spanish and French (issue 23, part 1): Certifications, a
user's details, Reports and Pending Approvals speak the person's language and write dates in its format;
the human report CSV has its header in that language, while the import/export files keep theirs (decision 89)."""
import csv
import io
from datetime import date

import pytest

from webapp.services.import_kinds import IMPORT_KINDS

# What each page says, and the date it shows, in each language: dates day first in Spanish and French.
PAGES = {
    "es": {
        "certifications": ("Crear certificación", "No vence nunca", "1 certificación."),
        "detail": ("Información de la certificación", "Completada hoy (15/06/2026)"),
        "user": ("Requisitos pendientes", "Certificación enviada para aprobación", "01/06/2026", "04/05/2026"),
        "reports": ("Exportar todo", "2 requisitos mostrados para las personas 1 a 2 de 2.", "Cualquier rol", "04/05/2026"),
        "pending": ("Aprobaciones pendientes", "Aprobar seleccionadas", "01/06/2026"),
        "csv": ["Apellidos", "Nombre", "Nombre de usuario", "Empresa", "Certificación", "Requerida por", "Estado",
                "Pendiente de aprobación", "Completada", "Vence", "Días restantes"],
    },
    "fr": {
        "certifications": ("Créer une certification", "N’expire jamais", "1 certification."),
        "detail": ("Informations sur la certification", "Obtenue aujourd’hui (15/06/2026)"),
        "user": ("Exigences en attente", "Certification soumise pour approbation", "01/06/2026", "04/05/2026"),
        "reports": ("Tout exporter", "2 exigences affichées pour les personnes 1 à 2 sur 2.", "Tout rôle", "04/05/2026"),
        "pending": ("Approbations en attente", "Approuver la sélection", "01/06/2026"),
        "csv": ["Nom", "Prénom", "Nom d’utilisateur", "Entreprise", "Certification", "Exigée par", "Statut",
                "En attente d’approbation", "Obtenue", "Expire", "Jours restants"],
    },
}


@pytest.fixture
def team(factory, frozen_clock):
    """An administrator who supervises Wanda, whose Forklift (completed 06/01/2026) waits for approval and whose
    Ladder was completed 05/04/2026 (4 May)."""
    admin = factory.user("Administrator", first_name="Ada", last_name="Admin")
    worker = factory.user(supervisors=[admin], first_name="Wanda", last_name="Worker")
    forklift, ladder = factory.yearly_certification(name="Forklift"), factory.yearly_certification(name="Ladder")
    factory.require(worker, forklift)
    factory.require(worker, ladder)
    factory.record(worker, forklift, date(2026, 6, 1), status="pending")
    factory.record(worker, ladder, date(2026, 5, 4))
    return admin, worker, forklift


def _page(client, url, language):
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}"' in page
    return page


# Each page: where it is (from the team fixture's people and certification), and English it no longer says.
URLS = {
    "certifications": (lambda worker, forklift: "/certifications/?q=Induction", "Create Certification"),
    "detail": (lambda worker, forklift: f"/certifications/{forklift.id}", "06/15/2026"),
    "user": (lambda worker, forklift: f"/people/{worker.id}/certifications", "Outstanding Requirements"),
    "reports": (lambda worker, forklift: "/reports/", "05/04/2026"),
    "pending": (lambda worker, forklift: "/submissions/pending", "Pending Approvals"),
}


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("name", list(URLS))
def test_the_page_speaks_the_language_and_writes_its_dates(client, sign_in, factory, team, name, language):
    admin, worker, forklift = team
    factory.certification(name="Induction")  # never expires
    sign_in(admin)
    url, english = URLS[name]
    page = _page(client, url(worker, forklift), language)
    assert [text for text in PAGES[language][name] if text not in page] == []
    assert english not in page and "06/01/2026" not in page


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_report_csv_speaks_the_language(client, sign_in, team, language):
    sign_in(team[0])
    export = client.get("/reports/export.csv?all=1", headers={"Accept-Language": language})
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == PAGES[language]["csv"]
    assert [row[7] for row in rows[1:]] == (["Sí", "No"] if language == "es" else ["Oui", "Non"])


def test_english_stays_as_it_was(client, sign_in, team):
    admin, worker, _ = team
    sign_in(admin)
    page = _page(client, f"/people/{worker.id}/certifications", "en")
    assert "Outstanding Requirements" in page and "06/01/2026" in page and "05/04/2026" in page


@pytest.mark.parametrize("language", ["es", "fr"])
def test_import_and_export_files_keep_their_english_columns(client, sign_in, team, language):
    """Decision 89: the data files are an interchange format, the same in every language, so a file exported
    in Spanish imports in French."""
    admin, _, _ = team
    sign_in(admin)
    english = client.get("/data/certifications/export.csv", headers={"Accept-Language": "en"}).get_data(as_text=True)
    spoken = client.get("/data/certifications/export.csv", headers={"Accept-Language": language})
    assert spoken.status_code == 200 and spoken.get_data(as_text=True).splitlines()[0] == english.splitlines()[0]
    assert next(csv.reader([english.splitlines()[0].lstrip("\ufeff")])) == list(IMPORT_KINDS["certifications"].headers)
