"""The person's locale: how they type dates, and which way their pages read.

Flask-Babel's locale once it is set up (its selector: the person's choice in My Account, else
the browser's Accept-Language); before that, the browser's Accept-Language among the locales
FieldCert knows, and American English outside a request (the scheduler, the command line).
"""
from babel import Locale
from flask import current_app, has_request_context, request
from flask_babel import get_locale

DEFAULT_LOCALE = "en_US"
# Accept-Language tags FieldCert reads dates for; plain "en" is American English, as before.
KNOWN_LOCALES = {"en-US": "en_US", "en-GB": "en_GB", "en": "en_US", "es": "es", "fr": "fr"}


def person_locale() -> Locale:
    if "babel" in current_app.extensions:
        return get_locale() or Locale.parse(DEFAULT_LOCALE)
    if has_request_context():
        best = request.accept_languages.best_match(KNOWN_LOCALES)
        if best:
            return Locale.parse(KNOWN_LOCALES[best])
    return Locale.parse(DEFAULT_LOCALE)


def text_direction() -> str:
    """`rtl` for a right-to-left locale (none ships yet), else `ltr`: the page's `<html dir>`."""
    return person_locale().text_direction
