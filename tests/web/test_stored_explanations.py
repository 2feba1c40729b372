"""A record's expiration explanation ("why?") is stored in English when the record is written; a reader whose
language is Spanish or French sees it in theirs, its dates in their order and its counts in their plural forms,
on My Certifications and in a person's history; a text the rules never wrote is shown as written (decision 111)."""
import html
from datetime import date

import pytest

from webapp.extensions import db

HX = {"HX-Request": "true"}
# Written before the pages were translated: the refresher settings, extended to the end of the month.
OLD = ("03/31/2028 = completed 03/05/2026 + 2 years = 03/05/2028, extended to the end of the month, with the "
       "refresher settings")
TRANSLATED = {
    "en": OLD,
    "es": "31/03/2028 = completada el 05/03/2026 + 2 años = 05/03/2028, extendido hasta fin de mes, con la "
          "configuración de repaso",
    "fr": "31/03/2028 = obtenue le 05/03/2026 + 2 ans = 05/03/2028, prolongé jusqu’à la fin du mois, avec les "
          "paramètres de remise à niveau",
}
TYPED = "01/31/2029 set by Sam Boss (the rules give 03/05/2027 = completed 03/05/2026 + 1 year)"
TYPED_TRANSLATED = {
    "es": "31/01/2029 fijada por Sam Boss (las reglas dan 05/03/2027 = completada el 05/03/2026 + 1 año)",
    "fr": "31/01/2029 fixée par Sam Boss (les règles donnent 05/03/2027 = obtenue le 05/03/2026 + 1 an)",
}


@pytest.fixture
def on_file(frozen_clock, factory):
    """Emma, supervised by Sam, with a Forklift record whose explanation an older version wrote."""
    supervisor = factory.user("Supervisor", first_name="Sam", last_name="Boss")
    emma = factory.user(first_name="Emma", supervisors=[supervisor])
    forklift = factory.yearly_certification(name="Forklift")
    factory.require(emma, forklift)
    factory.record(emma, forklift, date(2026, 3, 5), expires_on=date(2028, 3, 31), expiration_explanation=OLD)
    return supervisor, emma, forklift


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_my_certification_page_shows_the_stored_explanation_in_the_reader_s_language(client, sign_in, on_file,
                                                                                     language):
    _, emma, forklift = on_file
    emma.language = language
    db.session.commit()
    sign_in(emma)
    page = client.get(f"/my/certifications/{forklift.id}").get_data(as_text=True)
    assert f"<p>{html.escape(TRANSLATED[language], quote=False)}</p></details>" in page
    if language != "en":
        assert OLD not in page


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_person_s_history_shows_typed_and_rules_explanations_translated_and_others_as_written(
        client, sign_in, factory, on_file, language):
    supervisor, emma, forklift = on_file
    factory.record(emma, forklift, date(2026, 1, 5), expires_on=date(2029, 1, 31), expiration_explanation=TYPED)
    factory.record(emma, forklift, date(2025, 1, 5), expires_on=date(2026, 1, 5),
                   expiration_explanation="Expiry agreed with the client")
    supervisor.language = language
    db.session.commit()
    sign_in(supervisor)
    history = client.get(f"/people/{emma.id}/history/{forklift.id}", headers=HX).get_data(as_text=True)
    assert f"<dd>{html.escape(TRANSLATED[language], quote=False)}</dd>" in history
    assert f"<dd>{html.escape(TYPED_TRANSLATED[language], quote=False)}</dd>" in history
    assert "<dd>Expiry agreed with the client</dd>" in history
    assert OLD not in history and "set by" not in history
