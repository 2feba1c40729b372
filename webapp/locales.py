"""The person's locale: how they read and type dates, and which way their pages read.

The page's language is Flask-Babel's (the person's choice in My Account, the organisation's default,
else the browser's Accept-Language); the browser's tag adds the region when it asks for that same
language (en-GB: English with the day first). American English outside a request (the scheduler, the
command line).
"""
from babel import Locale
from flask import g, has_request_context, request
from flask_babel import get_locale

DEFAULT_LOCALE = "en_US"
# Accept-Language tags FieldCert reads dates for; plain "en" is American English, as before.
KNOWN_LOCALES = {"en-US": "en_US", "en-GB": "en_GB", "en": "en_US", "es": "es", "fr": "fr"}


def person_locale() -> Locale:
    """The reader's locale, worked out once a request for each language the request speaks in (a page
    writes dozens of dates; a mail forced into a recipient's language gets that language's)."""
    language = get_locale() if has_request_context() else None
    if language is None:
        return Locale.parse(DEFAULT_LOCALE)
    known = g.setdefault("person_locales", {})
    if language not in known:
        known[language] = _locale_for(language)
    return known[language]


def _locale_for(language: Locale) -> Locale:
    best = request.accept_languages.best_match(KNOWN_LOCALES)
    if best and Locale.parse(KNOWN_LOCALES[best]).language == language.language:
        return Locale.parse(KNOWN_LOCALES[best])
    return Locale.parse(KNOWN_LOCALES.get(language.language, language.language))


def text_direction() -> str:
    """`rtl` for a right-to-left language (none ships yet), else `ltr`: the page's `<html dir>`."""
    return person_locale().text_direction
