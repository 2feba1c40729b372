"""Which language a person sees: their own choice, the organisation's default, then the browser's."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules.languages import LANGUAGES, check_language, choose_language


@pytest.mark.parametrize("chosen, organisation, accepted, expected", [
    ("fr", "es", ["en"], "fr"),  # the person's own choice wins
    ("", "es", ["fr"], "es"),  # automatic: the organisation's default
    ("", "", ["fr-CA", "es"], "fr"),  # then the browser's first language FieldCert speaks
    (None, "", ["de-DE", "es-MX", "fr"], "es"),
    ("", "", ["de", "it"], "en"),  # nothing spoken: English
    ("", "", [], "en"),
    ("", "", ["*"], "en"),
    ("", "", ["FR_fr"], "fr"),
    ("de", "xx", ["es"], "es"),  # a stored language no longer spoken is passed over
])
def test_choose_language(chosen, organisation, accepted, expected):
    assert choose_language(chosen, organisation, accepted) == expected


@given(st.sampled_from(("", *LANGUAGES, "de", None)), st.sampled_from(("", *LANGUAGES, "pt", None)),
       st.lists(st.text(max_size=12), max_size=5))
def test_the_choice_is_always_a_spoken_language_and_a_person_s_own_wins(chosen, organisation, accepted):
    language = choose_language(chosen, organisation, accepted)
    assert language in LANGUAGES
    if chosen in LANGUAGES:
        assert language == chosen


@pytest.mark.parametrize("language", ["", "en", "es", "fr"])
def test_automatic_and_each_spoken_language_are_allowed(language):
    assert check_language(language) == language


@pytest.mark.parametrize("language", ["de", "EN", " es", "es-MX", "english"])
def test_anything_else_is_refused(language):
    with pytest.raises(ValueError, match="language"):
        check_language(language)
