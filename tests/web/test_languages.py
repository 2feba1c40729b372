"""Which language a page speaks: the person's choice in My Account, the organisation's default in Settings,
the browser's Accept-Language; and each kept public page is kept per language."""
import re
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from webapp.extensions import db
from webapp.i18n import import_error, kind_count, plural, translated
from webapp.models import Certificate, Notice, User
from webapp.rules.messages import Counted
from webapp.services.approvals import approve_submission
from webapp.services.compliance import load_user_requirements
from webapp.services.settings import organisation_language, update_organisation_language


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def _profile(client, csrf, person, **fields):
    return client.post("/my/profile", content_type="multipart/form-data", data={
        "csrf_token": csrf(), "first_name": person.first_name, "last_name": person.last_name, **fields})


@pytest.mark.parametrize("accepted, expected", [
    ("es-MX,es;q=0.9,en;q=0.8", "es"),
    ("de-DE, fr-CA;q=0.8, es;q=0.5", "fr"),
    ("en-GB", "en"),
    ("de, it", "en"),
    ("", "en"),
    ("fr;q=0.2, es;q=0.9", "es"),  # the browser's order of preference, not the header's
])
def test_signed_out_pages_follow_the_browser(client, app_context, accepted, expected):
    assert _lang(client.get("/auth/login", headers={"Accept-Language": accepted})) == expected


def test_a_person_chooses_their_language_in_my_account(client, csrf, factory, sign_in, frozen_clock):
    person = sign_in(factory.user(first_name="Emma", last_name="Stone"))
    page = client.get("/my/profile", headers={"Accept-Language": "es"})
    assert _lang(page) == "es" and "Français" in page.get_data(as_text=True)
    response = _profile(client, csrf, person, language="fr")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).language == "fr"
    page = client.get("/my/profile", headers={"Accept-Language": "es"})
    assert _lang(page) == "fr" and "Vos informations sont enregistrées." in page.get_data(as_text=True)
    _profile(client, csrf, person, language="")
    assert _lang(client.get("/my/profile", headers={"Accept-Language": "es"})) == "es"


def test_an_unknown_language_is_refused_and_changes_nothing(client, csrf, factory, sign_in, frozen_clock):
    person = sign_in(factory.user(first_name="Emma", last_name="Stone", language="es"))
    response = _profile(client, csrf, person, first_name="Changed", language="de")
    # WTForms says its own messages in the page's language.
    assert response.status_code == 422 and "Opción inválida." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(User, person.id).language, db.session.get(User, person.id).first_name) == ("es", "Emma")


def test_the_organisation_default_comes_before_the_browser_and_after_the_person(client, csrf, factory, sign_in,
                                                                               frozen_clock):
    admin = sign_in(factory.user("Administrator"))
    page = client.get("/settings/module-settings/language")
    assert page.status_code == 200 and "browser decides" in page.get_data(as_text=True)
    bad = client.post("/settings/module-settings/language", data={"csrf_token": csrf(), "language": "xx"})
    assert bad.status_code == 422 and organisation_language() == ""
    done = client.post("/settings/module-settings/language", data={"csrf_token": csrf(), "language": "es"})
    assert done.status_code == 302 and organisation_language() == "es"
    settings = client.get("/settings/module-settings", headers={"Accept-Language": "fr"})
    assert _lang(settings) == "es" and "Español" in settings.get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": csrf()})
    assert _lang(client.get("/auth/login", headers={"Accept-Language": "fr"})) == "es"
    sign_in(factory.user(language="fr"))
    assert _lang(client.get("/my/profile", headers={"Accept-Language": "es"})) == "fr"
    assert admin.language == ""


def test_a_kept_public_page_is_kept_per_language(client, factory, frozen_clock, count_queries):
    admin = factory.user("Administrator")
    worker = factory.user(first_name="Wanda")
    pages = {}
    for language in ("es", "fr", "es"):
        response = client.get(f"/r/{worker.qr_token}", headers={"Accept-Language": language})
        assert _lang(response) == language and "Accept-Language" in response.headers["Vary"]
        pages.setdefault(language, response.get_data())
    with count_queries() as queries:
        assert client.get(f"/r/{worker.qr_token}", headers={"Accept-Language": "fr"}).get_data() == pages["fr"]
    assert len(queries) == 1
    update_organisation_language(admin, "en")
    assert _lang(client.get(f"/r/{worker.qr_token}", headers={"Accept-Language": "fr"})) == "en"


# --- What a person reads in Spanish and French ------------------------------------------------

WORDS = {
    "es": {"title": "Mis certificaciones", "valid": "Válida", "why": "Válida hasta el 04/03/2027: completada el 04/03/2026",
           "expired": "Vencida", "report": "Informe de funciones y certificaciones", "sign_in": "Iniciar sesión",
           "identifier": "Usuario o correo electrónico",
           "wrong": "Usuario, correo o contraseña incorrectos, o la cuenta está inactiva.",
           "subject": "Certificación aprobada: Forklift", "body": "(completada el 04/03/2026, vence el 04/03/2027)",
           "certificate": "Certificado de finalización"},
    "fr": {"title": "Mes certifications", "valid": "Valide", "why": "Valide jusqu’au 04/03/2027 : obtenue le 04/03/2026",
           "expired": "Expirée", "report": "Rapport des rôles et certifications", "sign_in": "Se connecter",
           "identifier": "Nom d’utilisateur ou e-mail",
           "wrong": "Nom d’utilisateur, e-mail ou mot de passe incorrect, ou compte inactif.",
           "subject": "Certification approuvée : Forklift", "body": "(obtenue le 04/03/2026, expire le 04/03/2027)",
           "certificate": "Certificat de réussite"},
}


@pytest.fixture
def crew(factory, frozen_clock):
    worker = factory.user(first_name="Wanda", last_name="Worker")
    forklift = factory.yearly_certification(name="Forklift")
    first_aid = factory.yearly_certification(name="First Aid")
    factory.require(worker, forklift)
    factory.require(worker, first_aid)
    factory.record(worker, forklift, date(2026, 3, 4))
    factory.record(worker, first_aid, date(2025, 1, 2))
    return worker, forklift


@pytest.mark.parametrize("language", ["es", "fr"])
def test_my_certifications_in_the_person_s_language(client, sign_in, crew, language):
    worker, _forklift = crew
    worker.language = language
    db.session.commit()
    sign_in(worker)
    page = client.get("/my/certifications", headers={"Accept-Language": "en"}).get_data(as_text=True)
    words = WORDS[language]
    assert f'<html lang="{language}"' in page and f"<h1>{words['title']}</h1>" in page
    assert words["valid"] in page and words["expired"] in page and words["why"] in page
    # Dates in the locale's order, day first: never the English 03/04/2027.
    assert "04/03/2027" in page and "03/04/2027" not in page


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_qr_report_in_the_browser_s_language(client, crew, language):
    worker, _forklift = crew
    page = client.get(f"/r/{worker.qr_token}", headers={"Accept-Language": f"{language}-CA,en;q=0.5"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f'<html lang="{language}"' in text
    assert WORDS[language]["report"] in text and "04/03/2027" in text and "03/04/2027" not in text


@pytest.mark.parametrize("language", ["es", "fr"])
def test_sign_in_in_the_browser_s_language(client, csrf, factory, language):
    factory.user(username="wanda")
    headers = {"Accept-Language": language}
    page = client.get("/auth/login", headers=headers).get_data(as_text=True)
    assert WORDS[language]["sign_in"] in page and WORDS[language]["identifier"] in page
    refused = client.post("/auth/login", headers=headers,
                          data={"csrf_token": csrf(), "identifier": "wanda", "password": "not the password"})
    assert refused.status_code == 422 and WORDS[language]["wrong"] in refused.get_data(as_text=True)


@pytest.mark.parametrize("language", ["es", "fr"])
def test_an_e_mail_and_its_certificate_are_in_the_recipient_s_language_not_the_request_s(
        app, factory, crew, language):
    worker, forklift = crew
    worker.language = language
    forklift.generate_certificate_on_approval = True
    supervisor = factory.user("Supervisor")
    pending = factory.record(worker, forklift, date(2026, 3, 4), status="pending", expires_on=date(2027, 3, 4))
    # The supervisor approves from an English page: the worker still reads their own language.
    with app.test_request_context(headers={"Accept-Language": "en"}):
        approve_submission(pending, supervisor)
    mail = db.session.scalars(select(Notice).where(Notice.kind == "approved")).one()
    assert mail.subject == WORDS[language]["subject"]
    assert WORDS[language]["body"] in mail.body_text and WORDS[language]["body"] in mail.body_html
    assert f'<html lang="{language}">' in mail.body_html
    certificate = db.session.scalars(select(Certificate)).one()
    assert certificate.attachment.name.startswith(WORDS[language]["certificate"])


@pytest.mark.parametrize("language, one, two, million", [
    ("en", "1 year", "2 years", "1000000 years"),
    ("es", "1 año", "2 años", "1000000 de años"),
    ("fr", "1 an", "2 ans", "1000000 d’ans"),
])
def test_counts_take_each_language_s_plural_forms(app, language, one, two, million):
    with app.test_request_context(), force_locale(language):
        assert [plural(n, "years") for n in (1, 2, 1_000_000)] == [one, two, million]
        assert translated(Counted(0, "days")).startswith("0 ")


def test_a_rule_s_message_in_english_reads_as_its_english_sentence(app, factory, crew):
    """The message ids and their parts rebuild the very sentence the rules wrote before (decision 85)."""
    worker, _forklift = crew
    diving = factory.yearly_certification(name="Diving")
    factory.require(worker, diving)
    factory.setting(worker, diving, "deferred", deferred_until=date(2026, 9, 1), notes="Waiting for a course date")
    requirements = load_user_requirements(worker, date(2026, 6, 15))
    with app.test_request_context(), force_locale("en"):
        for requirement in requirements:
            assert translated(requirement.status.why) == requirement.status.explanation
    with app.test_request_context(), force_locale("es"):
        deferred = next(r.status for r in requirements if r.certification.id == diving.id)
        assert translated(deferred.why) == ("Aplazada hasta el 01/09/2026 (quedan 78 días); después, Sin registro. "
                                            "Notas: Waiting for a course date")


@pytest.mark.parametrize("language, written", [
    ("en", "This record is in the file twice (also row 7)."),
    ("es", "Este registro está dos veces en el archivo (también en la fila 7)."),
    ("fr", "Cet enregistrement figure deux fois dans le fichier (aussi ligne 7)."),
])
def test_an_import_s_stored_row_error_is_shown_in_the_reader_s_language(app, language, written):
    """Written in English by the background job, translated where the preview shows it (decision 103)."""
    with app.test_request_context(), force_locale(language):
        assert import_error("This record is in the file twice (also row 7).") == written
        assert import_error("A problem no message wrote.") == "A problem no message wrote."


@pytest.mark.parametrize("language, kinds", [
    ("es", ("1 activo", "2 clientes", "3 ubicaciones de trabajo", "1000000 de activos")),
    ("fr", ("1 équipement", "2 clients", "3 lieux de travail", "1000000 d’équipements")),
])
def test_entities_are_counted_with_each_language_s_plural_forms(app, language, kinds):
    with app.test_request_context(), force_locale(language):
        assert (kind_count("asset", 1), kind_count("client", 2), kind_count("location", 3),
                kind_count("asset", 1_000_000)) == kinds
