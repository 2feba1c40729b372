"""Which language a page speaks: the person's choice in My Account, the organisation's default in Settings,
the browser's Accept-Language; and each kept public page is kept per language."""
import re

import pytest

from webapp.extensions import db
from webapp.models import User
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
